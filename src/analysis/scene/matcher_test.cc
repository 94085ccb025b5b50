// Same-place matching on scenes whose truth is known by construction (synthetic.h) and on
// committed multi-view photos (tests/data/scene: OpenSfM's Lund street, BSD-2-Clause).
#include "analysis/scene/matcher.h"

#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/imgproc.hpp>

#include "analysis/scene/features.h"
#include "analysis/scene/frames.h"
#include "analysis/scene/synthetic.h"

namespace sightline::analysis::scene {
namespace {

namespace sy = synthetic;

const cv::Size kSize(800, 600);

SceneMatch Match(const cv::Mat& a, const cv::Mat& b) {
  return MatchFeatures(ExtractFeatures(a), ExtractFeatures(b));
}

cv::Mat Photo(const std::string& name) {
  auto frames = ReadSceneFrames(std::string(SIGHTLINE_TEST_DATA) + "/scene/" + name);
  EXPECT_TRUE(frames.ok()) << frames.status().message();
  return frames.ok() ? frames->front().gray : cv::Mat();
}

TEST(SceneFeaturesTest, RootSiftRowsAreUnitLengthAndCapped) {
  FeatureOptions o;
  o.max_keypoints = 300;
  const SceneFeatures f = ExtractFeatures(sy::Texture(1600, 1200, 1), o);
  EXPECT_EQ(f.keypoints.size(), 300u);
  EXPECT_EQ(f.descriptors.rows, 300);
  EXPECT_EQ(f.width, 1024);  // scaled to the long side
  EXPECT_NEAR(f.scale, 1600.0 / 1024, 1e-9);
  for (int r = 0; r < f.descriptors.rows; r += 37) {
    EXPECT_NEAR(cv::norm(f.descriptors.row(r)), 1.0, 1e-3);
    double mn, mx;
    cv::minMaxLoc(f.descriptors.row(r), &mn, &mx);
    EXPECT_GE(mn, 0.0);
  }
}

TEST(SceneFeaturesTest, NoTextureAndTinyPicturesGiveNoFeatures) {
  EXPECT_TRUE(ExtractFeatures(cv::Mat(600, 800, CV_8UC1, cv::Scalar(0))).keypoints.empty());
  cv::Mat sky(600, 800, CV_8UC1);
  for (int y = 0; y < sky.rows; ++y) sky.row(y).setTo(cv::Scalar(120 + y / 10));
  EXPECT_TRUE(ExtractFeatures(sky).keypoints.empty());
  EXPECT_TRUE(ExtractFeatures(sy::Texture(8, 8, 3)).keypoints.empty());
  EXPECT_TRUE(ExtractFeatures(cv::Mat()).keypoints.empty());
}

TEST(SceneMatcherTest, SameSceneUnderRotationScaleTiltAndExposureMatchesByHomography) {
  const cv::Mat scene = sy::Texture(800, 600, 1);
  const SceneMatch m =
      Match(scene, sy::View(scene, sy::Motion(kSize, 12, 0.8, 0.0003), kSize, 0.6, 40));
  EXPECT_TRUE(m.match) << m.reason;
  EXPECT_EQ(m.model, SceneModel::kHomography);
  EXPECT_GT(m.inliers, 200);
  EXPECT_GT(m.score, 0.9);
  ASSERT_EQ(m.pairs.size(), static_cast<size_t>(m.inliers));
  // The evidence agrees with the map that made the view (normalised coordinates).
  EXPECT_GT(sy::PairsFollowing(m.pairs, sy::Motion(kSize, 12, 0.8, 0.0003), kSize, 4),
            m.inliers * 9 / 10);
}

TEST(SceneMatcherTest, ZoomedCropMatchesAndCoverageShowsTheZoom) {
  const cv::Mat scene = sy::Texture(800, 600, 1);
  const SceneMatch m = Match(scene, sy::View(scene, sy::Motion(kSize, 0, 2.0, 0), kSize));
  EXPECT_TRUE(m.match) << m.reason;
  EXPECT_LT(m.hull_a, 0.3);  // a quarter of A is seen in B
  EXPECT_GT(m.hull_b, 0.7);
}

TEST(SceneMatcherTest, ThreeDimensionalCornerFromTwoViewpointsMatchesByFundamentalMatrix) {
  const cv::Mat left = sy::Texture(800, 600, 11), right = sy::Texture(800, 600, 12);
  const SceneMatch m = Match(sy::Corner(left, right, -15), sy::Corner(left, right, 15));
  EXPECT_TRUE(m.match) << m.reason;
  EXPECT_EQ(m.model, SceneModel::kFundamental) << m.reason;
}

// A wide-angle lens's barrel distortion (the one-parameter division model, Fitzgibbon 2001,
// "Simultaneous linear estimation of multiple view geometry and lens distortion"): the pixel at
// normalised radius r shows the scene at radius r / (1 - k r^2), scaled so that the picture
// keeps most of the scene.
cv::Mat Barrel(const cv::Mat& src, double k) {
  cv::Mat map_x(src.size(), CV_32F), map_y(src.size(), CV_32F);
  const double cx = src.cols / 2.0, cy = src.rows / 2.0, norm = std::hypot(cx, cy);
  const double fit = 1 - k;  // the corners (r = 1) show the source's corners
  for (int y = 0; y < src.rows; ++y)
    for (int x = 0; x < src.cols; ++x) {
      const double dx = (x - cx) / norm, dy = (y - cy) / norm;
      const double f = fit / (1 - k * (dx * dx + dy * dy));
      map_x.at<float>(y, x) = static_cast<float>(cx + dx * f * norm);
      map_y.at<float>(y, x) = static_cast<float>(cy + dy * f * norm);
    }
  cv::Mat out;
  cv::remap(src, out, map_x, map_y, cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(128));
  return out;
}

TEST(SceneMatcherTest, WideAngleLensDistortionStillMatches) {
  // Straight lines bow (edges squeezed by a third) in one picture only: no single homography
  // holds over the whole picture, yet the place must be found.
  const cv::Mat scene = sy::Texture(800, 600, 21);
  const cv::Mat wide = Barrel(sy::View(scene, sy::Motion(kSize, 6, 0.9, 0.0002), kSize), 0.35);
  const SceneMatch m = Match(scene, wide);
  EXPECT_TRUE(m.match) << m.reason;
  EXPECT_GE(m.inliers, 40);
  EXPECT_FALSE(Match(sy::Texture(800, 600, 22), wide).match);
}

TEST(SceneMatcherTest, DifferentPlacesDoNotMatch) {
  const SceneMatch m = Match(sy::Texture(800, 600, 1), sy::Texture(800, 600, 2));
  EXPECT_FALSE(m.match) << m.reason;
  EXPECT_LT(m.score, 0.5);
}

TEST(SceneMatcherTest, LookAlikeFacadesWithTheSameWindowsDoNotMatch) {
  // Two places whose fronts carry the same grid of identical windows: the windows fail the ratio
  // test (each has twins), and the walls around them differ.
  const cv::Mat a = sy::Facade(sy::Texture(800, 600, 1), 77);
  const cv::Mat b = sy::Facade(sy::Texture(800, 600, 2), 77);
  const SceneMatch m = Match(a, sy::View(b, sy::Motion(kSize, 3, 0.95, 0.0001), kSize));
  EXPECT_FALSE(m.match) << m.reason;
  // ...while one facade seen again does match.
  EXPECT_TRUE(Match(a, sy::View(a, sy::Motion(kSize, 3, 0.95, 0.0001), kSize)).match);
}

TEST(SceneMatcherTest, ASharedSignAloneIsNotThePlace) {
  // The same poster pasted on two different walls: many inliers, all on one small patch.
  const cv::Mat poster = sy::Texture(200, 150, 99);
  cv::Mat a = sy::Texture(800, 600, 1), b = sy::Texture(800, 600, 2);
  poster.copyTo(a(cv::Rect(80, 90, 200, 150)));
  poster.copyTo(b(cv::Rect(480, 380, 200, 150)));
  const SceneMatch m = Match(a, b);
  EXPECT_FALSE(m.match) << m.reason;
  EXPECT_LT(std::max(m.hull_a, m.hull_b), 0.08) << m.reason;
}

TEST(SceneMatcherTest, FeaturelessPicturesGiveAClearNoMatch) {
  const SceneMatch m = Match(cv::Mat(600, 800, CV_8UC1, cv::Scalar(0)), sy::Texture(800, 600, 1));
  EXPECT_FALSE(m.match);
  EXPECT_EQ(m.model, SceneModel::kNone);
  EXPECT_NE(m.reason.find("too few features"), std::string::npos) << m.reason;
}

TEST(SceneMatcherTest, NeighbouringStreetViewsMatchAndDistantOnesDoNot) {
  // OpenSfM's Lund sequence: views 01, 02 and 03 a few metres apart look down one street;
  // view 20 is 100 m further on.
  const cv::Mat v1 = Photo("lund_01.jpg"), v2 = Photo("lund_02.jpg"), v3 = Photo("lund_03.jpg");
  const cv::Mat v20 = Photo("lund_20.jpg");
  EXPECT_TRUE(Match(v1, v2).match);
  EXPECT_TRUE(Match(v2, v3).match);
  EXPECT_FALSE(Match(v1, v20).match);
}

TEST(SceneMatcherTest, DeterministicResults) {
  const cv::Mat a = sy::Texture(640, 480, 5);
  const cv::Mat b = sy::View(a, sy::Motion(cv::Size(640, 480), 20, 0.7, 0.0004), {640, 480});
  const SceneMatch m1 = Match(a, b), m2 = Match(a, b);
  EXPECT_EQ(m1.inliers, m2.inliers);
  EXPECT_EQ(m1.score, m2.score);
}

TEST(SceneMatcherTest, ShortlistCountRanksTheTrueFramePairFirst) {
  const cv::Mat a = sy::Texture(640, 480, 5);
  const SceneFeatures fa = ExtractFeatures(a);
  const SceneFeatures same =
      ExtractFeatures(sy::View(a, sy::Motion(cv::Size(640, 480), 5, 0.9, 0), {640, 480}));
  const SceneFeatures other = ExtractFeatures(sy::Texture(640, 480, 6));
  EXPECT_GT(CountTentativeMatches(fa, same, 300), 3 * CountTentativeMatches(fa, other, 300) + 10);
}

TEST(SceneCorrespondencesTest, MergeDropsRepeatsAndRefusesOtherSizes) {
  Correspondences to;
  to.a_width = to.b_width = 800;
  to.a_height = to.b_height = 600;
  to.a = {{10, 10}, {100, 100}};
  to.b = {{20, 20}, {200, 200}};
  Correspondences more = to;
  more.a = {{11, 10}, {300, 300}, {400, 400}};  // a repeat of the first, a new one, and one
  more.b = {{21, 21}, {310, 310}, {200, 201}};  // whose B end is taken already
  MergeCorrespondences(to, more);
  ASSERT_EQ(to.a.size(), 3u);
  EXPECT_EQ(to.a[2], cv::Point2f(300, 300));
  EXPECT_EQ(to.b[2], cv::Point2f(310, 310));
  Correspondences other_size = more;
  other_size.b_width = 640;
  MergeCorrespondences(to, other_size);
  EXPECT_EQ(to.a.size(), 3u);
}

// Frame k of a fixed camera sees the scene only through one small window (the rest is blank):
// like moving people lit at different moments, each frame pair alone shows one small patch.
cv::Mat Window(const cv::Mat& scene, int k) {
  cv::Mat out(scene.size(), CV_8UC1, cv::Scalar(128));
  const cv::Rect r((k % 2) * 560 + 40, (k / 2) * 380 + 40, 200, 140);
  scene(r).copyTo(out(r));
  return out;
}

TEST(SceneCorrespondencesTest, MergedFramePairsOfFixedCamerasMatchWhereEachAloneIsAPatch) {
  const cv::Mat scene = sy::Texture(800, 600, 7);
  const cv::Matx33d h = sy::Motion(kSize, 8, 0.9, 0.0002);
  Correspondences merged;
  for (int k = 0; k < 4; ++k) {
    const SceneFeatures fa = ExtractFeatures(Window(scene, k));
    const SceneFeatures fb = ExtractFeatures(sy::View(Window(scene, k), h, kSize));
    const SceneMatch alone = MatchFeatures(fa, fb);
    EXPECT_FALSE(alone.match) << alone.reason;  // one patch: the shared-sign gate
    MergeCorrespondences(merged, TentativeCorrespondences(fa, fb));
  }
  const SceneMatch m = MatchCorrespondences(merged);
  EXPECT_TRUE(m.match) << m.reason;
  EXPECT_GT(m.hull_a, 0.3);
  // Different places seen through the same windows still do not match.
  const cv::Mat other = sy::Texture(800, 600, 8);
  Correspondences wrong;
  for (int k = 0; k < 4; ++k)
    MergeCorrespondences(
        wrong, TentativeCorrespondences(ExtractFeatures(Window(scene, k)),
                                        ExtractFeatures(sy::View(Window(other, k), h, kSize))));
  EXPECT_FALSE(MatchCorrespondences(wrong).match);
}

TEST(SceneMatcherTest, ToleranceScaleFollowsThePicturesSize) {
  EXPECT_DOUBLE_EQ(ToleranceScale(1024, 1024), 1.0);
  EXPECT_DOUBLE_EQ(ToleranceScale(1024, 640), 1.0);  // by the larger, as before
  EXPECT_DOUBLE_EQ(ToleranceScale(512, 400), 0.5);   // down to half
  EXPECT_DOUBLE_EQ(ToleranceScale(100, 100), 0.5);
  // Two full-HD frames: proportionally larger, by the smaller picture, up to twice.
  EXPECT_DOUBLE_EQ(ToleranceScale(1920, 1920), 1920 / 1024.0);
  EXPECT_DOUBLE_EQ(ToleranceScale(1920, 1536), 1.5);
  EXPECT_DOUBLE_EQ(ToleranceScale(4000, 4000), 2.0);
  // A photo at 1024 against a full-HD frame keeps the photo's tolerances.
  EXPECT_DOUBLE_EQ(ToleranceScale(1024, 1920), 1.0);
  EXPECT_DOUBLE_EQ(ToleranceScale(1920, 768), 1.0);
}

}  // namespace
}  // namespace sightline::analysis::scene
