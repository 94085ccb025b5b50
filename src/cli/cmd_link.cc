// sightline link: an item to its source, or two items by a relation a person states.
#include <cstdio>

#include "case/relations.h"
#include "case/sources.h"
#include "cli/case_access.h"
#include "cli/command.h"
#include "cli/output.h"

namespace sightline::cli {

namespace {

namespace inv = investigation;

constexpr char kUsage[] =
    "Usage: sightline link --case DIR ITEM --source ID [--how TEXT] [--url URL]\n"
    "                      [--obtained-at TIME] [--published-at TIME] [--json]\n"
    "       sightline link --case DIR ITEM_A ITEM_B --kind KIND [--offset S] [--note TEXT]\n"
    "                      [--json]\n"
    "\n"
    "The first form says where ITEM came from: source ID (see `sightline source list`), how it\n"
    "reached the desk (--how \"forwarded by the author\"), the post it was found at (--url), and\n"
    "when (--obtained-at, ISO 8601), and when that post was published (--published-at, ISO\n"
    "8601, or a day YYYY-MM-DD in UTC as platforms state upload dates): the timeline takes it as\n"
    "a latest time for the recording's start (\"uploaded\"). The second records a relation between "
    "two items that you\n"
    "state yourself (the analyses' suggestions are `sightline findings`):\n"
    "\n"
    "  --kind KIND   same_footage, same_moment, same_place, same_event, or before (ITEM_A was\n"
    "                filmed before ITEM_B)\n"
    "  --offset S    with same_moment: ITEM_B's time 0 falls at S seconds into ITEM_A\n"
    "                (negative: ITEM_B started first), as `sightline sync` reports offset_s\n"
    "  --json        the link or relation as stored, with \"actor\", \"created_at\", "
    "\"custody_seq\"\n"
    "\n"
    "Items are ids, file names or hash prefixes. Each link is a signed custody entry.\n";

int Run(const Args& args) {
  std::string dir = args.Get("case");
  if (dir.empty()) return UsageError("link", "--case DIR is required");
  const auto& pos = args.positional();
  bool to_source = args.Has("source");
  if (to_source && pos.size() != 1) return UsageError("link", "--source links one ITEM");
  if (!to_source && (pos.size() != 2 || !args.Has("kind"))) {
    return UsageError("link", "give ITEM --source ID, or ITEM_A ITEM_B --kind KIND");
  }
  std::int64_t source_id = 0;
  if (to_source && !ParseRecordId(args.Get("source"), &source_id)) {
    return UsageError("link", "--source is a source id (see `sightline source list`)");
  }
  double offset = 0;
  if (args.Has("offset") && !ParseNumber(args.Get("offset"), -1e9, 1e9, &offset)) {
    return UsageError("link", "--offset is a number of seconds");
  }
  auto opened = OpenCaseToWrite("link", dir);
  if (!opened) return kExitFailed;
  evidence::Case& c = *opened->c;
  std::vector<evidence::Item> items;
  for (const std::string& ref : pos) {
    auto item = ResolveItem(c, ref);
    if (!item.ok()) return FailWith("link", item.status());
    items.push_back(*item);
  }
  if (to_source) {
    inv::ItemSource link;
    link.item_id = items[0].id;
    link.source_id = source_id;
    link.how = args.Get("how");
    link.url = args.Get("url");
    link.obtained_at = args.Get("obtained-at");
    link.published_at = args.Get("published-at");
    auto added = inv::LinkItemToSource(c, opened->who, link);
    if (!added.ok()) return FailWith("link", added.status());
    if (args.Has("json")) {
      PrintJson(inv::ItemSourceJson(*added));
    } else {
      std::printf("item %lld (%s) linked to source %lld\n", static_cast<long long>(items[0].id),
                  items[0].name.c_str(), static_cast<long long>(source_id));
    }
    return kExitOk;
  }
  inv::Relation r;
  r.kind = args.Get("kind");
  r.item_a = items[0].id;
  r.item_b = items[1].id;
  if (args.Has("offset")) r.offset_s = offset;
  r.note = args.Get("note");
  auto added = inv::AddRelation(c, opened->who, r);
  if (!added.ok()) return FailWith("link", added.status());
  if (args.Has("json")) {
    PrintJson(inv::RelationJson(*added));
  } else {
    std::printf("relation %lld: #%lld %s #%lld\n", static_cast<long long>(added->id),
                static_cast<long long>(r.item_a), r.kind.c_str(), static_cast<long long>(r.item_b));
  }
  return kExitOk;
}

}  // namespace

extern const Command kLinkCommand = {
    "link",
    "link an item to its source, or relate two items",
    kUsage,
    {{"json"},
     {"case", "source", "how", "url", "obtained-at", "published-at", "kind", "offset", "note"},
     {}},
    Run,
};

}  // namespace sightline::cli
