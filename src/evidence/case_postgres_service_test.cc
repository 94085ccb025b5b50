// A case whose catalogue is on PostgreSQL (a desk's shared server): what is particular to it.
// The behaviour both back-ends share is tested once for both (SIGHTLINE_BACKEND_TESTS).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "base/file.h"
#include "case/locations.h"
#include "case/sources.h"
#include "evidence/bundle.h"
#include "evidence/case.h"
#include "evidence/identity.h"
#include "evidence/ingest.h"
#include "evidence/verify.h"
#include "sql_backends.h"
#include "test_util.h"

namespace sightline::evidence {
namespace {

class PostgresCase : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = LoadOrCreateSigningKey(dir_ / "keys");
    ASSERT_TRUE(key.ok()) << key.status().message();
    who_ = Identity{"desk@newsroom", *key};
    url_ = sightline::testing::FreshPgUrlForTest(1);
    ASSERT_FALSE(url_.empty());
  }

  std::unique_ptr<Case> Create(const std::string& dir) {
    auto c = Case::Create(dir, who_, url_);
    EXPECT_TRUE(c.ok()) << c.status().message();
    return c.ok() ? std::move(c).value() : nullptr;
  }

  sightline::testing::ScratchDir dir_;
  Identity who_;
  std::string url_;
};

TEST_F(PostgresCase, TheDirectoryNamesItsCatalogueAndReopens) {
  const std::string dir = dir_ / "case";
  std::string case_id;
  {
    auto c = Create(dir);
    ASSERT_TRUE(c);
    case_id = c->case_id();
    EXPECT_EQ(case_id.size(), 36u);
    EXPECT_EQ(c->catalog_url(), url_);
    sightline::testing::WriteFile(dir_ / "clip.bin", "some bytes");
    IngestReport r = IngestFile(*c, who_, dir_ / "clip.bin", {});
    ASSERT_EQ(r.outcome, IngestOutcome::kStoredFlagged) << r.message;  // preserved, not media
  }
  EXPECT_FALSE(PathExists(dir + "/case.db"));
  EXPECT_EQ(sightline::testing::ReadFile(dir + "/catalog.url"), url_ + "\n");
  EXPECT_TRUE(Case::Exists(dir));

  auto reader = Case::Open(dir, Case::Access::kRead);
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  EXPECT_EQ((*reader)->case_id(), case_id);
  auto items = (*reader)->catalog().ListItems();
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ((*items)[0].name, "clip.bin");
  VerifyReport v = VerifyCase(**reader);
  EXPECT_TRUE(v.ok()) << (v.problems.empty() ? "" : v.problems[0].message);
  EXPECT_EQ(v.items, 1);
  // A reader's connection refuses writes, whatever it runs.
  Status write =
      (*reader)->sql()->Query("INSERT INTO case_info (key, value) VALUES ('x', 'y')").status();
  EXPECT_FALSE(write.ok());
}

