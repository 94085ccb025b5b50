// sightline ingest: bring files into a case with chain of custody.
#include <chrono>
#include <cstdio>

#include "base/file.h"
#include "cli/case_access.h"
#include "cli/command.h"
#include "cli/output.h"
#include "evidence/ingest.h"

namespace sightline::cli {

namespace {

constexpr char kUsage[] =
    "Usage: sightline ingest --case DIR [--source TEXT] [--note TEXT] [--json] PATH...\n"
    "\n"
    "Copies each file (directories: recursively) into the case, named by its SHA-256, and\n"
    "records who ingested what, when and from where in the signed custody log. The case is\n"
    "created when DIR does not exist yet. Originals are never modified.\n"
    "\n"
    "  --case DIR     the case directory\n"
    "  --source TEXT  where the files came from (\"Telegram channel @x\", \"USB stick from Y\")\n"
    "  --note TEXT    a note recorded with each file\n"
    "  --json         print a machine-readable summary on stdout\n"
    "\n"
    "A file already in the case is reported as a duplicate and its new name recorded; it is not\n"
    "stored twice. A file that cannot be read as media (truncated, random bytes, unknown format)\n"
    "is still preserved, but flagged. Empty files and unreadable paths are refused.\n"
    "\n"
    "Exit status: 0 every file went in as readable media (or was already there), 1 a file was\n"
    "refused or flagged, 2 usage error.\n";

nlohmann::json ReportJson(const evidence::IngestReport& r) {
  nlohmann::json j = {{"path", r.path}, {"status", evidence::OutcomeName(r.outcome)}};
  if (!r.sha256.empty()) j["sha256"] = r.sha256;
  if (r.outcome != evidence::IngestOutcome::kRefused) {
    j["size"] = r.size;
    j["item_id"] = r.item_id;
    j["kind"] = r.media_kind.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.media_kind);
    j["custody_seq"] = r.custody_seq;
  }
  j["message"] = r.message;
  return j;
}

void PrintReadable(const evidence::IngestReport& r) {
  using evidence::IngestOutcome;
  switch (r.outcome) {
    case IngestOutcome::kStored:
      std::printf("stored     %s  item %lld  %s  %s  sha256:%s\n", r.path.c_str(),
                  static_cast<long long>(r.item_id), r.media_kind.c_str(),
                  HumanSize(r.size).c_str(), r.sha256.substr(0, 16).c_str());
      break;
    case IngestOutcome::kStoredFlagged:
      std::printf("FLAGGED    %s  item %lld  %s  sha256:%s\n", r.path.c_str(),
                  static_cast<long long>(r.item_id), HumanSize(r.size).c_str(),
                  r.sha256.substr(0, 16).c_str());
      break;
    case IngestOutcome::kDuplicate:
    case IngestOutcome::kAlreadyPresent:
      std::printf("%-10s %s  %s\n",
                  r.outcome == IngestOutcome::kDuplicate ? "duplicate" : "present", r.path.c_str(),
                  r.message.c_str());
      break;
    case IngestOutcome::kRefused:
      std::printf("REFUSED    %s  %s\n", r.path.c_str(), r.message.c_str());
      break;
  }
}

int Run(const Args& args) {
  std::string dir = args.Get("case");
  if (dir.empty()) return UsageError("ingest", "--case DIR is required");
  if (args.positional().empty()) return UsageError("ingest", "no PATH to ingest");
  bool json = args.Has("json");

  auto who = evidence::DefaultIdentity();
  if (!who.ok()) {
    Warn("ingest", "cannot load the signing key: " + who.status().message());
    return kExitFailed;
  }
  std::unique_ptr<evidence::Case> c = OpenOrCreateCase("ingest", dir, *who);
  if (!c) return kExitFailed;

  evidence::IngestOptions options{args.Get("source"), args.Get("note")};
  evidence::IngestPlan plan = evidence::PlanIngest(args.positional(), dir);
  auto start = std::chrono::steady_clock::now();
  std::vector<evidence::IngestReport> reports = plan.refused;
  ProgressMeter progress("ingest", plan.total_bytes, plan.files.size());
  for (const evidence::IngestReport& r : plan.refused) {
    progress.Clear();
    Warn("ingest", r.path + ": " + r.message);
    if (!json) PrintReadable(r);
  }
  std::uint64_t bytes = 0;
  for (std::size_t i = 0; i < plan.files.size(); ++i) {
    evidence::IngestReport r = evidence::IngestFile(*c, *who, plan.files[i], options,
                                                    [&](std::uint64_t n) { progress.AddBytes(n); });
    progress.FileDone();
    progress.Clear();
    if (r.failed()) Warn("ingest", r.path + ": " + r.message);
    if (!json) PrintReadable(r);
    std::fflush(stdout);
    if (r.outcome != evidence::IngestOutcome::kRefused) bytes += r.size;
    reports.push_back(std::move(r));
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  int counts[5] = {0, 0, 0, 0, 0};
  bool failed = false;
  for (const auto& r : reports) {
    ++counts[static_cast<int>(r.outcome)];
    failed = failed || r.failed();
  }
  using evidence::IngestOutcome;
  int stored = counts[static_cast<int>(IngestOutcome::kStored)];
  int flagged = counts[static_cast<int>(IngestOutcome::kStoredFlagged)];
  int duplicate = counts[static_cast<int>(IngestOutcome::kDuplicate)];
  int present = counts[static_cast<int>(IngestOutcome::kAlreadyPresent)];
  int refused = counts[static_cast<int>(IngestOutcome::kRefused)];
  if (json) {
    nlohmann::json files = nlohmann::json::array();
    for (const auto& r : reports) files.push_back(ReportJson(r));
    PrintJson({{"case", DisplayPath(dir)},
               {"case_id", c->case_id()},
               {"files", files},
               {"summary",
                {{"files", reports.size()},
                 {"stored", stored},
                 {"flagged", flagged},
                 {"duplicate", duplicate},
                 {"already_present", present},
                 {"refused", refused},
                 {"bytes", bytes},
                 {"seconds", secs}}}});
  } else {
    std::printf(
        "%zu files: %d stored, %d flagged, %d duplicate, %d already present, %d refused"
        " (%s in %.1f s)\n",
        reports.size(), stored, flagged, duplicate, present, refused, HumanSize(bytes).c_str(),
        secs);
  }
  return failed ? kExitFailed : kExitOk;
}

}  // namespace

extern const Command kIngestCommand = {
    "ingest", "copy files into a case with a signed chain of custody",
    kUsage,   {{"json"}, {"case", "source", "note"}, {}},
    Run,
};

}  // namespace sightline::cli
