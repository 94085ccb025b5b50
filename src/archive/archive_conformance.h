// Test bodies for the archive's catalogue and job queue, run against both back-ends
// (archive_catalog_test.cc: SQLite; archive_service_test.cc: PostgreSQL). Include once per binary.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "archive/archive_catalog.h"
#include "archive/job_queue.h"
#include "sql_backends.h"

namespace sightline::archive {
namespace {

class ArchiveConformance : public testing::SqlBackendTest {
 protected:
  std::unique_ptr<evidence::SqlConnection> Fresh() {
    url_ = FreshUrl();
    auto c = Connect(url_);
    if (c) {
      EXPECT_TRUE(ArchiveCatalog(c.get()).CreateSchema().ok());
    }
    return c;
  }
  std::string url_;
};

std::string Sha(char c) { return std::string(64, c); }

analysis::match::Hash256 HashOf(int seed) {
  analysis::match::Hash256 h{};
  for (std::size_t i = 0; i < h.size(); ++i) h[i] = static_cast<std::uint8_t>(seed * 31 + i * 7);
  return h;
}

TEST_P(ArchiveConformance, ItemsAreKeyedByHash) {
  auto db = Fresh();
  ASSERT_TRUE(db);
  ArchiveCatalog catalog(db.get());
  ASSERT_TRUE(catalog.CreateSchema().ok());  // a second time changes nothing
  bool added = false;
  auto a = catalog.AddItem({0, Sha('a'), 10, "video", "a.mp4", 0}, &added);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_TRUE(added);
  auto again = catalog.AddItem({0, Sha('a'), 10, "video", "copy-of-a.mp4", 0}, &added);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(added);
  EXPECT_EQ(*a, *again);
  auto b = catalog.AddItem({0, Sha('b'), 20, "image", "b.jpg", 0});
  ASSERT_TRUE(b.ok());
  EXPECT_NE(*a, *b);
  auto found = catalog.FindItem(Sha('b'));
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->name, "b.jpg");
  EXPECT_EQ((*found)->size, 20u);
  EXPECT_GT((*found)->added_at, 1.7e9);
  auto by_prefix = catalog.Resolve("aaaa");
  ASSERT_TRUE(by_prefix.ok());
  ASSERT_EQ(by_prefix->size(), 1u);
  EXPECT_EQ((*by_prefix)[0].id, *a);
  auto by_name = catalog.Resolve("b.jpg");
  ASSERT_TRUE(by_name.ok());
  EXPECT_EQ(by_name->size(), 1u);
  auto counts = catalog.Counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->items, 2);
}

TEST_P(ArchiveConformance, ARetriedSignalOrFindingIsStoredOnce) {
  auto db = Fresh();
  ASSERT_TRUE(db);
  ArchiveCatalog catalog(db.get());
  auto a = catalog.AddItem({0, Sha('a'), 1, "video", "a", 0});
  auto b = catalog.AddItem({0, Sha('b'), 1, "video", "b", 0});
  ASSERT_TRUE(a.ok() && b.ok());
  std::vector<analysis::match::HashFrame> frames = {{0.0, HashOf(1)}, {0.25, HashOf(2)}};
  auto first = catalog.PutSignal(*a, "match_signature", "v1", std::string("\0sig", 4), frames);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_TRUE(*first);
  auto retry = catalog.PutSignal(*a, "match_signature", "v1", "other", frames);
  ASSERT_TRUE(retry.ok());
  EXPECT_FALSE(*retry);
  auto data = catalog.Signal(*a, "match_signature", "v1");
  ASSERT_TRUE(data.ok() && data->has_value());
  EXPECT_EQ(**data, std::string("\0sig", 4));
  auto newer = catalog.PutSignal(*a, "match_signature", "v2", "x", {{1.0, HashOf(3)}});
  ASSERT_TRUE(newer.ok() && *newer);

  auto rows = catalog.HashRowsAfter(0, 100);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[1].hash, HashOf(2));
  EXPECT_DOUBLE_EQ((*rows)[1].t, 0.25);
  EXPECT_LT((*rows)[0].id, (*rows)[1].id);
  auto tail = catalog.HashRowsAfter((*rows)[1].id, 100);
  ASSERT_TRUE(tail.ok());
  ASSERT_EQ(tail->size(), 1u);
  EXPECT_EQ((*tail)[0].hash, HashOf(3));

  ArchiveFinding f{*a, *b, "same_footage", "m1", 0.9, "{}"};
  auto put = catalog.PutFinding(f);
  ASSERT_TRUE(put.ok() && *put);
  f.score = 0.5;
  auto put_again = catalog.PutFinding(f);
  ASSERT_TRUE(put_again.ok());
  EXPECT_FALSE(*put_again);
  auto of_b = catalog.Findings(*b);
  ASSERT_TRUE(of_b.ok());
  ASSERT_EQ(of_b->size(), 1u);
  EXPECT_DOUBLE_EQ((*of_b)[0].score, 0.9);
}

