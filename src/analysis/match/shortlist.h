// Which pairs of a set of clips are worth matching. MatchSignatures (match.h) costs about 0.05-0.2
// s of CPU a pair, most of it verifying hypotheses on thumbnails, so comparing all n² pairs of a
// case of hundreds of clips takes hours. This step finds, for all clips at once, the pairs that
// share any evidence at all, at a small fraction of that cost; only those are matched.
//
// It is tuned for recall: a pair is kept when either signal that proposes hypotheses in match.h
// has something to propose, judged more loosely here than there.
//  - PDQ: any frame of one clip (whole or content box, in any of the 8 dihedral variants) within
//    `pdq_radius` bits of a frame of the other (whole or content box, as stored). Found through a
//    HashIndex (hash_index.h) of every clip's frames, queried with every clip's variants.
//  - ORB: a frame pair sharing at least `orb_min_votes` descriptor pairs within
//    `orb_max_distance` bits. Found through one multi-index hash of every clip's descriptors
//    (16 tables keyed by 16-bit substrings, as candidates.h; Norouzi, Punjani & Fleet, CVPR
//    2012). Buckets holding more than `orb_max_bucket` descriptors (flat or repetitive patches
//    that every clip has) are not visited: they say nothing about a pair.
// Both tests are symmetric, so a pair is kept whichever clip is "a".
//
// Thread safety: a pure function.
#ifndef SIGHTLINE_ANALYSIS_MATCH_SHORTLIST_H_
#define SIGHTLINE_ANALYSIS_MATCH_SHORTLIST_H_

#include <utility>
#include <vector>

#include "signals/visual/match_signature.h"

namespace sightline::analysis::match {

struct ShortlistOptions {
  int pdq_radius = 70;        // match.h's PDQ candidates use the same radius
  int pdq_min_quality = 20;   // frames with less detail (flat, black) are not compared
  int orb_max_distance = 32;  // of 256 bits
  int orb_min_votes = 8;      // descriptor pairs a frame pair needs
  int orb_max_bucket = 4096;  // larger multi-index buckets are skipped
};

struct ShortlistStats {
  std::size_t pairs_total = 0;  // n·(n−1)/2 over the signatures given
  std::size_t pdq_pairs = 0;    // pairs kept by PDQ
  std::size_t orb_pairs = 0;    // pairs kept by ORB (some also by PDQ)
};

// The pairs (i, j), i < j, of `sigs` to match, ascending. Null entries (clips that could not be
// read) take part in nothing.
std::vector<std::pair<int, int>> Shortlist(
    const std::vector<const signals::visual::MatchSignature*>& sigs,
    const ShortlistOptions& options = {}, ShortlistStats* stats = nullptr);

}  // namespace sightline::analysis::match

#endif  // SIGHTLINE_ANALYSIS_MATCH_SHORTLIST_H_
