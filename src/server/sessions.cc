#include "server/sessions.h"

#include <sodium.h>

#include <vector>

#include "base/sha256.h"

namespace sightline::server {

std::string RandomHex(std::size_t bytes) {
  std::vector<std::uint8_t> buf(bytes);
  randombytes_buf(buf.data(), buf.size());
  return ToHex(buf.data(), buf.size());
}

Session SessionStore::Create(const std::string& user, Role role) {
  Session s{RandomHex(32), RandomHex(32), user, role, Clock::now() + lifetime_};
  std::lock_guard<std::mutex> lock(mu_);
  // Forget the expired ones now and then, so that the map stays as small as the live set.
  const auto now = Clock::now();
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    it = it->second.expires <= now ? sessions_.erase(it) : std::next(it);
  }
  sessions_[s.id] = s;
  return s;
}

std::optional<Session> SessionStore::Find(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  if (it->second.expires <= Clock::now()) {
    sessions_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

void SessionStore::Remove(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  sessions_.erase(id);
}

void SessionStore::RemoveUser(const std::string& user) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    it = it->second.user == user ? sessions_.erase(it) : std::next(it);
  }
}

std::int64_t LoginLimiter::WaitFor(std::map<std::string, std::deque<Clock::time_point>>& counts,
                                   const std::string& key, int max, Clock::time_point now) {
  auto it = counts.find(key);
  if (it == counts.end()) return 0;
  auto& times = it->second;
  while (!times.empty() && times.front() + limits_.window <= now) times.pop_front();
  if (times.empty()) {
    counts.erase(it);
    return 0;
  }
  if (static_cast<int>(times.size()) < max) return 0;
  const auto wait = std::chrono::duration_cast<std::chrono::seconds>(times[times.size() - max] +
                                                                     limits_.window - now);
  return std::max<std::int64_t>(1, wait.count() + 1);
}

std::int64_t LoginLimiter::RetryAfter(const std::string& user, const std::string& address) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto now = Clock::now();
  return std::max(WaitFor(by_user_, user, limits_.per_user, now),
                  WaitFor(by_address_, address, limits_.per_address, now));
}

void LoginLimiter::RecordFailure(const std::string& user, const std::string& address) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto now = Clock::now();
  by_user_[user].push_back(now);
  by_address_[address].push_back(now);
  // Bounded memory under a flood of names: keep at most the limit's worth per key.
  for (auto* times : {&by_user_[user], &by_address_[address]}) {
    while (times->size() > 1000) times->pop_front();
  }
}

void LoginLimiter::RecordSuccess(const std::string& user) {
  std::lock_guard<std::mutex> lock(mu_);
  by_user_.erase(user);
}

}  // namespace sightline::server
