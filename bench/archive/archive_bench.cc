// The archive's job queue under load: how many jobs a second can be queued, and claimed and
// finished by 1 and by 4 concurrent workers, on the catalogue at the URL given (PostgreSQL or
// SQLite). Prints one JSON object; bench/archive/run.sh runs it against both back-ends.
//   sightline_archive_bench URL [JOBS]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "archive/archive_catalog.h"
#include "archive/job_queue.h"
#include "evidence/sql.h"

namespace {

using sightline::archive::JobQueue;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// Claims and finishes jobs from `threads` connections until the queue is empty; jobs a second.
double Drain(const std::string& url, int threads) {
  std::atomic<long> done{0};
  auto start = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      auto db = sightline::evidence::OpenSql(url);
      if (!db.ok()) {
        std::fprintf(stderr, "%s\n", db.status().message().c_str());
        std::exit(1);
      }
      JobQueue q(db->get());
      for (;;) {
        auto job = q.Claim("bench-" + std::to_string(t), 60);
        if (!job.ok()) {
          std::fprintf(stderr, "%s\n", job.status().message().c_str());
          std::exit(1);
        }
        if (!job->has_value()) return;
        if (!q.Finish(**job).ok()) std::exit(1);
        ++done;
      }
    });
  }
  for (auto& t : pool) t.join();
  return static_cast<double>(done.load()) / Seconds(start);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: sightline_archive_bench URL [JOBS]\n");
    return 2;
  }
  const std::string url = argv[1];
  const int jobs = argc > 2 ? std::atoi(argv[2]) : 2000;
  auto db = sightline::evidence::OpenSql(url);
  if (!db.ok()) {
    std::fprintf(stderr, "%s\n", db.status().message().c_str());
    return 1;
  }
  if (!sightline::archive::ArchiveCatalog(db->get()).CreateSchema().ok()) return 1;
  JobQueue q(db->get());
  std::printf("{\"catalogue\": \"%s\", \"jobs\": %d", (*db)->description().c_str(), jobs);
  for (int threads : {1, 4}) {
    const std::string kind = "bench" + std::to_string(threads);
    auto start = Clock::now();
    for (int i = 0; i < jobs; ++i) {
      if (!q.Enqueue(kind, std::to_string(i)).ok()) return 1;
    }
    const double enqueue = jobs / Seconds(start);
    const double claims = Drain(url, threads);
    std::printf(", \"enqueue_per_s_%d\": %.0f, \"claim_finish_per_s_%d_workers\": %.0f", threads,
                enqueue, threads, claims);
  }
  std::printf("}\n");
  return 0;
}
