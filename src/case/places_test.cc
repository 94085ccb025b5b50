// The place stage on generated photos: two views of one textured place (turned, zoomed, seen at
// a slant) are suggested as the same place, an unrelated picture with neither; a second run
// compares nothing, and a new view is compared with the stored features of the others.
#include "case/places.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "analysis/scene/synthetic.h"
#include "case/case_test_fixture.h"

namespace sightline::investigation {
namespace {

namespace sy = analysis::scene::synthetic;

class PlacesTest : public EmptyCase {
 protected:
  void SetUp() override {
    EmptyCase::SetUp();
    if (HasFatalFailure()) return;
    const cv::Mat place = sy::Texture(1200, 900, 31);
    const cv::Size size(800, 600);
    Write("view_a.jpg", sy::View(place, sy::Motion(place.size(), 0, 1.0, 0), size));
    Write("view_b.jpg", sy::View(place, sy::Motion(place.size(), 12, 0.8, 0.0003), size));
    Write("elsewhere.jpg",
          sy::View(sy::Texture(1200, 900, 77), sy::Motion(place.size(), 0, 1, 0), size));
  }
  void Write(const std::string& name, const cv::Mat& gray) {
    ASSERT_TRUE(sy::WriteGrayJpeg(dir_ / name, gray).ok());
    evidence::IngestReport r = evidence::IngestFile(*case_, who_, dir_ / name, {});
    ASSERT_EQ(r.outcome, evidence::IngestOutcome::kStored) << r.message;
  }
};

TEST_F(PlacesTest, ViewsOfOnePlaceAndNothingElse) {
  auto first = FindSamePlaces(*case_, who_, {});
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(first->new_items, 3u);
  EXPECT_EQ(first->compared, 3u);
  ASSERT_EQ(first->run.suggestions.size(), 1u);
  const Suggestion& s = first->run.suggestions[0];
  EXPECT_EQ(s.kind, FindingKind::kSamePlace);
  EXPECT_EQ(s.item_a, 1);
  EXPECT_EQ(s.item_b, 2);
  EXPECT_GT(s.score, 0.4);
  EXPECT_NE(s.evidence.find("\"inliers\""), std::string::npos);
  // The matched points a person checks (and the report draws), in 0..1 picture coordinates.
  const nlohmann::json evidence = nlohmann::json::parse(s.evidence);
  EXPECT_EQ(evidence["mirrored"], false);  // neither view is flipped left to right
  ASSERT_TRUE(evidence["points"].is_array());
  EXPECT_GE(evidence["points"].size(), 15u);
  for (const auto& p : evidence["points"]) {
    ASSERT_EQ(p.size(), 4u);
    for (const auto& v : p) {
      EXPECT_GE(v.get<double>(), 0.0);
      EXPECT_LE(v.get<double>(), 1.0);
    }
  }
  ASSERT_TRUE(RecordRun(*case_, who_, first->run).ok());

  EXPECT_EQ(first->extracted, 3u);
  EXPECT_EQ(first->reused, 0u);

  auto again = FindSamePlaces(*case_, who_, {});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->compared, 0u);
  EXPECT_TRUE(again->run.suggestions.empty());

  // A third view of the place: only it is decoded; the others' stored features are compared
  // with it, and it matches both views of the place.
  const cv::Mat place = sy::Texture(1200, 900, 31);
  Write("view_c.jpg", sy::View(place, sy::Motion(place.size(), -8, 1.1, 0), cv::Size(800, 600)));
  auto third = FindSamePlaces(*case_, who_, {});
  ASSERT_TRUE(third.ok()) << third.status().message();
  EXPECT_FALSE(third->failed);
  EXPECT_EQ(third->extracted, 1u);
  EXPECT_EQ(third->reused, 3u);
  EXPECT_EQ(third->compared, 3u);
  ASSERT_EQ(third->run.suggestions.size(), 2u);
  EXPECT_EQ(third->run.suggestions[0].item_a, 1);
  EXPECT_EQ(third->run.suggestions[0].item_b, 4);
  EXPECT_EQ(third->run.suggestions[1].item_a, 2);
  EXPECT_EQ(third->run.suggestions[1].item_b, 4);
}

}  // namespace
}  // namespace sightline::investigation
