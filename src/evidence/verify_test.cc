// Tampering with a case in every way the issue names must make verify fail and name the culprit.
#include "evidence/verify.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "evidence/case.h"
#include "evidence/ingest.h"
#include "evidence/sqlite.h"
#include "test_util.h"

namespace sightline::evidence {
namespace {

using sightline::testing::ScratchDir;

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = LoadOrCreateSigningKey(dir_ / "keys");
    ASSERT_TRUE(key.ok()) << key.status().message();
    who_ = Identity{"tester@lab", *key};
    case_dir_ = dir_ / "case";
    auto c = Case::Create(case_dir_, who_);
    ASSERT_TRUE(c.ok()) << c.status().message();
    case_ = std::move(c).value();
    for (int i = 0; i < 3; ++i) {
      std::string p = dir_ / ("file" + std::to_string(i) + ".bin");
      sightline::testing::WriteFile(p, "evidence number " + std::to_string(i));
      IngestReport r = IngestFile(*case_, who_, p, {});
      ASSERT_NE(r.outcome, IngestOutcome::kRefused) << r.message;
      shas_.push_back(r.sha256);
    }
    ASSERT_TRUE(VerifyCase(*case_).ok());
  }

  // Runs SQL on the catalogue behind Sightline's back, as an attacker with a SQLite shell would.
  void Tamper(const std::string& sql) {
    auto db = SqliteDb::Open(case_dir_ + "/case.db", SqliteDb::Mode::kReadWrite);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("PRAGMA foreign_keys=OFF;" + sql).ok());
  }

  VerifyReport Reverify() {
    auto c = Case::Open(case_dir_, Case::Access::kRead);
    EXPECT_TRUE(c.ok());
    return VerifyCase(**c);
  }

  static bool Has(const VerifyReport& r, const std::string& code, const std::string& sha,
                  std::int64_t seq = -1) {
    for (const auto& p : r.problems) {
      if (p.code == code && (sha.empty() || p.object_sha256 == sha) && (seq < 0 || p.seq == seq)) {
        return true;
      }
    }
    return false;
  }

  ScratchDir dir_;
  std::string case_dir_;
  Identity who_;
  std::unique_ptr<Case> case_;
  std::vector<std::string> shas_;
};

TEST_F(VerifyTest, ModifiedObjectIsNamedByHash) {
  std::string path = case_->objects().PathFor(shas_[1]);
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(3);
    f.put('X');
  }
  VerifyReport r = Reverify();
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(Has(r, "object_modified", shas_[1]));
  EXPECT_EQ(r.problems.size(), 1u);
}

TEST_F(VerifyTest, MissingObjectIsNamed) {
  ASSERT_EQ(unlink(case_->objects().PathFor(shas_[0]).c_str()), 0);
  VerifyReport r = Reverify();
  EXPECT_TRUE(Has(r, "object_missing", shas_[0]));
}

TEST_F(VerifyTest, StrayFilesAreNamed) {
  sightline::testing::WriteFile(case_dir_ + "/objects/stray.txt", "x");
  std::string sub = case_dir_ + "/objects/" + shas_[0].substr(0, 2);
  sightline::testing::WriteFile(sub + "/0123", "y");
  VerifyReport r = Reverify();
  int strays = 0;
  for (const auto& p : r.problems) {
    if (p.code == "stray_file") {
      ++strays;
      EXPECT_TRUE(p.message.find("stray.txt") != std::string::npos ||
                  p.message.find("0123") != std::string::npos);
    }
  }
  EXPECT_EQ(strays, 2);
}

TEST_F(VerifyTest, EditedEntryIsNamedBySeq) {
  Tamper(
      "DROP TRIGGER custody_log_no_update;"
      "UPDATE custody_log SET details = replace(details, 'file1', 'other') WHERE seq = 4");
  VerifyReport r = Reverify();
  EXPECT_TRUE(Has(r, "entry_modified", "", 4));
}

TEST_F(VerifyTest, DroppedEntryIsNamedBySeq) {
  Tamper("DROP TRIGGER custody_log_no_delete; DELETE FROM custody_log WHERE seq = 3");
  VerifyReport r = Reverify();
  EXPECT_TRUE(Has(r, "entry_missing", "", 3));
}

TEST_F(VerifyTest, DroppedLastEntryIsCaughtByTheCatalogue) {
  Tamper(
      "DROP TRIGGER custody_log_no_delete;"
      "DELETE FROM custody_log WHERE seq = (SELECT max(seq) FROM custody_log)");
  VerifyReport r = Reverify();
  EXPECT_TRUE(Has(r, "entry_missing", shas_[2]));
}

TEST_F(VerifyTest, ReorderedEntriesAreNamed) {
  Tamper(
      "DROP TRIGGER custody_log_no_update;"
      "UPDATE custody_log SET seq = -1 WHERE seq = 3;"
      "UPDATE custody_log SET seq = 3 WHERE seq = 4;"
      "UPDATE custody_log SET seq = 4 WHERE seq = -1;");
  VerifyReport r = Reverify();
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(Has(r, "chain_broken", "", 3) || Has(r, "chain_broken", "", 4));
}

TEST_F(VerifyTest, ForgedSignatureIsNamed) {
  Tamper(
      "DROP TRIGGER custody_log_no_update;"
      "UPDATE custody_log SET signature = '" +
      std::string(128, 'a') + "' WHERE seq = 2");
  VerifyReport r = Reverify();
  EXPECT_TRUE(Has(r, "bad_signature", "", 2));
}

TEST_F(VerifyTest, CatalogueRowRemovedIsNamed) {
  Tamper("DELETE FROM item_names WHERE item_id = 2; DELETE FROM items WHERE id = 2");
  VerifyReport r = Reverify();
  EXPECT_TRUE(Has(r, "catalogue_mismatch", shas_[1]));
  EXPECT_TRUE(Has(r, "stray_file", ""));  // its object is no longer accounted for
}

TEST_F(VerifyTest, AppendOnlyTriggersRefuseEdits) {
  auto db = SqliteDb::Open(case_dir_ + "/case.db", SqliteDb::Mode::kReadWrite);
  ASSERT_TRUE(db.ok());
  EXPECT_FALSE((*db)->Exec("UPDATE custody_log SET actor = 'x' WHERE seq = 1").ok());
  EXPECT_FALSE((*db)->Exec("DELETE FROM custody_log WHERE seq = 1").ok());
}

}  // namespace
}  // namespace sightline::evidence