TEST_P(ArchiveConformance, JobsAreClaimedOnceInOrderAndFinishedByTheirHolder) {
  auto db = Fresh();
  ASSERT_TRUE(db);
  JobQueue q(db.get());
  auto added = q.Enqueue("analyze", Sha('a'));
  ASSERT_TRUE(added.ok()) << added.status().message();
  EXPECT_TRUE(*added);
  auto dup = q.Enqueue("analyze", Sha('a'));
  ASSERT_TRUE(dup.ok());
  EXPECT_FALSE(*dup);
  ASSERT_TRUE(q.Enqueue("analyze", Sha('b')).ok());

  auto j1 = q.Claim("w1", 60);
  ASSERT_TRUE(j1.ok()) << j1.status().message();
  ASSERT_TRUE(j1->has_value());
  EXPECT_EQ((*j1)->subject, Sha('a'));
  EXPECT_EQ((*j1)->attempts, 1);
  EXPECT_EQ((*j1)->worker, "w1");
  auto j2 = q.Claim("w2", 60);
  ASSERT_TRUE(j2.ok() && j2->has_value());
  EXPECT_EQ((*j2)->subject, Sha('b'));
  auto none = q.Claim("w3", 60);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  ASSERT_TRUE(q.Renew(**j1, 60).ok());
  ASSERT_TRUE(q.Finish(**j1).ok());
  EXPECT_EQ(q.Finish(**j1).code(), StatusCode::kNotFound);  // once only
  auto counts = q.Counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->done, 1);
  EXPECT_EQ(counts->running, 1);
}

TEST_P(ArchiveConformance, AnExpiredLeaseIsTakenOverAndFencesTheOldHolder) {
  auto db = Fresh();
  ASSERT_TRUE(db);
  JobQueue q(db.get());
  ASSERT_TRUE(q.Enqueue("analyze", Sha('a')).ok());
  auto old = q.Claim("dead-worker", 0.05);
  ASSERT_TRUE(old.ok() && old->has_value());
  auto early = q.Claim("w2", 60);
  ASSERT_TRUE(early.ok());
  EXPECT_FALSE(early->has_value());  // still leased
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto taken = q.Claim("w2", 60);
  ASSERT_TRUE(taken.ok() && taken->has_value());
  EXPECT_EQ((*taken)->id, (*old)->id);
  EXPECT_EQ((*taken)->attempts, 2);
  // The first holder wakes up: it can neither finish, renew nor fail the job any more.
  EXPECT_EQ(q.Finish(**old).code(), StatusCode::kNotFound);
  EXPECT_EQ(q.Renew(**old, 60).code(), StatusCode::kNotFound);
  EXPECT_EQ(q.Fail(**old, "late").code(), StatusCode::kNotFound);
  EXPECT_TRUE(q.Finish(**taken).ok());
}

