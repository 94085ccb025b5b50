#include "signals/geo/track.h"

#include <GeographicLib/Geodesic.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "signals/geo/gpmf.h"

namespace sightline::signals::geo {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double Lerp(double a, double b, double f) {
  if (std::isnan(a)) return b;
  if (std::isnan(b)) return a;
  return a + (b - a) * f;
}

// Longitude interpolation the short way round (a track crossing ±180°).
double LerpLon(double a, double b, double f) {
  double d = b - a;
  if (d > 180) d -= 360;
  if (d < -180) d += 360;
  double v = a + d * f;
  if (v > 180) v -= 360;
  if (v < -180) v += 360;
  return v;
}

void MinMax(double v, double* lo, double* hi) {
  if (std::isnan(v)) return;
  if (std::isnan(*lo) || v < *lo) *lo = v;
  if (std::isnan(*hi) || v > *hi) *hi = v;
}

}  // namespace

bool IsBadFix(const TrackPoint& p) {
  return (p.fix >= 0 && p.fix < 2) || (!std::isnan(p.dop) && p.dop > 5.0);
}

GeodesicLine Inverse(double lat1, double lon1, double lat2, double lon2) {
  const GeographicLib::Geodesic& g = GeographicLib::Geodesic::WGS84();
  GeodesicLine out;
  double azi1 = 0, azi2 = 0;
  g.Inverse(lat1, lon1, lat2, lon2, out.distance_m, azi1, azi2);
  out.initial_bearing_deg = std::fmod(azi1 + 360.0, 360.0);
  out.final_bearing_deg = std::fmod(azi2 + 360.0, 360.0);
  return out;
}

