#include "analysis/match/match_set.h"

#include <algorithm>
#include <set>

#include "analysis/match/candidates.h"
#include "base/parallel.h"

namespace sightline::analysis::match {

namespace {

// The pairs (a, b), a < b, whose clips carry one soundtrack.
std::map<std::pair<int, int>, SoundtrackMatch> MatchSounds(
    const std::vector<const signals::audio::AudioFingerprint*>& sounds, int threads) {
  std::vector<std::vector<std::pair<int, SoundtrackMatch>>> found(sounds.size());
  ParallelFor(sounds.size(), threads, [&](std::size_t b) {
    if (!sounds[b]) return;
    for (std::size_t a = 0; a < b; ++a) {
      if (!sounds[a]) continue;
      if (auto m = MatchSoundtracks(*sounds[a], *sounds[b])) {
        found[b].push_back({static_cast<int>(a), *m});
      }
    }
  });
  std::map<std::pair<int, int>, SoundtrackMatch> out;
  for (std::size_t b = 0; b < found.size(); ++b) {
    for (const auto& [a, m] : found[b]) out[{a, static_cast<int>(b)}] = m;
  }
  return out;
}

}  // namespace

MatchSet MatchAll(const std::vector<const signals::visual::MatchSignature*>& sigs,
                  const std::vector<const signals::audio::AudioFingerprint*>& sounds,
                  const MatchSetOptions& options) {
  MatchSet out;
  const int n = static_cast<int>(sigs.size());
  const bool lookup = !options.queries.empty();
  const auto is_query = [&](int i) {
    return static_cast<std::size_t>(i) < options.queries.size() && options.queries[i];
  };
  const auto in_scope = [&](int a, int b) { return !lookup || is_query(a) || is_query(b); };
  if (options.all_pairs) {
    for (int b = 0; b < n; ++b)
      for (int a = 0; a < b; ++a) out.compared.push_back({a, b});
    out.stats.pairs_total = out.compared.size();
  } else {
    out.compared = Shortlist(sigs, {}, &out.stats);
  }
  // The same soundtrack: compared whatever the pictures look like.
  if (!sounds.empty()) {
    std::set<std::pair<int, int>> listed(out.compared.begin(), out.compared.end());
    for (const auto& [p, m] : MatchSounds(sounds, options.threads)) {
      if (!in_scope(p.first, p.second)) continue;
      ++out.by_sound;
      out.sound[p] = m;
      if (listed.insert(p).second) out.compared.push_back(p);
    }
    if (!out.sound.empty()) std::sort(out.compared.begin(), out.compared.end());
  }
  if (lookup) {
    std::erase_if(out.compared,
                  [&](const std::pair<int, int>& p) { return !in_scope(p.first, p.second); });
    std::size_t queries = 0;
    for (int i = 0; i < n; ++i) queries += is_query(i);
    out.stats.pairs_total =
        queries * (sigs.size() - queries) + queries * (queries - (queries > 0)) / 2;
  }
  // partners[b]: the earlier clips to match clip b against. A worker takes a clip, indexes its
  // keypoints once, and matches its partners against it, the clips with the most pairs first.
  std::vector<std::vector<int>> partners(sigs.size());
  for (const auto& [a, b] : out.compared) partners[b].push_back(a);
  std::vector<std::vector<ComparedPair>> results(sigs.size());
  ParallelFor(sigs.size(), options.threads, [&](std::size_t k) {
    const std::size_t b = sigs.size() - 1 - k;
    if (partners[b].empty()) return;
    results[b].resize(partners[b].size());
    OrbIndex index(*sigs[b]);
    for (std::size_t p = 0; p < partners[b].size(); ++p) {
      ComparedPair& r = results[b][p];
      r.a = partners[b][p];
      r.b = static_cast<int>(b);
      MatchOptions mo;
      if (options.trace) mo.trace = &r.trace;
      r.match = MatchSignatures(*sigs[r.a], *sigs[b], index, mo);
    }
  });
  for (auto& per_b : results)
    for (auto& r : per_b) out.pairs.push_back(std::move(r));
  return out;
}

}  // namespace sightline::analysis::match
