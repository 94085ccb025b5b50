// Logged-in sessions of the workbench, and the limit on login attempts.
//
// A session is named by 256 random bits (libsodium's randombytes_buf), sent to the browser as an
// HttpOnly, SameSite=Strict cookie, and carries its own CSRF token (another 256 random bits) that
// every write must echo in the X-CSRF-Token header: a page of another site can make the browser
// send the cookie, but cannot read the token. Sessions live in memory only: a restart logs
// everyone out. They expire a fixed time after login.
//
// Thread safety: both classes may be used from several threads (each serialises itself).
#ifndef SIGHTLINE_SERVER_SESSIONS_H_
#define SIGHTLINE_SERVER_SESSIONS_H_

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "server/accounts.h"

namespace sightline::server {

using Clock = std::chrono::steady_clock;

struct Session {
  std::string id;    // 64 hex digits
  std::string csrf;  // 64 hex digits
  std::string user;
  Role role = Role::kViewer;
  Clock::time_point expires;
};

// 2 * bytes hex digits from the system's CSPRNG.
std::string RandomHex(std::size_t bytes);

class SessionStore {
 public:
  explicit SessionStore(std::chrono::seconds lifetime) : lifetime_(lifetime) {}
  Session Create(const std::string& user, Role role);
  // The live session named `id`; expired ones are forgotten.
  std::optional<Session> Find(const std::string& id);
  void Remove(const std::string& id);
  void RemoveUser(const std::string& user);
  std::chrono::seconds lifetime() const { return lifetime_; }

 private:
  std::mutex mu_;
  std::chrono::seconds lifetime_;
  std::map<std::string, Session> sessions_;
};

// Failed logins counted per user name and per client address over a sliding window. A key
// with `max_failures` failures within `window` is refused until the oldest of them leaves the
// window.
class LoginLimiter {
 public:
  struct Limits {
    int per_user = 5;
    int per_address = 20;
    std::chrono::seconds window{15 * 60};
  };
  explicit LoginLimiter(Limits limits) : limits_(limits) {}
  // 0 when `user` may try from `address` now, else the seconds to wait.
  std::int64_t RetryAfter(const std::string& user, const std::string& address);
  void RecordFailure(const std::string& user, const std::string& address);
  void RecordSuccess(const std::string& user);

 private:
  std::int64_t WaitFor(std::map<std::string, std::deque<Clock::time_point>>& counts,
                       const std::string& key, int max, Clock::time_point now);
  std::mutex mu_;
  Limits limits_;
  std::map<std::string, std::deque<Clock::time_point>> by_user_, by_address_;
};

}  // namespace sightline::server

#endif  // SIGHTLINE_SERVER_SESSIONS_H_
