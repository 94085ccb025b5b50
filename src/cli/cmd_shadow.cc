// sightline shadow: what measured shadows say about when (at a known place) or where (at a known
// time) a picture was taken. Thin: the model is analysis/sun/shadow.h; this file parses the
// measurements, prints, and writes the map's GeoJSON and PNG.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "analysis/sun/shadow.h"
#include "analysis/sun/shadow_map_output.h"
#include "analysis/sun/spa.h"
#include "analysis/sun/sun_text.h"
#include "base/file.h"
#include "base/time.h"
#include "cli/command.h"
#include "cli/output.h"
#include "media/png_writer.h"

namespace sightline::cli {
namespace {

namespace sun = analysis::sun;

constexpr char kUsage[] =
    "Usage: sightline shadow --lat LAT --lon LON --date YYYY-MM-DD [--utc-offset +HH:MM]\n"
    "                        MEASUREMENT... [--json]\n"
    "       sightline shadow --time ISO8601[±S] MEASUREMENT... [--geojson FILE] [--png FILE]\n"
    "                        [--cell-deg D] [--json]\n"
    "\n"
    "What a shadow measured in a picture says about when or where it was taken.\n"
    "With --lat/--lon/--date: the times of that local day when the Sun stood where the shadow\n"
    "puts it (intervals, to 0.05 s). With --time: the places on Earth where the Sun stood there\n"
    "at that instant, a band on a global grid (0.1 degree cells), as GeoJSON and a PNG map.\n"
    "Give the elevation, the direction, or both (one alone answers the inverse questions: when\n"
    "does the Sun stand at this azimuth, or cast a shadow this long, here).\n"
    "\n"
    "Measurements (each a number, V±D, V+-D or LO:HI):\n"
    "  --height H --length L  a vertical object's height and its shadow's length along the\n"
    "                         ground, same unit: sun elevation atan(H/L) on flat ground\n"
    "  --slope S              ground slope along the shadow, degrees, positive when the ground\n"
    "                         rises away from the object (default 0)\n"
    "  --sun-elevation E      or the Sun's apparent elevation directly, degrees\n"
    "  --shadow-azimuth A     where the shadow points, degrees from north, eastward (a known\n"
    "                         bearing in the picture plus the shadow's angle from it)\n"
    "  --sun-azimuth A        or the Sun's azimuth (= shadow azimuth + 180)\n"
    "  --shadow SPEC          one shadow of several (repeatable; all are intersected):\n"
    "                         height=H,length=L,slope=S,elevation=E,azimuth=A,sun-azimuth=A,\n"
    "                         time=ISO8601[±S] (maps) or offset=S[±U] (seconds after the time\n"
    "                         sought, for a second clip filmed a known time later)\n"
    "Time and air:\n"
    "  --time T[±S]           the instant (ISO 8601 with offset), ± seconds of uncertainty\n"
    "  --utc-offset +HH:MM    the offset of --date's day and of the printed times (default Z)\n"
    "  --cell-deg D           map cell size (default 0.1; must divide 180)\n"
    "  --pressure-mbar P --temp-c C --delta-t S --delta-ut1 S --elevation-m M   as for `sun`\n"
    "Outputs:\n"
    "  --geojson FILE         the band as a GeoJSON MultiPolygon (with subsolar points)\n"
    "  --png FILE             an equirectangular map: band orange, subsolar point yellow, night\n"
    "                         darker, graticule every 10 degrees\n"
    "  --json                 times: "
    "{\"mode\":\"times\",\"latitude_deg\",\"longitude_deg\",\"date\",\n"
    "                         \"utc_offset\",\"bands\":[...],\"intervals\":[{\"start\",\"end\",\n"
    "                         \"duration_s\",\"sun_start\":{\"elevation_deg\",\"azimuth_deg\"},\n"
    "                         \"sun_end\":{...}}]}; map: {\"mode\":\"map\",\"times\":[...],\n"
    "                         "
    "\"bands\":[...],\"cell_deg\",\"cells\",\"area_km2\",\"latitude_range_deg\",\n"
    "                         \"longitude_range_deg\",\"subsolar\":[...],\"verification\":{...},\n"
    "                         \"geojson\",\"png\"} (doc/sun.md)\n"
    "\n"
    "Exit status: 0 ok (also when nothing fits: an empty list or band), 1 an output file could\n"
    "not be written, 2 usage error.\n";

Status ReadNumber(const Args& args, const char* name, double* out) {
  if (!args.Has(name)) return Status::Ok();
  auto v = sun::ParseNumber(args.Get(name));
  if (!v.ok()) return v.status().WithContext(std::string("--") + name);
  *out = *v;
  return Status::Ok();
}

// "T", "T±S" or "T+-S" (S seconds).
Status ParseTimeWithUncertainty(const std::string& text, sun::IsoTime* t, double* plus_minus) {
  std::string head = text;
  *plus_minus = 0;
  for (const char* sep : {"±", "+-"}) {
    const std::size_t at = text.find(sep, 19);
    if (at == std::string::npos) continue;
    auto d = sun::ParseNumber(text.substr(at + std::string(sep).size()));
    if (!d.ok() || *d < 0 || *d > 86400)
      return InvalidArgument("\"" + text + "\": the ± part must be seconds within 0..86400");
    *plus_minus = *d;
    head = text.substr(0, at);
    break;
  }
  auto parsed = sun::ParseIsoTime(head);
  if (!parsed.ok()) return parsed.status();
  *t = *parsed;
  return Status::Ok();
}

struct ParsedShadow {
  sun::ShadowMeasurement m;
  bool has_time = false;
  sun::IsoTime time;
};

Status SetField(const std::string& key, const std::string& value, ParsedShadow* p) {
  auto range = [&](std::optional<sun::Range>* out) -> Status {
    auto r = sun::ParseRange(value);
    if (!r.ok()) return r.status().WithContext(key);
    *out = *r;
    return Status::Ok();
  };
  if (key == "height") return range(&p->m.object_height);
  if (key == "length") return range(&p->m.shadow_length);
  if (key == "elevation" || key == "sun-elevation") return range(&p->m.sun_elevation_deg);
  if (key == "azimuth" || key == "shadow-azimuth") return range(&p->m.shadow_azimuth_deg);
  if (key == "sun-azimuth") return range(&p->m.sun_azimuth_deg);
  if (key == "slope") {
    std::optional<sun::Range> r;
    SL_RETURN_IF_ERROR(range(&r));
    p->m.ground_slope_deg = *r;
    return Status::Ok();
  }
  if (key == "time") {
    p->has_time = true;
    return ParseTimeWithUncertainty(value, &p->time, &p->m.time_uncertainty_s).WithContext("time");
  }
  if (key == "offset") {
    auto r = sun::ParseRange(value);
    if (!r.ok()) return r.status().WithContext("offset");
    p->m.time_offset_s = r->Mid();
    p->m.time_uncertainty_s = (r->hi - r->lo) / 2;
    return Status::Ok();
  }
  return InvalidArgument(
      "unknown shadow field '" + key +
      "' (height, length, slope, elevation, azimuth, sun-azimuth, time, offset)");
}

Result<ParsedShadow> ParseSpec(const std::string& spec) {
  ParsedShadow p;
  std::size_t pos = 0;
  while (pos <= spec.size()) {
    std::size_t comma = spec.find(',', pos);
    if (comma == std::string::npos) comma = spec.size();
    const std::string item = spec.substr(pos, comma - pos);
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos)
      return InvalidArgument("--shadow \"" + spec +
                             "\": expected KEY=VALUE items separated by commas");
    SL_RETURN_IF_ERROR(SetField(item.substr(0, eq), item.substr(eq + 1), &p));
    pos = comma + 1;
  }
  return p;
}

nlohmann::ordered_json RangeJson(const std::optional<sun::Range>& r) {
  if (!r) return nullptr;
  return {r->lo, r->hi};
}

nlohmann::ordered_json BandJson(const sun::SunBand& b) {
  return {{"elevation_deg", RangeJson(b.elevation_deg)}, {"azimuth_deg", RangeJson(b.azimuth_deg)}};
}

std::string BandText(const sun::SunBand& b) {
  char buf[160];
  std::string s;
  if (b.elevation_deg) {
    std::snprintf(buf, sizeof buf, "elevation %.3f..%.3f°", b.elevation_deg->lo,
                  b.elevation_deg->hi);
    s += buf;
  }
  if (b.azimuth_deg) {
    std::snprintf(buf, sizeof buf, "%sazimuth %.2f..%.2f° (clockwise)", s.empty() ? "" : ", ",
                  b.azimuth_deg->lo, b.azimuth_deg->hi);
    s += buf;
  }
  return s;
}

int RunTimes(const Args& args, const std::vector<ParsedShadow>& shadows, sun::Observer obs) {
  for (const char* required : {"lat", "lon"}) {
    if (!args.Has(required)) return UsageError("shadow", std::string("--date needs --") + required);
  }
  for (auto [name, field] : {std::pair{"lat", &obs.latitude_deg}, {"lon", &obs.longitude_deg}}) {
    if (Status s = ReadNumber(args, name, field); !s.ok()) return UsageError("shadow", s.message());
  }
  int y = 0, m = 0, d = 0;
  if (Status s = sun::ParseDate(args.Get("date"), &y, &m, &d); !s.ok())
    return UsageError("shadow", "--date: " + s.message());
  int offset = 0;
  const bool zulu = !args.Has("utc-offset") || args.Get("utc-offset") == "Z";
  if (args.Has("utc-offset")) {
    auto o = sun::ParseUtcOffset(args.Get("utc-offset"));
    if (!o.ok()) return UsageError("shadow", "--utc-offset: " + o.status().message());
    offset = *o;
  }
  std::vector<sun::ShadowMeasurement> list;
  std::vector<sun::SunBand> bands;
  for (const ParsedShadow& p : shadows) {
    if (p.has_time)
      return UsageError("shadow", "with --date, give shadows an offset=, not a time=");
    auto band = sun::BandFromShadow(p.m);
    if (!band.ok()) return UsageError("shadow", band.status().message());
    bands.push_back(*band);
    list.push_back(p.m);
  }
  if (Status s = sun::ValidateObserver(obs); !s.ok()) return UsageError("shadow", s.message());
  // The local day's midnight (proleptic Gregorian, as ISO 8601 dates are).
  const double start = static_cast<double>(UnixFromUtcFields(y, m, d, 0, 0, 0)) - offset;
  auto times = sun::FindConsistentTimes(list, obs, start, start + 86400);
  if (!times.ok()) return UsageError("shadow", times.status().message());
  auto iso = [&](double t) { return sun::FormatIsoTime(t, offset, zulu); };
  auto sun_at = [&](double t) {
    auto p = sun::ComputeSolarPosition(t, obs);
    return p.ok() ? *p : sun::SolarPosition{};
  };
  if (args.Has("json")) {
    nlohmann::ordered_json j;
    j["mode"] = "times";
    j["latitude_deg"] = obs.latitude_deg;
    j["longitude_deg"] = obs.longitude_deg;
    j["date"] = args.Get("date");
    j["utc_offset"] = sun::FormatUtcOffset(offset, zulu);
    j["bands"] = nlohmann::ordered_json::array();
    for (const auto& b : bands) j["bands"].push_back(BandJson(b));
    j["intervals"] = nlohmann::ordered_json::array();
    for (const auto& i : *times) {
      const auto a = sun_at(i.start_unix), b = sun_at(i.end_unix);
      j["intervals"].push_back(
          {{"start", iso(i.start_unix)},
           {"end", iso(i.end_unix)},
           {"duration_s", std::round((i.end_unix - i.start_unix) * 10) / 10},
           {"sun_start", {{"elevation_deg", a.elevation_deg}, {"azimuth_deg", a.azimuth_deg}}},
           {"sun_end", {{"elevation_deg", b.elevation_deg}, {"azimuth_deg", b.azimuth_deg}}}});
    }
    PrintOrderedJson(j);
    return kExitOk;
  }
  std::printf("Times on %s (UTC%s) at %.6f, %.6f when the Sun stood where the shadow%s put it\n",
              args.Get("date").c_str(), sun::FormatUtcOffset(offset, false).c_str(),
              obs.latitude_deg, obs.longitude_deg, shadows.size() > 1 ? "s" : "");
  for (std::size_t i = 0; i < bands.size(); ++i) {
    std::printf("  shadow %zu: %s", i + 1, BandText(bands[i]).c_str());
    if (list[i].time_offset_s != 0 || list[i].time_uncertainty_s != 0)
      std::printf(", seen %+.0f ± %.0f s later", list[i].time_offset_s, list[i].time_uncertainty_s);
    std::printf("\n");
  }
  if (times->empty()) std::printf("  no time of that day fits\n");
  for (const auto& i : *times) {
    const auto a = sun_at(i.start_unix), b = sun_at(i.end_unix);
    const double len = i.end_unix - i.start_unix;
    std::printf(
        "  %s .. %s  (%dm %02ds)  Sun from elevation %.2f° azimuth %.2f° to %.2f° / %.2f°\n",
        iso(i.start_unix).c_str(), iso(i.end_unix).c_str(), static_cast<int>(len) / 60,
        static_cast<int>(len) % 60, a.elevation_deg, a.azimuth_deg, b.elevation_deg, b.azimuth_deg);
  }
  return kExitOk;
}

int RunMap(const Args& args, std::vector<ParsedShadow> shadows, const sun::Observer& air) {
  sun::ShadowMapOptions options;
  if (Status s = ReadNumber(args, "cell-deg", &options.cell_deg); !s.ok())
    return UsageError("shadow", s.message());
  std::vector<sun::ShadowMeasurement> list;
  std::vector<sun::SunBand> bands;
  for (ParsedShadow& p : shadows) {
    if (!p.has_time)
      return UsageError("shadow", "every shadow on a map needs a time (--time or time=)");
    p.m.time_unix = p.time.unix;
    auto band = sun::BandFromShadow(p.m);
    if (!band.ok()) return UsageError("shadow", band.status().message());
    bands.push_back(*band);
    list.push_back(p.m);
  }
  auto map = sun::ComputeShadowMap(list, air, options);
  if (!map.ok()) return UsageError("shadow", map.status().message());
  int r0 = map->height, r1 = -1, c0 = map->width, c1 = -1;
  for (int r = 0; r < map->height; ++r) {
    for (int c = 0; c < map->width; ++c) {
      if (!map->At(r, c)) continue;
      r0 = std::min(r0, r), r1 = std::max(r1, r), c0 = std::min(c0, c), c1 = std::max(c1, c);
    }
  }
  const bool any = r1 >= 0;
  const double cell = map->cell_deg;
  bool failed = false;
  const std::string geojson = args.Get("geojson"), png = args.Get("png");
  if (!geojson.empty()) {
    if (Status s = WriteFileAtomic(geojson, sun::ShadowMapGeoJson(*map).dump() + "\n"); !s.ok()) {
      Warn("shadow", s.message());
      failed = true;
    }
  }
  if (!png.empty()) {
    if (Status s = media::WritePng(png, sun::ShadowMapImage(*map)); !s.ok()) {
      Warn("shadow", s.message());
      failed = true;
    }
  }
  auto iso = [](const ParsedShadow& p) {
    return sun::FormatIsoTime(p.time.unix, p.time.utc_offset_s, p.time.zulu);
  };
  const auto& v = map->verification;
  if (args.Has("json")) {
    nlohmann::ordered_json j;
    j["mode"] = "map";
    j["times"] = nlohmann::ordered_json::array();
    for (const auto& p : shadows)
      j["times"].push_back({{"time", iso(p)}, {"uncertainty_s", p.m.time_uncertainty_s}});
    j["bands"] = nlohmann::ordered_json::array();
    for (const auto& b : bands) j["bands"].push_back(BandJson(b));
    j["cell_deg"] = cell;
    j["cells"] = map->cell_count;
    j["area_km2"] = std::round(map->area_km2);
    auto round6 = [](double v) { return std::round(v * 1e6) / 1e6; };
    j["latitude_range_deg"] =
        any ? nlohmann::ordered_json{round6(90 - (r1 + 1) * cell), round6(90 - r0 * cell)}
            : nullptr;
    j["longitude_range_deg"] =
        any ? nlohmann::ordered_json{round6(-180 + c0 * cell), round6(-180 + (c1 + 1) * cell)}
            : nullptr;
    j["subsolar"] = nlohmann::ordered_json::array();
    for (const auto& s : map->subsolar)
      j["subsolar"].push_back(
          {{"latitude_deg", s.latitude_deg}, {"longitude_deg", s.longitude_deg}});
    j["verification"] = {{"cells_checked", v.cells_checked},
                         {"disagreements", v.disagreements},
                         {"max_elevation_diff_deg", v.max_elevation_diff_deg},
                         {"max_azimuth_diff_deg", v.max_azimuth_diff_deg}};
    j["geojson"] = geojson.empty() ? nullptr : nlohmann::ordered_json(DisplayPath(geojson));
    j["png"] = png.empty() ? nullptr : nlohmann::ordered_json(DisplayPath(png));
    PrintOrderedJson(j);
    return failed ? kExitFailed : kExitOk;
  }
  std::printf("Places where the Sun stood where the shadow%s put it\n",
              shadows.size() > 1 ? "s" : "");
  for (std::size_t i = 0; i < shadows.size(); ++i) {
    std::printf("  shadow %zu at %s ± %.0f s: %s; subsolar point %.3f, %.3f\n", i + 1,
                iso(shadows[i]).c_str(), shadows[i].m.time_uncertainty_s,
                BandText(bands[i]).c_str(), map->subsolar[i].latitude_deg,
                map->subsolar[i].longitude_deg);
  }
  if (!any) {
    std::printf("  nowhere on Earth (the bands do not meet)\n");
  } else {
    std::printf("  %lld cells of %.2f° (%.0f km²), latitudes %.2f..%.2f, longitudes %.2f..%.2f\n",
                static_cast<long long>(map->cell_count), cell, map->area_km2, 90 - (r1 + 1) * cell,
                90 - r0 * cell, -180 + c0 * cell, -180 + (c1 + 1) * cell);
  }
  std::printf(
      "  checked with full SPA at %d band-edge cells: %d on the other side of the edge, "
      "largest difference %.4f° in elevation, %.4f° in azimuth\n",
      v.cells_checked, v.disagreements, v.max_elevation_diff_deg, v.max_azimuth_diff_deg);
  if (!geojson.empty()) std::printf("  GeoJSON: %s\n", DisplayPath(geojson).c_str());
  if (!png.empty()) std::printf("  PNG: %s\n", DisplayPath(png).c_str());
  return failed ? kExitFailed : kExitOk;
}

int Run(const Args& args) {
  if (!args.positional().empty())
    return UsageError("shadow", "unexpected argument " + args.positional()[0]);
  const bool by_date = args.Has("date"), by_time = args.Has("time");
  if (by_date && by_time)
    return UsageError("shadow", "give --date (times) or --time (map), not both");
  sun::Observer air;
  for (auto [name, field] : {std::pair{"elevation-m", &air.elevation_m},
                             {"pressure-mbar", &air.pressure_mbar},
                             {"temp-c", &air.temperature_c},
                             {"delta-t", &air.delta_t_s},
                             {"delta-ut1", &air.delta_ut1_s}}) {
    if (Status s = ReadNumber(args, name, field); !s.ok()) return UsageError("shadow", s.message());
  }
  std::vector<ParsedShadow> shadows;
  // The flat options describe one shadow.
  ParsedShadow flat;
  bool has_flat = false;
  for (const char* key :
       {"height", "length", "slope", "sun-elevation", "shadow-azimuth", "sun-azimuth"}) {
    if (!args.Has(key)) continue;
    has_flat = true;
    if (Status s = SetField(key, args.Get(key), &flat); !s.ok())
      return UsageError("shadow", "--" + s.message());
  }
  if (by_time) {
    if (Status s =
            ParseTimeWithUncertainty(args.Get("time"), &flat.time, &flat.m.time_uncertainty_s);
        !s.ok()) {
      return UsageError("shadow", "--time: " + s.message());
    }
    flat.has_time = true;
  }
  if (has_flat) shadows.push_back(flat);
  for (const std::string& spec : args.GetAll("shadow")) {
    auto p = ParseSpec(spec);
    if (!p.ok()) return UsageError("shadow", p.status().message());
    if (!p->has_time && by_time) {  // --time is the default time of every shadow
      p->has_time = true;
      p->time = flat.time;
      p->m.time_uncertainty_s = flat.m.time_uncertainty_s;
    }
    shadows.push_back(*p);
  }
  if (shadows.empty())
    return UsageError("shadow",
                      "no shadow measured (--height/--length, "
                      "--sun-elevation, --shadow-azimuth or --shadow)");
  if (by_date) return RunTimes(args, shadows, air);
  const bool all_timed =
      std::all_of(shadows.begin(), shadows.end(), [](const ParsedShadow& p) { return p.has_time; });
  if (!by_time && !all_timed)
    return UsageError("shadow", "give --lat/--lon/--date (when?) or --time (where?)");
  return RunMap(args, shadows, air);
}

}  // namespace

extern const Command kShadowCommand = {
    "shadow",
    "times and places consistent with a measured shadow",
    kUsage,
    {{"json"},
     {"lat", "lon", "date", "utc-offset", "time", "height", "length", "slope", "sun-elevation",
      "shadow-azimuth", "sun-azimuth", "cell-deg", "geojson", "png", "pressure-mbar", "temp-c",
      "delta-t", "delta-ut1", "elevation-m"},
     {"shadow"}},
    Run};

}  // namespace sightline::cli
