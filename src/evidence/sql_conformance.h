// Test bodies for SqlConnection, run against both back-ends (sql_test.cc: SQLite;
// sql_service_test.cc: PostgreSQL). Include once per test binary.
#include <gtest/gtest.h>

#include "evidence/sql.h"
#include "sql_backends.h"

namespace sightline::evidence {
namespace {

using SqlConformance = testing::SqlBackendTest;

Status MakeTable(SqlConnection* c) {
  SqlTypes t = SqlTypesFor(c->dialect());
  return c->ExecScript(std::string("CREATE TABLE things (id ") + t.id_pk +
                       ", name TEXT UNIQUE NOT NULL, n BIGINT, x DOUBLE PRECISION, data " + t.blob +
                       ")");
}

TEST_P(SqlConformance, ValuesRoundTripWithTheirTypes) {
  auto c = Connect(FreshUrl());
  ASSERT_TRUE(c);
  ASSERT_TRUE(MakeTable(c.get()).ok());
  std::string bytes("\x00\x01\xff\\x", 5);
  auto ins = c->Query("INSERT INTO things (name, n, x, data) VALUES ($1, $2, $3, $4) RETURNING id",
                      {std::string("a\xc3\xa9"), std::int64_t{-(1LL << 40)}, 0.25, SqlBlob{bytes}});
  ASSERT_TRUE(ins.ok()) << ins.status().message();
  ASSERT_EQ(ins.value().size(), 1u);
  std::int64_t id = ins.value().Int(0, 0);
  EXPECT_GT(id, 0);
  // Parameters may appear out of order and more than once.
  auto got = c->Query(
      "SELECT name, n, x, data, NULL FROM things WHERE id = $2 AND name = $1 "
      "AND n = $3 AND n = $3",
      {std::string("a\xc3\xa9"), id, std::int64_t{-(1LL << 40)}});
  ASSERT_TRUE(got.ok()) << got.status().message();
  ASSERT_EQ(got.value().size(), 1u);
  EXPECT_EQ(got.value().Text(0, 0), "a\xc3\xa9");
  EXPECT_EQ(got.value().Int(0, 1), -(1LL << 40));
  EXPECT_DOUBLE_EQ(got.value().Double(0, 2), 0.25);
  ASSERT_TRUE(std::holds_alternative<SqlBlob>(got.value().Row(0)[3]));
  EXPECT_EQ(got.value().Text(0, 3), bytes);
  EXPECT_TRUE(got.value().IsNull(0, 4));
}

TEST_P(SqlConformance, AFailedCommitIsRolledBackAndTheConnectionWritesOn) {
  auto c = Connect(FreshUrl());
  ASSERT_TRUE(c);
  ASSERT_TRUE(MakeTable(c.get()).ok());
  ASSERT_TRUE(c->ExecScript("CREATE TABLE parts (thing BIGINT NOT NULL REFERENCES things(id) "
                            "DEFERRABLE INITIALLY DEFERRED)")
                  .ok());
  {
    SqlTransaction tx(c.get());
    ASSERT_TRUE(tx.Begin().ok());
    ASSERT_TRUE(c->Query("INSERT INTO parts (thing) VALUES ($1)", {std::int64_t{99}}).ok());
    // The missing thing is noticed at COMMIT (SQLite then keeps the transaction open).
    EXPECT_FALSE(tx.Commit().ok());
  }
  SqlTransaction again(c.get());
  ASSERT_TRUE(again.Begin().ok());
  ASSERT_TRUE(c->Query("INSERT INTO things (name) VALUES ($1)", {std::string("kept")}).ok());
  ASSERT_TRUE(again.Commit().ok());
  auto parts = c->Query("SELECT count(*) FROM parts");
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts.value().Int(0, 0), 0);
}

TEST_P(SqlConformance, AReadOnlyConnectionRefusesWrites) {
  const std::string url = FreshUrl();
  auto writer = Connect(url);
  ASSERT_TRUE(writer);
  ASSERT_TRUE(MakeTable(writer.get()).ok());
  auto reader = Connect(url);
  ASSERT_TRUE(reader);
  ASSERT_TRUE(reader->SetReadOnly().ok());
  EXPECT_FALSE(reader->Query("INSERT INTO things (name) VALUES ($1)", {std::string("x")}).ok());
  auto read = reader->Query("SELECT count(*) FROM things");
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(read.value().Int(0, 0), 0);
}

TEST_P(SqlConformance, ConstraintViolationIsAlreadyExistsAndOnConflictIgnores) {
  auto c = Connect(FreshUrl());
  ASSERT_TRUE(c);
  ASSERT_TRUE(MakeTable(c.get()).ok());
  ASSERT_TRUE(c->Query("INSERT INTO things (name) VALUES ($1)", {std::string("x")}).ok());
  auto dup = c->Query("INSERT INTO things (name) VALUES ($1)", {std::string("x")});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists) << dup.status().message();
  auto ignored =
      c->Query("INSERT INTO things (name) VALUES ($1) ON CONFLICT DO NOTHING RETURNING id",
               {std::string("x")});
  ASSERT_TRUE(ignored.ok()) << ignored.status().message();
  EXPECT_TRUE(ignored.value().empty());
}

TEST_P(SqlConformance, RolledBackTransactionLeavesNothing) {
  std::string url = FreshUrl();
  auto c = Connect(url);
  ASSERT_TRUE(c);
  ASSERT_TRUE(MakeTable(c.get()).ok());
  {
    SqlTransaction tx(c.get());
    ASSERT_TRUE(tx.Begin().ok());
    ASSERT_TRUE(c->Query("INSERT INTO things (name) VALUES ('gone')").ok());
  }  // no Commit: rolled back
  {
    SqlTransaction tx(c.get());
    ASSERT_TRUE(tx.Begin().ok());
    ASSERT_TRUE(c->Query("INSERT INTO things (name) VALUES ('kept')").ok());
    ASSERT_TRUE(tx.Commit().ok());
  }
  auto other = Connect(url);  // another connection sees only the committed row
  ASSERT_TRUE(other);
  auto rows = other->Query("SELECT name FROM things ORDER BY name");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows.value().size(), 1u);
  EXPECT_EQ(rows.value().Text(0, 0), "kept");
}

TEST_P(SqlConformance, NowIsSecondsSince1970) {
  auto c = Connect(FreshUrl());
  ASSERT_TRUE(c);
  auto rows = c->Query(std::string("SELECT ") + SqlNow(c->dialect()));
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  double now = rows.value().Double(0, 0);
  double local = static_cast<double>(std::time(nullptr));
  EXPECT_NEAR(now, local, 5.0);
}

TEST_P(SqlConformance, ErrorsNameTheCatalogue) {
  auto c = Connect(FreshUrl());
  ASSERT_TRUE(c);
  auto bad = c->Query("SELECT * FROM no_such_table");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(c->description()), std::string::npos)
      << bad.status().message();
  EXPECT_FALSE(c->connection_lost());
}

}  // namespace
}  // namespace sightline::evidence
