#include <cstdlib>

#include "evidence/sql.h"
#include "evidence/sql_conformance.h"
#include "service_env.h"

namespace sightline::evidence {
namespace {

INSTANTIATE_TEST_SUITE_P(Postgres, SqlConformance, ::testing::Values("postgres"));

// After the server restarts, the connection reports the loss, and Reconnect brings it back.
TEST(PostgresConnection, ReconnectsAfterTheServerRestarts) {
  std::string url = testing::FreshPgUrl("t_reconnect");
  ASSERT_FALSE(url.empty());
  auto c = OpenSql(url);
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_TRUE(c.value()->Query("SELECT 1").ok());
  std::string restart = testing::PostgresScript() + " restart " + testing::ServicesDir() + "/pg";
  ASSERT_EQ(std::system(restart.c_str()), 0);
  auto lost = c.value()->Query("SELECT 1");
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.status().code(), StatusCode::kBusy) << lost.status().message();
  EXPECT_TRUE(c.value()->connection_lost());
  ASSERT_TRUE(c.value()->Reconnect().ok());
  auto back = c.value()->Query("SELECT 41 + 1");
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back.value().Int(0, 0), 42);
}

}  // namespace
}  // namespace sightline::evidence
