#include "analysis/match/shortlist.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <unordered_map>

#include "analysis/match/candidates.h"
#include "analysis/match/hash_index.h"

namespace sightline::analysis::match {

namespace sv = signals::visual;

namespace {

using PairSet = std::set<std::pair<int, int>>;

void AddPair(int i, int j, PairSet* pairs) {
  if (i != j) pairs->insert({std::min(i, j), std::max(i, j)});
}

// Pairs with any PDQ frame pair within the radius, in any class that match.h compares.
PairSet PdqPairs(const std::vector<const sv::MatchSignature*>& sigs, const ShortlistOptions& o) {
  HashIndex index;
  index.DeferIndexing(true);
  for (std::size_t i = 0; i < sigs.size(); ++i) {
    if (!sigs[i]) continue;
    std::vector<HashFrame> rows;
    for (const sv::SignatureFrame& f : sigs[i]->frames) {
      if (f.full_quality >= o.pdq_min_quality) rows.push_back({f.t, f.full[0]});
      if (!f.box.IsFull() && f.content_quality >= o.pdq_min_quality) {
        rows.push_back({f.t, f.content[0]});
      }
    }
    index.Insert(static_cast<std::int64_t>(i), rows);
  }
  index.DeferIndexing(false);
  PairSet pairs;
  for (std::size_t i = 0; i < sigs.size(); ++i) {
    if (!sigs[i]) continue;
    // The whole frame's variants reach a stored content box too: without bars they are equal.
    std::vector<Hash256> queries;
    for (const sv::SignatureFrame& f : sigs[i]->frames) {
      for (int d = 0; d < sv::kPdqDihedralCount; ++d) {
        if (f.full_quality >= o.pdq_min_quality) queries.push_back(f.full[d]);
        if (!f.box.IsFull() && f.content_quality >= o.pdq_min_quality) {
          queries.push_back(f.content[d]);
        }
      }
    }
    if (queries.empty()) continue;
    auto hits = index.Query(queries, o.pdq_radius);
    if (!hits.ok()) continue;  // only for a radius out of range, which options cannot give
    for (const HashHit& h : *hits) AddPair(static_cast<int>(i), static_cast<int>(h.id), &pairs);
  }
  return pairs;
}

// Pairs with a frame pair that shares enough close ORB descriptors.
PairSet OrbPairs(const std::vector<const sv::MatchSignature*>& sigs, const ShortlistOptions& o) {
  struct Ref {
    std::uint32_t clip, frame;  // frame: global ORB frame number
    const std::uint8_t* desc;
  };
  std::vector<Ref> refs;
  std::vector<std::size_t> first_ref(sigs.size() + 1, 0);
  std::uint32_t frame_number = 0;
  for (std::size_t i = 0; i < sigs.size(); ++i) {
    first_ref[i] = refs.size();
    if (!sigs[i]) continue;
    for (const sv::OrbFrame& f : sigs[i]->orb) {
      for (std::size_t p = 0; p < f.points.size(); ++p) {
        refs.push_back({static_cast<std::uint32_t>(i), frame_number, f.Descriptor(p)});
      }
      ++frame_number;
    }
  }
  first_ref[sigs.size()] = refs.size();
  PairSet pairs;
  if (refs.empty()) return pairs;
  constexpr int kTables = 16;
  auto key = [](const std::uint8_t* d, int t) {
    return d[2 * t] | (static_cast<std::uint32_t>(d[2 * t + 1]) << 8);
  };
  std::vector<std::uint32_t> offsets[kTables], ids[kTables];
  for (int t = 0; t < kTables; ++t) {
    offsets[t].assign(65537, 0);
    for (const Ref& r : refs) ++offsets[t][key(r.desc, t) + 1];
    for (int k = 0; k < 65536; ++k) offsets[t][k + 1] += offsets[t][k];
    std::vector<std::uint32_t> fill(offsets[t].begin(), offsets[t].end() - 1);
    ids[t].resize(refs.size());
    for (std::uint32_t id = 0; id < refs.size(); ++id) ids[t][fill[key(refs[id].desc, t)]++] = id;
  }
  std::vector<std::uint32_t> seen(refs.size(), 0);
  std::uint32_t stamp = 0;
  // Votes of one clip's frames: (its frame, the other frame) → descriptor pairs.
  std::unordered_map<std::uint64_t, int> votes;
  for (std::size_t i = 0; i < sigs.size(); ++i) {
    votes.clear();
    for (std::size_t q = first_ref[i]; q < first_ref[i + 1]; ++q) {
      const Ref& query = refs[q];
      ++stamp;
      for (int t = 0; t < kTables; ++t) {
        const std::uint32_t k = key(query.desc, t);
        const std::uint32_t begin = offsets[t][k], end = offsets[t][k + 1];
        if (end - begin > static_cast<std::uint32_t>(o.orb_max_bucket)) continue;
        for (std::uint32_t e = begin; e < end; ++e) {
          const std::uint32_t id = ids[t][e];
          // Each pair of clips once: from the earlier clip's side.
          if (refs[id].clip <= i || seen[id] == stamp) continue;
          seen[id] = stamp;
          if (Hamming256(query.desc, refs[id].desc) > o.orb_max_distance) continue;
          const std::uint64_t frame_pair = (std::uint64_t{query.frame} << 32) | refs[id].frame;
          if (++votes[frame_pair] == o.orb_min_votes) {
            AddPair(static_cast<int>(i), static_cast<int>(refs[id].clip), &pairs);
          }
        }
      }
    }
  }
  return pairs;
}

}  // namespace

std::vector<std::pair<int, int>> Shortlist(const std::vector<const sv::MatchSignature*>& sigs,
                                           const ShortlistOptions& options, ShortlistStats* stats) {
  const PairSet pdq = PdqPairs(sigs, options);
  const PairSet orb = OrbPairs(sigs, options);
  PairSet all = pdq;
  all.insert(orb.begin(), orb.end());
  if (stats) {
    std::size_t n = 0;
    for (const auto* s : sigs) n += s != nullptr;
    stats->pairs_total = n * (n - (n > 0)) / 2;
    stats->pdq_pairs = pdq.size();
    stats->orb_pairs = orb.size();
  }
  return {all.begin(), all.end()};
}

}  // namespace sightline::analysis::match
