#include "server/sessions.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

namespace sightline::server {
namespace {

TEST(Sessions, IdsAreRandomAndExpire) {
  SessionStore store(std::chrono::seconds(3600));
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    Session s = store.Create("maria", Role::kEditor);
    EXPECT_EQ(s.id.size(), 64u);
    EXPECT_EQ(s.csrf.size(), 64u);
    EXPECT_NE(s.id, s.csrf);
    ids.insert(s.id);
  }
  EXPECT_EQ(ids.size(), 100u);
  auto found = store.Find(*ids.begin());
  ASSERT_TRUE(found);
  EXPECT_EQ(found->user, "maria");
  store.RemoveUser("maria");
  EXPECT_FALSE(store.Find(*ids.begin()));

  SessionStore brief(std::chrono::seconds(0));
  Session s = brief.Create("olek", Role::kViewer);
  EXPECT_FALSE(brief.Find(s.id));  // expired at once
}

TEST(Sessions, LoginLimiterCountsPerUserAndPerAddress) {
  LoginLimiter::Limits limits;
  limits.per_user = 2;
  limits.per_address = 3;
  LoginLimiter limiter(limits);
  EXPECT_EQ(limiter.RetryAfter("a", "10.0.0.1"), 0);
  limiter.RecordFailure("a", "10.0.0.1");
  EXPECT_EQ(limiter.RetryAfter("a", "10.0.0.1"), 0);
  limiter.RecordFailure("a", "10.0.0.1");
  EXPECT_GT(limiter.RetryAfter("a", "10.0.0.2"), 0);  // the user, from anywhere
  EXPECT_LE(limiter.RetryAfter("a", "10.0.0.2"), 15 * 60 + 1);
  EXPECT_EQ(limiter.RetryAfter("b", "10.0.0.2"), 0);
  limiter.RecordFailure("b", "10.0.0.1");
  EXPECT_GT(limiter.RetryAfter("c", "10.0.0.1"), 0);  // the address, for anyone
  limiter.RecordSuccess("a");
  EXPECT_EQ(limiter.RetryAfter("a", "10.0.0.2"), 0);

  limits.window = std::chrono::seconds(0);
  LoginLimiter forgetful(limits);
  forgetful.RecordFailure("a", "x");
  forgetful.RecordFailure("a", "x");
  EXPECT_EQ(forgetful.RetryAfter("a", "x"), 0);  // the failures left the window
}

}  // namespace
}  // namespace sightline::server
