// Cases for the tests of case/ and report/: an empty one, and one with three ingested items.
#ifndef SIGHTLINE_CASE_CASE_TEST_FIXTURE_H_
#define SIGHTLINE_CASE_CASE_TEST_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "evidence/case.h"
#include "evidence/ingest.h"
#include "sql_backends.h"
#include "test_util.h"

namespace sightline::investigation {

// An empty case in a scratch directory and a signing identity. Subclasses that override SetUp
// call EmptyCase::SetUp() first and return when it failed (HasFatalFailure()).
class EmptyCase : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = evidence::LoadOrCreateSigningKey(dir_ / "keys");
    ASSERT_TRUE(key.ok()) << key.status().message();
    who_ = evidence::Identity{"desk@newsroom", *key};
    auto c = evidence::Case::Create(dir_ / "case", who_, CatalogUrl());
    ASSERT_TRUE(c.ok()) << c.status().message();
    case_ = std::move(c).value();
  }
  // Where the case keeps its catalogue: "" for its own case.db.
  virtual std::string CatalogUrl() { return ""; }

  sightline::testing::ScratchDir dir_;
  evidence::Identity who_;
  std::unique_ptr<evidence::Case> case_;
};

class CaseWithItems : public EmptyCase {
 protected:
  void SetUp() override {
    EmptyCase::SetUp();
    if (HasFatalFailure()) return;
    for (int i = 1; i <= 3; ++i) {
      std::string p = dir_ / ("clip" + std::to_string(i) + ".bin");
      sightline::testing::WriteFile(p, "item " + std::to_string(i));
      evidence::IngestReport r = evidence::IngestFile(*case_, who_, p, {});
      ASSERT_NE(r.outcome, evidence::IngestOutcome::kRefused) << r.message;
    }
  }
  // The actions of the custody log, in order.
  std::vector<std::string> Actions() {
    std::vector<std::string> out;
    auto all = case_->log().All();
    EXPECT_TRUE(all.ok());
    for (const auto& e : *all) out.push_back(e.action);
    return out;
  }
};

// `Fixture` with its catalogue on the back-end given as the test's parameter, for TEST_P bodies
// that end with SIGHTLINE_ON_BACKENDS (tests/sql_backends.h).
template <typename Fixture>
class OnBackend : public Fixture, public ::testing::WithParamInterface<std::string> {
 protected:
  std::string CatalogUrl() override { return sightline::testing::CaseCatalogUrl(GetParam()); }
};

}  // namespace sightline::investigation

#endif  // SIGHTLINE_CASE_CASE_TEST_FIXTURE_H_
