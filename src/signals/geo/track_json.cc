#include "signals/geo/track_json.h"

#include <cmath>
#include <cstdint>
#include <limits>

#include "base/time.h"

namespace sightline::signals::geo {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

nlohmann::ordered_json Num(double v, double scale) {
  if (!std::isfinite(v)) return nullptr;
  return std::round(v * scale) / scale;
}

nlohmann::ordered_json UtcJson(double utc_s) {
  if (!std::isfinite(utc_s)) return nullptr;
  return UtcText(utc_s);
}

double NumOr(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : kNaN;
}

}  // namespace

std::string UtcText(double utc_s) {
  if (!std::isfinite(utc_s)) return "";
  const double whole = std::floor(utc_s);
  long ms = std::lround((utc_s - whole) * 1000.0);
  auto secs = static_cast<std::int64_t>(whole);
  if (ms >= 1000) ms -= 1000, ++secs;
  return FormatUtc(secs, ms * 1'000'000L);
}

nlohmann::ordered_json TrackPointJson(const TrackPoint& p) {
  return {{"t", Num(p.t, 1e6)},
          {"utc", UtcJson(p.utc_s)},
          {"lat", Num(p.lat, 1e9)},
          {"lon", Num(p.lon, 1e9)},
          {"alt_m", Num(p.alt_m, 1e3)},
          {"speed_mps", Num(p.speed_mps, 1e3)},
          {"speed3d_mps", Num(p.speed3d_mps, 1e3)},
          {"fix", p.fix < 0 ? nlohmann::ordered_json() : nlohmann::ordered_json(p.fix)},
          {"dop", Num(p.dop, 1e3)}};
}

nlohmann::ordered_json TrackSummaryJson(const Track& track) {
  const TrackSummary s = Summarize(track);
  nlohmann::ordered_json j = {{"points", s.points},
                              {"timed_points", s.timed_points},
                              {"bad_fix_points", s.bad_fix_points},
                              {"start_t", Num(s.start_t, 1e6)},
                              {"end_t", Num(s.end_t, 1e6)},
                              {"duration_s", Num(s.end_t - s.start_t, 1e6)},
                              {"start_utc", UtcJson(s.start_utc_s)},
                              {"end_utc", UtcJson(s.end_utc_s)},
                              {"distance_m", Num(s.distance_m, 1e3)},
                              {"bbox",
                               {{"min_lat", Num(s.min_lat, 1e9)},
                                {"min_lon", Num(s.min_lon, 1e9)},
                                {"max_lat", Num(s.max_lat, 1e9)},
                                {"max_lon", Num(s.max_lon, 1e9)}}},
                              {"min_alt_m", Num(s.min_alt_m, 1e3)},
                              {"max_alt_m", Num(s.max_alt_m, 1e3)},
                              {"max_speed_mps", Num(s.max_speed_mps, 1e3)}};
  if (track.payloads > 0) {
    j["payloads"] = track.payloads;
    j["bad_payloads"] = track.bad_payloads;
  }
  return j;
}

nlohmann::ordered_json TrackJson(const Track& track) {
  nlohmann::ordered_json j;
  j["source"] = track.source;
  if (track.clip_duration_s > 0) j["clip_duration_s"] = Num(track.clip_duration_s, 1e6);
  j["summary"] = TrackSummaryJson(track);
  nlohmann::ordered_json samples = nlohmann::ordered_json::array();
  for (const TrackPoint& p : track.points) samples.push_back(TrackPointJson(p));
  j["samples"] = std::move(samples);
  j["warnings"] = track.warnings;
  return j;
}

Result<Track> TrackFromJson(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("samples") || !j["samples"].is_array()) {
    return InvalidArgument("not a GPS track: no \"samples\" array");
  }
  Track track;
  track.source = j.value("source", std::string());
  track.clip_duration_s = j.value("clip_duration_s", 0.0);
  const nlohmann::json summary = j.value("summary", nlohmann::json::object());
  if (summary.is_object()) {
    track.payloads = summary.value("payloads", 0);
    track.bad_payloads = summary.value("bad_payloads", 0);
  }
  for (const nlohmann::json& s : j["samples"]) {
    if (!s.is_object() || !s.value("lat", nlohmann::json()).is_number() ||
        !s.value("lon", nlohmann::json()).is_number()) {
      return InvalidArgument("not a GPS track: a sample without lat/lon");
    }
    TrackPoint p;
    p.t = NumOr(s, "t");
    p.utc_s = kNaN;
    if (s.value("utc", nlohmann::json()).is_string()) {
      if (auto v = ParseRfc3339(s["utc"].get<std::string>())) p.utc_s = *v;
    }
    p.lat = s["lat"].get<double>();
    p.lon = s["lon"].get<double>();
    p.alt_m = NumOr(s, "alt_m");
    p.speed_mps = NumOr(s, "speed_mps");
    p.speed3d_mps = NumOr(s, "speed3d_mps");
    p.dop = NumOr(s, "dop");
    p.fix = s.value("fix", nlohmann::json()).is_number() ? s["fix"].get<std::int8_t>() : -1;
    track.points.push_back(p);
  }
  if (j.contains("warnings") && j["warnings"].is_array()) {
    for (const nlohmann::json& w : j["warnings"]) {
      if (w.is_string()) track.warnings.push_back(w.get<std::string>());
    }
  }
  return track;
}

}  // namespace sightline::signals::geo
