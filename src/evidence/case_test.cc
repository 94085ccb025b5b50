// Creating a case: case.db appears only whole (schema and first custody entry), what a killed
// creation left is cleared, and creating over an existing case opens it.
#include "evidence/case.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/file.h"
#include "evidence/identity.h"
#include "evidence/schema.h"
#include "evidence/sqlite.h"
#include "test_util.h"

namespace sightline::evidence {
namespace {

class CaseCreateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = LoadOrCreateSigningKey(dir_ / "keys");
    ASSERT_TRUE(key.ok()) << key.status().message();
    who_ = Identity{"desk@newsroom", *key};
  }
  std::vector<std::string> Names(const std::string& dir) {
    auto names = ListDirectory(dir);
    EXPECT_TRUE(names.ok());
    return names.ok() ? *names : std::vector<std::string>();
  }
  sightline::testing::ScratchDir dir_;
  Identity who_;
};

TEST_F(CaseCreateTest, CatalogueAppearsWholeAndLeftoversOfAKilledCreationGo) {
  const std::string dir = dir_ / "case";
  ASSERT_TRUE(MakeDirs(dir).ok());
  // What a creation killed half way leaves: its catalogue under a process that is gone.
  pid_t gone = ::fork();
  if (gone == 0) ::_exit(0);
  ASSERT_GT(gone, 0);
  ASSERT_EQ(::waitpid(gone, nullptr, 0), gone);
  const std::string leftover = dir + "/.case.db.creating-" + std::to_string(gone) + "-x";
  sightline::testing::WriteFile(leftover, "half a catalogue");
  sightline::testing::WriteFile(leftover + "-journal", "its journal");
  EXPECT_FALSE(Case::Exists(dir));

  auto c = Case::Create(dir, who_);
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_TRUE(Case::Exists(dir));
  for (const std::string& name : Names(dir)) {
    EXPECT_EQ(name.find(".case.db.creating-"), std::string::npos) << name << " left behind";
  }
  auto log = (*c)->log().All();
  ASSERT_TRUE(log.ok());
  ASSERT_GE(log->size(), 1u);
  bool created = false;
  for (const CustodyEntry& e : *log) created = created || e.action == "case_created";
  EXPECT_TRUE(created);
  const std::string id = (*c)->case_id();
  EXPECT_FALSE(id.empty());

  // Creating again opens the same case and records nothing.
  const std::size_t entries = log->size();
  c->reset();
  auto again = Case::Create(dir, who_);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ((*again)->case_id(), id);
  EXPECT_EQ((*again)->log().All()->size(), entries);
}

TEST_F(CaseCreateTest, SchemaVersionIsKeptOnceCurrentAndAskedAgainWhileOlder) {
  const std::string dir = dir_ / "case";
  ASSERT_TRUE(MakeDirs(dir).ok());
  ASSERT_TRUE(Case::Create(dir, who_).ok());
  {
    auto reader = Case::Open(dir, Case::Access::kRead);
    ASSERT_TRUE(reader.ok()) << reader.status().message();
    EXPECT_EQ((*reader)->SchemaVersion().value_or(-1), CurrentSchemaVersion());
  }
  // A catalogue that says it is older (as before a writer migrates it): a reader asks again.
  auto raw = SqliteDb::Open(dir + "/case.db", SqliteDb::Mode::kReadWrite);
  ASSERT_TRUE(raw.ok());
  ASSERT_TRUE((*raw)->Exec("PRAGMA user_version = 4").ok());
  auto reader = Case::Open(dir, Case::Access::kRead);
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  EXPECT_EQ((*reader)->SchemaVersion().value_or(-1), 4);
  ASSERT_TRUE((*raw)->Exec("PRAGMA user_version = " + std::to_string(CurrentSchemaVersion())).ok());
  EXPECT_EQ((*reader)->SchemaVersion().value_or(-1), CurrentSchemaVersion());
}

}  // namespace
}  // namespace sightline::evidence
