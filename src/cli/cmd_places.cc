// sightline places: the groups of items that show one place, from the case's findings and
// statements (case/place_groups.h).
#include <algorithm>
#include <cstdio>
#include <map>

#include "case/place_groups.h"
#include "cli/case_access.h"
#include "cli/command.h"
#include "cli/output.h"

namespace sightline::cli {

namespace {

namespace inv = investigation;

constexpr char kUsage[] =
    "Usage: sightline places --case DIR [--json]\n"
    "\n"
    "Groups the items of a case by place: two items are in one group when a same_place or\n"
    "same_footage finding joins them (suggested or accepted, not rejected: `sightline analyze`\n"
    "suggests them) or a person stated it (`sightline link --kind same_place|same_footage`).\n"
    "Links chain: A ~ B and B ~ C make one group even when A and C were not matched themselves\n"
    "(views along a street, cameras around a room), so each group lists its links and how many\n"
    "of its pairs were matched directly. A group is confirmed when links a person accepted or\n"
    "stated connect all of it; otherwise it rests at least in part on suggestions.\n"
    "\n"
    "  --json   {\"case\", \"groups\": [{\"items\": [ID, ..], \"pairs\", \"pairs_linked\",\n"
    "           \"confirmed\", \"links\": [{\"a\", \"b\", \"kind\", \"finding\"|\"relation\",\n"
    "           \"score\", \"confirmed\"}]}], \"ungrouped\": [ID, ..]}; largest group first,\n"
    "           links strongest first (confirmed ones before suggestions)\n"
    "\n"
    "Exit status: 0 listed (no group is an answer), 1 the case cannot be read, 2 usage error.\n";

std::string Label(const std::map<std::int64_t, std::string>& names, std::int64_t id) {
  std::string label = "#" + std::to_string(id);
  if (auto it = names.find(id); it != names.end()) label += " " + it->second;
  return label;
}

int Run(const Args& args) {
  const std::string dir = args.Get("case");
  if (dir.empty()) return UsageError("places", "--case DIR is required");
  if (!args.positional().empty()) return UsageError("places", "unexpected argument");
  auto c = OpenCase("places", dir, evidence::Case::Access::kRead);
  if (!c) return kExitFailed;
  auto groups = inv::ListPlaceGroups(*c);
  if (!groups.ok()) return FailWith("places", groups.status());
  auto items = c->catalog().ListItems();
  if (!items.ok()) return FailWith("places", items.status());
  std::map<std::int64_t, std::string> names;
  std::vector<std::int64_t> ids;
  for (const evidence::Item& item : *items) {
    names[item.id] = item.name;
    ids.push_back(item.id);
  }
  nlohmann::json out = inv::PlaceGroupsJson(*groups, ids);
  if (args.Has("json")) {
    out["case"] = DisplayPath(dir);
    PrintJson(out);
    return kExitOk;
  }
  if (groups->empty()) {
    std::printf(
        "no items are linked by place (run `sightline analyze --case %s`, or state a "
        "link with `sightline link`)\n",
        DisplayPath(dir).c_str());
    return kExitOk;
  }
  int n = 0;
  for (const inv::PlaceGroup& g : *groups) {
    const nlohmann::json& j = out["groups"][n];
    std::printf("place %d: %zu items, %zu of %zu pairs linked directly, %s\n", ++n, g.items.size(),
                j["pairs_linked"].get<std::size_t>(), j["pairs"].get<std::size_t>(),
                g.confirmed ? "confirmed (accepted or stated links connect it all)"
                            : "rests on suggestions (accept or reject them: `sightline findings`)");
    for (std::int64_t id : g.items) std::printf("  %s\n", Label(names, id).c_str());
    for (const inv::PlaceLink& l : g.links) {
      std::printf("    #%lld ~ #%lld  %-12s %s %lld  score %.2f  %s\n",
                  static_cast<long long>(l.item_a), static_cast<long long>(l.item_b),
                  l.kind.c_str(), l.stated ? "relation" : "finding", static_cast<long long>(l.id),
                  l.score,
                  l.stated      ? "stated"
                  : l.confirmed ? "accepted"
                                : "suggested");
    }
  }
  if (!out["ungrouped"].empty()) std::printf("%zu items in no group\n", out["ungrouped"].size());
  return kExitOk;
}

}  // namespace

extern const Command kPlacesCommand = {
    "places", "groups of items that show one place, linked by findings and statements",
    kUsage,   {{"json"}, {"case"}, {}},
    Run,
};

}  // namespace sightline::cli
