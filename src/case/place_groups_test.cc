// Place groups: links chain into groups, rejected findings and other kinds of link do not join,
// and a group is confirmed only when links a person accepted or stated connect all of it.
#include "case/place_groups.h"

#include <gtest/gtest.h>

#include "case/case_test_fixture.h"
#include "case/findings.h"
#include "case/relations.h"
#include "evidence/ingest.h"
#include "test_util.h"

namespace sightline::investigation {
namespace {

PlaceLink Link(std::int64_t a, std::int64_t b, double score, bool confirmed) {
  return {a, b, "same_place", false, a * 100 + b, score, confirmed};
}

TEST(GroupPlaces, LinksChainIntoGroupsLargestFirst) {
  // 1 ~ 2 ~ 3 along a street (1 and 3 not matched themselves); 7 ~ 8 elsewhere; 5 alone.
  const auto groups = GroupPlaces(
      {Link(7, 8, 0.9, true), Link(2, 3, 0.5, false), Link(1, 2, 0.8, false), Link(5, 5, 1, true)});
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].items, (std::vector<std::int64_t>{1, 2, 3}));
  ASSERT_EQ(groups[0].links.size(), 2u);
  EXPECT_EQ(groups[0].links[0].item_a, 1);  // strongest first
  EXPECT_FALSE(groups[0].confirmed);
  EXPECT_EQ(groups[1].items, (std::vector<std::int64_t>{7, 8}));
  EXPECT_TRUE(groups[1].confirmed);

  const nlohmann::json j = PlaceGroupJson(groups[0]);
  EXPECT_EQ(j["pairs"], 3);
  EXPECT_EQ(j["pairs_linked"], 2);
  EXPECT_EQ(j["links"][0]["finding"], 102);
  EXPECT_FALSE(j["confirmed"].get<bool>());
}

TEST(GroupPlaces, ConfirmedOnlyWhenConfirmedLinksAloneConnectTheGroup) {
  // 1 ~ 2 and 3 ~ 4 accepted, joined only by a suggestion 2 ~ 3: one group, not confirmed.
  auto groups = GroupPlaces({Link(1, 2, 1, true), Link(3, 4, 1, true), Link(2, 3, 0.4, false)});
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].items.size(), 4u);
  EXPECT_FALSE(groups[0].confirmed);
  // Confirmed links first, whatever their score.
  EXPECT_TRUE(groups[0].links[0].confirmed);
  EXPECT_FALSE(groups[0].links[2].confirmed);
  // A suggestion beside confirmed links that already connect everything does not matter.
  groups = GroupPlaces({Link(1, 2, 1, true), Link(2, 3, 1, true), Link(1, 3, 0.4, false)});
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_TRUE(groups[0].confirmed);
  EXPECT_EQ(PlaceGroupJson(groups[0])["pairs_linked"], 3);
  EXPECT_TRUE(GroupPlaces({}).empty());
}

class PlaceGroupsCaseTest : public EmptyCase {
 protected:
  std::int64_t Clip(const std::string& name, int seconds) {
    const std::string path = dir_ / name;
    sightline::testing::MakeMedia(
        {"-f", "lavfi", "-i", "testsrc2=s=96x64:r=5:d=" + std::to_string(seconds), "-c:v",
         "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"},
        path);
    evidence::IngestReport r = evidence::IngestFile(*case_, who_, path, {});
    EXPECT_EQ(r.outcome, evidence::IngestOutcome::kStored) << r.message;
    return r.item_id;
  }
  std::int64_t Suggest(FindingKind kind, std::int64_t a, std::int64_t b) {
    Suggestion s;
    s.kind = kind;
    s.item_a = std::min(a, b);
    s.item_b = std::max(a, b);
    s.analyzer = "test";
    s.version = 1;
    s.score = 0.6;
    s.evidence = "{}";
    EXPECT_TRUE(RecordSuggestions(*case_, who_, {s}).ok());
    FindingFilter f;
    f.item = a;
    f.kind = kind;
    auto listed = ListFindings(*case_, f);
    EXPECT_TRUE(listed.ok());
    for (const Finding& x : *listed)
      if (x.suggestion.item_a == s.item_a && x.suggestion.item_b == s.item_b) return x.id;
    ADD_FAILURE() << "finding not stored";
    return 0;
  }
};

TEST_F(PlaceGroupsCaseTest, FindingsAndStatementsOfPlaceAndFootageJoinOthersDoNot) {
  const auto a = Clip("a.mp4", 1), b = Clip("b.mp4", 2), c = Clip("c.mp4", 3), d = Clip("d.mp4", 4),
             e = Clip("e.mp4", 5);
  const auto ab = Suggest(FindingKind::kSamePlace, a, b);
  const auto bc = Suggest(FindingKind::kSameFootage, b, c);  // a copy shows the same place
  ASSERT_TRUE(Decide(*case_, who_, bc, FindingStatus::kAccepted, "").ok());
  const auto de = Suggest(FindingKind::kSamePlace, d, e);
  ASSERT_TRUE(Decide(*case_, who_, de, FindingStatus::kRejected, "another street").ok());
  Suggest(FindingKind::kSameMoment, a, e);  // the same moment is not the same place
  Relation r;
  r.kind = "same_place";
  r.item_a = c;
  r.item_b = a;
  ASSERT_TRUE(AddRelation(*case_, who_, r).ok());

  auto groups = ListPlaceGroups(*case_);
  ASSERT_TRUE(groups.ok()) << groups.status().message();
  ASSERT_EQ(groups->size(), 1u);
  EXPECT_EQ((*groups)[0].items, (std::vector<std::int64_t>{a, b, c}));
  // a ~ c stated and b ~ c accepted connect all three: confirmed without the suggestion a ~ b.
  EXPECT_TRUE((*groups)[0].confirmed);
  ASSERT_EQ((*groups)[0].links.size(), 3u);
  EXPECT_EQ((*groups)[0].links.back().id, ab);
  EXPECT_FALSE((*groups)[0].links.back().confirmed);
  const nlohmann::json j = PlaceGroupJson((*groups)[0]);
  int stated = 0;
  for (const auto& l : j["links"]) stated += l.contains("relation");
  EXPECT_EQ(stated, 1);
  EXPECT_EQ(j["pairs_linked"], 3);

  // Rejecting a ~ b's place finding parts the pair even though a footage finding for it is
  // still suggested; d ~ e, rejected, never joined.
  Suggest(FindingKind::kSameFootage, a, b);
  ASSERT_TRUE(Decide(*case_, who_, ab, FindingStatus::kRejected, "another yard").ok());
  groups = ListPlaceGroups(*case_);
  ASSERT_TRUE(groups.ok());
  ASSERT_EQ(groups->size(), 1u);
  EXPECT_EQ((*groups)[0].links.size(), 2u);  // a ~ c stated, b ~ c accepted
  for (const PlaceLink& l : (*groups)[0].links)
    EXPECT_FALSE(std::minmax(l.item_a, l.item_b) == std::minmax(a, b));
}

}  // namespace
}  // namespace sightline::investigation
