// sightline track: the GPS track of a GoPro clip (GPMF telemetry) or of a GPX file, a summary,
// the interpolated position at given clip times, and a GPX export. Thin: reading and timing are
// media/gpmf_track.h, signals/geo/{gpmf,track,gpx}.h.
#include <cctype>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "base/file.h"
#include "base/time.h"
#include "cli/command.h"
#include "cli/output.h"
#include "signals/geo/gpx.h"
#include "signals/geo/track.h"
#include "signals/geo/track_json.h"

namespace sightline::cli {
namespace {

namespace geo = signals::geo;

constexpr char kUsage[] =
    "Usage: sightline track [--json] [--at SECONDS]... [--at-utc TIME]... [--samples]\n"
    "                       [--gpx OUT.gpx] FILE...\n"
    "\n"
    "The GPS track of each FILE: a GoPro clip (MP4/MOV with a GPMF telemetry track: GPS5, GPS9,\n"
    "or a Karma drone's GPRI) or a GPX file (.gpx: track points, else route points, else\n"
    "waypoints). Prints the source, a summary (start and end on the clip's clock and in UTC,\n"
    "duration, distance along the track on the WGS84 ellipsoid, bounding box, altitude, top\n"
    "speed, samples with a bad fix) and warnings. GoPro samples are timed by spreading each\n"
    "telemetry payload's samples evenly over its duration (doc/geodata.md); a GPX track's clock\n"
    "starts at its first timed point.\n"
    "\n"
    "  --at SECONDS   the position at this time (repeatable): linear interpolation between the\n"
    "                 two samples around it, saying when the time is outside the track, in a gap\n"
    "                 of more than 5 s, or next to a sample with a bad fix (fix < 2, DOP > 5)\n"
    "  --at-utc TIME  the position at this UTC time (RFC 3339, repeatable): aligns a GPX log or\n"
    "                 another camera with this clip; the answer carries the clip time too\n"
    "  --samples      list every sample (readable output; JSON always has them)\n"
    "  --gpx OUT.gpx  write the track as GPX 1.1 (one FILE only)\n"
    "  --json         {\"file\",\"source\",\"clip_duration_s\"?,\"summary\":{...},\"at\":[{...}],\n"
    "                  \"samples\":[{\"t\",\"utc\",\"lat\",\"lon\",\"alt_m\",\"speed_mps\","
    "\"speed3d_mps\",\n"
    "                  \"fix\",\"dop\"}],\"warnings\":[...]} or {\"file\",\"error\"}; several "
    "files: an\n"
    "                  array; unknown values are null (doc/geodata.md)\n"
    "\n"
    "Exit status: 0 every FILE had a track, 1 some FILE had none or could not be read, 2 usage\n"
    "error.\n";

nlohmann::ordered_json Num(double v, double scale) {
  if (!std::isfinite(v)) return nullptr;
  return std::round(v * scale) / scale;
}

const char* WhereName(geo::PositionAt::Where w) {
  switch (w) {
    case geo::PositionAt::Where::kInside:
      return "inside";
    case geo::PositionAt::Where::kBeforeStart:
      return "before_start";
    case geo::PositionAt::Where::kAfterEnd:
      return "after_end";
  }
  return "?";
}

std::string Fmt(const char* f, double v) {
  if (!std::isfinite(v)) return "?";
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

// A .gpx name, or a file that starts (after white space and a byte-order mark) with '<': media
// containers never do.
bool LooksLikeGpx(const std::string& path) {
  std::string lower = path;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.size() >= 4 && lower.compare(lower.size() - 4, 4, ".gpx") == 0) return true;
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return false;
  char head[64];
  std::size_t n = std::fread(head, 1, sizeof head, f.get());
  std::size_t i = 0;
  if (n >= 3 && static_cast<unsigned char>(head[0]) == 0xEF) i = 3;  // UTF-8 BOM
  while (i < n && std::isspace(static_cast<unsigned char>(head[i]))) ++i;
  return i < n && head[i] == '<';
}

// One --at/--at-utc answer: what was asked, and where.
struct Asked {
  std::string label;  // "5.000 s" or the UTC text as given
  geo::PositionAt at;
};

std::string AtLine(const Asked& asked) {
  const geo::PositionAt& a = asked.at;
  const geo::TrackPoint& p = a.point;
  std::string s = "at " + asked.label + ": " + Fmt("%.7f", p.lat) + ", " + Fmt("%.7f", p.lon);
  if (std::isfinite(p.alt_m)) s += "  alt " + Fmt("%.1f", p.alt_m) + " m";
  if (std::isfinite(p.speed_mps)) s += "  " + Fmt("%.2f", p.speed_mps) + " m/s";
  if (std::isfinite(p.utc_s)) s += "  " + geo::UtcText(p.utc_s);
  if (std::isfinite(p.t)) s += "  (clip " + Fmt("%.3f", p.t) + " s)";
  if (a.where == geo::PositionAt::Where::kBeforeStart)
    s += "  [BEFORE the track by " + Fmt("%.3f", a.outside_by_s) + " s: its first sample]";
  if (a.where == geo::PositionAt::Where::kAfterEnd)
    s += "  [AFTER the track by " + Fmt("%.3f", a.outside_by_s) + " s: its last sample]";
  if (a.in_gap) s += "  [in a " + Fmt("%.1f", a.gap_s) + " s gap between samples]";
  if (a.bad_fix) s += "  [BAD FIX nearby: do not rely on it]";
  return s;
}

int Run(const Args& args) {
  if (args.positional().empty()) return UsageError("track", "no FILE given");
  const bool json = args.Has("json");
  const std::string gpx_out = args.Get("gpx");
  if (!gpx_out.empty() && args.positional().size() != 1)
    return UsageError("track", "--gpx takes one FILE");
  std::vector<double> at;
  for (const std::string& v : args.GetAll("at")) {
    char* end = nullptr;
    double t = std::strtod(v.c_str(), &end);
    if (v.empty() || *end || !std::isfinite(t))
      return UsageError("track", "--at needs a time in seconds, not '" + v + "'");
    at.push_back(t);
  }
  std::vector<std::pair<std::string, double>> at_utc;
  for (const std::string& v : args.GetAll("at-utc")) {
    auto u = ParseRfc3339(v);
    if (!u) {
      return UsageError(
          "track", "--at-utc needs an RFC 3339 time (2024-05-01T10:00:01.5Z), not '" + v + "'");
    }
    at_utc.emplace_back(v, *u);
  }
  nlohmann::ordered_json all = nlohmann::ordered_json::array();
  bool failed = false;
  for (const std::string& file : args.positional()) {
    auto track = LooksLikeGpx(file) ? geo::ReadGpx(file) : geo::ReadGpmfGpsTrack(file);
    if (!track.ok()) {
      failed = true;
      Warn("track", track.status().message());
      if (json) all.push_back({{"file", DisplayPath(file)}, {"error", track.status().message()}});
      continue;
    }
    for (const std::string& w : track->warnings) Warn("track", DisplayPath(file) + ": " + w);
    const geo::TrackSummary s = geo::Summarize(*track);
    std::vector<Asked> positions;
    for (double t : at) {
      auto p = geo::InterpolateAt(*track, t);
      if (p.ok())
        positions.push_back({Fmt("%.3f", t) + " s", *p});
      else
        Warn("track", DisplayPath(file) + ": --at " + Fmt("%.3f", t) + ": " + p.status().message());
    }
    for (const auto& [text, u] : at_utc) {
      auto p = geo::InterpolateAtUtc(*track, u);
      if (p.ok()) {
        positions.push_back({text, *p});
      } else {
        failed = true;
        Warn("track", DisplayPath(file) + ": --at-utc " + text + ": " + p.status().message());
      }
    }
    if (!gpx_out.empty()) {
      Status st = WriteFileAtomic(gpx_out, geo::WriteGpx(*track, BaseName(file)));
      if (!st.ok()) {
        Warn("track", st.message());
        failed = true;
      }
    }
    if (json) {
      nlohmann::ordered_json j;
      j["file"] = DisplayPath(file);
      j["source"] = track->source;
      if (track->clip_duration_s > 0) j["clip_duration_s"] = Num(track->clip_duration_s, 1e6);
      j["summary"] = geo::TrackSummaryJson(*track);
      nlohmann::ordered_json aj = nlohmann::ordered_json::array();
      for (const Asked& asked : positions) {
        const geo::PositionAt& p = asked.at;
        nlohmann::ordered_json e;
        e["asked"] = asked.label;
        const nlohmann::ordered_json point = geo::TrackPointJson(p.point);
        for (auto it = point.begin(); it != point.end(); ++it) e[it.key()] = it.value();
        e["where"] = WhereName(p.where);
        e["outside_by_s"] = Num(p.outside_by_s, 1e6);
        e["gap_s"] = Num(p.gap_s, 1e6);
        e["in_gap"] = p.in_gap;
        e["bad_fix"] = p.bad_fix;
        aj.push_back(e);
      }
      j["at"] = aj;
      nlohmann::ordered_json sj = nlohmann::ordered_json::array();
      for (const geo::TrackPoint& p : track->points) sj.push_back(geo::TrackPointJson(p));
      j["samples"] = std::move(sj);
      j["warnings"] = track->warnings;
      all.push_back(std::move(j));
      continue;
    }
    std::printf("== %s  (%s)\n", DisplayPath(file).c_str(), track->source.c_str());
    std::printf("  %zu samples (%zu timed, %zu with a bad fix)", s.points, s.timed_points,
                s.bad_fix_points);
    if (track->payloads > 0) std::printf(" from %d telemetry payloads", track->payloads);
    std::printf("\n");
    if (s.timed_points > 0) {
      std::printf("  time      %s s to %s s (%s s)", Fmt("%.3f", s.start_t).c_str(),
                  Fmt("%.3f", s.end_t).c_str(), Fmt("%.3f", s.end_t - s.start_t).c_str());
      if (track->clip_duration_s > 0)
        std::printf(" of a %s s clip", Fmt("%.3f", track->clip_duration_s).c_str());
      std::printf("\n");
    }
    if (std::isfinite(s.start_utc_s))
      std::printf("  UTC       %s to %s\n", geo::UtcText(s.start_utc_s).c_str(),
                  geo::UtcText(s.end_utc_s).c_str());
    std::printf("  start     %s, %s\n", Fmt("%.7f", track->points.front().lat).c_str(),
                Fmt("%.7f", track->points.front().lon).c_str());
    std::printf("  end       %s, %s\n", Fmt("%.7f", track->points.back().lat).c_str(),
                Fmt("%.7f", track->points.back().lon).c_str());
    std::printf("  distance  %s m along the track\n", Fmt("%.1f", s.distance_m).c_str());
    std::printf("  bbox      lat %s to %s, lon %s to %s\n", Fmt("%.7f", s.min_lat).c_str(),
                Fmt("%.7f", s.max_lat).c_str(), Fmt("%.7f", s.min_lon).c_str(),
                Fmt("%.7f", s.max_lon).c_str());
    if (std::isfinite(s.min_alt_m))
      std::printf("  altitude  %s to %s m\n", Fmt("%.1f", s.min_alt_m).c_str(),
                  Fmt("%.1f", s.max_alt_m).c_str());
    if (std::isfinite(s.max_speed_mps))
      std::printf("  speed     up to %s m/s (%s km/h)\n", Fmt("%.2f", s.max_speed_mps).c_str(),
                  Fmt("%.1f", s.max_speed_mps * 3.6).c_str());
    for (const Asked& asked : positions) std::printf("  %s\n", AtLine(asked).c_str());
    if (args.Has("samples")) {
      std::printf("  %10s  %-24s %12s %13s %9s %7s %3s %5s\n", "t (s)", "UTC", "lat", "lon",
                  "alt (m)", "m/s", "fix", "DOP");
      for (const geo::TrackPoint& p : track->points) {
        std::printf("  %10s  %-24s %12s %13s %9s %7s %3s %5s\n", Fmt("%.3f", p.t).c_str(),
                    std::isfinite(p.utc_s) ? geo::UtcText(p.utc_s).c_str() : "?",
                    Fmt("%.7f", p.lat).c_str(), Fmt("%.7f", p.lon).c_str(),
                    Fmt("%.3f", p.alt_m).c_str(), Fmt("%.2f", p.speed_mps).c_str(),
                    p.fix >= 0 ? std::to_string(p.fix).c_str() : "?", Fmt("%.2f", p.dop).c_str());
      }
    }
    std::printf("\n");
  }
  if (json) PrintOrderedJson(all.size() == 1 ? all[0] : all);
  return failed ? kExitFailed : kExitOk;
}

}  // namespace

extern const Command kTrackCommand = {
    "track",
    "GPS track of a clip (GoPro GPMF, GPX) and the position at a time",
    kUsage,
    {{"json", "samples"}, {"gpx"}, {"at", "at-utc"}},
    Run};

}  // namespace sightline::cli
