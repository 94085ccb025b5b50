// A GPS track (signals/geo/track.h) as JSON and back: the form `sightline track --json` prints
// (doc/geodata.md) and analyze's gps stage stores as the item signal "gps_track"
// (case/gps_tracks.h). Unknown values are null; times are RFC 3339 UTC with milliseconds;
// coordinates are rounded to 1e-9 degree, metres to the millimetre.
//
// Thread safety: pure functions.
#ifndef SIGHTLINE_SIGNALS_GEO_TRACK_JSON_H_
#define SIGHTLINE_SIGNALS_GEO_TRACK_JSON_H_

#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"
#include "signals/geo/track.h"

namespace sightline::signals::geo {

// "2024-05-01T10:00:01.200Z"; "" when utc_s is NaN.
std::string UtcText(double utc_s);

// {"t","utc","lat","lon","alt_m","speed_mps","speed3d_mps","fix","dop"}
nlohmann::ordered_json TrackPointJson(const TrackPoint& p);

// {"points","timed_points","bad_fix_points","start_t","end_t","duration_s","start_utc","end_utc",
//  "distance_m","bbox":{…},"min_alt_m","max_alt_m","max_speed_mps"[,"payloads","bad_payloads"]}
nlohmann::ordered_json TrackSummaryJson(const Track& track);

// {"source","clip_duration_s"?,"summary":{…},"samples":[…],"warnings":[…]}
nlohmann::ordered_json TrackJson(const Track& track);

// Reads TrackJson's form back (summary ignored; it is recomputed by Summarize). Fails naming
// what is malformed.
Result<Track> TrackFromJson(const nlohmann::json& j);

}  // namespace sightline::signals::geo

#endif  // SIGHTLINE_SIGNALS_GEO_TRACK_JSON_H_
