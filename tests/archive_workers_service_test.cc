// Issue 10's fault tests on PostgreSQL and S3: four worker processes share one catalogue, one
// object store and a few hundred clips; one is killed with SIGKILL in the middle of a job, and the server is restarted
// while they run. Every job must end done exactly once, with no result stored twice.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "archive/archive_catalog.h"
#include "archive_test_util.h"
#include "evidence/sql.h"
#include "service_env.h"
#include "test_util.h"

namespace sightline::testing {
namespace {

using Clock = std::chrono::steady_clock;

class ArchiveWorkers : public ::testing::Test {
 protected:
  std::unique_ptr<evidence::SqlConnection> Db() {
    for (int i = 0; i < 100; ++i) {  // the server may be restarting
      auto c = evidence::OpenSql(url_);
      if (c.ok()) return std::move(c).value();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "cannot reach " << url_;
    return nullptr;
  }
  std::int64_t Count(const std::string& sql) {
    for (int i = 0; i < 100; ++i) {
      auto db = Db();
      if (!db) return -1;
      auto r = db->Query(sql);
      if (r.ok()) return r->Int(0, 0);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return -1;
  }
  // Waits until `sql` counts at least `n` (or the deadline passes).
  bool WaitFor(const std::string& sql, std::int64_t n, double seconds) {
    auto end = Clock::now() + std::chrono::duration<double>(seconds);
    while (Clock::now() < end) {
      if (Count(sql) >= n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  ScratchDir scratch_;
  std::string url_;
};

TEST_F(ArchiveWorkers, KilledWorkerAndRestartedServerLoseNothingAndDuplicateNothing) {
  constexpr int kClips = 240;
  const std::vector<int> copies = {10, 77, 150, 201};
  url_ = FreshPgUrl("t_archive_workers");
  ASSERT_FALSE(url_.empty());
  std::vector<std::string> clips = MakeArchiveClips(scratch_.path(), kClips, copies);
  const int items = static_cast<int>(clips.size());
  std::vector<std::string> ingest = {"ingest", "--case", scratch_ / "case"};
  ingest.insert(ingest.end(), clips.begin(), clips.end());
  CommandResult in = RunSightline(ingest);
  ASSERT_EQ(in.exit_code, 0) << in.err;
  // The originals go to the fixture's S3 endpoint, under a prefix of this test's own.
  std::string s3 = ServiceUrl("s3_url");
  ASSERT_FALSE(s3.empty()) << "no S3 endpoint in " << ServicesDir();
  const std::string objects = s3.substr(0, s3.find('?')) + "/archive-workers" +
                              s3.substr(s3.find('?'));
  ::setenv("AWS_ACCESS_KEY_ID", "S3RVER", 1);
  ::setenv("AWS_SECRET_ACCESS_KEY", "S3RVER", 1);
  CommandResult add = RunSightline({"archive", "add", "--catalog", url_, "--objects", objects,
                                    "--case", scratch_ / "case", "--json"});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  ASSERT_EQ(JsonOf(add)["queued"], items);

  std::vector<std::unique_ptr<BackgroundSightline>> workers;
  for (int w = 0; w < 4; ++w) {
    const std::string name = "w" + std::to_string(w);
    workers.push_back(std::make_unique<BackgroundSightline>(
        std::vector<std::string>{"worker", "--catalog", url_, "--objects", objects, "--name", name,
                                 "--lease", "3", "--idle-exit", "4", "--json"},
        scratch_ / (name + ".out"), scratch_ / (name + ".err")));
    ASSERT_GT(workers.back()->pid(), 0);
  }

  // Kill w1 while it holds a job: wait until it does, kill it, and check it still held it.
  const std::string held_by_w1 =
      "SELECT coalesce(max(id), 0) FROM archive_jobs WHERE state = 'running' AND worker = 'w1'";
  ASSERT_TRUE(WaitFor("SELECT count(*) FROM archive_jobs WHERE state = 'done'", items / 4, 120));
  // w1 is frozen (SIGSTOP) before the check, so that it cannot finish the job between the check
  // and the kill; when it had finished it already, it goes on and is caught at its next job.
  std::int64_t orphan = 0;
  for (int tries = 0; tries < 6000 && orphan == 0; ++tries) {
    if (Count(held_by_w1) == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    ::kill(workers[1]->pid(), SIGSTOP);
    const std::int64_t job = Count(held_by_w1);
    if (job != 0) {
      workers[1]->Kill9();
      orphan = job;
    } else {
      ::kill(workers[1]->pid(), SIGCONT);
    }
  }
  ASSERT_NE(orphan, 0) << "w1 was never caught holding a job";

  // Restart the server while the other three work.
  ASSERT_TRUE(WaitFor("SELECT count(*) FROM archive_jobs WHERE state = 'done'", items, 180));
  std::string restart = PostgresScript() + " restart " + ServicesDir() + "/pg";
  ASSERT_EQ(std::system(restart.c_str()), 0);

  // Every job ends done; the three survivors exit once idle.
  const std::string total = std::to_string(2 * items);
  ASSERT_TRUE(WaitFor("SELECT count(*) FROM archive_jobs WHERE state = 'done'", 2 * items, 240))
      << "done: " << Count("SELECT count(*) FROM archive_jobs WHERE state = 'done'") << " of "
      << total << "; failed: " << Count("SELECT count(*) FROM archive_jobs WHERE state = 'failed'");
  int reconnected = 0;
  for (int w : {0, 2, 3}) {
    EXPECT_EQ(workers[static_cast<std::size_t>(w)]->Wait(), 0)
        << ReadFile(scratch_ / ("w" + std::to_string(w) + ".err"));
    nlohmann::json stats = nlohmann::json::parse(
        ReadFile(scratch_ / ("w" + std::to_string(w) + ".out")), nullptr, false);
    ASSERT_FALSE(stats.is_discarded());
    reconnected += stats["reconnects"].get<int>() > 0 ? 1 : 0;
  }
  EXPECT_GE(reconnected, 1) << "no worker noticed the restart";

  // The orphaned job was redone by another worker after its lease ran out.
  EXPECT_EQ(Count("SELECT attempts FROM archive_jobs WHERE id = " + std::to_string(orphan)), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM archive_jobs WHERE id = " + std::to_string(orphan) +
                  " AND state = 'done' AND worker <> 'w1'"),
            1);
  // Nothing twice: one signature per item, no frame row stored twice, each copy found once.
  EXPECT_EQ(Count("SELECT count(*) FROM archive_signals"), items);
  EXPECT_EQ(Count("SELECT count(*) FROM (SELECT item_id, t, hash FROM archive_frame_hashes "
                  "GROUP BY item_id, t, hash HAVING count(*) > 1) AS dup"),
            0);
  EXPECT_EQ(Count("SELECT count(DISTINCT item_id) FROM archive_frame_hashes"), items);
  EXPECT_EQ(Count("SELECT count(*) FROM archive_jobs WHERE state <> 'done'"), 0);
  auto db = Db();
  ASSERT_TRUE(db);
  auto pairs = db->Query(
      "SELECT a.name, b.name FROM archive_findings f JOIN archive_items a ON a.id = f.a_item "
      "JOIN archive_items b ON b.id = f.b_item ORDER BY a.name");
  ASSERT_TRUE(pairs.ok()) << pairs.status().message();
  std::set<std::pair<std::string, std::string>> found;
  for (std::size_t i = 0; i < pairs->size(); ++i) {
    found.insert(std::minmax(pairs->Text(i, 0), pairs->Text(i, 1)));
  }
  std::set<std::pair<std::string, std::string>> expected;
  char seg[32], copy[32];
  for (int c : copies) {
    std::snprintf(seg, sizeof seg, "seg%03d.mp4", c);
    std::snprintf(copy, sizeof copy, "copy%03d.mp4", c);
    expected.insert(std::minmax(std::string(copy), std::string(seg)));
  }
  EXPECT_EQ(found, expected);
}

}  // namespace
}  // namespace sightline::testing
