// Work for archive workers, kept in the catalogue's database so that any number of machines can
// share it without another service: each job is claimed by one worker at a time under a lease
// that the worker renews while it works. A worker that dies (kill -9, a lost machine) stops
// renewing; when the lease expires the job is claimed again. Each claim increments the job's
// attempt count, which doubles as a fencing token: Finish and Fail only apply when the job is
// still held by that attempt, so a worker that wakes up after its lease was taken cannot record
// a result over the new holder's. Results are written by (item, analyzer version) keys as well,
// so that even a result written twice is stored once.
//
// PostgreSQL: the claim locks the chosen row with FOR UPDATE SKIP LOCKED, so concurrent workers
// take different jobs without waiting on each other. SQLite: the claim runs in a write
// transaction (BEGIN IMMEDIATE), which serialises claims.
//
// Jobs that fail max_attempts times, or whose lease expired that many times (the worker died on
// them, perhaps because of the input), are set aside as "failed" with their last error, for a
// person to look at and retry (`sightline archive retry`).
//
// Thread safety: a JobQueue borrows a SqlConnection and shares its rule (one thread).
#ifndef SIGHTLINE_ARCHIVE_JOB_QUEUE_H_
#define SIGHTLINE_ARCHIVE_JOB_QUEUE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "evidence/sql.h"

namespace sightline::archive {

struct Job {
  std::int64_t id = 0;
  std::string kind;     // "analyze", "compare"
  std::string subject;  // what to work on: an item's SHA-256
  std::string state;    // "queued", "running", "done", "failed"
  int attempts = 0;     // claims so far; the current claim's fencing token
  int max_attempts = 3;
  double lease_until = 0;  // seconds since 1970 (the database's clock)
  std::string worker;      // the last claimant
  std::string last_error;
};

struct JobCounts {
  std::int64_t queued = 0, running = 0, done = 0, failed = 0;
};

class JobQueue {
 public:
  explicit JobQueue(evidence::SqlConnection* db) : db_(db) {}

  // Adds a job unless one of the same kind and subject exists (whatever its state). Returns
  // whether it was added. Runs inside the caller's transaction if one is open.
  Result<bool> Enqueue(const std::string& kind, const std::string& subject, int max_attempts = 3);

  // Claims the oldest job that is queued or whose lease has expired, for `lease_s` seconds.
  // std::nullopt when there is none.
  Result<std::optional<Job>> Claim(const std::string& worker, double lease_s);
  // Extends the lease; kNotFound when the job is no longer held by this attempt.
  Status Renew(const Job& job, double lease_s);
  // Marks the job done. Call inside the transaction that wrote its results: kNotFound (and the
  // caller rolls back) when the job is no longer held by this attempt.
  Status Finish(const Job& job);
  // Records a failure: queued again, or failed once attempts reach max_attempts or at once
  // when `permanent` (the input itself is wrong; another attempt would fail the same way).
  Status Fail(const Job& job, const std::string& error, bool permanent = false);

  Result<JobCounts> Counts();
  Result<std::vector<Job>> ListFailed();
  // Queues failed jobs again with a fresh attempt count: one job (`id` > 0) or all (`id` == 0).
  // Returns how many.
  Result<std::int64_t> Retry(std::int64_t id);

 private:
  evidence::SqlConnection* db_;
};

}  // namespace sightline::archive

#endif  // SIGHTLINE_ARCHIVE_JOB_QUEUE_H_
