// sightline list: the items of a case.
#include <cstdio>

#include "base/file.h"
#include "case/case_json.h"
#include "cli/case_access.h"
#include "cli/command.h"
#include "cli/output.h"

namespace sightline::cli {

namespace {

constexpr char kUsage[] =
    "Usage: sightline list --case DIR [--json]\n"
    "\n"
    "Lists the items of a case: id, original file name, media kind, size, SHA-256 and when it\n"
    "was ingested. Items that could not be read as media are marked.\n"
    "\n"
    "  --json   {\"case\", \"case_id\", \"items\": [{\"id\", \"name\", \"sha256\", \"size\", "
    "\"kind\",\n"
    "           \"media_problem\", \"ingested_at\", \"other_names\"}]}\n";

int Run(const Args& args) {
  std::string dir = args.Get("case");
  if (dir.empty()) return UsageError("list", "--case DIR is required");
  if (!args.positional().empty()) return UsageError("list", "unexpected argument");
  auto c = OpenCase("list", dir, evidence::Case::Access::kRead);
  if (!c) return kExitFailed;
  auto items = c->catalog().ListItems();
  if (!items.ok()) {
    Warn("list", items.status().message());
    return kExitFailed;
  }
  if (args.Has("json")) {
    auto out = investigation::ItemListJson(*c);
    if (!out.ok()) {
      Warn("list", out.status().message());
      return kExitFailed;
    }
    PrintJson({{"case", DisplayPath(dir)}, {"case_id", c->case_id()}, {"items", *out}});
    return kExitOk;
  }
  std::printf("%-4s %-32s %-6s %10s  %-16s  %-24s %s\n", "ID", "NAME", "KIND", "SIZE", "SHA256",
              "INGESTED (UTC)", "FLAGS");
  for (const auto& item : *items) {
    std::printf("%-4lld %-32s %-6s %10s  %-16s  %-24s %s\n", static_cast<long long>(item.id),
                item.name.c_str(), item.media_kind.empty() ? "-" : item.media_kind.c_str(),
                HumanSize(item.size).c_str(), item.sha256.substr(0, 16).c_str(),
                item.ingested_at.c_str(),
                item.media_problem.empty() ? "" : "not readable as media");
  }
  std::printf("%zu items\n", items->size());
  return kExitOk;
}

}  // namespace

extern const Command kListCommand = {
    "list", "list the items of a case", kUsage, {{"json"}, {"case"}, {}}, Run,
};

}  // namespace sightline::cli
