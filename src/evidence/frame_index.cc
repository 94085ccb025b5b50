#include "evidence/frame_index.h"

#include <algorithm>
#include <map>
#include <set>

#include "base/file.h"
#include "evidence/case.h"

namespace sightline::evidence {

namespace am = analysis::match;
namespace sv = signals::visual;

Result<CaseFrameIndex> CaseFrameIndex::Open(const Case& c, const std::string& signature_params) {
  CaseFrameIndex out;
  out.path_ = JoinPath(c.dir(), "derived/index/match_frames.slhi");
  const std::uint64_t tag = am::HashIndex::TagDigest(
      "match_frames v" + std::to_string(sv::kMatchSignatureVersion) + " " + signature_params);
  Result<am::HashIndex> loaded = am::HashIndex::Load(out.path_);
  if (loaded.ok() && loaded->tag() == tag) {
    out.index_ = std::move(*loaded);
  } else {
    // Missing, damaged, or made for other signatures: derived data, rebuilt from the signatures.
    out.rebuild_ = true;
    out.index_.set_tag(tag);
  }
  return out;
}

std::vector<am::HashFrame> IndexedFrames(const sv::MatchSignature& sig) {
  std::vector<am::HashFrame> rows;
  for (const sv::SignatureFrame& f : sig.frames) {
    if (f.full_quality >= CaseFrameIndex::kMinQuality) rows.push_back({f.t, f.full[0]});
    if (!f.box.IsFull() && f.content_quality >= CaseFrameIndex::kMinQuality) {
      rows.push_back({f.t, f.content[0]});
    }
  }
  return rows;
}

void QueryFrames(const sv::MatchSignature& sig, std::vector<am::Hash256>* hashes,
                 std::vector<double>* times) {
  for (const sv::SignatureFrame& f : sig.frames) {
    for (int d = 0; d < sv::kPdqDihedralCount; ++d) {
      if (f.full_quality >= CaseFrameIndex::kMinQuality) {
        hashes->push_back(f.full[d]);
        times->push_back(f.t);
      }
      if (!f.box.IsFull() && f.content_quality >= CaseFrameIndex::kMinQuality) {
        hashes->push_back(f.content[d]);
        times->push_back(f.t);
      }
    }
  }
}

std::vector<FrameIndexHit> HitsByItem(const std::vector<am::HashHit>& hits,
                                      const std::vector<double>& query_t) {
  std::map<std::int64_t, FrameIndexHit> by_item;
  std::map<std::int64_t, std::set<double>> frames_of;
  for (const am::HashHit& h : hits) {
    FrameIndexHit& r = by_item[h.id];
    const bool first = frames_of[h.id].empty();
    frames_of[h.id].insert(query_t[h.query]);
    if (first || h.distance < r.best_distance) {
      r.item_id = h.id;
      r.best_distance = h.distance;
      r.query_t = query_t[h.query];
      r.item_t = h.t;
    }
  }
  std::vector<FrameIndexHit> out;
  for (auto& [id, r] : by_item) {
    r.frames = static_cast<int>(frames_of[id].size());
    out.push_back(r);
  }
  std::sort(out.begin(), out.end(), [](const FrameIndexHit& x, const FrameIndexHit& y) {
    return x.frames != y.frames ? x.frames > y.frames : x.item_id < y.item_id;
  });
  return out;
}

void CaseFrameIndex::Add(std::int64_t item_id, const sv::MatchSignature& sig) {
  if (index_.Contains(item_id)) return;
  index_.Insert(item_id, IndexedFrames(sig));
}

Status CaseFrameIndex::Save() {
  if (rebuild_) {
    SL_RETURN_IF_ERROR(MakeDirs(DirName(path_)));
    SL_RETURN_IF_ERROR(index_.Save(path_));
    rebuild_ = false;
    return Status::Ok();
  }
  return index_.Append(path_);
}

Result<std::vector<FrameIndexHit>> CaseFrameIndex::Lookup(const sv::MatchSignature& sig,
                                                          int radius) const {
  std::vector<am::Hash256> queries;
  std::vector<double> query_t;
  QueryFrames(sig, &queries, &query_t);
  if (queries.empty()) return std::vector<FrameIndexHit>();
  SL_ASSIGN_OR_RETURN(std::vector<am::HashHit> hits, index_.Query(queries, radius));
  return HitsByItem(hits, query_t);
}

}  // namespace sightline::evidence
