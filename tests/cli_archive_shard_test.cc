// `sightline archive shard` end to end: usage errors exit 2; a shard process on a SQLite
// catalogue says where it listens, answers /health and /query, and on SIGTERM unregisters,
// writes its snapshot and exits 0.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "archive/archive_catalog.h"
#include "archive/shard_registry.h"
#include "evidence/sql.h"
#include "test_util.h"

namespace sightline {
namespace {

using testing::RunSightline;
using testing::ScratchDir;

TEST(CliArchiveShardTest, UsageErrorsExitTwo) {
  ScratchDir dir;
  const std::string db = dir / "c.db", objects = dir / "o";
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"archive", "shard"},
           {"archive", "shard", "--catalog", db, "--objects", objects},
           {"archive", "shard", "--catalog", db, "--objects", objects, "--shard", "4/4"},
           {"archive", "shard", "--catalog", db, "--shard", "0/4"},
           {"archive", "shard", "--catalog", db, "--objects", objects, "--shard", "0/1", "--listen",
            "0.0.0.0:0"},
           {"archive", "shard", "--catalog", db, "--objects", objects, "--shard", "0/1",
            "--snapshot-every", "-1"},
           {"archive", "shard", "--catalog", db, "--objects", objects, "--shard", "0/1", "x"}}) {
    auto r = RunSightline(args);
    EXPECT_EQ(r.exit_code, 2) << args.back() << ": " << r.err;
  }
  auto help = RunSightline({"archive", "shard", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--shard I/N"), std::string::npos);
}

TEST(CliArchiveShardTest, ServesAndSnapshotsOnSigterm) {
  ScratchDir dir;
  const std::string db_path = dir / "c.db", objects = dir / "o";
  {
    auto db = evidence::OpenSql(db_path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(archive::ArchiveCatalog(db->get()).CreateSchema().ok());
    for (int item = 1; item <= 4; ++item) {
      std::string hash(32, static_cast<char>(item * 17));
      ASSERT_TRUE((*db)
                      ->Query("INSERT INTO archive_frame_hashes (item_id, t, hash) VALUES "
                              "($1, 2.5, $2)",
                              {static_cast<std::int64_t>(item), evidence::SqlBlob{hash}})
                      .ok());
    }
  }

  int out[2];
  ASSERT_EQ(pipe(out), 0);
  const std::string log = dir / "stderr.log";
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(out[1], 1);
    const int err = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(err, 2);
    close(out[0]);
    execl(SIGHTLINE_BIN, SIGHTLINE_BIN, "archive", "shard", "--catalog", db_path.c_str(),
          "--objects", objects.c_str(), "--shard", "1/2", "--listen", "127.0.0.1:0", "--poll",
          "0.1", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  std::string first;
  char c = 0;
  while (read(out[0], &c, 1) == 1 && c != '\n') first.push_back(c);
  close(out[0]);
  const std::string prefix = "listening http://127.0.0.1:";
  ASSERT_EQ(first.rfind(prefix, 0), 0u) << first;
  const int port = std::stoi(first.substr(prefix.size()));

  httplib::Client client("127.0.0.1", port);
  nlohmann::json health;
  for (int i = 0; i < 200; ++i) {
    auto res = client.Get("/health");
    if (res && res->status == 200) {
      health = nlohmann::json::parse(res->body);
      if (health["state"] == "ready") break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(health["state"], "ready") << health.dump();
  EXPECT_EQ(health["shard"], 1);
  EXPECT_EQ(health["shard_count"], 2);
  EXPECT_EQ(health["rows"], 2);  // items 1 and 3
  EXPECT_EQ(health["scanned_to"], 4);

  const std::string query = "{\"radius\": 0, \"hashes\": [\"" + std::string(64, '3') + "\", \"" +
                            std::string(64, '2') +
                            "\"]}";  // item 3's hash (0x33…), item 2's (0x22…: another shard)
  auto res = client.Post("/query", query, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  auto answer = nlohmann::json::parse(res->body);
  EXPECT_EQ(answer["hits"], nlohmann::json::parse("[[0, 3, 2.5, 0]]")) << res->body;
  auto bad = client.Post("/query", "{\"hashes\": [\"xyz\"]}", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);

  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << status << " " << testing::ReadFile(log);
  EXPECT_TRUE(std::filesystem::exists(objects + "/named/index/frame-hashes/2-1/snapshot"));
  auto db = evidence::OpenSql(db_path);
  ASSERT_TRUE(db.ok());
  auto shards = archive::ListShards(**db);
  ASSERT_TRUE(shards.ok());
  EXPECT_TRUE(shards->empty());  // unregistered on the way out
}

}  // namespace
}  // namespace sightline
