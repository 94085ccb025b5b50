// A test fixture parameterised by catalogue back-end, so that one set of test bodies runs
// against SQLite (in sightline_tests) and PostgreSQL (in sightline_service_tests): a test file of
// bodies is included by a *_test.cc that instantiates it with "sqlite" and by a
// *_service_test.cc that instantiates it with "postgres".
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

class SqlBackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  // A URL of a fresh, empty catalogue on this test's back-end. Each call gives another one.
  std::string FreshUrl() {
    ++urls_;
    if (GetParam() == "sqlite") return scratch_ / ("catalog" + std::to_string(urls_) + ".db");
#ifdef SIGHTLINE_TEST_SERVICES_DIR
    std::string name = "t_";
    for (char c : std::string(::testing::UnitTest::GetInstance()->current_test_info()->name())) {
      name += std::isalnum(static_cast<unsigned char>(c))
                  ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
                  : '_';
    }
    return FreshPgUrl(name + "_" + std::to_string(urls_));
#else
    ADD_FAILURE() << "back-end " << GetParam() << " needs the service tests' fixture";
    return "";
#endif
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

}  // namespace sightline::testing

#endif  // SIGHTLINE_TESTS_SQL_BACKENDS_H_
