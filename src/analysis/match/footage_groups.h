// Groups of copies by the footage they share, not by the files alone.
//
// Joining every matched pair into one group (connected components of files) puts the sources of
// a compilation into one group: a compilation holding parts of clips X and Y joins X and Y, which
// share nothing, and a ranking of "copies" across them means nothing (the compilation would be
// "closest to the original" of both). Here each segment of a pair is a stretch of footage in
// each of its two files; stretches of one file that overlap are the same footage; the groups are
// the connected components of stretches. A compilation then belongs to one group per source it
// holds, with the stretch of its time line that holds each.
//
// Pure functions; thread-safe.
#ifndef SIGHTLINE_ANALYSIS_MATCH_FOOTAGE_GROUPS_H_
#define SIGHTLINE_ANALYSIS_MATCH_FOOTAGE_GROUPS_H_

#include <utility>
#include <vector>

#include "analysis/match/match.h"

namespace sightline::analysis::match {

// A matched pair of files (indices chosen by the caller) and its segments.
struct MatchedFiles {
  int a = 0, b = 0;
  const PairMatch* match = nullptr;  // not owned; must outlive the call
};

// A stretch of one file's time line (seconds; start == end for a still).
struct FootageSpan {
  int file = 0;
  double start = 0, end = 0;
};

struct FootageGroup {
  std::vector<int> files;          // distinct, in ascending order; two or more
  std::vector<FootageSpan> spans;  // the shared stretches, by file then time
  // The segments that make the group: (index into the pairs given, index into its segments).
  std::vector<std::pair<int, int>> segments;
};

// Groups the pairs' footage. Two stretches of one file are the same footage when they overlap by
// at least half the shorter one; a point (a still, or the frame of a video a still matched) joins
// a stretch it lies in and points within a second of it. Groups are ordered by their smallest
// file index, then by the earliest stretch of that file. Pairs with a null match are skipped.
std::vector<FootageGroup> GroupFootage(const std::vector<MatchedFiles>& pairs);

}  // namespace sightline::analysis::match

#endif  // SIGHTLINE_ANALYSIS_MATCH_FOOTAGE_GROUPS_H_