TEST_P(ArchiveConformance, FailuresAreRetriedThenSetAsideForAPerson) {
  auto db = Fresh();
  ASSERT_TRUE(db);
  JobQueue q(db.get());
  ASSERT_TRUE(q.Enqueue("analyze", Sha('a'), 2).ok());
  ASSERT_TRUE(q.Enqueue("analyze", Sha('b')).ok());
  auto a1 = q.Claim("w", 60);
  ASSERT_TRUE(a1.ok() && a1->has_value());
  ASSERT_TRUE(q.Fail(**a1, "disk hiccup").ok());
  auto b1 = q.Claim("w", 60);
  ASSERT_TRUE(b1.ok() && b1->has_value());
  EXPECT_EQ((*b1)->subject, Sha('a'));  // the oldest job first: a, second attempt
  EXPECT_EQ((*b1)->attempts, 2);
  ASSERT_TRUE(q.Fail(**b1, "disk hiccup again").ok());  // 2 of 2: failed
  auto c1 = q.Claim("w", 60);
  ASSERT_TRUE(c1.ok() && c1->has_value());
  EXPECT_EQ((*c1)->subject, Sha('b'));
  ASSERT_TRUE(q.Fail(**c1, "not a picture", /*permanent=*/true).ok());
  auto failed = q.ListFailed();
  ASSERT_TRUE(failed.ok());
  ASSERT_EQ(failed->size(), 2u);
  EXPECT_EQ((*failed)[0].last_error, "disk hiccup again");
  EXPECT_EQ((*failed)[1].last_error, "not a picture");
  EXPECT_EQ((*failed)[1].attempts, 1);
  auto retried = q.Retry((*failed)[0].id);
  ASSERT_TRUE(retried.ok());
  EXPECT_EQ(*retried, 1);
  auto again = q.Claim("w", 60);
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ((*again)->subject, Sha('a'));
  EXPECT_EQ((*again)->attempts, 1);
  auto all = q.Retry(0);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, 1);
}

TEST_P(ArchiveConformance, AJobThatKillsEveryWorkerIsSetAside) {
  auto db = Fresh();
  ASSERT_TRUE(db);
  JobQueue q(db.get());
  ASSERT_TRUE(q.Enqueue("analyze", Sha('a'), 2).ok());
  for (int i = 0; i < 2; ++i) {
    auto j = q.Claim("doomed-" + std::to_string(i), 0.05);
    ASSERT_TRUE(j.ok() && j->has_value());
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
  }
  auto next = q.Claim("w", 60);
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next->has_value());
  auto failed = q.ListFailed();
  ASSERT_TRUE(failed.ok());
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_NE((*failed)[0].last_error.find("doomed-1"), std::string::npos) << (*failed)[0].last_error;
}

TEST_P(ArchiveConformance, ConcurrentClaimersTakeEachJobOnce) {
  auto db = Fresh();
  ASSERT_TRUE(db);
  constexpr int kJobs = 60, kWorkers = 4;
  {
    JobQueue q(db.get());
    for (int i = 0; i < kJobs; ++i) ASSERT_TRUE(q.Enqueue("analyze", std::to_string(i)).ok());
  }
  std::mutex mu;
  std::multiset<std::string> claimed;
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWorkers; ++w) {
    threads.emplace_back([&, w] {
      auto c = evidence::OpenSql(url_);
      if (!c.ok()) {
        ++errors;
        return;
      }
      JobQueue q(c->get());
      for (;;) {
        auto j = q.Claim("w" + std::to_string(w), 60);
        if (!j.ok()) {
          ++errors;
          return;
        }
        if (!j->has_value()) return;
        if (!q.Finish(**j).ok()) ++errors;
        std::lock_guard<std::mutex> lock(mu);
        claimed.insert((*j)->subject);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(claimed.size(), static_cast<std::size_t>(kJobs));
  EXPECT_EQ(std::set<std::string>(claimed.begin(), claimed.end()).size(),
            static_cast<std::size_t>(kJobs));
}

}  // namespace
}  // namespace sightline::archive
