// sightline locate-item: where an item was filmed, or where an observed event happened.
#include <cstdio>

#include "analysis/geo/coords.h"
#include "case/locations.h"
#include "cli/case_access.h"
#include "cli/command.h"
#include "cli/output.h"

namespace sightline::cli {

namespace {

namespace inv = investigation;

constexpr char kUsage[] =
    "Usage: sightline locate-item --case DIR (ITEM | --observation ID) --at COORDS\n"
    "                             --radius M --method METHOD [--note TEXT] [--json]\n"
    "       sightline locate-item --case DIR --list [ITEM] [--json]\n"
    "\n"
    "Records where ITEM (id, file name or hash prefix) was filmed, or where the event of an\n"
    "observation (`sightline annotate`) happened, with how sure you are and how you know. An item\n"
    "or event may have several locations. Each is a signed custody entry.\n"
    "\n"
    "  --at COORDS      any form `sightline coords` reads: \"50.4501, 30.5234\", DMS, ISO 6709,\n"
    "                   UTM or MGRS\n"
    "  --radius M       uncertainty in metres: the place is within M of COORDS. When COORDS is\n"
    "                   an MGRS square and --radius is absent, the square's half-diagonal\n"
    "  --method METHOD  gps_metadata, telemetry, scene_match, landmarks, source_statement or\n"
    "                   other\n"
    "  --json           the location {\"id\", \"item\", \"observation\", \"lat\", \"lon\", "
    "\"radius_m\",\n"
    "                   \"method\", \"note\", \"actor\", \"created_at\", \"custody_seq\"}; with "
    "--list\n"
    "                   {\"case\", \"locations\": […]}\n";

void PrintLocation(const inv::Location& l) {
  std::printf("%-4lld #%-4lld %-6s %11.6f %11.6f  ±%-8.0f %-16s %s\n", static_cast<long long>(l.id),
              static_cast<long long>(l.item_id),
              l.observation_id ? ("obs " + std::to_string(l.observation_id)).c_str() : "-", l.lat,
              l.lon, l.radius_m, l.method.c_str(), l.note.c_str());
}

int List(const Args& args, const std::string& dir) {
  if (args.positional().size() > 1) return UsageError("locate-item", "--list takes one ITEM");
  auto c = OpenCase("locate-item", dir, evidence::Case::Access::kRead);
  if (!c) return kExitFailed;
  std::int64_t item_id = 0;
  if (!args.positional().empty()) {
    auto item = ResolveItem(*c, args.positional()[0]);
    if (!item.ok()) return FailWith("locate-item", item.status());
    item_id = item->id;
  }
  auto locations = inv::ListLocations(*c, item_id);
  if (!locations.ok()) return FailWith("locate-item", locations.status());
  if (args.Has("json")) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& l : *locations) list.push_back(inv::LocationJson(l));
    PrintJson({{"case", DisplayPath(dir)}, {"locations", list}});
    return kExitOk;
  }
  std::printf("%-4s %-5s %-6s %11s %11s  %-9s %-16s %s\n", "ID", "ITEM", "EVENT", "LAT", "LON",
              "RADIUS M", "METHOD", "NOTE");
  for (const auto& l : *locations) PrintLocation(l);
  std::printf("%zu locations\n", locations->size());
  return kExitOk;
}

int Run(const Args& args) {
  std::string dir = args.Get("case");
  if (dir.empty()) return UsageError("locate-item", "--case DIR is required");
  if (args.Has("list")) return List(args, dir);
  bool by_observation = args.Has("observation");
  if (args.positional().size() != (by_observation ? 0u : 1u)) {
    return UsageError("locate-item", "give one ITEM, or --observation ID");
  }
  inv::Location loc;
  if (by_observation && !ParseRecordId(args.Get("observation"), &loc.observation_id)) {
    return UsageError("locate-item", "--observation is an observation id");
  }
  if (!args.Has("at")) return UsageError("locate-item", "--at COORDS is required");
  auto coord = analysis::geo::ParseCoordinate(args.Get("at"));
  if (!coord.ok()) return UsageError("locate-item", coord.status().message());
  loc.lat = coord->lat;
  loc.lon = coord->lon;
  if (args.Has("radius")) {
    if (!ParseNumber(args.Get("radius"), 0, 2.1e7, &loc.radius_m)) {
      return UsageError("locate-item", "--radius is a distance in metres >= 0");
    }
  } else if (coord->uncertainty_m > 0) {
    loc.radius_m = coord->uncertainty_m;
  } else {
    return UsageError("locate-item", "--radius M is required: how far off may the place be?");
  }
  loc.method = args.Get("method");
  if (!inv::IsLocationMethod(loc.method)) {
    return UsageError("locate-item", "--method is " + inv::Alternatives(inv::kLocationMethods));
  }
  loc.note = args.Get("note");
  auto opened = OpenCaseToWrite("locate-item", dir);
  if (!opened) return kExitFailed;
  if (!by_observation) {
    auto item = ResolveItem(*opened->c, args.positional()[0]);
    if (!item.ok()) return FailWith("locate-item", item.status());
    loc.item_id = item->id;
  }
  auto set = inv::SetLocation(*opened->c, opened->who, loc);
  if (!set.ok()) return FailWith("locate-item", set.status());
  if (args.Has("json")) {
    PrintJson(inv::LocationJson(*set));
  } else {
    std::printf("location %lld of item %lld: %.6f, %.6f ±%.0f m (%s)\n",
                static_cast<long long>(set->id), static_cast<long long>(set->item_id), set->lat,
                set->lon, set->radius_m, set->method.c_str());
  }
  return kExitOk;
}

}  // namespace

extern const Command kLocateItemCommand = {
    "locate-item",
    "record where an item was filmed or an event happened",
    kUsage,
    {{"json", "list"}, {"case", "observation", "at", "radius", "method", "note"}, {}},
    Run,
};

}  // namespace sightline::cli
