#include "evidence/ingest.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>

#include "analysis/metadata/anomalies.h"
#include "base/file.h"
#include "base/time.h"
#include "media/media_check.h"
#include "media/probe.h"
#include "media/probe_json.h"

namespace sightline::evidence {

namespace {

IngestReport Refused(const std::string& path, std::string message) {
  IngestReport r;
  r.path = DisplayPath(path);
  r.outcome = IngestOutcome::kRefused;
  r.message = std::move(message);
  return r;
}

std::string RealPath(const std::string& path) {
  char buf[PATH_MAX];
  return ::realpath(path.c_str(), buf) ? std::string(buf) : path;
}

std::string AbsolutePath(const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  char buf[PATH_MAX];
  if (!::getcwd(buf, sizeof buf)) return path;
  return JoinPath(buf, path);
}

std::string ErrnoText(int err) { return std::strerror(err); }

void Walk(const std::string& dir, const std::string& skip_real, IngestPlan* plan, int depth) {
  if (depth > 64) {
    plan->refused.push_back(Refused(dir, "directory nesting deeper than 64 levels; not followed"));
    return;
  }
  Result<std::vector<std::string>> listed = ListDirectory(dir);
  if (!listed.ok()) {
    // The report names the directory; keep only the reason.
    std::string why = listed.status().message();
    std::string prefix = DisplayPath(dir) + ": ";
    if (why.rfind(prefix, 0) == 0) why.erase(0, prefix.size());
    plan->refused.push_back(Refused(dir, why));
    return;
  }
  std::vector<std::string> names = std::move(listed).value();
  std::sort(names.begin(), names.end());
  for (const std::string& n : names) {
    std::string p = JoinPath(dir, n);
    struct stat st;
    if (::lstat(p.c_str(), &st) != 0) {
      plan->refused.push_back(Refused(p, "cannot read: " + ErrnoText(errno)));
      continue;
    }
    if (S_ISLNK(st.st_mode)) {
      struct stat target;
      if (::stat(p.c_str(), &target) != 0) {
        plan->refused.push_back(Refused(p, "broken symbolic link"));
        continue;
      }
      if (S_ISDIR(target.st_mode)) continue;  // not followed: could loop
      st = target;
    }
    if (S_ISDIR(st.st_mode)) {
      if (RealPath(p) == skip_real) continue;
      Walk(p, skip_real, plan, depth + 1);
    } else {
      plan->files.push_back(p);
      plan->sizes.push_back(static_cast<std::uint64_t>(st.st_size));
      plan->total_bytes += static_cast<std::uint64_t>(st.st_size);
    }
  }
}

// The metadata of the stored copy, as `sightline probe --json` prints it, with anomalies. The
// copy's own file time says only when it was staged, so it is left out: each presentation's
// mtime is in item_names.
std::string ReadMetadataJson(const std::string& staged_path, const std::string& name) {
  media::ProbeResult probe = media::ProbeFile(staged_path);
  probe.path = name;
  std::erase_if(probe.times,
                [](const media::Timestamp& t) { return t.role == media::TimeRole::kFileModified; });
  nlohmann::ordered_json j = media::ProbeToJson(probe);
  j["anomalies"] = analysis::metadata::AnomaliesToJson(analysis::metadata::FindAnomalies(probe));
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

const char* OutcomeName(IngestOutcome o) {
  switch (o) {
    case IngestOutcome::kStored:
      return "stored";
    case IngestOutcome::kStoredFlagged:
      return "flagged";
    case IngestOutcome::kDuplicate:
      return "duplicate";
    case IngestOutcome::kAlreadyPresent:
      return "already_present";
    case IngestOutcome::kRefused:
      return "refused";
  }
  return "?";
}

IngestPlan PlanIngest(const std::vector<std::string>& paths, const std::string& case_dir) {
  IngestPlan plan;
  std::string case_real = RealPath(case_dir);
  for (const std::string& p : paths) {
    struct stat st;
    if (::stat(p.c_str(), &st) != 0) {
      plan.refused.push_back(Refused(
          p, errno == ENOENT ? "no such file or directory" : "cannot read: " + ErrnoText(errno)));
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      if (RealPath(p) == case_real) {
        plan.refused.push_back(Refused(p, "this is the case directory itself"));
        continue;
      }
      Walk(p, case_real, &plan, 0);
    } else {
      plan.files.push_back(p);
      plan.sizes.push_back(static_cast<std::uint64_t>(st.st_size));
      plan.total_bytes += static_cast<std::uint64_t>(st.st_size);
    }
  }
  return plan;
}

IngestReport IngestFile(Case& c, const Identity& who, const std::string& path,
                        const IngestOptions& options,
                        const std::function<void(std::uint64_t)>& on_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    return Refused(path, errno == ENOENT ? "no such file" : "cannot open: " + ErrnoText(errno));
  }
  UniqueFd src(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0) return Refused(path, "cannot stat: " + ErrnoText(errno));
  if (!S_ISREG(st.st_mode)) return Refused(path, "not a regular file (device, pipe or socket)");
  if (st.st_size == 0) return Refused(path, "empty file (0 bytes): nothing to preserve");
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);

  Result<StagedObject> staged = c.objects().Stage(fd, path, on_bytes);
  if (!staged.ok()) {
    std::string why = staged.status().code() == StatusCode::kNoSpace
                          ? "disk full while copying; this file was rolled back and nothing stored"
                          : staged.status().message();
    return Refused(path, why);
  }

