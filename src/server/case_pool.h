// How the server's threads share one case. evidence::Case is used by one thread at a time, so:
//  - reads borrow a read-only Case from a pool (one SQLite connection each; WAL lets them read
//    while a write is in progress, each seeing the last committed state), opened on demand and
//    returned after the request, so that reads never wait for each other or for a write;
//  - writes go through the one writable Case, under a mutex: they are serialised, as SQLite
//    would serialise them anyway, and each is one Case::Write with its custody entry;
//  - a Case whose catalogue server went away (PostgreSQL restarted) is replaced by a new one on
//    the next request; the request that met the loss fails (the API answers 503).
// Every write is signed with the key the CLI would use (evidence::DefaultKeyDir) and names the
// logged-in user as its actor.
//
// Thread safety: all methods may be called from any thread.
#ifndef SIGHTLINE_SERVER_CASE_POOL_H_
#define SIGHTLINE_SERVER_CASE_POOL_H_

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "evidence/case.h"
#include "evidence/identity.h"

namespace sightline::server {

class CasePool {
 public:
  // Opens the case at `dir` for writing (recovering interrupted ingests, as the CLI does) and
  // loads the signing key from `key_dir`.
  static Result<std::unique_ptr<CasePool>> Open(const std::string& dir, const std::string& key_dir);

  const std::string& dir() const { return dir_; }
  const std::string& case_id() const { return case_id_; }

  // Runs `read` with a read-only Case that no other thread uses meanwhile.
  Status Read(const std::function<Status(evidence::Case&)>& read);
  // Runs `write` with the writable Case and the identity of `actor`, one write at a time.
  Status Write(const std::string& actor,
               const std::function<Status(evidence::Case&, const evidence::Identity&)>& write);

 private:
  CasePool() = default;
  std::string dir_, case_id_;
  evidence::SigningKey key_;
  std::mutex write_mu_;
  std::unique_ptr<evidence::Case> writer_;
  // One per server thread at the default --threads: each holds a catalogue connection, so a
  // PostgreSQL catalogue needs max_connections above the threads of every server using it.
  static constexpr std::size_t kMaxIdleReaders = 64;
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<evidence::Case>> readers_;  // idle ones
};

}  // namespace sightline::server

#endif  // SIGHTLINE_SERVER_CASE_POOL_H_
