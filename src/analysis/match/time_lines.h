// Time lines between two clips: the candidate frame pairs (A time, B time) of one picture map
// lie near tB = s·tA + o for a copy at speed s; Hough voting finds those lines. Internal to
// analysis/match (used by match.cc).
//
// Thread safety: pure functions.
#ifndef SIGHTLINE_ANALYSIS_MATCH_TIME_LINES_H_
#define SIGHTLINE_ANALYSIS_MATCH_TIME_LINES_H_

#include <vector>

#include "analysis/match/match.h"

namespace sightline::analysis::match {

// A candidate frame pair: A's and B's times, its weight, frame indices and distance.
struct TimePoint {
  double ta = 0, tb = 0, w = 0;
  int a = 0, b = 0, distance = 0;
};

struct TimeLine {
  double s = 1, o = 0, votes = 0;
  std::vector<int> inliers;  // indices into the points
};

// Up to `max_lines` lines, strongest first, each with at least `min_points` distinct A frames
// among its inliers; a point belongs to one line at most. Speeds in [options.min_speed,
// options.max_speed].
std::vector<TimeLine> HoughLines(const std::vector<TimePoint>& pts, const MatchOptions& options,
                                 int max_lines, int min_points);

}  // namespace sightline::analysis::match

#endif  // SIGHTLINE_ANALYSIS_MATCH_TIME_LINES_H_
