// `--db postgresql://…` on the command line (doc/team-server.md): a case made with its catalogue
// on PostgreSQL is then found by every command without it, and a case is never pointed at a
// catalogue other than its own.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/file.h"
#include "sql_backends.h"
#include "test_util.h"

namespace sightline {
namespace {

using testing::RunSightline;

class TeamServerCli : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = {"SIGHTLINE_KEY_DIR=" + (dir_ / "keys"), "SIGHTLINE_ACTOR=desk"};
    testing::WriteFile(dir_ / "note.txt", "a file that is not media");
    testing::MakeTestVideo(dir_ / "clip.mp4", 1.0);
    testing::MakeTestVideo(dir_ / "longer.mp4", 1.5);
  }
  testing::CommandResult Run(const std::vector<std::string>& args) {
    return RunSightline(args, env_);
  }
  testing::ScratchDir dir_;
  std::vector<std::string> env_;
};

TEST_F(TeamServerCli, IngestWithDbMakesACaseEveryCommandThenFinds) {
  const std::string url = testing::FreshPgUrlForTest(1);
  ASSERT_FALSE(url.empty());
  const std::string dir = dir_ / "case";
  auto ingest = Run({"ingest", "--case", dir, "--db", url, dir_ / "clip.mp4", dir_ / "longer.mp4"});
  EXPECT_EQ(ingest.exit_code, 0) << ingest.err;
  EXPECT_NE(ingest.err.find("catalogue on postgresql://"), std::string::npos) << ingest.err;
  EXPECT_FALSE(PathExists(dir + "/case.db"));

  auto list = Run({"list", "--case", dir, "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  auto j = nlohmann::json::parse(list.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << list.out;
  EXPECT_EQ(j["items"].size(), 2u) << list.out;

  auto verify = Run({"verify", "--case", dir});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;

  // The same database again is fine; a second case in it, or another catalogue for this case,
  // is refused and changes nothing.
  auto again = Run({"ingest", "--case", dir, "--db", url, dir_ / "clip.mp4"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  auto second = Run({"ingest", "--case", dir_ / "second", "--db", url, dir_ / "clip.mp4"});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("holds case"), std::string::npos) << second.err;
  const std::string other = testing::FreshPgUrlForTest(2);
  auto moved = Run({"serve", "--case", dir, "--db", other, "--listen", "127.0.0.1:0"});
  EXPECT_EQ(moved.exit_code, 1);
  EXPECT_NE(moved.err.find("not " + other), std::string::npos) << moved.err;
  auto after = Run({"list", "--case", dir, "--json"});
  auto k = nlohmann::json::parse(after.out, nullptr, false);
  ASSERT_TRUE(k.is_object()) << after.out;
  EXPECT_EQ(k["items"].size(), 2u);
}

TEST_F(TeamServerCli, AnUnreachableDatabaseIsNamedAndNothingIsMade) {
  const std::string dir = dir_ / "case";
  // Port 1 on loopback: nothing listens there.
  auto r = Run(
      {"ingest", "--case", dir, "--db", "postgresql://nobody@127.0.0.1:1/none", dir_ / "note.txt"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("postgresql://nobody@127.0.0.1:1/none"), std::string::npos) << r.err;
  EXPECT_FALSE(PathExists(dir + "/catalog.url"));
  auto not_pg = Run({"ingest", "--case", dir_ / "x", "--db", "/tmp/some.db", dir_ / "note.txt"});
  EXPECT_EQ(not_pg.exit_code, 2);  // a usage error
  EXPECT_NE(not_pg.err.find("postgresql://"), std::string::npos) << not_pg.err;
}

}  // namespace
}  // namespace sightline
