// A case's frame-hash index: the PDQ hashes of every picture item's sampled frames, in one
// analysis/match/hash_index.h file under derived/index/, so that "which items contain any of
// these frames" is answered without reading every item's signature (doc/hash-index.md).
//
// What is indexed: per item (id = the item id), the PDQ of each sampled frame of its match
// signature, whole frame and content box (when bars were found), of PDQ quality 50 or more (flat
// frames match everything). Lookups try the 8 dihedral variants of each query frame, so mirrored
// and rotated copies are found too.
//
// Like all derived data it is rebuildable: a missing or damaged file is rebuilt from the stored
// signatures by the next `sightline match --case`. It is kept up to date incrementally (Append).
//
// Thread safety: none; one writer per case (the case's own lock serialises commands that write).
#ifndef SIGHTLINE_EVIDENCE_FRAME_INDEX_H_
#define SIGHTLINE_EVIDENCE_FRAME_INDEX_H_

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/match/hash_index.h"
#include "base/status.h"
#include "signals/visual/match_signature.h"

namespace sightline::evidence {

class Case;

struct FrameIndexHit {
  std::int64_t item_id = 0;
  int frames = 0;                  // query frames with a hit in the item
  int best_distance = 0;           // bits, 0..256
  double query_t = 0, item_t = 0;  // the closest frame pair
};

// The rows indexed for `sig`: (t, PDQ) of each sampled frame's whole picture and of its content
// box (when bars were found), of PDQ quality CaseFrameIndex::kMinQuality or more.
std::vector<analysis::match::HashFrame> IndexedFrames(const signals::visual::MatchSignature& sig);
// The hashes to look up for `sig`: the 8 dihedral variants of every indexed frame, and the time
// of the frame each came from.
void QueryFrames(const signals::visual::MatchSignature& sig,
                 std::vector<analysis::match::Hash256>* hashes, std::vector<double>* times);
// Hits of a lookup of QueryFrames (times `query_t`) gathered per item, most frames first.
std::vector<FrameIndexHit> HitsByItem(const std::vector<analysis::match::HashHit>& hits,
                                      const std::vector<double>& query_t);

class CaseFrameIndex {
 public:
  static constexpr int kMinQuality = 50;

  // Loads derived/index/match_frames.slhi of `c`; an empty index when there is none, or when the
  // file is damaged or was made for other signatures (its tag differs): `rebuilt()` then says
  // the file will be replaced on Save.
  static Result<CaseFrameIndex> Open(const Case& c, const std::string& signature_params);

  bool Contains(std::int64_t item_id) const { return index_.Contains(item_id); }
  // Adds an item's frames (nothing when already present).
  void Add(std::int64_t item_id, const signals::visual::MatchSignature& sig);
  // Writes what changed: appended to the file, or a new file when it had to be rebuilt.
  Status Save();

  // Items with a frame within `radius` bits of any frame of `sig` (in any dihedral variant),
  // most frames first.
  Result<std::vector<FrameIndexHit>> Lookup(const signals::visual::MatchSignature& sig,
                                            int radius) const;

  std::size_t frames() const { return index_.size(); }
  bool rebuilt() const { return rebuild_; }
  const std::string& path() const { return path_; }

 private:
  analysis::match::HashIndex index_;
  std::string path_;
  bool rebuild_ = false;
};

}  // namespace sightline::evidence

#endif  // SIGHTLINE_EVIDENCE_FRAME_INDEX_H_
