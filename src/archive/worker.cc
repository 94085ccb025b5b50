#include "archive/worker.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>

#include "analysis/match/match.h"
#include "analysis/match/match_json.h"
#include "archive/archive_catalog.h"
#include "archive/candidates.h"
#include "archive/job_queue.h"
#include "base/file.h"
#include "base/sha256.h"
#include "evidence/sql.h"

namespace sightline::archive {

namespace am = analysis::match;
namespace sv = signals::visual;
using evidence::SqlConnection;
using evidence::SqlTransaction;

std::string SignatureVersion(const sv::MatchSignatureOptions& options) {
  return "v" + std::to_string(sv::kMatchSignatureVersion) + ":" +
         Sha256Hex(sv::MatchSignatureParamsJson(options)).substr(0, 12);
}

std::string MatchVersion(const sv::MatchSignatureOptions& options) {
  return "match1/" + SignatureVersion(options);
}

namespace {

constexpr const char* kSignatureKind = "match_signature";

std::string DefaultWorkerName() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) std::snprintf(host, sizeof host, "localhost");
  return std::string(host) + ":" + std::to_string(getpid());
}

// Failures that another attempt cannot mend: the input itself is wrong.
bool Permanent(const Status& s) {
  switch (s.code()) {
    case StatusCode::kCorrupt:
    case StatusCode::kNotFound:
    case StatusCode::kInvalidArgument:
    case StatusCode::kUnsupported:
      return true;
    default:
      return false;
  }
}

// Renews a job's lease from its own connection while the job runs.
class LeaseKeeper {
 public:
  LeaseKeeper(const std::string& url, const Job& job, double lease_s)
      : url_(url), job_(job), lease_s_(lease_s), thread_([this] { Loop(); }) {}
  ~LeaseKeeper() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  bool lost() {
    std::lock_guard<std::mutex> lock(mu_);
    return lost_;
  }

 private:
  void Loop() {
    std::unique_ptr<SqlConnection> db;
    std::unique_lock<std::mutex> lock(mu_);
    const auto period = std::chrono::duration<double>(lease_s_ / 3);
    while (!cv_.wait_for(lock, period, [this] { return done_; })) {
      lock.unlock();
      Status s = Renew(&db);
      lock.lock();
      if (s.code() == StatusCode::kNotFound) lost_ = true;
    }
  }
  Status Renew(std::unique_ptr<SqlConnection>* db) {
    if (!*db || (*db)->connection_lost()) {
      auto c = evidence::OpenSql(url_);
      if (!c.ok()) return c.status();
      *db = std::move(c).value();
    }
    return JobQueue(db->get()).Renew(job_, lease_s_);
  }

  std::string url_;
  Job job_;
  double lease_s_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false, lost_ = false;
  std::thread thread_;
};

// A worker killed outright leaves its scratch directory (an original half fetched): the next
// worker to start on the machine removes those whose process is gone.
void RemoveScratchOfDeadWorkers(const std::string& base) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(base, ec)) {
    const std::string name = entry.path().filename().string();
    const std::string prefix = "sightline-worker-";
    if (name.rfind(prefix, 0) != 0) continue;
    const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
    if (pid <= 0 || (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)) {
      std::error_code ignored;
      std::filesystem::remove_all(entry.path(), ignored);
    }
  }
}

class WorkerLoop {
 public:
  WorkerLoop(std::string url, BlobStore* objects, WorkerOptions options)
      : url_(std::move(url)), objects_(objects), o_(std::move(options)) {
    if (o_.name.empty()) o_.name = DefaultWorkerName();
  }

  Result<WorkerStats> Run() {
    SL_ASSIGN_OR_RETURN(db_, evidence::OpenSql(url_));
    SL_RETURN_IF_ERROR(Retrying([&] { return ArchiveCatalog(db_.get()).CreateSchema(); }));
    std::string base = o_.scratch_dir;
    if (base.empty()) base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    RemoveScratchOfDeadWorkers(base);
    scratch_ = JoinPath(base, "sightline-worker-" + std::to_string(getpid()));
    SL_RETURN_IF_ERROR(MakeDirs(scratch_, 0700));
    Result<WorkerStats> out = Loop();
    std::error_code ec;
    std::filesystem::remove_all(scratch_, ec);
    return out;
  }

