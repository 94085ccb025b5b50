// Candidate frame pairs between two match signatures: the cheap first step of matching, tuned for
// recall (everything here is verified later, analysis/match/verify.h).
//
//  - PDQ: sampled-frame pairs whose hashes are within a Hamming radius, for each of the 16
//    classes (whole frame or content box × the 8 dihedral variants of A against B's original).
//    Each A frame keeps its nearest few B frames per class, so a static scene does not flood the
//    temporal voting.
//  - ORB: pairs of ORB frames sharing enough descriptor matches that a RANSAC homography (or,
//    failing that, a similarity) explains (Fischler & Bolles 1981, via OpenCV). Descriptors are
//    found through a multi-index hash of B's descriptors (Norouzi, Punjani & Fleet, "Fast search
//    in Hamming space with multi-index hashing", CVPR 2012): 16 tables keyed by 16-bit
//    substrings; a pair at distance r ≤ 15 always shares a key, typical matches (r ≈ 20-40) do
//    with probability 0.65-0.95, enough when a frame pair needs only a dozen of its hundreds.
//    A ratio test (Lowe, IJCV 2004) among the candidates found drops ambiguous matches.
#ifndef SIGHTLINE_ANALYSIS_MATCH_CANDIDATES_H_
#define SIGHTLINE_ANALYSIS_MATCH_CANDIDATES_H_

#include <array>
#include <cstdint>
#include <vector>

#include "analysis/match/geometry.h"
#include "signals/visual/match_signature.h"

namespace sightline::analysis::match {

inline int Hamming256(const std::uint8_t* a, const std::uint8_t* b) {
  int d = 0;
  for (int i = 0; i < 32; i += 8) {
    std::uint64_t x, y;
    __builtin_memcpy(&x, a + i, 8);
    __builtin_memcpy(&y, b + i, 8);
    d += __builtin_popcountll(x ^ y);
  }
  return d;
}

struct PdqCandidateOptions {
  int radius = 70;       // largest Hamming distance kept (of 256)
  int per_frame = 3;     // nearest B frames kept per A frame and class
  int min_quality = 20;  // frames with less detail than this (flat, black) are skipped
};

struct FrameCandidate {
  int a = 0, b = 0;  // frame indices (sampled frames, or ORB frames)
  double ta = 0, tb = 0;
  int distance = 0;  // PDQ bits; for ORB, the mean descriptor distance of the inliers
  float weight = 0;  // 0..1, how strongly it votes
};

// Class index: (content ? 8 : 0) + dihedral variant of A.
inline constexpr int kPdqClasses = 16;
std::array<std::vector<FrameCandidate>, kPdqClasses> PdqCandidates(
    const signals::visual::MatchSignature& a, const signals::visual::MatchSignature& b,
    const PdqCandidateOptions& options);

// B's ORB descriptors, indexed for multi-index hashing.
class OrbIndex {
 public:
  explicit OrbIndex(const signals::visual::MatchSignature& sig);
  // Calls f(frame, point) for every stored descriptor sharing a 16-bit substring with `desc`
  // (each at most once per call).
  template <typename F>
  void ForEachCandidate(const std::uint8_t* desc, F&& f) const;
  std::size_t size() const { return refs_.size(); }

 private:
  static constexpr int kTables = 16;
  struct Ref {
    std::uint32_t frame, point;
  };
  std::vector<Ref> refs_;
  // offsets_[t][k]..offsets_[t][k+1]: entries of table t with key k, as indices into ids_[t].
  std::vector<std::uint32_t> offsets_[kTables];
  std::vector<std::uint32_t> ids_[kTables];
  mutable std::vector<std::uint32_t> seen_;  // stamp per ref, for de-duplication
  mutable std::uint32_t stamp_ = 0;
};

struct OrbCandidateOptions {
  int max_distance = 64;  // of 256 bits, for a descriptor match
  double ratio = 0.85;    // best / second best among the candidates found
  int min_matches = 10;   // tentative matches before RANSAC is tried
  int min_inliers = 10;   // RANSAC inliers for a candidate
  double min_inlier_ratio = 0.25;
  double reprojection = 0.012;  // RANSAC threshold, fraction of the larger side of B's frame
  double min_area = 0.03;       // plausible edits: A's frame covers this much of B's area...
  double max_area = 30;         // ...up to this (B a small crop of A)
};

struct OrbCandidate {
  int a = 0, b = 0;  // ORB frame indices
  double ta = 0, tb = 0;
  int matches = 0, inliers = 0;
  double mean_distance = 0;
  Homography h;  // A's normalised frame → B's normalised frame
};

std::vector<OrbCandidate> OrbCandidates(const signals::visual::MatchSignature& a,
                                        const signals::visual::MatchSignature& b,
                                        const OrbIndex& b_index,
                                        const OrbCandidateOptions& options);

// ---- inline ----

template <typename F>
void OrbIndex::ForEachCandidate(const std::uint8_t* desc, F&& f) const {
  if (refs_.empty()) return;
  if (++stamp_ == 0) {
    std::fill(seen_.begin(), seen_.end(), 0);
    stamp_ = 1;
  }
  for (int t = 0; t < kTables; ++t) {
    const std::uint32_t key = desc[2 * t] | (static_cast<std::uint32_t>(desc[2 * t + 1]) << 8);
    const std::uint32_t* ids = ids_[t].data();
    for (std::uint32_t k = offsets_[t][key]; k < offsets_[t][key + 1]; ++k) {
      const std::uint32_t id = ids[k];
      if (seen_[id] == stamp_) continue;
      seen_[id] = stamp_;
      f(refs_[id].frame, refs_[id].point);
    }
  }
}

}  // namespace sightline::analysis::match

#endif  // SIGHTLINE_ANALYSIS_MATCH_CANDIDATES_H_
