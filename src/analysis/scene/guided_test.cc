// Guided matching (guided.h) on generated scenes whose geometry is known by construction: a wall
// of repeated tiles, where the global ratio test loses nearly every point, gives them back once a
// model says where to look; a weak fit on a 3D corner grows into a match; different places
// searched along the lines of a made-up model stay far below the guided gate; and the pose check
// drops chance pairs.
#include "analysis/scene/guided.h"

#include <gtest/gtest.h>

#include <cmath>

#include "analysis/scene/compare.h"
#include "analysis/scene/frames.h"
#include "analysis/scene/matcher.h"
#include "analysis/scene/synthetic.h"

namespace sightline::analysis::scene {
namespace {

namespace sy = synthetic;

const cv::Size kSize(800, 600);

std::vector<PointPair> Normalised(const Correspondences& c) {
  std::vector<PointPair> out;
  for (size_t i = 0; i < c.a.size(); ++i)
    out.push_back(
        {c.a[i].x / c.a_width, c.a[i].y / c.a_height, c.b[i].x / c.b_width, c.b[i].y / c.b_height});
  return out;
}

// A wall of one tile repeated (bricks, cladding, a row of identical windows): every point has
// twins, so the global ratio test rejects nearly all of them.
cv::Mat Tiled(std::uint64_t seed) {
  const cv::Mat tile = sy::Texture(160, 120, seed);
  cv::Mat wall(600, 800, CV_8UC1);
  for (int y = 0; y < 600; y += 120)
    for (int x = 0; x < 800; x += 160) tile.copyTo(wall(cv::Rect(x, y, 160, 120)));
  return wall;
}

TEST(GuidedMatchingTest, AHomographyGivesBackTheRepeatedTilesTheRatioTestLost) {
  const cv::Mat wall = Tiled(21);
  const cv::Matx33d h = sy::Motion(kSize, 6, 0.9, 0.0003);
  const SceneFeatures fa = ExtractFeatures(wall);
  const SceneFeatures fb = ExtractFeatures(sy::View(wall, h, kSize));
  const Correspondences global = TentativeCorrespondences(fa, fb);
  const Correspondences guided =
      GuidedCorrespondences(fa, fb, SceneModel::kHomography, cv::Mat(cv::Matx33d(h)));
  EXPECT_GT(guided.a.size(), 3 * global.a.size() + 50)
      << global.a.size() << " global, " << guided.a.size() << " guided";
  // Every guided correspondence lies where the homography says (within the 10 px band), and
  // carries its keypoints' turn and zoom.
  EXPECT_EQ(sy::PairsFollowing(Normalised(guided), h, kSize, 10.5),
            static_cast<int>(guided.a.size()));
  EXPECT_EQ(guided.turn.size(), guided.a.size());
  EXPECT_EQ(guided.zoom.size(), guided.a.size());
  const SceneMatch m = MatchCorrespondences(guided);
  EXPECT_TRUE(m.match) << m.reason;
  EXPECT_EQ(m.model, SceneModel::kHomography);
  EXPECT_GT(sy::PairsFollowing(m.pairs, h, kSize, 4), m.inliers * 9 / 10);
}

TEST(GuidedMatchingTest, AWeakFitOnA3DCornerGrowsIntoAMatch) {
  // A building's corner seen from 40 degrees apart: the direct test finds a fundamental matrix
  // with 9 consistent inliers, too few; guided by it, one wall comes back whole.
  const cv::Mat left = sy::Texture(800, 600, 11), right = sy::Texture(800, 600, 12);
  FileFeatures a, b;
  a.still = b.still = true;
  a.features.push_back(ExtractFeatures(sy::Corner(left, right, -20)));
  b.features.push_back(ExtractFeatures(sy::Corner(left, right, 20)));
  CompareOptions o;
  o.affine = false;
  const FileComparison c = CompareFeatures(a, b, o);
  EXPECT_TRUE(c.wide_tested);
  EXPECT_GE(c.seed_inliers, o.match.min_seed_inliers);
  EXPECT_LT(c.seed_inliers, o.match.min_inliers_fundamental);
  EXPECT_TRUE(c.match.match) << c.match.reason;
  EXPECT_TRUE(c.guided);
  EXPECT_GT(c.guided_inliers, 5 * c.seed_inliers);
  EXPECT_NE(c.match.reason.find("guided"), std::string::npos) << c.match.reason;
  // Without the guided stage the pair is not matched.
  o.guided = false;
  EXPECT_FALSE(CompareFeatures(a, b, o).match.match);
}

TEST(GuidedMatchingTest, DifferentPlacesAlongMadeUpEpipolarLinesStayFarBelowTheGate) {
  // Epipolar lines of a sideways step are the rows: every point of A may pair with any point of
  // B within 3 px of its row, the kind of chance a weak fit between two places gives.
  const cv::Mat sideways = (cv::Mat_<double>(3, 3) << 0, 0, 0, 0, 0, -1, 0, 1, 0);
  const MatchOptions o;
  for (std::uint64_t seed : {31, 32, 33}) {
    const SceneFeatures fa = ExtractFeatures(sy::Texture(800, 600, seed));
    const SceneFeatures fb = ExtractFeatures(sy::Texture(800, 600, seed + 100));
    const Correspondences guided =
        GuidedCorrespondences(fa, fb, SceneModel::kFundamental, sideways, o);
    MatchOptions gated = o;
    gated.min_inliers_homography = gated.min_inliers_fundamental = o.min_inliers_guided;
    const SceneMatch m = MatchCorrespondences(guided, gated);
    EXPECT_FALSE(m.match) << m.reason;
    EXPECT_LT(m.inliers, o.min_inliers_guided / 2) << m.reason;
  }
}

TEST(GuidedMatchingTest, NeighboursVouchForAMatchOnlyWhenTheyTurnedAndZoomedAlike) {
  // 300 correspondences that all follow one homography: with the turn and zoom a real view gives
  // (the same everywhere) they match; with keypoint orientations at random, as chance pairs
  // along a weak model's lines have, the semi-local check keeps almost none.
  const cv::Matx33d h = sy::Motion(kSize, 10, 0.9, 0.0002);
  cv::RNG rng(7);
  Correspondences c;
  c.a_width = c.b_width = kSize.width;
  c.a_height = c.b_height = kSize.height;
  for (int k = 0; k < 300; ++k) {
    const cv::Vec3d p(rng.uniform(0.0, 800.0), rng.uniform(0.0, 600.0), 1);
    const cv::Vec3d q = h * p;
    c.a.push_back(cv::Point2f(p[0], p[1]));
    c.b.push_back(cv::Point2f(q[0] / q[2], q[1] / q[2]));
  }
  Correspondences alike = c, random = c;
  for (int k = 0; k < 300; ++k) {
    alike.turn.push_back(10 + rng.uniform(-5.f, 5.f));
    alike.zoom.push_back(std::log2(0.9f) + rng.uniform(-0.2f, 0.2f));
    random.turn.push_back(rng.uniform(0.f, 360.f));
    random.zoom.push_back(rng.uniform(-3.f, 3.f));
  }
  const SceneMatch m = MatchCorrespondences(alike);
  EXPECT_TRUE(m.match) << m.reason;
  EXPECT_GT(m.inliers, 250);
  EXPECT_LT(MatchCorrespondences(random).inliers, 30);
  // Merging keeps the poses when both sides have them, and drops them otherwise.
  Correspondences merged;
  MergeCorrespondences(merged, alike);
  EXPECT_EQ(merged.turn.size(), merged.a.size());
  MergeCorrespondences(merged, TentativeCorrespondences(ExtractFeatures(sy::Texture(800, 600, 9)),
                                                        ExtractFeatures(sy::Texture(800, 600, 9))));
  EXPECT_TRUE(merged.turn.empty());
}

TEST(GuidedMatchingTest, NoModelOrAMalformedOneGivesNothing) {
  const SceneFeatures f = ExtractFeatures(sy::Texture(400, 300, 3));
  EXPECT_TRUE(GuidedCorrespondences(f, f, SceneModel::kNone, cv::Mat::eye(3, 3, CV_64F)).a.empty());
  EXPECT_TRUE(GuidedCorrespondences(f, f, SceneModel::kHomography, cv::Mat()).a.empty());
  EXPECT_TRUE(
      GuidedCorrespondences(f, f, SceneModel::kHomography, cv::Mat::eye(2, 3, CV_64F)).a.empty());
  EXPECT_TRUE(
      GuidedCorrespondences(SceneFeatures{}, f, SceneModel::kHomography, cv::Mat::eye(3, 3, CV_64F))
          .a.empty());
}

TEST(GuidedMatchingTest, PrecheckSparesUnrelatedPicturesTheWideBaselineStages) {
  // A street (tests/data/scene: OpenSfM's Lund, BSD-2-Clause) and a generated picture.
  auto street = ReadSceneFrames(std::string(SIGHTLINE_TEST_DATA) + "/scene/lund_01.jpg");
  ASSERT_TRUE(street.ok()) << street.status().message();
  FileFeatures a, b;
  a.still = b.still = true;
  a.features.push_back(ExtractFeatures(street->front().gray));
  b.features.push_back(ExtractFeatures(Tiled(42)));
  const FileComparison c = CompareFeatures(a, b);
  EXPECT_FALSE(c.match.match);
  EXPECT_LT(c.direct_tentative, CompareOptions{}.wide_min_tentative);
  EXPECT_FALSE(c.wide_tested);
  EXPECT_EQ(c.affine_tested, 0);
  EXPECT_EQ(c.seed_inliers, 0);
}

TEST(GuidedMatchingTest, DistinctPlacesCountsNearTwinsOfOneBlobOnce) {
  // Six places, each matched by a cluster of near twins (SIFT's several scales and orientations
  // of one blob), in a 1024 x 768 photo and a 1088 x 1920 full-HD frame: 18 inliers, 6 places.
  SceneMatch m;
  const cv::Size a(1024, 768), b(1088, 1920);
  for (int place = 0; place < 6; ++place) {
    const float ax = 100.f + 150 * place, ay = 100.f + 100 * place;
    const float bx = 900.f - 140 * place, by = 200.f + 280 * place;
    for (int twin = 0; twin < 3; ++twin) {
      // 4-8 px apart in the photo, 6-14 px in the frame (within 12 px at 1024, 22.5 at 1920).
      m.pairs.push_back({(ax + 4 * twin) / a.width, (ay + 2 * twin) / a.height,
                         (bx - 6 * twin) / b.width, (by + 5 * twin) / b.height});
    }
  }
  EXPECT_EQ(DistinctPlaces(m, a, b, 12.0), 6);
  // A twin close in one picture only is still the same place (a blob seen twice, or a chance
  // pair sharing one end).
  m.pairs.push_back({0.9f, 0.9f, (900.f + 10) / b.width, 205.f / b.height});
  EXPECT_EQ(DistinctPlaces(m, a, b, 12.0), 6);
  // Far apart in both pictures: another place.
  m.pairs.push_back({0.95f, 0.05f, 0.05f, 0.95f});
  EXPECT_EQ(DistinctPlaces(m, a, b, 12.0), 7);
  // With a radius of 1 px every inlier is its own place.
  EXPECT_EQ(DistinctPlaces(m, a, b, 1.0), static_cast<int>(m.pairs.size()));
  EXPECT_EQ(DistinctPlaces(SceneMatch{}, a, b, 12.0), 0);
}

}  // namespace
}  // namespace sightline::analysis::scene
