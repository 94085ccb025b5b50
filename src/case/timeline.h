// The case's timeline: when each item was recorded and when each observed event happened, on one
// clock (UTC), each with an interval of uncertainty and the statements it rests on, and the
// conflicts between those statements shown rather than resolved.
//
// What places an item's start in time (each a "basis"):
//   telemetry    the GPS clock in a camera's telemetry track (analyze's gps stage,
//                case/gps_tracks.h): the start to about a second. Applied before metadata: a
//                camera's clock is set by hand, the GPS clock by the satellites.
//   metadata     the capture time the file states (probe's times.created, times.gps): a point
//                when its zone is known, ±14 h when it is not. A camera's clock can be wrong:
//                it is a statement, and a conflict with the others shows it.
//   obtained     the desk had it by then (a source link's obtained_at, and the ingest time):
//                the recording started before.
//   uploaded     when the post the item was found at was published (a source link's
//                published_at: yt-dlp's upload time, or `link --published-at`): the recording
//                started before. A day (YYYY-MM-DD, UTC) bounds by the end of that day.
//   sync         a same_moment relation (an accepted finding, or one stated with `link`): the
//                other item's start plus the offset.
//   before       "a was filmed before b" (`link --kind before`): bounds each by the other.
// Intervals are intersected; an empty intersection is a conflict, reported with the statements
// involved, and the item then keeps its most precise statement's interval.
//
// Thread safety: reads only; one thread per Case.
#ifndef SIGHTLINE_CASE_TIMELINE_H_
#define SIGHTLINE_CASE_TIMELINE_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "evidence/case.h"

namespace sightline::investigation {

// A time interval in Unix seconds (UTC); earliest may be -inf and latest +inf (unbounded).
struct TimeSpan {
  double earliest = 0, latest = 0;
  bool bounded() const;  // both ends finite
  double best() const;   // the middle when bounded, else the finite end
};

struct TimeBasis {
  std::string kind;    // "metadata", "telemetry", "obtained", "uploaded", "sync", "before"
  std::string detail;  // e.g. "QuickTime.mvhd.CreationTime", "#3 + 4.250 s (finding 2)"
  TimeSpan span;       // what this statement alone says of the item's start
};

struct TimelineItem {
  std::int64_t item_id = 0;
  std::string name;
  double duration_s = 0;          // 0 when unknown (a still)
  std::optional<TimeSpan> start;  // none when nothing bounds it on both sides
  std::vector<TimeBasis> basis;
};

struct TimelineEvent {
  std::int64_t observation_id = 0;
  std::int64_t item_id = 0;
  std::string kind, text;
  double offset_s = 0;           // into the item
  std::optional<TimeSpan> time;  // the item's start + offset, when the item is placed
};

struct TimelineConflict {
  std::vector<std::int64_t> items;
  std::string message;  // names the statements that disagree, for a person
};

struct Timeline {
  std::vector<TimelineItem> items;    // placed ones by best start, then the others by id
  std::vector<TimelineEvent> events;  // placed ones by best time, then the others
  std::vector<TimelineConflict> conflicts;
};

Result<Timeline> BuildTimeline(evidence::Case& c);

// RFC 3339 UTC with milliseconds, or "" for an unbounded end.
std::string TimeText(double unix_seconds);

// {"items": [{"item", "name", "duration_s", "start": {"best", "earliest", "latest"}|null,
//   "basis": [{"kind", "detail", "earliest", "latest"}]}], "events": [{"observation", "item",
//   "kind", "text", "offset_s", "time": {…}|null}], "conflicts": [{"items", "message"}]};
// times RFC 3339 UTC, an unbounded end null. As `timeline --json` prints it and the report holds.
nlohmann::json TimelineJson(const Timeline& timeline);

}  // namespace sightline::investigation

#endif  // SIGHTLINE_CASE_TIMELINE_H_
