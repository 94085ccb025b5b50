// Test fixtures parameterised by catalogue back-end, so that one set of test bodies runs against
// SQLite (in sightline_tests) and PostgreSQL (in sightline_service_tests). Either a test file of
// bodies is included by a *_test.cc that instantiates it with "sqlite" and by a
// *_service_test.cc that instantiates it with "postgres", or a *_test.cc listed in CMakeLists.txt
// (SIGHTLINE_BACKEND_TESTS) is compiled into both binaries and ends with
// SIGHTLINE_ON_BACKENDS(Suite), which picks the back-end of the binary it is in.
#ifndef SIGHTLINE_TESTS_SQL_BACKENDS_H_
#define SIGHTLINE_TESTS_SQL_BACKENDS_H_

#include <gtest/gtest.h>

#include <cctype>
#include <memory>
#include <string>

#include "evidence/sql.h"
#include "test_util.h"

#ifdef SIGHTLINE_TEST_SERVICES_DIR
#include "service_env.h"
#endif

namespace sightline::testing {

// A fresh, empty PostgreSQL database named after the running test and `n`, or "" with a failure
// recorded outside the service tests.
inline std::string FreshPgUrlForTest(int n) {
#ifdef SIGHTLINE_TEST_SERVICES_DIR
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = "t_";
  for (char c : std::string(info->test_suite_name()) + "_" + info->name()) {
    name += std::isalnum(static_cast<unsigned char>(c))
                ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
                : '_';
  }
  // PostgreSQL truncates names at 63 bytes: keep the end, which tells the tests apart.
  if (name.size() > 50) name = "t_" + name.substr(name.size() - 48);
  return FreshPgUrl(name + "_" + std::to_string(n));
#else
  (void)n;
  ADD_FAILURE() << "the postgres back-end needs the service tests' fixture";
  return "";
#endif
}

class SqlBackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  // A URL of a fresh, empty catalogue on this test's back-end. Each call gives another one.
  std::string FreshUrl() {
    ++urls_;
    if (GetParam() == "sqlite") return scratch_ / ("catalog" + std::to_string(urls_) + ".db");
    return FreshPgUrlForTest(urls_);
  }

  std::unique_ptr<evidence::SqlConnection> Connect(const std::string& url) {
    auto c = evidence::OpenSql(url);
    EXPECT_TRUE(c.ok()) << c.status().message();
    return c.ok() ? std::move(c).value() : nullptr;
  }

  ScratchDir scratch_;

 private:
  int urls_ = 0;
};

// The catalogue URL a case fixture on `backend` is created with: "" (the case's own case.db) for
// "sqlite", a fresh database for "postgres".
inline std::string CaseCatalogUrl(const std::string& backend) {
  return backend == "sqlite" ? std::string() : FreshPgUrlForTest(0);
}

}  // namespace sightline::testing

// Instantiates a suite of TEST_P bodies on the back-end of the test binary it is compiled into.
#ifdef SIGHTLINE_TEST_SERVICES_DIR
#define SIGHTLINE_ON_BACKENDS(suite) \
  INSTANTIATE_TEST_SUITE_P(Postgres, suite, ::testing::Values(std::string("postgres")))
#else
#define SIGHTLINE_ON_BACKENDS(suite) \
  INSTANTIATE_TEST_SUITE_P(Sqlite, suite, ::testing::Values(std::string("sqlite")))
#endif

#endif  // SIGHTLINE_TESTS_SQL_BACKENDS_H_