Result<Track> TrackFromGpmf(const media::GpmfTrack& telemetry) {
  Track track;
  track.clip_duration_s = telemetry.clip_duration_s;
  track.payloads = static_cast<int>(telemetry.payloads.size());
  // Points per device, so a drone's and a camera's receivers are never interleaved.
  struct DeviceTrack {
    std::string key, name;
    std::vector<TrackPoint> points;
  };
  std::map<std::uint32_t, DeviceTrack> devices;
  std::map<std::uint32_t, std::uint64_t> last_tsmp;
  int damaged_streams = 0;
  for (std::size_t i = 0; i < telemetry.payloads.size(); ++i) {
    const media::GpmfPayload& payload = telemetry.payloads[i];
    std::vector<Status> stream_errors;
    auto blocks = ParseGpmfGps(payload.bytes, {}, &stream_errors);
    for (const Status& e : stream_errors) {
      if (++damaged_streams <= 5) {
        track.warnings.push_back("telemetry payload " + std::to_string(i) +
                                 ": a damaged stream skipped: " + e.message());
      }
    }
    if (!stream_errors.empty()) last_tsmp.clear();  // the next TSMP step spans what was lost
    if (!blocks.ok()) {
      last_tsmp.clear();
      ++track.bad_payloads;
      if (track.bad_payloads <= 5) {
        track.warnings.push_back("telemetry payload " + std::to_string(i) + " at " +
                                 std::to_string(payload.start_s) +
                                 " s skipped: " + blocks.status().message());
      }
      continue;
    }
    for (const GpmfGpsBlock& b : *blocks) {
      DeviceTrack& dev = devices[b.device_id];
      if (dev.key.empty()) {
        dev.key = b.key;
        dev.name = b.device_name;
      }
      if (b.total_samples) {
        auto it = last_tsmp.find(b.device_id);
        if (it != last_tsmp.end() && *b.total_samples >= it->second &&
            *b.total_samples - it->second != b.samples.size() && track.warnings.size() < 20) {
          track.warnings.push_back("payload " + std::to_string(i) + ": TSMP advanced by " +
                                   std::to_string(*b.total_samples - it->second) + " but " +
                                   std::to_string(b.samples.size()) +
                                   " GPS samples are stored (samples dropped by the camera?)");
        }
        last_tsmp[b.device_id] = *b.total_samples;
      }
      const std::size_t n = b.samples.size();
      for (std::size_t k = 0; k < n; ++k) {
        const GpmfGpsSample& s = b.samples[k];
        TrackPoint p;
        const double offset = payload.duration_s * static_cast<double>(k) / static_cast<double>(n);
        p.t = payload.start_s + offset;
        p.utc_s = !std::isnan(s.utc_s) ? s.utc_s : b.utc_s ? *b.utc_s + offset : kNaN;
        p.lat = s.lat;
        p.lon = s.lon;
        p.alt_m = s.alt_m;
        p.speed_mps = s.speed2d_mps;
        p.speed3d_mps = s.speed3d_mps;
        p.dop = !std::isnan(s.dop) ? s.dop : b.dop ? *b.dop : kNaN;
        p.fix = static_cast<std::int8_t>(s.fix >= 0 ? s.fix : b.fix ? *b.fix : -1);
        dev.points.push_back(p);
      }
    }
  }
  if (damaged_streams > 5) {
    track.warnings.push_back(std::to_string(damaged_streams - 5) +
                             " more damaged telemetry streams skipped");
  }
  if (track.bad_payloads > 5) {
    track.warnings.push_back(std::to_string(track.bad_payloads - 5) +
                             " more corrupt telemetry payloads skipped");
  }
  const DeviceTrack* best = nullptr;
  for (const auto& [id, dev] : devices)
    if (!best || dev.points.size() > best->points.size()) best = &dev;
  if (!best || best->points.empty()) {
    if (track.bad_payloads > 0) {
      return Status(StatusCode::kCorrupt, "no readable GPS in the telemetry (" +
                                              std::to_string(track.bad_payloads) +
                                              " corrupt payloads)");
    }
    return NotFound("the telemetry track has no GPS (GPS was off, or this camera has none)");
  }
  for (const auto& [id, dev] : devices) {
    if (&dev != best) {
      track.warnings.push_back("device " + std::to_string(id) + " (" + dev.name + ") also has " +
                               std::to_string(dev.points.size()) + " " + dev.key +
                               " samples; not used");
    }
  }
  track.source = "GPMF " + best->key + (best->name.empty() ? "" : " (" + best->name + ")");
  track.points = best->points;
  std::stable_sort(track.points.begin(), track.points.end(),
                   [](const TrackPoint& a, const TrackPoint& b) { return a.t < b.t; });
  return track;
}

Result<Track> ReadGpmfGpsTrack(const std::string& path) {
  SL_ASSIGN_OR_RETURN(media::GpmfTrack telemetry, media::ReadGpmfTrack(path));
  auto track = TrackFromGpmf(telemetry);
  if (!track.ok()) return track.status().WithContext(path);
  return track;
}

Track ThinTrack(const Track& track, double period_s) {
  Track out = track;
  out.points.clear();
  double next = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < track.points.size(); ++i) {
    const TrackPoint& p = track.points[i];
    const bool last = i + 1 == track.points.size();
    if (!std::isfinite(p.t) || p.t >= next || last) {
      out.points.push_back(p);
      if (std::isfinite(p.t)) next = p.t + period_s;
    }
  }
  return out;
}

TrackSummary Summarize(const Track& track) {
  TrackSummary s;
  s.points = track.points.size();
  s.start_t = s.end_t = s.start_utc_s = s.end_utc_s = kNaN;
  s.min_lat = s.max_lat = s.min_lon = s.max_lon = kNaN;
  s.min_alt_m = s.max_alt_m = s.max_speed_mps = kNaN;
  const TrackPoint* prev = nullptr;
  for (const TrackPoint& p : track.points) {
    if (!std::isnan(p.t)) {
      ++s.timed_points;
      MinMax(p.t, &s.start_t, &s.end_t);
    }
    MinMax(p.utc_s, &s.start_utc_s, &s.end_utc_s);
    MinMax(p.lat, &s.min_lat, &s.max_lat);
    MinMax(p.lon, &s.min_lon, &s.max_lon);
    MinMax(p.alt_m, &s.min_alt_m, &s.max_alt_m);
    if (!std::isnan(p.speed_mps) && (std::isnan(s.max_speed_mps) || p.speed_mps > s.max_speed_mps))
      s.max_speed_mps = p.speed_mps;
    if (IsBadFix(p)) {
      ++s.bad_fix_points;
      continue;
    }
    if (prev) s.distance_m += Inverse(prev->lat, prev->lon, p.lat, p.lon).distance_m;
    prev = &p;
  }
  return s;
}

