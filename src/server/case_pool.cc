#include "server/case_pool.h"

namespace sightline::server {

Result<std::unique_ptr<CasePool>> CasePool::Open(const std::string& dir,
                                                 const std::string& key_dir) {
  std::unique_ptr<CasePool> pool(new CasePool());
  pool->dir_ = dir;
  SL_ASSIGN_OR_RETURN(pool->key_, evidence::LoadOrCreateSigningKey(key_dir));
  SL_ASSIGN_OR_RETURN(pool->writer_, evidence::Case::Open(dir, evidence::Case::Access::kWrite));
  pool->case_id_ = pool->writer_->case_id();
  return pool;
}

Status CasePool::Read(const std::function<Status(evidence::Case&)>& read) {
  std::unique_ptr<evidence::Case> c;
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    if (!readers_.empty()) {
      c = std::move(readers_.back());
      readers_.pop_back();
    }
  }
  if (!c) {
    SL_ASSIGN_OR_RETURN(c, evidence::Case::Open(dir_, evidence::Case::Access::kRead));
  }
  Status s = read(*c);
  // A Case whose server went away is not reused: the next read opens a fresh one. Beyond a few
  // idle readers, a Case is closed, so that a burst of requests does not keep as many catalogue
  // connections open (PostgreSQL allows 100 by default, for every client of the database).
  if (c->sql()->connection_lost()) return s;
  std::lock_guard<std::mutex> lock(pool_mu_);
  if (readers_.size() < kMaxIdleReaders) readers_.push_back(std::move(c));
  return s;
}

Status CasePool::Write(
    const std::string& actor,
    const std::function<Status(evidence::Case&, const evidence::Identity&)>& write) {
  evidence::Identity who{actor, key_};
  std::lock_guard<std::mutex> lock(write_mu_);
  if (!writer_ || writer_->sql()->connection_lost()) {
    // The catalogue's server restarted since the last write: connect again.
    writer_.reset();
    SL_ASSIGN_OR_RETURN(writer_, evidence::Case::Open(dir_, evidence::Case::Access::kWrite));
  }
  return write(*writer_, who);
}

}  // namespace sightline::server
