// sightline ingest: bring files into a case with chain of custody.
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>

#include "base/file.h"
#include "base/time.h"
#include "case/collect.h"
#include "case/yt_dlp.h"
#include "cli/case_access.h"
#include "cli/command.h"
#include "cli/output.h"
#include "evidence/ingest.h"
#include "evidence/sql.h"

namespace sightline::cli {

namespace {

constexpr char kUsage[] =
    "Usage: sightline ingest --case DIR [--db URL] [--source TEXT] [--note TEXT] [--json]\n"
    "                        PATH...\n"
    "       sightline ingest --case DIR [--db URL] --url URL [--timeout S] [--source TEXT]\n"
    "                        [--note TEXT] [--json]\n"
    "\n"
    "Copies each file (directories: recursively) into the case, named by its SHA-256, and\n"
    "records who ingested what, when and from where in the signed custody log. The case is\n"
    "created when DIR does not exist yet. Originals are never modified.\n"
    "\n"
    "  --case DIR     the case directory\n"
    "  --db URL       a new case's catalogue in this PostgreSQL database (postgresql://…), for a\n"
    "                 desk sharing one server (doc/team-server.md); default: DIR/case.db\n"
    "  --source TEXT  where the files came from (\"Telegram channel @x\", \"USB stick from Y\")\n"
    "  --note TEXT    a note recorded with each file\n"
    "  --json         print a machine-readable summary on stdout\n"
    "\n"
    "A file already in the case is reported as a duplicate and its new name recorded; it is not\n"
    "stored twice. A file that cannot be read as media (truncated, random bytes, unknown format)\n"
    "is still preserved, but flagged. Empty files and unreadable paths are refused.\n"
    "\n"
    "Sidecars: what other tools collected beside a file STEM.EXT is kept with it, byte for byte\n"
    "and bound to its hash: STEM.info.json (yt-dlp; its uploader, upload time and post URL are\n"
    "also recorded as the item's source), STEM.wacz (a web capture), STEM.screenshot.png (or\n"
    ".jpg, .jpeg, .webp). They are not items of their own. See doc/collect.md.\n"
    "\n"
    "--url URL downloads one post's media with yt-dlp (Debian package yt-dlp; another\n"
    "program with $SIGHTLINE_YT_DLP) into a temporary directory inside the case, removed after,\n"
    "and ingests it like a file, with the .info.json yt-dlp writes as its sidecar and the\n"
    "post's uploader, upload time and URL recorded as its source (\"downloaded with yt-dlp\n"
    "VERSION\"). yt-dlp runs without its configuration files, without playlists, and is\n"
    "stopped after --timeout S seconds (default 900). This is the only command that opens\n"
    "the network, and only because you typed a URL: everything else Sightline does is\n"
    "offline. When the download fails (no such post, an unsupported site, no network),\n"
    "yt-dlp's error is shown, nothing is ingested, and the exit status is 1.\n"
    "\n"
    "Exit status: 0 every file went in as readable media (or was already there), 1 a file was\n"
    "refused or flagged, 2 usage error.\n";

namespace inv = investigation;

// A file's outcome, with its sidecars.
struct FileResult {
  evidence::IngestReport report;
  std::vector<inv::SidecarOutcome> sidecars;
  bool sidecar_failed() const {
    for (const auto& s : sidecars) {
      if (!s.error.empty()) return true;
    }
    return false;
  }
};

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

nlohmann::json FileJson(const FileResult& f) {
  nlohmann::json j = ReportJson(f.report);
  if (f.report.outcome != evidence::IngestOutcome::kRefused) {
    nlohmann::json sidecars = nlohmann::json::array();
    for (const auto& s : f.sidecars) sidecars.push_back(inv::SidecarOutcomeJson(s));
    j["sidecars"] = sidecars;
  }
  return j;
}

void PrintSidecars(const std::vector<inv::SidecarOutcome>& sidecars) {
  for (const auto& s : sidecars) {
    if (!s.error.empty()) {
      std::printf("  sidecar  REFUSED %s  %s\n", DisplayPath(s.file.path).c_str(), s.error.c_str());
      continue;
    }
    std::printf("  sidecar  %-10s %s  %s  sha256:%s%s%s\n", s.file.kind.c_str(), s.name.c_str(),
                HumanSize(s.size).c_str(), s.sha256.substr(0, 16).c_str(),
                s.already_present ? "  (already kept)" : "",
                s.warning.empty() ? "" : ("  ! " + s.warning).c_str());
    if (s.has_source) {
      std::printf(
          "  source   #%lld %s%s%s%s\n", static_cast<long long>(s.source.source_id),
          s.source.source_name.c_str(), s.source.source_added ? " (new)" : "",
          s.source.link_id != 0 ? ", linked" : ", already linked",
          s.source.published_at.empty() ? "" : (", published " + s.source.published_at).c_str());
    }
  }
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

std::string RealPath(const std::string& path) {
  char buf[PATH_MAX];
  return ::realpath(path.c_str(), buf) ? std::string(buf) : path;
}

// Ingests one file and keeps its sidecars with it.
FileResult IngestWithSidecars(evidence::Case& c, const evidence::Identity& who,
                              const std::string& path,
                              const std::vector<inv::SidecarFile>& sidecars,
                              const evidence::IngestOptions& options, ProgressMeter& progress,
                              const std::string& how = "", const std::string& obtained_at = "",
                              const std::string& name_stem = "") {
  FileResult f;
  f.report =
      evidence::IngestFile(c, who, path, options, [&](std::uint64_t n) { progress.AddBytes(n); });
  if (f.report.outcome != evidence::IngestOutcome::kRefused && !sidecars.empty()) {
    f.sidecars =
        inv::AttachSidecars(c, who, f.report.item_id, sidecars, how, obtained_at, name_stem);
  }
  return f;
}

void Report(const FileResult& f, bool json, ProgressMeter& progress) {
  progress.Clear();
  if (f.report.failed()) Warn("ingest", f.report.path + ": " + f.report.message);
  for (const auto& s : f.sidecars) {
    if (!s.error.empty()) {
      Warn("ingest", DisplayPath(s.file.path) + ": sidecar not stored: " + s.error);
    } else if (!s.warning.empty()) {
      Warn("ingest", DisplayPath(s.file.path) + ": " + s.warning);
    }
  }
  if (!json) {
    PrintReadable(f.report);
    PrintSidecars(f.sidecars);
  }
  std::fflush(stdout);
}

// The summary line or JSON; the exit status.
int Finish(const std::string& dir, evidence::Case& c, const std::vector<FileResult>& results,
           double secs, bool json, nlohmann::json extra) {
  int counts[5] = {0, 0, 0, 0, 0};
  int sidecars = 0;
  bool failed = false;
  std::uint64_t bytes = 0;
  for (const auto& f : results) {
    ++counts[static_cast<int>(f.report.outcome)];
    failed = failed || f.report.failed() || f.sidecar_failed();
    if (f.report.outcome != evidence::IngestOutcome::kRefused) bytes += f.report.size;
    for (const auto& s : f.sidecars) sidecars += s.error.empty() && !s.already_present ? 1 : 0;
  }
  using evidence::IngestOutcome;
  int stored = counts[static_cast<int>(IngestOutcome::kStored)];
  int flagged = counts[static_cast<int>(IngestOutcome::kStoredFlagged)];
  int duplicate = counts[static_cast<int>(IngestOutcome::kDuplicate)];
  int present = counts[static_cast<int>(IngestOutcome::kAlreadyPresent)];
  int refused = counts[static_cast<int>(IngestOutcome::kRefused)];
  if (json) {
    nlohmann::json files = nlohmann::json::array();
    for (const auto& f : results) files.push_back(FileJson(f));
    nlohmann::json out = {{"case", DisplayPath(dir)},
                          {"case_id", c.case_id()},
                          {"files", files},
                          {"summary",
                           {{"files", results.size()},
                            {"stored", stored},
                            {"flagged", flagged},
                            {"duplicate", duplicate},
                            {"already_present", present},
                            {"refused", refused},
                            {"sidecars", sidecars},
                            {"bytes", bytes},
                            {"seconds", secs}}}};
    for (auto& [k, v] : extra.items()) out[k] = v;
    PrintJson(out);
  } else {
    std::printf(
        "%zu files: %d stored, %d flagged, %d duplicate, %d already present, %d refused"
        "%s (%s in %.1f s)\n",
        results.size(), stored, flagged, duplicate, present, refused,
        sidecars > 0 ? (", " + std::to_string(sidecars) + " sidecars kept").c_str() : "",
        HumanSize(bytes).c_str(), secs);
  }
  return failed ? kExitFailed : kExitOk;
}

// Download directories (staging/url-*) left by a killed ingest --url: removed when no live
// process holds them.
void RemoveAbandonedDownloads(const std::string& staging) {
  for (const std::string& name : ListDirectory(staging).value_or({})) {
    if (name.rfind("url-", 0) != 0) continue;
    const std::string p = JoinPath(staging, name);
    UniqueFd fd(::open(p.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd.valid() || ::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) continue;
    (void)inv::RemoveTree(p);
  }
}

// "generic-clip.mp4": the platform's name for the post, as a file name.
std::string DownloadName(const inv::PostInfo& info, const std::string& media_path) {
  std::string base = BaseName(media_path);
  std::size_t dot = base.rfind('.');
  std::string ext = dot == std::string::npos ? "" : base.substr(dot);
  std::string stem = info.id.empty() ? "download" : info.extractor + "-" + info.id;
  for (char& ch : stem) {
    const bool ok =
        std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.';
    ch = ok ? static_cast<char>(std::tolower(static_cast<unsigned char>(ch))) : '_';
  }
  if (stem.size() > 100) stem.resize(100);
  return stem + ext;
}

int RunUrl(const Args& args, const std::string& dir, bool json) {
  const std::string url = args.Get("url");
  if (!args.positional().empty()) {
    return UsageError("ingest", "--url downloads one post; give no PATH with it");
  }
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    return UsageError("ingest", "--url takes an http:// or https:// link to a post");
  }
  int timeout_s = 900;
  if (args.Has("timeout") && !ParseWholeNumber(args.Get("timeout"), 1, 86400, &timeout_s)) {
    return UsageError("ingest", "--timeout is a number of seconds (1 to 86400)");
  }
  Result<std::string> program = inv::FindYtDlp();
  if (!program.ok()) return FailWith("ingest", program.status());
  Result<std::string> version = inv::YtDlpVersion(*program);
  if (!version.ok()) return FailWith("ingest", version.status());

  std::optional<WritableCase> opened = OpenOrCreateCase("ingest", dir, args.Get("db"));
  if (!opened) return kExitFailed;
  evidence::Case* c = opened->c.get();
  const evidence::Identity* who = &opened->who;

  // The download stays inside the case: staging/url-XXXXXX, locked against the cleanup other
  // processes make of staging/, and removed after.
  const std::string staging = c->objects().staging_dir();
  RemoveAbandonedDownloads(staging);
  std::string work = JoinPath(staging, "url-XXXXXX");
  if (::mkdtemp(work.data()) == nullptr) {
    return FailWith("ingest", ErrnoStatus(work, "cannot create the download directory", errno));
  }
  UniqueFd lock(::open(work.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (lock.valid()) ::flock(lock.get(), LOCK_EX);
  struct Cleanup {
    std::string dir;
    ~Cleanup() { (void)inv::RemoveTree(dir); }
  } cleanup{work};

  auto start = std::chrono::steady_clock::now();
  nlohmann::json extra = {{"url", url}, {"yt_dlp", {{"program", *program}, {"version", *version}}}};
  if (!json)
    std::fprintf(stderr, "sightline ingest: downloading %s with yt-dlp %s\n", url.c_str(),
                 version->c_str());
  Result<inv::DownloadedPost> post = inv::DownloadPost(*program, url, work, timeout_s);
  if (!post.ok()) {
    if (json)
      PrintJson({{"case", DisplayPath(dir)}, {"url", url}, {"error", post.status().message()}});
    return FailWith("ingest", post.status());
  }
  const std::string obtained_at = UtcNowRfc3339();
  inv::PostInfo info;
  if (!post->info_json.empty()) {
    Result<std::string> text = ReadFileToString(post->info_json, 64ull << 20);
    if (text.ok()) info = inv::ReadPostInfo(*text).value_or(inv::PostInfo());
  }
  const std::string how = "downloaded with yt-dlp " + *version;
  std::vector<FileResult> results;
  std::uint64_t total = 0;
  for (const std::string& m : post->media) {
    struct stat st;
    if (::stat(m.c_str(), &st) == 0) total += static_cast<std::uint64_t>(st.st_size);
  }
  ProgressMeter progress("ingest", total, post->media.size());
  for (const std::string& media : post->media) {
    evidence::IngestOptions options{args.Get("source", url), args.Get("note"),
                                    DownloadName(info, media), url};
    std::vector<inv::SidecarFile> sidecars;
    if (!post->info_json.empty()) sidecars.push_back({"info_json", post->info_json, url});
    std::string stem = options.name.substr(0, options.name.rfind('.'));
    FileResult f =
        IngestWithSidecars(*c, *who, media, sidecars, options, progress, how, obtained_at, stem);
    f.report.path = url;
    progress.FileDone();
    Report(f, json, progress);
    results.push_back(std::move(f));
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return Finish(dir, *c, results, secs, json, extra);
}

int Run(const Args& args) {
  std::string dir = args.Get("case");
  if (dir.empty()) return UsageError("ingest", "--case DIR is required");
  if (args.Has("db") && !evidence::IsPostgresUrl(args.Get("db"))) {
    return UsageError("ingest",
                      "--db takes a postgresql://… URL (a case's own catalogue, "
                      "case.db, needs no option)");
  }
  bool json = args.Has("json");
  if (args.Has("url")) return RunUrl(args, dir, json);
  if (args.Has("timeout")) return UsageError("ingest", "--timeout goes with --url");
  if (args.positional().empty()) return UsageError("ingest", "no PATH to ingest");

  std::optional<WritableCase> opened = OpenOrCreateCase("ingest", dir, args.Get("db"));
  if (!opened) return kExitFailed;
  evidence::Case* c = opened->c.get();
  const evidence::Identity* who = &opened->who;

  evidence::IngestOptions options{args.Get("source"), args.Get("note"), "", ""};
  evidence::IngestPlan plan = evidence::PlanIngest(args.positional(), dir);
  // Sidecars found beside the files are kept with them, not ingested as items.
  std::map<std::string, std::vector<inv::SidecarFile>> sidecars_of;
  std::set<std::string> sidecar_paths;
  for (const std::string& file : plan.files) {
    std::vector<inv::SidecarFile> found = inv::FindSidecarFiles(file);
    for (const auto& s : found) sidecar_paths.insert(RealPath(s.path));
    if (!found.empty()) sidecars_of[file] = std::move(found);
  }
  std::vector<std::string> files;
  std::uint64_t total_bytes = 0;
  for (std::size_t i = 0; i < plan.files.size(); ++i) {
    if (sidecar_paths.count(RealPath(plan.files[i]))) continue;
    files.push_back(plan.files[i]);
    total_bytes += plan.sizes[i];
  }

  auto start = std::chrono::steady_clock::now();
  std::vector<FileResult> results;
  ProgressMeter progress("ingest", total_bytes, files.size());
  for (const evidence::IngestReport& r : plan.refused) {
    results.push_back({r, {}});
    Report(results.back(), json, progress);
  }
  for (const std::string& file : files) {
    auto it = sidecars_of.find(file);
    FileResult f = IngestWithSidecars(
        *c, *who, file, it == sidecars_of.end() ? std::vector<inv::SidecarFile>() : it->second,
        options, progress);
    progress.FileDone();
    Report(f, json, progress);
    results.push_back(std::move(f));
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return Finish(dir, *c, results, secs, json, nlohmann::json::object());
}

}  // namespace

extern const Command kIngestCommand = {
    "ingest", "copy files into a case with a signed chain of custody",
    kUsage,   {{"json"}, {"case", "db", "source", "note", "url", "timeout"}, {}},
    Run,
};

}  // namespace sightline::cli