 private:
  Result<WorkerStats> Loop() {
    auto idle_since = std::chrono::steady_clock::now();
    while (!(o_.stop && o_.stop->load())) {
      if (o_.max_jobs >= 0 && stats_.done + stats_.failed + stats_.lost >= o_.max_jobs) break;
      std::optional<Job> job;
      SL_RETURN_IF_ERROR(Retrying([&]() -> Status {
        SL_ASSIGN_OR_RETURN(job, JobQueue(db_.get()).Claim(o_.name, o_.lease_s));
        return Status::Ok();
      }));
      if (!job) {
        double idle =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - idle_since).count();
        if (o_.idle_exit_s >= 0 && idle >= o_.idle_exit_s) break;
        std::this_thread::sleep_for(std::chrono::duration<double>(o_.poll_s));
        continue;
      }
      Handle(*job);
      idle_since = std::chrono::steady_clock::now();
    }
    return stats_;
  }

  void Handle(const Job& job) {
    LeaseKeeper keeper(url_, job, o_.lease_s);
    Status s = Execute(job);
    if (s.ok()) {
      ++stats_.done;
      Log("done " + job.kind + " " + job.subject.substr(0, 12));
      return;
    }
    if (s.code() == StatusCode::kNotFound && keeper.lost()) {
      ++stats_.lost;
      Log("lost " + job.kind + " " + job.subject.substr(0, 12) + ": " + s.message());
      return;
    }
    Status recorded =
        Retrying([&] { return JobQueue(db_.get()).Fail(job, s.message(), Permanent(s)); });
    ++stats_.failed;
    Log("failed " + job.kind + " " + job.subject.substr(0, 12) + ": " + s.message() +
        (recorded.ok() ? "" : " (not recorded: " + recorded.message() + ")"));
  }

  Status Execute(const Job& job) {
    if (job.kind == "analyze") return Analyze(job);
    if (job.kind == "compare") return Compare(job);
    return InvalidArgument("unknown job kind '" + job.kind + "'");
  }

  // The job's item; kNotFound when the catalogue has no such item.
  Result<ArchiveItem> LoadItem(const std::string& sha256) {
    std::optional<ArchiveItem> item;
    SL_RETURN_IF_ERROR(Retrying([&]() -> Status {
      SL_ASSIGN_OR_RETURN(item, ArchiveCatalog(db_.get()).FindItem(sha256));
      return Status::Ok();
    }));
    if (!item) return NotFound("item " + sha256 + " is not in the archive's catalogue");
    return *item;
  }

  Status Analyze(const Job& job) {
    SL_ASSIGN_OR_RETURN(const ArchiveItem item, LoadItem(job.subject));
    std::string data;
    std::vector<am::HashFrame> frames;
    const bool has_picture = item.media_kind == "video" || item.media_kind == "image";
    if (has_picture) {
      const std::string local = JoinPath(scratch_, job.subject);
      Status got = objects_->Get(job.subject, local);
      if (!got.ok()) return got;
      Result<sv::MatchSignature> sig = sv::ExtractMatchSignature(local, o_.signature);
      std::remove(local.c_str());
      if (!sig.ok()) return sig.status();
      data = sv::SerializeMatchSignature(*sig);
      frames = evidence::IndexedFrames(*sig);
    }
    const std::string version = SignatureVersion(o_.signature);
    return Retrying([&]() -> Status {
      SqlTransaction tx(db_.get());
      SL_RETURN_IF_ERROR(tx.Begin());
      ArchiveCatalog catalog(db_.get());
      if (has_picture) {
        SL_RETURN_IF_ERROR(
            catalog.PutSignal(item.id, kSignatureKind, version, data, frames).status());
        SL_RETURN_IF_ERROR(JobQueue(db_.get()).Enqueue("compare", job.subject).status());
      }
      SL_RETURN_IF_ERROR(JobQueue(db_.get()).Finish(job));
      return tx.Commit();
    });
  }

  Result<sv::MatchSignature> LoadSignature(std::int64_t item_id) {
    std::optional<std::string> data;
    SL_RETURN_IF_ERROR(Retrying([&]() -> Status {
      SL_ASSIGN_OR_RETURN(data, ArchiveCatalog(db_.get()).Signal(item_id, kSignatureKind,
                                                                 SignatureVersion(o_.signature)));
      return Status::Ok();
    }));
    if (!data) return NotFound("item #" + std::to_string(item_id) + " has no signature yet");
    return sv::ParseMatchSignature(*data);
  }

  Status Compare(const Job& job) {
    SL_ASSIGN_OR_RETURN(const ArchiveItem item, LoadItem(job.subject));
    SL_ASSIGN_OR_RETURN(sv::MatchSignature sig, LoadSignature(item.id));
    std::vector<evidence::FrameIndexHit> hits;
    SL_RETURN_IF_ERROR(Retrying([&]() -> Status {
      SL_ASSIGN_OR_RETURN(CandidateLookup found, FindCandidates(*db_, sig, o_.radius));
      hits = std::move(found.items);
      return Status::Ok();
    }));
    std::vector<ArchiveFinding> findings;
    const std::string version = MatchVersion(o_.signature);
    for (const evidence::FrameIndexHit& hit : hits) {
      if (hit.item_id == item.id) continue;
      Result<sv::MatchSignature> other = LoadSignature(hit.item_id);
      if (!other.ok()) continue;  // not analysed yet: its own compare will meet this item
      const bool this_first = item.id < hit.item_id;
      const sv::MatchSignature& a = this_first ? sig : *other;
      const sv::MatchSignature& b = this_first ? *other : sig;
      am::PairMatch m = am::MatchSignatures(a, b);
      if (!m.matched) continue;
      findings.push_back({std::min(item.id, hit.item_id), std::max(item.id, hit.item_id),
                          "same_footage", version, m.score, am::PairMatchJson(m, nullptr).dump()});
    }
    return Retrying([&]() -> Status {
      SqlTransaction tx(db_.get());
      SL_RETURN_IF_ERROR(tx.Begin());
      ArchiveCatalog catalog(db_.get());
      for (const ArchiveFinding& f : findings) SL_RETURN_IF_ERROR(catalog.PutFinding(f).status());
      SL_RETURN_IF_ERROR(JobQueue(db_.get()).Finish(job));
      return tx.Commit();
    });
  }

  // Runs `step` (a whole transaction, safe to repeat); when it fails because the connection to
  // the catalogue was lost, reconnects with growing pauses (up to 10 s apart, for up to 10
  // minutes in all) and runs it again.
  template <typename F>
  Status Retrying(const F& step) {
    double pause = 0.25;
    auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(10);
    for (;;) {
      Status s = step();
      if (s.ok() || !db_->connection_lost()) return s;
      for (;;) {
        if (std::chrono::steady_clock::now() > give_up) {
          return s.WithContext("gave up reconnecting to the catalogue after 10 minutes");
        }
        std::this_thread::sleep_for(std::chrono::duration<double>(pause));
        pause = std::min(pause * 2, 10.0);
        if (db_->Reconnect().ok()) break;
      }
      ++stats_.reconnects;
      Log("reconnected to " + db_->description());
    }
  }

  void Log(const std::string& line) {
    if (o_.log) o_.log(line);
  }

  std::string url_;
  BlobStore* objects_;
  WorkerOptions o_;
  std::unique_ptr<SqlConnection> db_;
  std::string scratch_;
  WorkerStats stats_;
};

}  // namespace

Result<WorkerStats> RunWorker(const std::string& catalog_url, BlobStore* objects,
                              const WorkerOptions& options) {
  WorkerLoop loop(catalog_url, objects, options);
  return loop.Run();
}

}  // namespace sightline::archive
