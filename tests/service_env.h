// Where the servers of the CTest fixture "services" listen (tests/services/start.sh), for the
// *_service_test.cc tests. A test that finds no server fails with a message saying how to start
// one: run it through ctest, which starts the fixture.
#ifndef SIGHTLINE_TESTS_SERVICE_ENV_H_
#define SIGHTLINE_TESTS_SERVICE_ENV_H_

#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "evidence/sql.h"

namespace sightline::testing {

inline std::string ServicesDir() { return SIGHTLINE_TEST_SERVICES_DIR; }

// The first line of DIR/NAME, "" when missing.
inline std::string ServiceUrl(const std::string& name) {
  std::ifstream in(ServicesDir() + "/" + name);
  std::string line;
  std::getline(in, line);
  return line;
}

// A URL of a new, empty PostgreSQL database called `db` (dropped first if it exists), or "" with
// a test failure recorded when the fixture's server is not running.
inline std::string FreshPgUrl(const std::string& db) {
  std::string base = ServiceUrl("pg_url");
  if (base.empty()) {
    ADD_FAILURE() << "no PostgreSQL for the service tests: run them through ctest (fixture "
                     "'services'), or start one with tests/services/start.sh "
                  << ServicesDir() << " PORT";
    return "";
  }
  auto admin = evidence::OpenSql(base);
  if (!admin.ok()) {
    ADD_FAILURE() << admin.status().message();
    return "";
  }
  for (const std::string& sql :
       {"DROP DATABASE IF EXISTS " + db + " WITH (FORCE)", "CREATE DATABASE " + db}) {
    Status s = admin.value()->ExecScript(sql);
    if (!s.ok()) {
      ADD_FAILURE() << s.message();
      return "";
    }
  }
  std::size_t slash = base.find("/postgres?");
  return base.substr(0, slash) + "/" + db + base.substr(slash + 9);
}

// tests/services/postgres.sh, to restart the server in the middle of a test.
inline std::string PostgresScript() {
  return std::string(SIGHTLINE_TEST_DATA) + "/../services/postgres.sh";
}

}  // namespace sightline::testing

#endif  // SIGHTLINE_TESTS_SERVICE_ENV_H_
