// `sightline archive` and `sightline worker` end to end on one machine: a SQLite catalogue and a
// directory of objects (the PostgreSQL runs, with several workers, kills and a server restart,
// are in archive_workers_service_test.cc).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "archive_test_util.h"
#include "test_util.h"

namespace sightline::testing {
namespace {

class ArchiveCli : public ::testing::Test {
 protected:
  void SetUp() override {
    clips_ = MakeArchiveClips(scratch_.path(), 5, {2});
    std::vector<std::string> ingest = {"ingest", "--case", scratch_ / "case"};
    ingest.insert(ingest.end(), clips_.begin(), clips_.end());
    CommandResult r = RunSightline(ingest);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::vector<std::string> Where() {
    return {"--catalog", scratch_ / "archive.db", "--objects", scratch_ / "objects"};
  }
  CommandResult Archive(std::vector<std::string> args) {
    auto where = Where();
    args.insert(args.begin() + 1, where.begin(), where.end());
    args.insert(args.begin(), "archive");
    return RunSightline(args);
  }
  CommandResult Worker() {
    auto args = Where();
    args.insert(args.begin(), "worker");
    for (const char* a : {"--idle-exit", "1", "--json"}) args.push_back(a);
    return RunSightline(args);
  }
  ScratchDir scratch_;
  std::vector<std::string> clips_;
};

TEST_F(ArchiveCli, AddAnalyseSearchAndAddAgainChangesNothing) {
  CommandResult add = Archive({"add", "--case", scratch_ / "case", "--json"});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  nlohmann::json a = JsonOf(add);
  EXPECT_EQ(a["items"], 6);
  EXPECT_EQ(a["new_items"], 6);
  EXPECT_EQ(a["queued"], 6);
  EXPECT_GE(a["custody_head"]["seq"].get<int>(), 7);

  CommandResult work = Worker();
  ASSERT_EQ(work.exit_code, 0) << work.err;
  nlohmann::json w = JsonOf(work);
  EXPECT_EQ(w["done"], 12);  // 6 analyses, 6 comparisons
  EXPECT_EQ(w["failed"], 0);

  CommandResult status = Archive({"status", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  nlohmann::json s = JsonOf(status);
  EXPECT_EQ(s["items"], 6);
  EXPECT_EQ(s["cases"], 1);
  EXPECT_EQ(s["signals"], 6);
  EXPECT_EQ(s["findings"], 1);  // seg002 and its copy, once, though both compares meet it
  EXPECT_EQ(s["jobs"]["done"], 12);
  EXPECT_GT(s["frame_hashes"].get<int>(), 6);

  // Search with a file the archive has never seen: a copy of clip 2 made here.
  MakeMedia({"-i", clips_[2], "-vf", "scale=96:72", "-c:v", "libx264", "-crf", "28"},
            scratch_ / "query.mp4");
  CommandResult search = Archive({"search", scratch_ / "query.mp4", "--json"});
  ASSERT_EQ(search.exit_code, 0) << search.err;
  nlohmann::json q = JsonOf(search);
  EXPECT_EQ(q["index"]["via"], "scan");
  ASSERT_EQ(q["matches"].size(), 2u) << search.out;  // the clip and its archived copy
  std::set<std::string> names;
  for (const auto& m : q["matches"]) names.insert(m["name"].get<std::string>());
  EXPECT_EQ(names, (std::set<std::string>{"seg002.mp4", "copy002.mp4"}));

  CommandResult again = Archive({"add", "--case", scratch_ / "case", "--json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(JsonOf(again)["new_items"], 0);
  EXPECT_EQ(JsonOf(again)["queued"], 0);
}

TEST_F(ArchiveCli, ADamagedObjectIsNamedAndSetAsideForRetry) {
  ASSERT_EQ(Archive({"add", "--case", scratch_ / "case"}).exit_code, 0);
  // Damage one stored original behind the archive's back.
  CommandResult list = RunSightline({"list", "--case", scratch_ / "case", "--json"});
  nlohmann::json items = JsonOf(list);
  std::string sha = items["items"][0]["sha256"];
  std::string object = scratch_ / ("objects/" + sha.substr(0, 2) + "/" + sha.substr(2));
  chmod(object.c_str(), 0644);
  {
    std::fstream f(object, std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(f.good()) << object;
    f.seekp(100);
    f.write("XXXX", 4);
  }
  CommandResult work = Worker();
  EXPECT_EQ(work.exit_code, 1) << work.err;
  EXPECT_EQ(JsonOf(work)["failed"], 1);
  nlohmann::json s = JsonOf(Archive({"status", "--json"}));
  ASSERT_EQ(s["failed_jobs"].size(), 1u);
  EXPECT_EQ(s["failed_jobs"][0]["subject"], sha);
  EXPECT_EQ(s["failed_jobs"][0]["attempts"], 1);  // not retried: the bytes will not mend
  EXPECT_NE(s["failed_jobs"][0]["error"].get<std::string>().find("damaged"), std::string::npos)
      << s["failed_jobs"][0]["error"];
  EXPECT_EQ(s["signals"], 5);
  CommandResult retry = Archive({"retry", "--all"});
  ASSERT_EQ(retry.exit_code, 0) << retry.err;
  EXPECT_EQ(JsonOf(Archive({"status", "--json"}))["jobs"]["queued"], 1);
}

// With shard processes registered, search and compare go through them, and find what the scan
// finds; a dead shard makes the search fail rather than answer from half the index.
TEST_F(ArchiveCli, ShardsAnswerLikeTheScanAndADeadShardFailsTheSearch) {
  ASSERT_EQ(Archive({"add", "--case", scratch_ / "case"}).exit_code, 0);
  ASSERT_EQ(Worker().exit_code, 0);
  CommandResult scanned = Archive({"search", "--item", "copy002.mp4", "--json"});
  ASSERT_EQ(scanned.exit_code, 0) << scanned.err;
  nlohmann::json by_scan = JsonOf(scanned);
  ASSERT_EQ(by_scan["index"]["via"], "scan");

  std::vector<std::unique_ptr<BackgroundSightline>> shards;
  for (int i = 0; i < 2; ++i) {
    std::vector<std::string> args = {"archive", "shard", "--shard", std::to_string(i) + "/2"};
    auto where = Where();
    args.insert(args.begin() + 2, where.begin(), where.end());
    const std::string log = scratch_ / ("shard" + std::to_string(i));
    shards.push_back(std::make_unique<BackgroundSightline>(args, log + ".out", log + ".err"));
  }
  bool ready = false;
  for (int tries = 0; tries < 300 && !ready; ++tries) {
    nlohmann::json s = JsonOf(Archive({"status", "--json"}));
    int n = 0;
    for (const auto& shard : s["shards"]) n += shard["state"] == "ready" ? 1 : 0;
    ready = n == 2;
    if (!ready) usleep(100000);
  }
  ASSERT_TRUE(ready) << ReadFile(scratch_ / "shard0.err") << ReadFile(scratch_ / "shard1.err");
  CommandResult sharded = Archive({"search", "--item", "copy002.mp4", "--json"});
  ASSERT_EQ(sharded.exit_code, 0) << sharded.err;
  nlohmann::json by_shards = JsonOf(sharded);
  EXPECT_EQ(by_shards["index"]["via"], "shards");
  EXPECT_EQ(by_shards["index"]["shards"], 2);
  EXPECT_EQ(by_shards["index"]["candidates"], by_scan["index"]["candidates"]);
  EXPECT_EQ(by_shards["matches"], by_scan["matches"]);

  shards[1]->Kill9();
  CommandResult half = Archive({"search", "--item", "copy002.mp4", "--json"});
  EXPECT_EQ(half.exit_code, 1) << half.out;
  EXPECT_NE(half.err.find("1/2"), std::string::npos) << half.err;
}

TEST_F(ArchiveCli, AWorkerRemovesTheScratchLeftByAKilledOne) {
  const std::string tmp = scratch_ / "tmp";
  ASSERT_EQ(mkdir(tmp.c_str(), 0700), 0);
  // PID 4194304 is above Linux's largest (pid_max), so no process has it.
  const std::string left = tmp + "/sightline-worker-4194304";
  ASSERT_EQ(mkdir(left.c_str(), 0700), 0);
  WriteFile(left + "/half-fetched", "x");
  auto args = Where();
  args.insert(args.begin(), "worker");
  for (const char* a : {"--idle-exit", "0"}) args.push_back(a);
  CommandResult r = RunSightline(args, {"TMPDIR=" + tmp});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  struct stat st {};
  EXPECT_NE(stat(left.c_str(), &st), 0) << left << " is still there";
}

TEST_F(ArchiveCli, UsageErrorsExitTwo) {
  EXPECT_EQ(RunSightline({"archive", "status"}).exit_code, 2);  // no --catalog
  EXPECT_EQ(Archive({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(Archive({"search"}).exit_code, 2);
  EXPECT_EQ(RunSightline({"worker", "--catalog", scratch_ / "a.db"}).exit_code, 2);
  CommandResult bad = RunSightline({"archive", "status", "--catalog", "mysql://x/y"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("postgresql://"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace sightline::testing
