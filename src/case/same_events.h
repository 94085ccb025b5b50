// The event stage of `analyze`: which items show the same event — the same place at about the
// same time — from what the case already holds, without decoding anything. A pair is suggested as
// a same_event finding when
//   - it shows one place: a same_place finding not rejected, or a same_place relation a person
//     stated, and
//   - the timeline (case/timeline.h) places both recordings, each start known to within
//     `max_uncertainty_s`, and the two can lie within `window_s` of each other: the smallest gap
//     between [earliest start, latest start + duration] of one and of the other is at most
//     `window_s`.
// Pairs already related as the same footage or the same moment (found and not rejected, or
// stated) are not suggested again: those are one event trivially.
//
// The score is the place's score weighed by the gap: place · (1 − ½ · gap / window), so a pair
// whose recordings may overlap keeps the place's score and one a window apart half of it.
//
// Evidence (compact JSON; doc/findings.md, "same_event evidence"):
//   {"place": {"finding"|"relation": ID, "score"}, "gap_s", "window_s",
//    "a_start": {"earliest","latest"}, "b_start": {…}, "a_duration_s", "b_duration_s"}
// times RFC 3339 UTC.
//
// The stage depends on findings, decisions and statements that change between runs, so it looks
// at every pair each run; a suggestion already stored is not stored again (findings.h).
//
// Thread safety: reads and computes on the calling thread; one thread per Case.
#ifndef SIGHTLINE_CASE_SAME_EVENTS_H_
#define SIGHTLINE_CASE_SAME_EVENTS_H_

#include "base/status.h"
#include "case/footage.h"  // StageOutcome
#include "evidence/case.h"

namespace sightline::investigation {

inline constexpr char kSameEventAnalyzer[] = "event";
// Bump when the rule above changes.
inline constexpr int kSameEventVersion = 1;

struct SameEventOptions {
  double window_s = 3600;               // recordings at most this far apart
  double max_uncertainty_s = 6 * 3600;  // starts known to within this (latest − earliest)
};

Result<StageOutcome> FindSameEvents(evidence::Case& c, const SameEventOptions& options);

}  // namespace sightline::investigation

#endif  // SIGHTLINE_CASE_SAME_EVENTS_H_