  ItemName name;
  std::string raw_name = options.name.empty() ? BaseName(path) : options.name;
  name.name = DisplayPath(raw_name);
  if (!IsValidUtf8(raw_name)) {
    name.name_hex = ToHex(reinterpret_cast<const std::uint8_t*>(raw_name.data()), raw_name.size());
  }
  name.path = options.origin.empty() ? DisplayPath(AbsolutePath(path)) : options.origin;
  name.mtime = FormatUtc(st.st_mtim.tv_sec);
  name.actor = who.actor;
  name.source = options.source;
  name.note = options.note;

  IngestReport report;
  report.path = DisplayPath(path);
  report.sha256 = staged->sha256();
  report.size = staged->size();

  // Check and probe new content before taking the write lock: both read the file.
  Result<std::optional<Item>> known = c.catalog().FindBySha(staged->sha256());
  media::MediaCheck check;
  std::string metadata;
  auto examine = [&] {
    check = media::CheckMedia(staged->path());
    // Messages name the staged copy; the person knows the file by its own name.
    for (std::size_t at; (at = check.problem.find(staged->path())) != std::string::npos;) {
      check.problem.replace(at, staged->path().size(), name.name);
    }
    // Reports already name the file.
    if (check.problem.rfind(name.name + ": ", 0) == 0) check.problem.erase(0, name.name.size() + 2);
    metadata = ReadMetadataJson(staged->path(), name.name);
  };
  if (known.ok() && !known->has_value()) examine();

  bool is_new = false;
  Result<CustodyEntry> entry = c.Write(who, [&](Case::WriteContext& ctx) -> Result<CustodyRecord> {
    name.ingested_at = ctx.time;
    name.custody_seq = ctx.seq;
    SL_ASSIGN_OR_RETURN(std::optional<Item> existing, ctx.catalog.FindBySha(staged->sha256()));
    nlohmann::json details = {
        {"name", name.name}, {"path", name.path}, {"size", staged->size()}, {"mtime", name.mtime}};
    if (!name.name_hex.empty()) details["name_hex"] = name.name_hex;
    if (!options.source.empty()) details["source"] = options.source;
    if (!options.note.empty()) details["note"] = options.note;
    if (existing) {
      report.item_id = existing->id;
      report.media_kind = existing->media_kind;
      SL_ASSIGN_OR_RETURN(std::vector<ItemName> names, ctx.catalog.NamesOf(existing->id));
      for (const ItemName& n : names) {
        if (n.path == name.path && n.mtime == name.mtime && n.name == name.name) {
          report.outcome = IngestOutcome::kAlreadyPresent;
          report.custody_seq = n.custody_seq;
          report.message = "already in the case as item " + std::to_string(existing->id);
          return Status(StatusCode::kAlreadyExists, report.message);
        }
      }
      SL_RETURN_IF_ERROR(ctx.catalog.InsertName(existing->id, name));
      report.outcome = IngestOutcome::kDuplicate;
      report.message = "same content as item " + std::to_string(existing->id) + " (" +
                       existing->name + "); recorded as another name";
      details["item_id"] = existing->id;
      return CustodyRecord{"ingest_duplicate", staged->sha256(), details.dump()};
    }
    if (metadata.empty()) examine();  // it was catalogued when we looked, and is gone now
    Item item;
    item.sha256 = staged->sha256();
    item.size = staged->size();
    item.name = name.name;
    item.media_kind = check.readable ? check.kind : "";
    item.media_problem = check.problem;  // also for a damaged file that still plays
    item.ingest_seq = ctx.seq;
    SL_ASSIGN_OR_RETURN(item.id, ctx.catalog.InsertItem(item));
    SL_RETURN_IF_ERROR(ctx.catalog.InsertName(item.id, name));
    SL_RETURN_IF_ERROR(ctx.catalog.PutMetadata(item.id, media::kProbeJsonVersion, metadata));
    is_new = true;
    report.item_id = item.id;
    report.media_kind = item.media_kind;
    bool flagged = !check.readable || !check.problem.empty();
    report.outcome = flagged ? IngestOutcome::kStoredFlagged : IngestOutcome::kStored;
    if (!check.readable) {
      report.message = "preserved, but cannot be read as media: " + check.problem;
    } else if (flagged) {
      report.message = "preserved, but damaged: " + check.problem;
    }
    details["item_id"] = item.id;
    details["media"] = nlohmann::json::object();
    if (check.readable) details["media"]["kind"] = check.kind;
    if (!check.problem.empty()) details["media"]["problem"] = check.problem;
    return CustodyRecord{"ingest", staged->sha256(), details.dump()};
  });
  if (!entry.ok()) {
    if (entry.status().code() == StatusCode::kAlreadyExists) return report;
    std::string why =
        entry.status().code() == StatusCode::kNoSpace
            ? "disk full while recording; this file was rolled back and nothing stored"
            : entry.status().message();
    return Refused(path, why);
  }
  report.custody_seq = entry->seq;
  if (is_new) {
    Status published = c.objects().Publish(&*staged);
    if (!published.ok()) {
      // Recorded but not yet in objects/: the staged copy stays and the next write publishes it.
      // Flagged, so that the person sees why (and the exit status says something is wrong).
      staged->Keep();
      report.outcome = IngestOutcome::kStoredFlagged;
      report.message += (report.message.empty() ? "" : "; ") + std::string("recorded, but ") +
                        published.message() + " (the next ingest completes it)";
    }
  }
  if (staged->source_changed() && report.outcome != IngestOutcome::kRefused) {
    report.message += (report.message.empty() ? "" : "; ") +
                      std::string(
                          "warning: the file changed while it was being read; the "
                          "stored copy is what was read");
  }
  return report;
}

}  // namespace sightline::evidence