TEST_F(PostgresCase, OneDatabaseHoldsOneCase) {
  ASSERT_TRUE(Create(dir_ / "first"));
  auto second = Case::Create(dir_ / "second", who_, url_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(second.status().message().find("holds case"), std::string::npos)
      << second.status().message();
  EXPECT_FALSE(PathExists(dir_ / "second/catalog.url"));
}

TEST_F(PostgresCase, ACaseKeepsTheCatalogueItWasMadeWith) {
  ASSERT_TRUE(Create(dir_ / "shared"));
  // The same URL again opens it; another kind of catalogue is refused, naming the one it has.
  EXPECT_TRUE(Case::Create(dir_ / "shared", who_, url_).ok());
  auto as_sqlite = Case::Create(dir_ / "shared", who_, "");
  ASSERT_FALSE(as_sqlite.ok());
  EXPECT_NE(as_sqlite.status().message().find("postgresql://"), std::string::npos);

  auto local = Case::Create(dir_ / "local", who_);
  ASSERT_TRUE(local.ok()) << local.status().message();
  auto moved = Case::Create(dir_ / "local", who_, url_);
  ASSERT_FALSE(moved.ok());
  EXPECT_NE(moved.status().message().find("case.db"), std::string::npos);
  EXPECT_FALSE(Case::Create(dir_ / "other", who_, "mysql://x/y").ok());
}

TEST_F(PostgresCase, TwoCreationsOfOneDirectoryMakeOneCase) {
  const std::string dir = dir_ / "case";
  std::string ids[2];
  std::thread second([&] {
    auto c = Case::Create(dir, who_, url_);
    if (c.ok()) ids[1] = (*c)->case_id();
  });
  auto c = Case::Create(dir, who_, url_);
  second.join();
  ASSERT_TRUE(c.ok()) << c.status().message();
  ids[0] = (*c)->case_id();
  EXPECT_FALSE(ids[0].empty());
  EXPECT_EQ(ids[0], ids[1]);
  auto log = (*c)->log().All();
  ASSERT_TRUE(log.ok());
  int created = 0;
  for (const CustodyEntry& e : *log) created += e.action == "case_created";
  EXPECT_EQ(created, 1);
}

TEST_F(PostgresCase, ACreationInterruptedAfterBindingIsFinishedByTheNext) {
  // What a creation killed between writing catalog.url and the first entry leaves behind.
  const std::string dir = dir_ / "case";
  ASSERT_TRUE(MakeDirs(dir).ok());
  sightline::testing::WriteFile(dir + "/catalog.url", url_ + "\n");
  auto c = Case::Create(dir, who_, url_);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ((*c)->case_id().size(), 36u);
}

TEST_F(PostgresCase, IdsBeyond32BitsFindNothingRatherThanFail) {
  auto c = Create(dir_ / "case");
  ASSERT_TRUE(c);
  const std::int64_t big = 3'000'000'000;
  auto locations = investigation::ListLocations(*c, big);
  ASSERT_TRUE(locations.ok()) << locations.status().message();
  EXPECT_TRUE(locations->empty());
  auto sources = investigation::ListItemSources(*c, big);
  ASSERT_TRUE(sources.ok()) << sources.status().message();
  EXPECT_TRUE(sources->empty());
}

TEST_F(PostgresCase, TheCustodyLogIsAppendOnly) {
  auto c = Create(dir_ / "case");
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->sql()->Query("UPDATE custody_log SET actor = 'someone else'").ok());
  EXPECT_FALSE(c->sql()->Query("DELETE FROM custody_log").ok());
  auto head = c->log().Head();
  ASSERT_TRUE(head.ok() && head->has_value());
  EXPECT_EQ((*head)->actor, "desk@newsroom");
}

TEST_F(PostgresCase, WritersOnSeveralConnectionsExtendOneChain) {
  const std::string dir = dir_ / "case";
  ASSERT_TRUE(Create(dir));
  constexpr int kWriters = 3, kEach = 15;
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto c = Case::Open(dir, Case::Access::kWrite);
      if (!c.ok()) {
        ++failures;
        return;
      }
      for (int i = 0; i < kEach; ++i) {
        investigation::Source s;
        s.kind = "person";
        s.name = "writer " + std::to_string(w) + " source " + std::to_string(i);
        if (!investigation::AddSource(**c, who_, s).ok()) ++failures;
      }
    });
  }
  for (std::thread& t : writers) t.join();
  EXPECT_EQ(failures.load(), 0);

  auto c = Case::Open(dir, Case::Access::kRead);
  ASSERT_TRUE(c.ok());
  auto sources = investigation::ListSources(**c);
  ASSERT_TRUE(sources.ok());
  EXPECT_EQ(sources->size(), static_cast<std::size_t>(kWriters * kEach));
  auto log = (*c)->log().All();
  ASSERT_TRUE(log.ok());
  for (std::size_t i = 0; i < log->size(); ++i) {
    EXPECT_EQ((*log)[i].seq, static_cast<std::int64_t>(i + 1));
  }
  VerifyReport v = VerifyCase(**c);
  EXPECT_TRUE(v.ok()) << (v.problems.empty() ? "" : v.problems[0].message);
}

TEST_F(PostgresCase, ABundleFromASharedCaseVerifiesOffline) {
  auto c = Create(dir_ / "case");
  ASSERT_TRUE(c);
  sightline::testing::WriteFile(dir_ / "a.bin", "first original");
  IngestReport ingested = IngestFile(*c, who_, dir_ / "a.bin", {});
  ASSERT_EQ(ingested.outcome, IngestOutcome::kStoredFlagged) << ingested.message;
  auto exported = ExportBundle(*c, who_, dir_ / "case.zip", {});
  ASSERT_TRUE(exported.ok()) << exported.status().message();
  BundleReport r = VerifyBundle(dir_ / "case.zip");
  EXPECT_TRUE(r.ok()) << (r.problems.empty() ? "" : r.problems[0].message);
  EXPECT_EQ(r.items, 1u);
  EXPECT_EQ(r.case_id, c->case_id());
}

}  // namespace
}  // namespace sightline::evidence
