// sightline source add|list: who the items came from.
#include <cstdio>

#include "case/case_json.h"
#include "case/sources.h"
#include "cli/case_access.h"
#include "cli/command.h"
#include "cli/output.h"

namespace sightline::cli {

namespace {

namespace inv = investigation;

constexpr char kUsage[] =
    "Usage: sightline source add --case DIR --kind KIND [--handle H] [--platform P] [--url URL]\n"
    "                            [--note TEXT] [--json] NAME\n"
    "       sightline source list --case DIR [--json]\n"
    "\n"
    "Records who items came from: a person, an account, an agency, an eyewitness. Link an item\n"
    "to its source with `sightline link --case DIR ITEM --source ID`.\n"
    "\n"
    "  --kind KIND   person, account, agency, eyewitness, organisation or unknown\n"
    "  --handle H    the account handle (@name); --platform P (Telegram, X, TikTok, …)\n"
    "  --url URL     the profile or channel\n"
    "  --json        add: the source {\"id\", \"kind\", \"name\", \"handle\", \"platform\", "
    "\"url\",\n"
    "                \"note\", \"actor\", \"created_at\", \"custody_seq\"}; list: {\"case\",\n"
    "                \"sources\": [… with \"items\": [{\"item\", \"how\", \"url\", "
    "\"obtained_at\",\n"
    "                \"published_at\"}]]}\n";

int Add(const Args& args, const std::string& dir) {
  if (args.positional().size() != 2) return UsageError("source", "give the source's NAME");
  inv::Source s;
  s.kind = args.Get("kind");
  if (!inv::IsSourceKind(s.kind)) {
    return UsageError("source", "--kind is " + inv::Alternatives(inv::kSourceKinds));
  }
  s.name = args.positional()[1];
  s.handle = args.Get("handle");
  s.platform = args.Get("platform");
  s.url = args.Get("url");
  s.note = args.Get("note");
  auto opened = OpenCaseToWrite("source", dir);
  if (!opened) return kExitFailed;
  auto added = inv::AddSource(*opened->c, opened->who, s);
  if (!added.ok()) {
    Warn("source", added.status().message());
    return kExitFailed;
  }
  if (args.Has("json")) {
    PrintJson(inv::SourceJson(*added));
  } else {
    std::printf("source %lld: %s (%s)\n", static_cast<long long>(added->id), added->name.c_str(),
                added->kind.c_str());
  }
  return kExitOk;
}

int List(const Args& args, const std::string& dir) {
  if (args.positional().size() != 1) return UsageError("source", "list takes no argument");
  auto c = OpenCase("source", dir, evidence::Case::Access::kRead);
  if (!c) return kExitFailed;
  if (args.Has("json")) {
    auto list = inv::SourceListJson(*c);
    if (!list.ok()) {
      Warn("source", list.status().message());
      return kExitFailed;
    }
    PrintJson({{"case", DisplayPath(dir)}, {"sources", *list}});
    return kExitOk;
  }
  auto sources = inv::ListSources(*c);
  auto links = inv::ListItemSources(*c, 0);
  if (!sources.ok() || !links.ok()) {
    Warn("source", (sources.ok() ? links.status() : sources.status()).message());
    return kExitFailed;
  }
  for (const auto& s : *sources) {
    std::string item_ids;
    for (const auto& l : *links) {
      if (l.source_id != s.id) continue;
      item_ids += (item_ids.empty() ? "#" : ", #") + std::to_string(l.item_id);
    }
    std::printf("%-4lld %-12s %-30s %-20s %-10s items: %s\n", static_cast<long long>(s.id),
                s.kind.c_str(), s.name.c_str(), s.handle.c_str(), s.platform.c_str(),
                item_ids.empty() ? "none" : item_ids.c_str());
  }
  std::printf("%zu sources\n", sources->size());
  return kExitOk;
}

int Run(const Args& args) {
  std::string dir = args.Get("case");
  if (args.positional().empty()) return UsageError("source", "give add or list");
  if (dir.empty()) return UsageError("source", "--case DIR is required");
  const std::string& verb = args.positional()[0];
  if (verb == "add") return Add(args, dir);
  if (verb == "list") return List(args, dir);
  return UsageError("source", "unknown action '" + verb + "' (add or list)");
}

}  // namespace

extern const Command kSourceCommand = {
    "source", "record who items came from (add, list)",
    kUsage,   {{"json"}, {"case", "kind", "handle", "platform", "url", "note"}, {}},
    Run,
};

}  // namespace sightline::cli
