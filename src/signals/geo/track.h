// A GPS track: positions over time, from a GoPro clip's GPMF telemetry or from a GPX file, and the
// position at any time in the clip.
//
// Timing model for GPMF (the spec's "GPMF Timing and Clocks"): the container times each payload
// (start, duration); the N samples of a payload are spread evenly over it, sample i at
// start + duration × i / N. UTC comes from GPS9's per-sample time when present, otherwise from the
// payload's GPSU plus the offset into the payload. For GPX, `t` is seconds since the track's first
// timed point (the track has no clip clock of its own).
//
// Interpolation: linear between the two samples around t (longitude across the antimeridian
// handled), and the answer says whether t lies before or after the track, in a gap between
// samples, or between samples with a bad fix.
//
// Thread safety: values and pure functions.
#ifndef SIGHTLINE_SIGNALS_GEO_TRACK_H_
#define SIGHTLINE_SIGNALS_GEO_TRACK_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "media/gpmf_track.h"

namespace sightline::signals::geo {

// NaN marks a field the source did not give.
struct TrackPoint {
  double t = 0;      // seconds on the clip's clock (GPX: since the first timed point); NaN: untimed
  double utc_s = 0;  // Unix seconds, UTC; NaN when unknown
  double lat = 0;
  double lon = 0;
  double alt_m = 0;
  double speed_mps = 0;    // 2D (ground) speed
  double speed3d_mps = 0;  // 3D speed
  double dop = 0;          // dilution of precision (GPMF GPSP/100, GPS9, GPX hdop)
  std::int8_t fix = -1;    // 0 none, 2 2D, 3 3D; -1 unknown
};

struct Track {
  std::string source;              // "GPMF GPS5 (GoPro Max)", "GPX 1.1 trk"…
  std::vector<TrackPoint> points;  // in time order when timed
  std::vector<std::string> warnings;
  int payloads = 0;            // GPMF payloads read
  int bad_payloads = 0;        // GPMF payloads that failed to decode (each named in warnings)
  double clip_duration_s = 0;  // GPMF: the container's duration; GPX: 0
};

// Builds a track from a clip's telemetry. When several devices carry GPS (a camera on a Karma
// drone), the one with the most samples is used and the others are named in a warning. Fails
// (kNotFound) when no payload has GPS, or (kCorrupt) when none is readable and some are corrupt;
// corrupt payloads are otherwise skipped with a warning.
Result<Track> TrackFromGpmf(const media::GpmfTrack& telemetry);

// Reads `path` as GPMF telemetry of an MP4/MOV (media::ReadGpmfTrack + TrackFromGpmf).
Result<Track> ReadGpmfGpsTrack(const std::string& path);

struct TrackSummary {
  std::size_t points = 0;
  std::size_t timed_points = 0;
  std::size_t bad_fix_points = 0;         // fix 0 or 1, or DOP above 5
  double start_t = 0, end_t = 0;          // NaN when no point is timed
  double start_utc_s = 0, end_utc_s = 0;  // NaN when unknown
  double distance_m = 0;  // along the track on the WGS84 ellipsoid, good-fix points only
  double min_lat = 0, max_lat = 0, min_lon = 0, max_lon = 0;
  double min_alt_m = 0, max_alt_m = 0;  // NaN when no altitude
  double max_speed_mps = 0;             // NaN when no speed
};

TrackSummary Summarize(const Track& track);

// The track with at most one point per `period_s` seconds of its clock (the first point of each
// period; the last point is kept too), for storing and drawing: GoPro writes GPS at 10-18 Hz.
// Untimed points are kept as they are. Warnings and counts are kept.
Track ThinTrack(const Track& track, double period_s);

// A fix is bad when the receiver says so (fix < 2) or the DOP is above 5 (GoPro: GPSP above 500).
bool IsBadFix(const TrackPoint& p);

struct PositionAt {
  enum class Where { kInside, kBeforeStart, kAfterEnd };
  Where where = Where::kInside;
  TrackPoint point;         // interpolated (clamped to the nearest end outside the track)
  double gap_s = 0;         // time between the two samples used
  double outside_by_s = 0;  // how far before the start or after the end
  bool bad_fix = false;     // either neighbouring sample has a bad fix
  bool in_gap = false;      // the neighbouring samples are more than `max_gap_s` apart
};

// The position at time t (seconds on the track's clock). Fails (kNotFound) when the track has no
// timed point.
Result<PositionAt> InterpolateAt(const Track& track, double t, double max_gap_s = 5.0);

// The position at a UTC time (Unix seconds): the same interpolation between the two samples around
// it by UTC; the answer's point.t is the clip time interpolated likewise, and outside_by_s/gap_s
// are in UTC seconds. Aligns a GPX log (or another camera) with a clip. Fails (kNotFound) when no
// point has UTC.
Result<PositionAt> InterpolateAtUtc(const Track& track, double utc_s, double max_gap_s = 5.0);

// Distance and bearings on the WGS84 ellipsoid (GeographicLib::Geodesic, Karney 2013).
struct GeodesicLine {
  double distance_m = 0;
  double initial_bearing_deg = 0;  // from north, clockwise, in [0, 360)
  double final_bearing_deg = 0;
};
GeodesicLine Inverse(double lat1, double lon1, double lat2, double lon2);

}  // namespace sightline::signals::geo

#endif  // SIGHTLINE_SIGNALS_GEO_TRACK_H_
