// sightline annotate: a person's observation on an item, at a time or in a region.
#include <cstdio>

#include "case/observations.h"
#include "cli/case_access.h"
#include "cli/command.h"
#include "cli/output.h"

namespace sightline::cli {

namespace {

namespace inv = investigation;

constexpr char kUsage[] =
    "Usage: sightline annotate --case DIR ITEM --kind KIND [--at T | --from T --to T]\n"
    "                          [--region X,Y,W,H] [--lang LANG --original TEXT]\n"
    "                          [--translation TEXT] [--json] TEXT\n"
    "       sightline annotate --case DIR --list [ITEM] [--json]\n"
    "\n"
    "Records what you see or hear in ITEM (an id, file name or hash prefix), e.g.\n"
    "  sightline annotate --case c 3 --kind visual --at 0:42 \"burning truck, marking V\"\n"
    "  sightline annotate --case c 3 --kind speech --from 1:02 --to 1:04 --lang uk \\\n"
    "      --original \"Слава Україні\" --translation \"Glory to Ukraine\" \"a man shouts\"\n"
    "Each observation is a signed custody entry naming you. --list prints the observations of\n"
    "the case, or of ITEM.\n"
    "\n"
    "  --kind KIND       visual, sound, speech, text (writing in the picture) or other\n"
    "  --at T            an instant; T as seconds (42.5), M:SS or H:MM:SS\n"
    "  --from T --to T   a stretch of the item\n"
    "  --region X,Y,W,H  where in the picture, in fractions of its width and height from the\n"
    "                    top left (0.1,0.2,0.3,0.4)\n"
    "  --lang LANG       language of the original speech or writing (BCP 47: uk, ru, en, ar)\n"
    "  --original TEXT   the words as spoken or written; --translation TEXT into yours\n"
    "  --json            the observation as stored: {\"id\", \"item\", \"kind\", \"start_s\", "
    "\"end_s\",\n"
    "                    \"region\", \"text\", \"language\", \"original\", \"translation\", "
    "\"actor\",\n"
    "                    \"created_at\", \"custody_seq\"}; with --list {\"case\", "
    "\"observations\": […]}\n";

std::string TimeText(const inv::Observation& o) {
  if (!o.start_s) return "-";
  char buf[64];
  if (o.end_s) {
    std::snprintf(buf, sizeof buf, "%.2f-%.2f s", *o.start_s, *o.end_s);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f s", *o.start_s);
  }
  return buf;
}

void PrintObservation(const inv::Observation& o) {
  std::printf("%-4lld #%-4lld %-7s %-16s %s\n", static_cast<long long>(o.id),
              static_cast<long long>(o.item_id), o.kind.c_str(), TimeText(o).c_str(),
              o.text.c_str());
  if (!o.original.empty()) {
    std::printf("%34s[%s] %s%s%s\n", "", o.language.c_str(), o.original.c_str(),
                o.translation.empty() ? "" : " — ", o.translation.c_str());
  }
}

int List(const Args& args, const std::string& dir) {
  if (args.positional().size() > 1) return UsageError("annotate", "--list takes at most one ITEM");
  auto c = OpenCase("annotate", dir, evidence::Case::Access::kRead);
  if (!c) return kExitFailed;
  std::int64_t item_id = 0;
  if (!args.positional().empty()) {
    auto item = ResolveItem(*c, args.positional()[0]);
    if (!item.ok()) {
      Warn("annotate", item.status().message());
      return kExitFailed;
    }
    item_id = item->id;
  }
  auto observations = inv::ListObservations(*c, item_id);
  if (!observations.ok()) {
    Warn("annotate", observations.status().message());
    return kExitFailed;
  }
  if (args.Has("json")) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& o : *observations) list.push_back(inv::ObservationJson(o));
    PrintJson({{"case", DisplayPath(dir)}, {"observations", list}});
    return kExitOk;
  }
  std::printf("%-4s %-5s %-7s %-16s %s\n", "ID", "ITEM", "KIND", "TIME", "OBSERVATION");
  for (const auto& o : *observations) PrintObservation(o);
  std::printf("%zu observations\n", observations->size());
  return kExitOk;
}

int Run(const Args& args) {
  std::string dir = args.Get("case");
  if (dir.empty()) return UsageError("annotate", "--case DIR is required");
  if (args.Has("list")) return List(args, dir);
  if (args.positional().size() != 2) {
    return UsageError("annotate", "give the ITEM and the TEXT of the observation (quote it)");
  }
  inv::Observation o;
  o.kind = args.Get("kind");
  if (!inv::IsObservationKind(o.kind)) {
    return UsageError("annotate", "--kind is " + inv::Alternatives(inv::kObservationKinds));
  }
  o.text = args.positional()[1];
  if (args.Has("at") && (args.Has("from") || args.Has("to"))) {
    return UsageError("annotate", "give --at T or --from T --to T, not both");
  }
  if (args.Has("to") && !args.Has("from")) return UsageError("annotate", "--to needs --from");
  for (const char* name : {"at", "from", "to"}) {
    if (!args.Has(name)) continue;
    double t = 0;
    if (!ParseMediaTime(args.Get(name), &t)) {
      return UsageError("annotate", std::string("--") + name +
                                        " is a time into the item: seconds, M:SS or H:MM:SS");
    }
    (std::string(name) == "to" ? o.end_s : o.start_s) = t;
  }
  if (args.Has("region")) {
    o.region = inv::ParseRegion(args.Get("region"));
    if (!o.region) return UsageError("annotate", "--region is X,Y,W,H in fractions (0..1)");
  }
  o.language = args.Get("lang");
  o.original = args.Get("original");
  o.translation = args.Get("translation");
  auto opened = OpenCaseToWrite("annotate", dir);
  if (!opened) return kExitFailed;
  auto item = ResolveItem(*opened->c, args.positional()[0]);
  if (!item.ok()) {
    Warn("annotate", item.status().message());
    return kExitFailed;
  }
  o.item_id = item->id;
  auto added = inv::AddObservation(*opened->c, opened->who, o);
  if (!added.ok()) return FailWith("annotate", added.status());
  if (args.Has("json")) {
    PrintJson(inv::ObservationJson(*added));
  } else {
    std::printf("observation %lld on item %lld (%s) recorded by %s\n",
                static_cast<long long>(added->id), static_cast<long long>(item->id),
                item->name.c_str(), added->provenance.actor.c_str());
  }
  return kExitOk;
}

}  // namespace

extern const Command kAnnotateCommand = {
    "annotate",
    "record an observation on an item (what is seen or heard, when, where)",
    kUsage,
    {{"json", "list"},
     {"case", "kind", "at", "from", "to", "region", "lang", "original", "translation"},
     {}},
    Run,
};

}  // namespace sightline::cli
