// The gps stage of `analyze`: the GPS track a camera recorded beside its video (GoPro GPMF
// telemetry, signals/geo/track.h), stored per item as the derived signal "gps_track" so that the
// timeline can take the start time from the GPS clock and the report can draw where the camera
// went, without reading the file again. Only the telemetry track is read (demuxing, no decoding),
// and only of items whose stored probe lists a 'gpmd' stream.
//
// A track is what the file states about itself, like its metadata: the timeline names it as such
// and the report marks it unverified; nothing is recorded as a location of the case.
//
// Thread safety: one thread per Case.
#ifndef SIGHTLINE_CASE_GPS_TRACKS_H_
#define SIGHTLINE_CASE_GPS_TRACKS_H_

#include <cstdint>
#include <optional>

#include "base/status.h"
#include "case/footage.h"  // StageOutcome
#include "evidence/case.h"
#include "evidence/identity.h"
#include "signals/geo/track.h"

namespace sightline::investigation {

inline constexpr char kGpsTrackAnalyzer[] = "gps_track";
// Bump when a change to reading or thinning tracks changes what is stored.
inline constexpr int kGpsTrackVersion = 1;
// Stored tracks keep at most one point a second: enough to draw and to time, and a long clip's
// 18 Hz track would otherwise weigh megabytes.
inline constexpr double kStoredTrackPeriodS = 1.0;

// Reads and stores the track of every item with telemetry not read at this version. An item whose
// telemetry has no GPS is done with quietly; one whose telemetry cannot be read is a warning and
// marks the outcome failed. Fails only when the case cannot be read.
Result<StageOutcome> FindGpsTracks(evidence::Case& c, const evidence::Identity& who);

// The track stored for `item_id` (thinned), or nullopt when it has none.
Result<std::optional<signals::geo::Track>> StoredGpsTrack(evidence::Case& c, std::int64_t item_id);

// When the recording started by the track's GPS clock (Unix seconds): the first point with UTC
// and a good fix, minus its time into the clip. Nullopt when no point qualifies.
std::optional<double> GpsStartUtc(const signals::geo::Track& track);

}  // namespace sightline::investigation

#endif  // SIGHTLINE_CASE_GPS_TRACKS_H_
