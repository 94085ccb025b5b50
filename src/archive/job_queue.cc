#include "archive/job_queue.h"

namespace sightline::archive {

namespace {

using evidence::SqlDialect;
using evidence::SqlRows;
using evidence::SqlTransaction;

constexpr const char* kJobColumns =
    "id, kind, subject, state, attempts, max_attempts, lease_until, worker, last_error";

Job JobFrom(const SqlRows& r, std::size_t i) {
  Job j;
  j.id = r.Int(i, 0);
  j.kind = r.Text(i, 1);
  j.subject = r.Text(i, 2);
  j.state = r.Text(i, 3);
  j.attempts = static_cast<int>(r.Int(i, 4));
  j.max_attempts = static_cast<int>(r.Int(i, 5));
  j.lease_until = r.Double(i, 6);
  j.worker = r.Text(i, 7);
  j.last_error = r.Text(i, 8);
  return j;
}

}  // namespace

Result<bool> JobQueue::Enqueue(const std::string& kind, const std::string& subject,
                               int max_attempts) {
  const std::string now = evidence::SqlNow(db_->dialect());
  SL_ASSIGN_OR_RETURN(
      SqlRows r,
      db_->Query("INSERT INTO archive_jobs (kind, subject, max_attempts, created_at, "
                 "updated_at) VALUES ($1, $2, $3, " +
                     now + ", " + now + ") ON CONFLICT (kind, subject) DO NOTHING RETURNING id",
                 {kind, subject, std::int64_t{max_attempts}}));
  return !r.empty();
}

Result<std::optional<Job>> JobQueue::Claim(const std::string& worker, double lease_s) {
  const std::string now = evidence::SqlNow(db_->dialect());
  const bool pg = db_->dialect() == SqlDialect::kPostgres;
  SqlTransaction tx(db_);
  SL_RETURN_IF_ERROR(tx.Begin());
  // A job whose lease ran out max_attempts times killed or hung every worker that took it: set
  // it aside rather than hand it to the next one.
  SL_RETURN_IF_ERROR(
      db_->Query("UPDATE archive_jobs SET state = 'failed', updated_at = " + now +
                 ", last_error = 'the worker holding it stopped renewing its lease ' || "
                 "CAST(attempts AS TEXT) || ' times (killed, crashed or hung); last: ' || worker "
                 "WHERE state = 'running' AND lease_until < " +
                 now + " AND attempts >= max_attempts")
          .status());
  SL_ASSIGN_OR_RETURN(
      SqlRows r,
      db_->Query(
          "UPDATE archive_jobs SET state = 'running', attempts = attempts + 1, worker = $1, "
          "lease_until = " +
              now + " + $2, updated_at = " + now +
              " WHERE id = (SELECT id FROM archive_jobs WHERE state IN ('queued', 'running') "
              "AND (state = 'queued' OR lease_until < " +
              now + ") ORDER BY id LIMIT 1" + (pg ? " FOR UPDATE SKIP LOCKED" : "") +
              ") RETURNING " + kJobColumns,
          {worker, lease_s}));
  SL_RETURN_IF_ERROR(tx.Commit());
  if (r.empty()) return std::optional<Job>();
  return std::optional<Job>(JobFrom(r, 0));
}

Status JobQueue::Renew(const Job& job, double lease_s) {
  const std::string now = evidence::SqlNow(db_->dialect());
  SL_ASSIGN_OR_RETURN(
      SqlRows r,
      db_->Query("UPDATE archive_jobs SET lease_until = " + now + " + $3, updated_at = " + now +
                     " WHERE id = $1 AND attempts = $2 AND state = 'running' "
                     "RETURNING id",
                 {job.id, std::int64_t{job.attempts}, lease_s}));
  if (r.empty())
    return NotFound("job " + std::to_string(job.id) + " is no longer held by this worker");
  return Status::Ok();
}

Status JobQueue::Finish(const Job& job) {
  const std::string now = evidence::SqlNow(db_->dialect());
  SL_ASSIGN_OR_RETURN(
      SqlRows r,
      db_->Query("UPDATE archive_jobs SET state = 'done', last_error = '', updated_at = " + now +
                     " WHERE id = $1 AND attempts = $2 AND state = 'running' RETURNING id",
                 {job.id, std::int64_t{job.attempts}}));
  if (r.empty()) {
    return NotFound("job " + std::to_string(job.id) +
                    " was taken over by another worker (its lease expired)");
  }
  return Status::Ok();
}

Status JobQueue::Fail(const Job& job, const std::string& error, bool permanent) {
  const std::string now = evidence::SqlNow(db_->dialect());
  SL_ASSIGN_OR_RETURN(
      SqlRows r,
      db_->Query(
          "UPDATE archive_jobs SET state = CASE WHEN $4 = 1 OR attempts >= max_attempts THEN "
          "'failed' ELSE 'queued' END, last_error = $3, lease_until = 0, updated_at = " +
              now + " WHERE id = $1 AND attempts = $2 AND state = 'running' RETURNING id",
          {job.id, std::int64_t{job.attempts}, error, std::int64_t{permanent ? 1 : 0}}));
  if (r.empty()) {
    return NotFound("job " + std::to_string(job.id) + " is no longer held by this worker");
  }
  return Status::Ok();
}

Result<JobCounts> JobQueue::Counts() {
  SL_ASSIGN_OR_RETURN(SqlRows r,
                      db_->Query("SELECT state, count(*) FROM archive_jobs GROUP BY state"));
  JobCounts c;
  for (std::size_t i = 0; i < r.size(); ++i) {
    const std::string s = r.Text(i, 0);
    const std::int64_t n = r.Int(i, 1);
    if (s == "queued") c.queued = n;
    if (s == "running") c.running = n;
    if (s == "done") c.done = n;
    if (s == "failed") c.failed = n;
  }
  return c;
}

Result<std::vector<Job>> JobQueue::ListFailed() {
  SL_ASSIGN_OR_RETURN(SqlRows r, db_->Query(std::string("SELECT ") + kJobColumns +
                                            " FROM archive_jobs WHERE state = 'failed' ORDER BY "
                                            "id"));
  std::vector<Job> out;
  for (std::size_t i = 0; i < r.size(); ++i) out.push_back(JobFrom(r, i));
  return out;
}

Result<std::int64_t> JobQueue::Retry(std::int64_t id) {
  const std::string now = evidence::SqlNow(db_->dialect());
  SL_ASSIGN_OR_RETURN(
      SqlRows r,
      db_->Query("UPDATE archive_jobs SET state = 'queued', attempts = 0, lease_until "
                 "= 0, updated_at = " +
                     now + " WHERE state = 'failed' AND ($1 = 0 OR id = $1) RETURNING id",
                 {id}));
  return static_cast<std::int64_t>(r.size());
}

}  // namespace sightline::archive
