// N clips on one clock: pairwise offsets (analysis/sync/pair_sync.h) solved jointly.
//
//  1. A maximum spanning forest of the matched pairs (Kruskal, strongest first) places every clip
//     relative to the others of its group.
//  2. Every other pair is checked against those places: it agrees when its offset (or one of its
//     other candidates — the same sound twice) is within `tolerance_s` of what the places imply.
//     A pair that agrees with nothing is a conflict: reported, and left out.
//  3. Weighted least squares over all agreeing pairs (each pair's weight its significance) gives
//     the start times; a pair whose residual still exceeds the tolerance is reported and dropped,
//     and the solution is recomputed, until all agree. Each group's clock starts at its earliest
//     clip.
//
// Thread safety: a pure function.
#ifndef SIGHTLINE_ANALYSIS_SYNC_GROUP_SYNC_H_
#define SIGHTLINE_ANALYSIS_SYNC_GROUP_SYNC_H_

#include <vector>

#include "analysis/sync/pair_sync.h"

namespace sightline::analysis::sync {

struct PairEdge {
  int a = 0, b = 0;  // clip indices
  PairSync sync;     // matched
};

struct Conflict {
  int a = 0, b = 0;
  double offset_s = 0;    // what the pair says (its best candidate)
  double expected_s = 0;  // what the group's other pairs imply
  double residual_s = 0;  // offset − expected
};

struct GroupResult {
  std::vector<int> group_of;             // per clip: group index, or −1 when matched with nothing
  std::vector<double> start_s;           // per clip: where its time 0 falls on its group's clock
  std::vector<std::vector<int>> groups;  // clip indices, earliest first; largest group first
  std::vector<double> group_rms_ms;      // RMS residual of each group's agreeing pairs
  std::vector<int> used_candidate;       // per edge: candidate used (0 = best), −1 = conflict
  std::vector<Conflict> conflicts;
};

GroupResult SolveGroups(int clips, const std::vector<PairEdge>& edges, double tolerance_s = 0.02);

}  // namespace sightline::analysis::sync

#endif  // SIGHTLINE_ANALYSIS_SYNC_GROUP_SYNC_H_
