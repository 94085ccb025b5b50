// sightline show: one item of a case, with its names and custody history.
#include <cstdio>

#include "base/file.h"
#include "case/case_json.h"
#include "case/findings.h"
#include "case/locations.h"
#include "case/observations.h"
#include "case/sources.h"
#include "cli/case_access.h"
#include "cli/command.h"
#include "cli/output.h"
#include "evidence/record_json.h"
#include "evidence/sidecar_store.h"

namespace sightline::cli {

namespace {

namespace inv = investigation;

constexpr char kUsage[] =
    "Usage: sightline show --case DIR [--json] ITEM\n"
    "\n"
    "Shows one item: its hash, size and media kind, every name and path under which it was\n"
    "ingested (with source and note), the metadata read at ingest, its custody history, and\n"
    "what the investigation holds about it: findings, sources, observations, locations.\n"
    "ITEM is an item id, a file name it was ingested under, or a prefix (4+ hex digits) of its\n"
    "SHA-256.\n"
    "\n"
    "  --json   {\"item\": {…}, \"names\": [{\"name\", \"path\", \"mtime\", \"ingested_at\", "
    "\"actor\",\n"
    "           \"source\", \"note\", \"custody_seq\"}], \"metadata\": {…}|null,\n"
    "           \"custody\": [{\"seq\", \"time\", \"actor\", \"action\", \"object_sha256\", "
    "\"details\",\n"
    "           \"prev_hash\", \"entry_hash\", \"public_key\", \"signature\"}],\n"
    "           \"findings\", \"sources\", \"observations\", \"locations\": as `findings`,\n"
    "           `source list`, `annotate --list` and `locate-item --list` print them,\n"
    "           \"sidecars\": [{\"id\", \"kind\", \"name\", \"sha256\", \"size\", \"path\",\n"
    "           \"summary\", \"actor\", \"created_at\", \"custody_seq\"}] (doc/collect.md)}\n";

std::string Text(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// The lines an investigator checks first, from the metadata stored at ingest (the full record is
// in --json, and 'sightline probe' on the object prints everything).
void PrintMetadataSummary(const nlohmann::json& meta) {
  std::printf("\nMetadata at ingest (sightline probe --json for all):\n");
  const nlohmann::json& times = meta.value("times", nlohmann::json::object());
  for (const char* role : {"created", "modified"}) {
    const nlohmann::json& t = times.value(role, nlohmann::json());
    if (!t.is_object()) continue;
    std::string when = t.value("unset", false) ? "unset" : Text(t, "utc");
    if (when.empty()) when = Text(t, "local") + " (zone unknown)";
    std::printf("  %-10s %s  [%s]\n", role, when.c_str(), Text(t, "source").c_str());
  }
  const nlohmann::json& device = meta.value("device", nlohmann::json::object());
  std::string d = Text(device, "make") + " " + Text(device, "model");
  std::printf("  %-10s %s\n", "device", d == " " ? "(none named)" : d.c_str());
  const nlohmann::json& gps = meta.value("gps", nlohmann::json());
  if (gps.is_object()) {
    std::printf("  %-10s %.6f, %.6f  [%s]\n", "gps", gps.value("lat", 0.0), gps.value("lon", 0.0),
                Text(gps, "source").c_str());
  } else {
    std::printf("  %-10s (none)\n", "gps");
  }
  for (const nlohmann::json& a : meta.value("anomalies", nlohmann::json::array())) {
    std::printf("  %-10s ! %s: %s\n", "anomaly", Text(a, "code").c_str(),
                Text(a, "message").c_str());
  }
}

// The item's findings, sources, observations and locations, when there are any.
void PrintInvestigation(std::int64_t id, const std::vector<inv::Finding>& findings,
                        const std::vector<inv::ItemSource>& sources,
                        const std::vector<inv::Observation>& observations,
                        const std::vector<inv::Location>& locations) {
  if (!findings.empty())
    std::printf("\nFindings (sightline findings --item %lld):\n", static_cast<long long>(id));
  for (const auto& f : findings) {
    const std::int64_t other =
        f.suggestion.item_a == id ? f.suggestion.item_b : f.suggestion.item_a;
    std::printf("  %-4lld %-13s with #%-4lld score %.2f  %s\n", static_cast<long long>(f.id),
                inv::FindingKindName(f.suggestion.kind), static_cast<long long>(other),
                f.suggestion.score, inv::FindingStatusName(f.status));
  }
  if (!sources.empty()) std::printf("\nSources:\n");
  for (const auto& l : sources) {
    std::printf("  source %lld%s%s%s%s%s%s\n", static_cast<long long>(l.source_id),
                l.how.empty() ? "" : ", ", l.how.c_str(), l.url.empty() ? "" : ", ", l.url.c_str(),
                l.published_at.empty() ? "" : ", published ", l.published_at.c_str());
  }
  if (!observations.empty()) std::printf("\nObservations:\n");
  for (const auto& o : observations) {
    char at[32] = "-";
    if (o.start_s) std::snprintf(at, sizeof at, "%.2f s", *o.start_s);
    std::printf("  %-4lld %-7s %10s  %s\n", static_cast<long long>(o.id), o.kind.c_str(), at,
                o.text.c_str());
  }
  if (!locations.empty()) std::printf("\nLocations:\n");
  for (const auto& l : locations) {
    std::printf("  %-4lld %.6f, %.6f  ±%.0f m  %s%s%s\n", static_cast<long long>(l.id), l.lat,
                l.lon, l.radius_m, l.method.c_str(), l.note.empty() ? "" : ": ", l.note.c_str());
  }
}

int Run(const Args& args) {
  std::string dir = args.Get("case");
  if (dir.empty()) return UsageError("show", "--case DIR is required");
  if (args.positional().size() != 1) return UsageError("show", "give exactly one ITEM");
  const std::string& ref = args.positional()[0];
  auto c = OpenCase("show", dir, evidence::Case::Access::kRead);
  if (!c) return kExitFailed;
  auto resolved = ResolveItem(*c, ref);
  if (!resolved.ok()) {
    Warn("show", resolved.status().message());
    return kExitFailed;
  }
  const evidence::Item& item = *resolved;
  if (args.Has("json")) {
    auto detail = inv::ItemDetailJson(*c, item);
    if (!detail.ok()) {
      Warn("show", detail.status().message());
      return kExitFailed;
    }
    PrintJson(*detail);
    return kExitOk;
  }
  auto names = c->catalog().NamesOf(item.id);
  auto history = c->log().ForObject(item.sha256);
  auto metadata = c->catalog().Metadata(item.id);
  auto item_json = evidence::ItemJson(*c, item);
  for (const Status* s :
       {&names.status(), &history.status(), &metadata.status(), &item_json.status()}) {
    if (!s->ok()) {
      Warn("show", s->message());
      return kExitFailed;
    }
  }
  nlohmann::json meta = metadata->empty() ? nlohmann::json(nullptr)
                                          : nlohmann::json::parse(*metadata, nullptr, false);
  // What the investigation holds about the item (case/): its findings, sources, observations
  // and locations.
  inv::FindingFilter of_item;
  of_item.item = item.id;
  auto findings = inv::ListFindings(*c, of_item);
  auto sources = inv::ListItemSources(*c, item.id);
  auto observations = inv::ListObservations(*c, item.id);
  auto locations = inv::ListLocations(*c, item.id);
  auto sidecars = evidence::ListSidecars(*c, item.id);
  for (const Status* s : {&findings.status(), &sources.status(), &observations.status(),
                          &locations.status(), &sidecars.status()}) {
    if (!s->ok()) {
      Warn("show", s->message());
      return kExitFailed;
    }
  }
  std::printf("Item %lld: %s\n", static_cast<long long>(item.id), item.name.c_str());
  std::printf("  sha256      %s\n", item.sha256.c_str());
  std::printf("  size        %s (%llu bytes)\n", HumanSize(item.size).c_str(),
              static_cast<unsigned long long>(item.size));
  std::printf("  kind        %s\n",
              item.media_kind.empty() ? "not readable as media" : item.media_kind.c_str());
  if (!item.media_problem.empty()) std::printf("  problem     %s\n", item.media_problem.c_str());
  std::printf("  stored as   %s\n", c->objects().PathFor(item.sha256).c_str());
  std::printf("\nNames (%zu):\n", names->size());
  for (const auto& n : *names) {
    std::printf("  %s\n    path %s\n    mtime %s, ingested %s by %s (entry %lld)\n", n.name.c_str(),
                n.path.c_str(), n.mtime.c_str(), n.ingested_at.c_str(), n.actor.c_str(),
                static_cast<long long>(n.custody_seq));
    if (!n.source.empty()) std::printf("    source %s\n", n.source.c_str());
    if (!n.note.empty()) std::printf("    note %s\n", n.note.c_str());
  }
  if (!sidecars->empty()) std::printf("\nSidecars (%zu):\n", sidecars->size());
  for (const auto& sc : *sidecars) {
    std::printf("  %-10s %s  %s  sha256:%s\n    from %s\n    stored as %s\n", sc.kind.c_str(),
                sc.name.c_str(), HumanSize(sc.size).c_str(), sc.sha256.substr(0, 16).c_str(),
                sc.path.c_str(), c->objects().PathFor(sc.sha256).c_str());
  }
  std::printf("\nCustody history:\n");
  for (const auto& e : *history) {
    std::printf("  #%-4lld %s  %-18s %s\n", static_cast<long long>(e.seq), e.time.c_str(),
                e.action.c_str(), e.actor.c_str());
  }
  if (meta.is_object()) PrintMetadataSummary(meta);
  PrintInvestigation(item.id, *findings, *sources, *observations, *locations);
  return kExitOk;
}

}  // namespace

extern const Command kShowCommand = {
    "show", "show one item: names, metadata, custody history, findings, observations",
    kUsage, {{"json"}, {"case"}, {}},
    Run,
};

}  // namespace sightline::cli
