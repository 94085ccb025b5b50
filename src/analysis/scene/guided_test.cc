// Guided matching (guided.h) on generated scenes whose geometry is known by construction: a wall
// of repeated tiles, where the global ratio test loses nearly every point, gives them back once a
// model says where to look; a weak fit on a 3D corner grows into a match; different places
// searched along the lines of a made-up model stay far below the guided gate; the pose check
// drops chance pairs; a plane and its parallax give the epipolar geometry
// (PlaneParallaxFundamental), and a shared poster's plane given any epipole guides no match.
#include "analysis/scene/guided.h"

#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/calib3d.hpp>

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

// Walking 12 m down a street, turned 3 degrees: the far end of the street (a wall 100 m ahead)
// and the houses at the sides (20-60 m), seen by one camera (f = 800 px, 1024 x 768).
struct ForwardStep {
  cv::Matx33d k{800, 0, 512, 0, 800, 384, 0, 0, 1};
  cv::Matx33d r;
  cv::Vec3d centre{1.0, 0.2, 12.0};
  ForwardStep() {
    const double a = 3 * CV_PI / 180;
    r = cv::Matx33d(std::cos(a), 0, std::sin(a), 0, 1, 0, -std::sin(a), 0, std::cos(a));
  }
  // The point X (first camera's coordinates) in each picture; false when outside either.
  bool Project(const cv::Vec3d& x, cv::Point2f* a, cv::Point2f* b) const {
    const cv::Vec3d pa = k * x, pb = k * (r * (x - centre));
    if (pa[2] <= 0 || pb[2] <= 0) return false;
    *a = cv::Point2f(pa[0] / pa[2], pa[1] / pa[2]);
    *b = cv::Point2f(pb[0] / pb[2], pb[1] / pb[2]);
    auto inside = [](cv::Point2f p) { return p.x >= 0 && p.x < 1024 && p.y >= 0 && p.y < 768; };
    return inside(*a) && inside(*b);
  }
  // Where the first camera's centre is seen from the second: the epipole in B.
  cv::Point2d Epipole() const {
    const cv::Vec3d e = k * (r * (-centre));
    return {e[0] / e[2], e[1] / e[2]};
  }
};

TEST(GuidedMatchingTest, APlaneAndItsParallaxGiveTheEpipolarGeometry) {
  const ForwardStep step;
  cv::RNG rng(5);
  Correspondences c;
  c.a_width = c.b_width = 1024;
  c.a_height = c.b_height = 768;
  std::vector<cv::Point2f> plane_a, plane_b;
  cv::Point2f pa, pb;
  while (plane_a.size() < 25) {
    if (!step.Project({rng.uniform(-15.0, 15.0), rng.uniform(-8.0, 4.0), 100}, &pa, &pb)) continue;
    plane_a.push_back(pa);
    plane_b.push_back(pb);
    c.a.push_back(pa);
    c.b.push_back(pb);
  }
  const cv::Mat h = cv::findHomography(plane_a, plane_b, 0);
  ASSERT_FALSE(h.empty());
  // Points on the plane alone leave the epipole undetermined: no answer.
  EXPECT_TRUE(PlaneParallaxFundamental(c, h, 10, 4, 4).empty());
  // Houses at both sides, and as many mismatches.
  std::vector<std::pair<cv::Point2f, cv::Point2f>> houses;
  while (houses.size() < 12) {
    const double side = houses.size() % 2 ? -1 : 1;
    if (!step.Project(
            {side * rng.uniform(5.0, 15.0), rng.uniform(-6.0, 2.0), rng.uniform(20.0, 60.0)}, &pa,
            &pb))
      continue;
    houses.push_back({pa, pb});
    c.a.push_back(pa);
    c.b.push_back(pb);
  }
  for (int k = 0; k < 12; ++k) {
    c.a.push_back(cv::Point2f(rng.uniform(0.f, 1024.f), rng.uniform(0.f, 768.f)));
    c.b.push_back(cv::Point2f(rng.uniform(0.f, 1024.f), rng.uniform(0.f, 768.f)));
  }
  const cv::Mat f = PlaneParallaxFundamental(c, h, 10, 4, 4);
  ASSERT_FALSE(f.empty());
  const cv::Matx33d fm(f.ptr<double>());
  // Every house lies on its epipolar line, and the epipole is where the camera came from.
  for (const auto& [a, b] : houses) {
    const cv::Vec3d line = fm * cv::Vec3d(a.x, a.y, 1);
    EXPECT_LT(std::abs(line.dot(cv::Vec3d(b.x, b.y, 1))) / std::hypot(line[0], line[1]), 1.0);
  }
  cv::Mat w, u, vt;
  cv::SVDecomp(f.t(), w, u, vt);  // the epipole in B: F' e' = 0
  const cv::Vec3d e(vt.at<double>(2, 0), vt.at<double>(2, 1), vt.at<double>(2, 2));
  EXPECT_LT(cv::norm(cv::Point2d(e[0] / e[2], e[1] / e[2]) - step.Epipole()), 2.0);
}

TEST(GuidedMatchingTest, ASharedSignsPlaneWithAnyEpipoleGuidesNoMatch) {
  // The same poster on two different walls: its homography, given any epipole, is an epipolar
  // geometry that the poster satisfies; what else the guided search finds along its lines must
  // stay below the gate, and the poster alone is one patch.
  const cv::Mat poster = sy::Texture(200, 150, 99);
  cv::Mat wall_a = sy::Texture(800, 600, 1), wall_b = sy::Texture(800, 600, 2);
  poster.copyTo(wall_a(cv::Rect(80, 90, 200, 150)));
  poster.copyTo(wall_b(cv::Rect(480, 380, 200, 150)));
  const SceneFeatures fa = ExtractFeatures(wall_a), fb = ExtractFeatures(wall_b);
  const SceneMatch sign = MatchFeatures(fa, fb);
  ASSERT_FALSE(sign.match);
  ASSERT_EQ(sign.model, SceneModel::kHomography) << sign.reason;
  const cv::Matx33d h(sign.geometry.ptr<double>());
  MatchOptions gated;
  gated.min_inliers_homography = gated.min_inliers_fundamental = gated.min_inliers_guided;
  for (const cv::Vec3d& e : {cv::Vec3d(400, 300, 1), cv::Vec3d(0, 300, 1), cv::Vec3d(580, 455, 1),
                             cv::Vec3d(1, 0, 0), cv::Vec3d(0, 1, 0), cv::Vec3d(1, 1, 0)}) {
    const cv::Matx33d ex(0, -e[2], e[1], e[2], 0, -e[0], -e[1], e[0], 0);
    const Correspondences guided =
        GuidedCorrespondences(fa, fb, SceneModel::kFundamental, cv::Mat(ex * h), gated);
    const SceneMatch m = MatchCorrespondences(guided, gated);
    EXPECT_FALSE(m.match) << e << ": " << m.reason;
  }
  // The whole comparison, with every stage: no match.
  FileFeatures a, b;
  a.still = b.still = true;
  a.features.push_back(fa);
  b.features.push_back(fb);
  const FileComparison c = CompareFeatures(a, b);
  EXPECT_FALSE(c.match.match) << c.match.reason;
}

}  // namespace
}  // namespace sightline::analysis::scene