Result<PositionAt> InterpolateAt(const Track& track, double t, double max_gap_s) {
  // Timed points are sorted by t; untimed ones (GPX without <time>) are skipped.
  std::vector<const TrackPoint*> timed;
  for (const TrackPoint& p : track.points)
    if (!std::isnan(p.t)) timed.push_back(&p);
  if (timed.empty()) return NotFound("the track has no timed points");
  if (!std::isfinite(t)) return InvalidArgument("time is not a number");
  PositionAt out;
  if (t < timed.front()->t) {
    out.where = PositionAt::Where::kBeforeStart;
    out.point = *timed.front();
    out.outside_by_s = timed.front()->t - t;
    out.bad_fix = IsBadFix(out.point);
    return out;
  }
  if (t > timed.back()->t) {
    out.where = PositionAt::Where::kAfterEnd;
    out.point = *timed.back();
    out.outside_by_s = t - timed.back()->t;
    out.bad_fix = IsBadFix(out.point);
    return out;
  }
  auto it = std::upper_bound(timed.begin(), timed.end(), t,
                             [](double v, const TrackPoint* p) { return v < p->t; });
  const TrackPoint& b = **(it == timed.end() ? it - 1 : it);
  const TrackPoint& a = **(it == timed.begin() ? it : it - 1);
  const double span = b.t - a.t;
  const double f = span > 0 ? (t - a.t) / span : 0.0;
  TrackPoint p;
  p.t = t;
  p.utc_s = Lerp(a.utc_s, b.utc_s, f);
  p.lat = a.lat + (b.lat - a.lat) * f;
  p.lon = LerpLon(a.lon, b.lon, f);
  p.alt_m = Lerp(a.alt_m, b.alt_m, f);
  p.speed_mps = Lerp(a.speed_mps, b.speed_mps, f);
  p.speed3d_mps = Lerp(a.speed3d_mps, b.speed3d_mps, f);
  p.dop = std::isnan(a.dop) ? b.dop : std::isnan(b.dop) ? a.dop : std::max(a.dop, b.dop);
  p.fix = std::min(a.fix, b.fix);
  out.point = p;
  out.gap_s = span;
  out.in_gap = span > max_gap_s;
  out.bad_fix = IsBadFix(a) || IsBadFix(b);
  return out;
}

Result<PositionAt> InterpolateAtUtc(const Track& track, double utc_s, double max_gap_s) {
  // The same track on its UTC clock: t and utc_s swapped, so InterpolateAt interpolates the clip
  // time as it does UTC.
  Track by_utc;
  for (const TrackPoint& p : track.points) {
    if (std::isnan(p.utc_s)) continue;
    TrackPoint q = p;
    std::swap(q.t, q.utc_s);
    by_utc.points.push_back(q);
  }
  if (by_utc.points.empty()) return NotFound("the track has no UTC times");
  std::stable_sort(by_utc.points.begin(), by_utc.points.end(),
                   [](const TrackPoint& a, const TrackPoint& b) { return a.t < b.t; });
  SL_ASSIGN_OR_RETURN(PositionAt at, InterpolateAt(by_utc, utc_s, max_gap_s));
  std::swap(at.point.t, at.point.utc_s);
  return at;
}

}  // namespace sightline::signals::geo
