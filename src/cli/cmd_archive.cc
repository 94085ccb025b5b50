// `sightline archive`: send cases to a shared archive, watch its work, search it (issue 10).
// Thin: the archive is src/archive/.
#include <cstdio>
#include <filesystem>

#include "analysis/match/match.h"
#include "analysis/match/match_json.h"
#include "archive/archive_catalog.h"
#include "archive/blob_store.h"
#include "archive/candidates.h"
#include "archive/job_queue.h"
#include "archive/shard_registry.h"
#include "archive/worker.h"
#include "base/file.h"
#include "cli/command.h"
#include "cli/output.h"
#include "evidence/case.h"

namespace sightline::cli {
namespace {

namespace am = analysis::match;
namespace sv = signals::visual;

const char kUsage[] =
    "usage: sightline archive add --catalog URL --objects URL --case DIR [--json]\n"
    "       sightline archive status --catalog URL [--json]\n"
    "       sightline archive search --catalog URL (FILE | --item REF) [--radius BITS] [--json]\n"
    "       sightline archive retry --catalog URL (JOB | --all)\n"
    "       sightline archive shard --catalog URL --objects URL --shard I/N [--listen H:P] …\n"
    "\n"
    "An archive holds the items of many cases for search across them, on shared infrastructure:\n"
    "its catalogue and job queue in PostgreSQL (or a SQLite file on one machine), its originals\n"
    "in a directory or S3-compatible storage, its frame-hash index in shard processes\n"
    "(doc/archive.md, doc/hash-shards.md). `sightline worker` processes do the work.\n"
    "\n"
    "  add     copies the case's originals to the objects (hash checked), catalogues them, "
    "records\n"
    "          the head of the case's custody log, and queues their analysis\n"
    "  status  items, signals, findings, jobs by state, failed jobs with their errors, shards\n"
    "  search  items sharing footage with FILE (analysed here) or with an archived item: the\n"
    "          frame-hash index gives candidates, the exact segment match decides\n"
    "  retry   queues a failed job (or all) again\n"
    "  shard   runs one shard of the frame-hash index (see `sightline archive shard --help`)\n"
    "\n"
    "  --catalog URL   postgresql://… or a SQLite file\n"
    "  --objects URL   a directory or s3://BUCKET[/PREFIX]?endpoint=…&region=… (credentials in\n"
    "                  AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)\n"
    "  --radius BITS   frame-hash radius for candidates (default 31)\n"
    "  --json          add: {\"case_id\",\"custody_head\",\"items\",\"new_items\",\"queued\",\n"
    "                  \"failed\"}; status: {\"items\",\"cases\",\"signals\",\"findings\",\n"
    "                  \"frame_hashes\",\"jobs\",\"failed_jobs\",\"shards\"}; search: {\"query\",\n"
    "                  \"index\",\"matches\"}\n";

Result<std::unique_ptr<evidence::SqlConnection>> OpenCatalogue(const Args& args) {
  SL_ASSIGN_OR_RETURN(auto db, evidence::OpenSql(args.Get("catalog")));
  SL_RETURN_IF_ERROR(archive::ArchiveCatalog(db.get()).CreateSchema());
  return db;
}

int Add(const Args& args) {
  const std::string dir = args.Get("case");
  if (dir.empty()) return UsageError("archive", "add: --case DIR is required");
  if (args.Get("objects").empty()) return UsageError("archive", "add: --objects URL is required");
  auto c = evidence::Case::Open(dir, evidence::Case::Access::kRead);
  if (!c.ok()) return FailWith("archive", c.status());
  auto objects = archive::OpenBlobStore(args.Get("objects"));
  if (!objects.ok()) return FailWith("archive", objects.status());
  auto db = OpenCatalogue(args);
  if (!db.ok()) return FailWith("archive", db.status());
  auto items = (*c)->catalog().ListItems();
  if (!items.ok()) return FailWith("archive", items.status());
  auto head = (*c)->log().Head();
  if (!head.ok()) return FailWith("archive", head.status());
  if (!head->has_value()) return FailWith("archive", Corrupt(dir + ": the custody log is empty"));

  archive::ArchiveCatalog catalog(db->get());
  archive::JobQueue queue(db->get());
  std::uint64_t total = 0;
  for (const auto& item : *items) total += item.size;
  ProgressMeter meter("archive", total, items->size());
  std::vector<std::int64_t> ids;
  int added = 0, queued = 0, failed = 0;
  for (const auto& item : *items) {
    Status s = [&]() -> Status {
      SL_ASSIGN_OR_RETURN(std::string path, (*c)->objects().OriginalPath(item.sha256));
      SL_RETURN_IF_ERROR((*objects)->Put(item.sha256, path));
      bool is_new = false;
      SL_ASSIGN_OR_RETURN(
          std::int64_t id,
          catalog.AddItem({0, item.sha256, item.size, item.media_kind, item.name, 0}, &is_new));
      ids.push_back(id);
      added += is_new ? 1 : 0;
      SL_ASSIGN_OR_RETURN(bool q, queue.Enqueue("analyze", item.sha256));
      queued += q ? 1 : 0;
      return Status::Ok();
    }();
    meter.AddBytes(item.size);
    meter.FileDone();
    if (!s.ok()) {
      meter.Clear();
      Warn("archive", "item #" + std::to_string(item.id) + " (" + item.name + "): " + s.message());
      ++failed;
    }
  }
  const std::string case_id = (*c)->case_id();
  Status recorded =
      catalog.RecordCase(case_id, std::filesystem::absolute(dir).lexically_normal().string(),
                         (**head).seq, (**head).entry_hash, ids);
  meter.Clear();
  if (!recorded.ok()) return FailWith("archive", recorded);
  if (args.Has("json")) {
    PrintJson({{"case_id", case_id},
               {"custody_head", {{"seq", (**head).seq}, {"entry_hash", (**head).entry_hash}}},
               {"items", ids.size()},
               {"new_items", added},
               {"queued", queued},
               {"failed", failed}});
  } else {
    std::printf(
        "archived %zu items of case %s (%d new), %d analyses queued; custody head #%lld "
        "%s\n",
        ids.size(), case_id.c_str(), added, queued, static_cast<long long>((**head).seq),
        (**head).entry_hash.substr(0, 16).c_str());
    if (failed > 0) std::printf("%d items could not be archived (see above)\n", failed);
  }
  return failed > 0 ? kExitFailed : kExitOk;
}

int StatusCmd(const Args& args) {
  auto db = OpenCatalogue(args);
  if (!db.ok()) return FailWith("archive", db.status());
  auto counts = archive::ArchiveCatalog(db->get()).Counts();
  if (!counts.ok()) return FailWith("archive", counts.status());
  archive::JobQueue queue(db->get());
  auto jobs = queue.Counts();
  if (!jobs.ok()) return FailWith("archive", jobs.status());
  auto failed = queue.ListFailed();
  if (!failed.ok()) return FailWith("archive", failed.status());
  auto shards = archive::ListShards(**db);
  if (!shards.ok()) return FailWith("archive", shards.status());
  if (args.Has("json")) {
    nlohmann::json failed_json = nlohmann::json::array();
    for (const auto& j : *failed) {
      failed_json.push_back({{"id", j.id},
                             {"kind", j.kind},
                             {"subject", j.subject},
                             {"attempts", j.attempts},
                             {"error", j.last_error}});
    }
    nlohmann::json shards_json = nlohmann::json::array();
    for (const auto& s : *shards) {
      shards_json.push_back({{"shard", s.spec.shard},
                             {"shard_count", s.spec.count},
                             {"address", s.address},
                             {"state", s.state},
                             {"rows", s.rows},
                             {"heartbeat_age_s", s.heartbeat_age}});
    }
    PrintJson({{"items", counts->items},
               {"cases", counts->cases},
               {"signals", counts->signals},
               {"findings", counts->findings},
               {"frame_hashes", counts->frame_hashes},
               {"jobs",
                {{"queued", jobs->queued},
                 {"running", jobs->running},
                 {"done", jobs->done},
                 {"failed", jobs->failed}}},
               {"failed_jobs", failed_json},
               {"shards", shards_json}});
    return kExitOk;
  }
  std::printf("catalogue  %s\n", (*db)->description().c_str());
  std::printf("items      %lld in %lld cases; %lld signals, %lld frame hashes, %lld findings\n",
              static_cast<long long>(counts->items), static_cast<long long>(counts->cases),
              static_cast<long long>(counts->signals), static_cast<long long>(counts->frame_hashes),
              static_cast<long long>(counts->findings));
  std::printf("jobs       %lld queued, %lld running, %lld done, %lld failed\n",
              static_cast<long long>(jobs->queued), static_cast<long long>(jobs->running),
              static_cast<long long>(jobs->done), static_cast<long long>(jobs->failed));
  for (const auto& s : *shards) {
    std::printf("shard      %d/%d at %s: %s, %lld rows, heartbeat %.0f s ago\n", s.spec.shard,
                s.spec.count, s.address.c_str(), s.state.c_str(), static_cast<long long>(s.rows),
                s.heartbeat_age);
  }
  for (const auto& j : *failed) {
    std::printf("failed     job %lld %s %s after %d attempts: %s\n", static_cast<long long>(j.id),
                j.kind.c_str(), j.subject.substr(0, 16).c_str(), j.attempts, j.last_error.c_str());
  }
  if (!failed->empty())
    std::printf("(sightline archive retry --catalog … --all queues them again)\n");
  return kExitOk;
}

int Retry(const Args& args) {
  const auto& pos = args.positional();
  std::int64_t id = 0;
  if (args.Has("all") == (pos.size() == 2))
    return UsageError("archive", "retry: give JOB or --all");
  if (pos.size() == 2 && !ParseRecordId(pos[1], &id)) {
    return UsageError("archive", "retry: JOB is a job number");
  }
  auto db = OpenCatalogue(args);
  if (!db.ok()) return FailWith("archive", db.status());
  auto n = archive::JobQueue(db->get()).Retry(id);
  if (!n.ok()) return FailWith("archive", n.status());
  if (id != 0 && *n == 0) {
    Warn("archive", "job " + std::to_string(id) + " is not in the failed list");
    return kExitFailed;
  }
  std::printf("%lld failed jobs queued again\n", static_cast<long long>(*n));
  return kExitOk;
}

int Search(const Args& args) {
  const auto& pos = args.positional();
  const bool by_item = args.Has("item");
  if (by_item == (pos.size() == 2)) return UsageError("archive", "search: give FILE or --item REF");
  int radius = am::kDefaultHashRadius;
  if (args.Has("radius") && !ParseWholeNumber(args.Get("radius"), 0, 128, &radius)) {
    return UsageError("archive", "--radius is a whole number of bits from 0 to 128");
  }
  auto db = OpenCatalogue(args);
  if (!db.ok()) return FailWith("archive", db.status());
  archive::ArchiveCatalog catalog(db->get());
  const sv::MatchSignatureOptions options;
  const std::string version = archive::SignatureVersion(options);
  sv::MatchSignature query;
  std::int64_t self = 0;
  std::string shown;
  if (by_item) {
    auto found = catalog.Resolve(args.Get("item"));
    if (!found.ok()) return FailWith("archive", found.status());
    if (found->size() != 1) {
      Warn("archive", "--item " + args.Get("item") +
                          (found->empty() ? " matches no item" : " matches several items"));
      return kExitFailed;
    }
    self = (*found)[0].id;
    shown = (*found)[0].name + " (" + (*found)[0].sha256.substr(0, 16) + ")";
    auto data = catalog.Signal(self, "match_signature", version);
    if (!data.ok()) return FailWith("archive", data.status());
    if (!data->has_value()) {
      Warn("archive", "item " + shown + " is not analysed yet (is a worker running?)");
      return kExitFailed;
    }
    auto sig = sv::ParseMatchSignature(**data);
    if (!sig.ok()) return FailWith("archive", sig.status());
    query = std::move(sig).value();
  } else {
    shown = pos[1];
    auto sig = sv::ExtractMatchSignature(pos[1], options);
    if (!sig.ok()) return FailWith("archive", sig.status());
    query = std::move(sig).value();
  }
  auto lookup = archive::FindCandidates(**db, query, radius);
  if (!lookup.ok()) return FailWith("archive", lookup.status());
  nlohmann::ordered_json matches = nlohmann::ordered_json::array();
  std::vector<std::string> lines;
  for (const auto& hit : lookup->items) {
    if (hit.item_id == self) continue;
    auto item = catalog.ItemById(hit.item_id);
    auto data = catalog.Signal(hit.item_id, "match_signature", version);
    if (!item.ok() || !data.ok() || !item->has_value() || !data->has_value()) continue;
    auto other = sv::ParseMatchSignature(**data);
    if (!other.ok()) continue;
    am::PairMatch m = am::MatchSignatures(query, *other);
    if (!m.matched) continue;
    nlohmann::ordered_json j = {
        {"sha256", (*item)->sha256}, {"name", (*item)->name}, {"shared_frames", hit.frames}};
    j["match"] = am::PairMatchJson(m, nullptr);
    matches.push_back(j);
    const am::Segment& s = m.segments.front();
    char line[512];
    std::snprintf(line, sizeof line, "same footage  score %.2f  %s  %s  %.1f-%.1f s = %.1f-%.1f s",
                  m.score, (*item)->sha256.substr(0, 16).c_str(), (*item)->name.c_str(), s.a_start,
                  s.a_end, s.b_start, s.b_end);
    lines.push_back(line);
  }
  if (args.Has("json")) {
    nlohmann::ordered_json out = {{"query", {{"ref", shown}, {"frames", query.frames.size()}}},
                                  {"index",
                                   {{"via", lookup->via},
                                    {"shards", lookup->shards},
                                    {"query_hashes", lookup->query_hashes},
                                    {"candidates", lookup->items.size()},
                                    {"radius", radius}}},
                                  {"matches", matches}};
    PrintOrderedJson(out);
    return kExitOk;
  }
  std::printf("%s: %zu candidates by frame hash (radius %d, via %s%s), %zu matches\n",
              shown.c_str(), lookup->items.size(), radius, lookup->via.c_str(),
              lookup->via == "shards" ? (" of " + std::to_string(lookup->shards)).c_str() : "",
              lines.size());
  for (const auto& l : lines) std::printf("  %s\n", l.c_str());
  return kExitOk;
}

int Run(const Args& args) {
  const auto& pos = args.positional();
  if (pos.empty()) return UsageError("archive", "give add, status, search, retry or shard");
  if (args.Get("catalog").empty()) return UsageError("archive", "--catalog URL is required");
  const std::string& verb = pos[0];
  if (verb == "add" || verb == "status") {
    if (pos.size() != 1) return UsageError("archive", verb + " takes no arguments");
    return verb == "add" ? Add(args) : StatusCmd(args);
  }
  if (verb == "search") return Search(args);
  if (verb == "retry") return Retry(args);
  return UsageError("archive", "unknown action '" + verb + "' (add, status, search, retry, shard)");
}

}  // namespace

extern const Command kArchiveCommand = {
    "archive", "a shared archive across cases: add, status, search, retry, shard",
    kUsage,    {{"json", "all"}, {"catalog", "objects", "case", "item", "radius"}, {}},
    Run,
};

}  // namespace sightline::cli
