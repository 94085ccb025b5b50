#include "case/findings.h"

#include <gtest/gtest.h>

#include "case/case_test_fixture.h"
#include "evidence/verify.h"

namespace sightline::investigation {
namespace {

class FindingsTest : public OnBackend<CaseWithItems> {};

Suggestion Footage(std::int64_t a, std::int64_t b, double score, int version = 1) {
  return {FindingKind::kSameFootage, a, b, "match", version, score, R"({"offset_s":2.5})"};
}

TEST_P(FindingsTest, SuggestionsAreStoredOnceAndOrderedPairs) {
  auto added = RecordSuggestions(*case_, who_, {Footage(2, 1, 0.9), Footage(1, 3, 0.4)});
  ASSERT_TRUE(added.ok()) << added.status().message();
  EXPECT_EQ(*added, 2);
  // The same run again adds nothing and writes no custody entry.
  std::size_t entries = Actions().size();
  auto again = RecordSuggestions(*case_, who_, {Footage(1, 2, 0.9)});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
  EXPECT_EQ(Actions().size(), entries);

  auto all = ListFindings(*case_, {});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].suggestion.item_a, 1);  // stored as (1, 2), not (2, 1)
  EXPECT_EQ((*all)[0].suggestion.item_b, 2);
  EXPECT_EQ((*all)[0].status, FindingStatus::kSuggested);
  EXPECT_EQ(FindingJson((*all)[0])["evidence"]["offset_s"], 2.5);
  EXPECT_EQ(Actions().back(), "findings_suggested");
}

TEST_P(FindingsTest, UnknownItemOrSelfPairWritesNothing) {
  std::size_t entries = Actions().size();
  EXPECT_EQ(
      RecordSuggestions(*case_, who_, {Footage(1, 2, 0.9), Footage(1, 9, 0.9)}).status().code(),
      StatusCode::kNotFound);
  EXPECT_FALSE(RecordSuggestions(*case_, who_, {Footage(2, 2, 0.9)}).ok());
  EXPECT_EQ(Actions().size(), entries);
  EXPECT_TRUE(ListFindings(*case_, {})->empty());
}

TEST_P(FindingsTest, DecisionsAreKeptAndTheLastOneCounts) {
  ASSERT_TRUE(RecordSuggestions(*case_, who_, {Footage(1, 2, 0.9), Footage(2, 3, 0.3)}).ok());
  EXPECT_FALSE(Decide(*case_, who_, 1, FindingStatus::kRejected, "").ok());  // reason required
  EXPECT_EQ(Decide(*case_, who_, 7, FindingStatus::kAccepted, "").status().code(),
            StatusCode::kNotFound);
  ASSERT_TRUE(Decide(*case_, who_, 1, FindingStatus::kRejected, "different trucks").ok());
  ASSERT_TRUE(Decide(*case_, who_, 1, FindingStatus::kAccepted, "same markings after all").ok());

  auto f = GetFinding(*case_, 1);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->status, FindingStatus::kAccepted);
  ASSERT_EQ(f->decisions.size(), 2u);
  EXPECT_EQ(f->decisions[0].reason, "different trucks");
  EXPECT_EQ(f->decisions[1].actor, "desk@newsroom");

  FindingFilter accepted;
  accepted.status = FindingStatus::kAccepted;
  EXPECT_EQ(ListFindings(*case_, accepted)->size(), 1u);
  FindingFilter strong;
  strong.min_score = 0.5;
  EXPECT_EQ(ListFindings(*case_, strong)->size(), 1u);
  FindingFilter of_item3;
  of_item3.item = 3;
  ASSERT_EQ(ListFindings(*case_, of_item3)->size(), 1u);
  EXPECT_EQ(ListFindings(*case_, of_item3)->front().id, 2);

  auto entry = case_->log().Head();
  ASSERT_TRUE(entry.ok() && entry->has_value());
  EXPECT_EQ((*entry)->action, "finding_decided");
  EXPECT_NE((*entry)->details.find("\"was\":\"rejected\""), std::string::npos);
  EXPECT_TRUE(evidence::VerifyCase(*case_).ok());
}

TEST_P(FindingsTest, ANewAnalyzerVersionSupersedesTheListing) {
  ASSERT_TRUE(RecordSuggestions(*case_, who_, {Footage(1, 2, 0.6, 1)}).ok());
  ASSERT_TRUE(RecordSuggestions(*case_, who_, {Footage(1, 2, 0.8, 2)}).ok());
  auto all = ListFindings(*case_, {});
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(all->front().suggestion.version, 2);
  EXPECT_TRUE(GetFinding(*case_, 1).ok());  // the older one is kept
}

TEST(FindingNames, RoundTrip) {
  for (auto k : {FindingKind::kSameFootage, FindingKind::kSameMoment, FindingKind::kSamePlace,
                 FindingKind::kSameEvent}) {
    EXPECT_EQ(ParseFindingKind(FindingKindName(k)), k);
  }
  EXPECT_FALSE(ParseFindingKind("same_truck"));
  EXPECT_EQ(ParseFindingStatus("rejected"), FindingStatus::kRejected);
}

SIGHTLINE_ON_BACKENDS(FindingsTest);

}  // namespace
}  // namespace sightline::investigation
