#include "evidence/sql.h"

#include "evidence/sql_conformance.h"

namespace sightline::evidence {
namespace {

INSTANTIATE_TEST_SUITE_P(Sqlite, SqlConformance, ::testing::Values("sqlite"));

TEST(OpenSql, RejectsUnknownSchemes) {
  auto c = OpenSql("mysql://host/db");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("postgresql://"), std::string::npos);
}

TEST(OpenSql, NamesAnUnreachableServerWithoutItsPassword) {
  // Port 1 on loopback: nothing listens there, so the connection is refused at once.
  auto c = OpenSql("postgresql://user:secret@127.0.0.1:1/db?connect_timeout=2");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message().find("secret"), std::string::npos) << c.status().message();
  EXPECT_NE(c.status().message().find("cannot connect"), std::string::npos);
}

}  // namespace
}  // namespace sightline::evidence
