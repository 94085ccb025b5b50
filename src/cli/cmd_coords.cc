// sightline coords: parse coordinates as pasted (decimal, DMS, ISO 6709, UTM, MGRS) and print them
// in every format, with distances and bearings on the WGS84 ellipsoid. Thin: the parsing and
// formatting are analysis/geo/coords.h, the geodesic signals/geo/track.h.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "analysis/geo/coords.h"
#include "cli/command.h"
#include "cli/output.h"
#include "signals/geo/track.h"

namespace sightline::cli {
namespace {

namespace geo = analysis::geo;

constexpr char kUsage[] =
    "Usage: sightline coords [--to FORMAT] [--json] [--from TEXT] TEXT...\n"
    "       sightline coords --distance [--json] TEXT_A TEXT_B\n"
    "\n"
    "Reads each TEXT as a position on the WGS84 ellipsoid and prints it in other formats.\n"
    "Accepted: \"50.4501, 30.5234\", \"50°27'00.4\\\"N 30°31'24.2\\\"E\", \"N 50 27.006 E 30 "
    "31.404\",\n"
    "\"+50.4501+030.5234/\" (ISO 6709), \"36U 320000 5590000\" (UTM; a letter is the latitude "
    "band),\n"
    "\"UPS N 2000000 2000000\", \"36UUA2000090000\" or \"36U UA 20000 90000\" (MGRS: the centre "
    "of the\n"
    "square). Quote each TEXT; put -- before a TEXT that starts with '-' (\"-- '-33.86 "
    "151.21'\").\n"
    "\n"
    "  --to FORMAT   decimal | dms | iso6709 | utm | mgrs | all (default all); with one format "
    "only\n"
    "                the converted text is printed, one line per TEXT\n"
    "  --from TEXT   also print the distance (m) and the initial and final bearings (degrees "
    "from\n"
    "                north, clockwise) of the geodesic from TEXT to each position\n"
    "  --distance    the same between the two positions given (TEXT_A to TEXT_B)\n"
    "  --json        {\"input\",\"parsed_as\",\"lat\",\"lon\",\"alt_m\"?,\"uncertainty_m\"?,"
    "\"note\"?,\n"
    "                 \"formats\":{\"decimal\",\"dms\",\"iso6709\",\"utm\",\"mgrs\"},\n"
    "                 \"from\"?:{\"input\",\"distance_m\",\"initial_bearing_deg\","
    "\"final_bearing_deg\"}}\n"
    "                or {\"input\",\"error\"}; several TEXTs: an array. See doc/geodata.md.\n"
    "\n"
    "Exit status: 0 all parsed, 1 some TEXT is not a coordinate, 2 usage error.\n";

std::string Num(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

struct Origin {
  std::string text;
  geo::Coordinate at;
};

int Run(const Args& args) {
  std::vector<std::string> inputs = args.positional();
  if (inputs.empty()) return UsageError("coords", "no coordinate given");
  const bool json = args.Has("json");
  const std::string to = args.Get("to", "all");
  std::vector<geo::CoordFormat> formats;
  if (to == "all") {
    formats = geo::AllCoordFormats();
  } else if (auto f = geo::CoordFormatFromName(to)) {
    formats = {*f};
  } else {
    return UsageError("coords",
                      "unknown --to format '" + to + "' (decimal, dms, iso6709, utm, mgrs or all)");
  }
  std::optional<Origin> origin;
  std::string origin_text = args.Get("from");
  if (args.Has("distance")) {
    if (!origin_text.empty()) return UsageError("coords", "--distance and --from together");
    if (inputs.size() != 2) return UsageError("coords", "--distance takes exactly two positions");
    origin_text = inputs[0];
    inputs.erase(inputs.begin());
  }
  if (!origin_text.empty()) {
    auto o = geo::ParseCoordinate(origin_text);
    if (!o.ok()) return UsageError("coords", "--from: " + o.status().message());
    origin = Origin{origin_text, *o};
  }

  nlohmann::ordered_json all = nlohmann::ordered_json::array();
  bool failed = false;
  for (const std::string& text : inputs) {
    auto c = geo::ParseCoordinate(text);
    if (!c.ok()) {
      failed = true;
      Warn("coords", c.status().message());
      if (json) all.push_back({{"input", text}, {"error", c.status().message()}});
      continue;
    }
    nlohmann::ordered_json j;
    j["input"] = text;
    j["parsed_as"] = geo::CoordFormatName(c->parsed_as);
    j["lat"] = c->lat;
    j["lon"] = c->lon;
    if (c->alt_m) j["alt_m"] = *c->alt_m;
    if (c->uncertainty_m > 0) j["uncertainty_m"] = c->uncertainty_m;
    if (!c->note.empty()) j["note"] = c->note;
    nlohmann::ordered_json fj = nlohmann::ordered_json::object();
    std::vector<std::pair<std::string, std::string>> lines;
    for (geo::CoordFormat f : formats) {
      auto s = geo::FormatCoordinate(*c, f);
      std::string v = s.ok() ? *s : "(" + s.status().message() + ")";
      fj[geo::CoordFormatName(f)] = s.ok() ? nlohmann::ordered_json(v) : nlohmann::ordered_json();
      lines.emplace_back(geo::CoordFormatName(f), v);
    }
    j["formats"] = fj;
    signals::geo::GeodesicLine line;
    if (origin) {
      line = signals::geo::Inverse(origin->at.lat, origin->at.lon, c->lat, c->lon);
      j["from"] = {{"input", origin->text},
                   {"distance_m", std::round(line.distance_m * 1000) / 1000},
                   {"initial_bearing_deg", std::round(line.initial_bearing_deg * 1e6) / 1e6},
                   {"final_bearing_deg", std::round(line.final_bearing_deg * 1e6) / 1e6}};
    }
    if (json) {
      all.push_back(j);
      continue;
    }
    if (formats.size() == 1 && !origin) {
      std::printf("%s\n", lines[0].second.c_str());
      continue;
    }
    std::printf("%s  (read as %s", text.c_str(), geo::CoordFormatName(c->parsed_as));
    if (c->uncertainty_m > 0) std::printf(", within %s m", Num(c->uncertainty_m, 1).c_str());
    std::printf(")\n");
    if (!c->note.empty()) std::printf("  note: %s\n", c->note.c_str());
    for (const auto& [name, value] : lines) std::printf("  %-8s %s\n", name.c_str(), value.c_str());
    if (origin) {
      std::printf(
          "  from %s: %s m (%s km), initial bearing %s°, final bearing %s° (WGS84 "
          "geodesic)\n",
          origin->text.c_str(), Num(line.distance_m, 3).c_str(),
          Num(line.distance_m / 1000, 3).c_str(), Num(line.initial_bearing_deg, 4).c_str(),
          Num(line.final_bearing_deg, 4).c_str());
    }
  }
  if (json && !all.empty()) PrintOrderedJson(all.size() == 1 ? all[0] : all);
  return failed ? kExitFailed : kExitOk;
}

}  // namespace

extern const Command kCoordsCommand = {
    "coords",
    "parse and convert coordinates (decimal, DMS, ISO 6709, UTM, MGRS); distances, bearings",
    kUsage,
    {{"json", "distance"}, {"to", "from"}, {}},
    Run};

}  // namespace sightline::cli
