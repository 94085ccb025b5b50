// Wide-baseline matching with affine-simulated views (affine.h) on generated scenes: a textured
// plane seen under a strong tilt matches only once the tilt is simulated; different textures
// under the same tilts still do not match.
#include "analysis/scene/affine.h"

#include <gtest/gtest.h>

#include <cmath>

#include "analysis/scene/matcher.h"
#include "analysis/scene/synthetic.h"

namespace sightline::analysis::scene {
namespace {

namespace sy = synthetic;

const cv::Size kSize(800, 600);

// An affine map that squeezes the picture by `tilt` along the direction `degrees` from x (a
// plane seen about acos(1/tilt) from face-on), turned by `turn` degrees, about the centre.
cv::Matx33d Tilt(double tilt, double degrees, double turn) {
  const double a = degrees * CV_PI / 180, b = turn * CV_PI / 180;
  const cv::Matx33d r1(std::cos(a), std::sin(a), 0, -std::sin(a), std::cos(a), 0, 0, 0, 1);
  const cv::Matx33d squeeze(1 / tilt, 0, 0, 0, 1, 0, 0, 0, 1);
  const cv::Matx33d r2(std::cos(b), -std::sin(b), 0, std::sin(b), std::cos(b), 0, 0, 0, 1);
  const cv::Matx33d to_origin(1, 0, -kSize.width / 2.0, 0, 1, -kSize.height / 2.0, 0, 0, 1);
  const cv::Matx33d back(1, 0, kSize.width / 2.0, 0, 1, kSize.height / 2.0, 0, 0, 1);
  // Squeezed about the centre, then scaled up 1.6x so that the view is mostly filled.
  const cv::Matx33d grow(1.6, 0, 0, 0, 1.6, 0, 0, 0, 1);
  return back * grow * r2 * squeeze * r1 * to_origin;
}

SceneFeatures Pooled(const cv::Mat& gray) {
  return PoolFeatures(ExtractFeatures(gray), ExtractAffineFeatures(gray, {}),
                      AffineOptions{}.base_keypoints);
}

TEST(AffineViewsTest, ViewsAreCountedAndMappedIntoTheBasePicture) {
  const AffineOptions o;
  EXPECT_EQ(AffineViewCount(o), 4 + 5);  // tilt sqrt 2: 0, 51, 102, 153; tilt 2: every 36
  const cv::Mat scene = sy::Texture(1600, 1200, 3);
  const SceneFeatures base = ExtractFeatures(scene);
  const SceneFeatures views = ExtractAffineFeatures(scene, {});
  EXPECT_EQ(views.width, base.width);
  EXPECT_EQ(views.height, base.height);
  EXPECT_DOUBLE_EQ(views.scale, base.scale);
  ASSERT_GT(views.keypoints.size(), 1000u);
  EXPECT_LE(views.keypoints.size(), 9u * o.keypoints_per_view + 9u * 8);
  EXPECT_EQ(views.descriptors.rows, static_cast<int>(views.keypoints.size()));
  int max_view = 0;
  for (const Keypoint& k : views.keypoints) {
    EXPECT_GE(k.x, 0);
    EXPECT_GE(k.y, 0);
    EXPECT_LT(k.x, base.width);
    EXPECT_LT(k.y, base.height);
    EXPECT_GE(k.view, 1);
    max_view = std::max(max_view, k.view);
  }
  EXPECT_EQ(max_view, 9);
  const SceneFeatures pooled = PoolFeatures(base, views);
  EXPECT_EQ(pooled.keypoints.size(), base.keypoints.size() + views.keypoints.size());
  EXPECT_EQ(pooled.descriptors.rows, static_cast<int>(pooled.keypoints.size()));
  // With a cap on the base keypoints, the strongest are kept, descriptors in step.
  const SceneFeatures capped = PoolFeatures(base, views, 100);
  ASSERT_EQ(capped.keypoints.size(), 100 + views.keypoints.size());
  EXPECT_EQ(capped.descriptors.rows, static_cast<int>(capped.keypoints.size()));
  float weakest_kept = 1e9f;
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(capped.keypoints[i].view, 0);
    weakest_kept = std::min(weakest_kept, capped.keypoints[i].response);
  }
  int stronger = 0;
  for (const Keypoint& k : base.keypoints) stronger += k.response > weakest_kept;
  EXPECT_LE(stronger, 99);
  EXPECT_EQ(cv::norm(capped.descriptors.row(100), views.descriptors.row(0)), 0.0);
}

TEST(AffineViewsTest, KeypointsOfAViewLandWhereTheBasePictureHasThem) {
  // A point found in a simulated view must map back onto the same detail of the picture: many
  // view keypoints have a base keypoint within a few pixels.
  const cv::Mat scene = sy::Texture(1024, 768, 4);
  const SceneFeatures base = ExtractFeatures(scene);
  const SceneFeatures views = ExtractAffineFeatures(scene, {});
  int near = 0;
  for (const Keypoint& v : views.keypoints) {
    for (const Keypoint& k : base.keypoints) {
      if (std::hypot(v.x - k.x, v.y - k.y) < 4) {
        ++near;
        break;
      }
    }
  }
  EXPECT_GT(near, static_cast<int>(views.keypoints.size()) / 3);
}

TEST(AffineViewsTest, StronglyTiltedPlaneMatchesWithSimulatedViews) {
  // Seen 75 degrees from face-on (tilt 4) in a direction 30 degrees from the picture's axes.
  const cv::Mat scene = sy::Texture(800, 600, 21);
  const cv::Mat oblique = sy::View(scene, Tilt(4, 30, 10), kSize, 0.8, 20);
  const SceneMatch plain = MatchFeatures(ExtractFeatures(scene), ExtractFeatures(oblique));
  const SceneMatch wide = MatchFeatures(Pooled(scene), Pooled(oblique));
  EXPECT_TRUE(wide.match) << wide.reason;
  EXPECT_EQ(wide.model, SceneModel::kHomography) << wide.reason;
  EXPECT_GT(wide.inliers, 2 * plain.inliers + 10) << plain.reason << " / " << wide.reason;
  // The evidence agrees with the map that made the view.
  EXPECT_GT(sy::PairsFollowing(wide.pairs, Tilt(4, 30, 10), kSize, 8), wide.inliers * 9 / 10);
}

TEST(AffineViewsTest, DifferentTexturesUnderTheSameTiltsDoNotMatch) {
  for (int seed = 0; seed < 2; ++seed) {
    const cv::Mat a = sy::Texture(800, 600, 31 + seed);
    const cv::Mat b = sy::View(sy::Texture(800, 600, 41 + seed), Tilt(3, 20 + 40 * seed, 0), kSize);
    const SceneMatch m = MatchFeatures(Pooled(a), Pooled(b));
    EXPECT_FALSE(m.match) << m.reason;
    EXPECT_LT(m.inliers, 15) << m.reason;
  }
}

TEST(AffineViewsTest, LookAlikeFacadesStillDoNotMatchWithSimulatedViews) {
  // The same grid of windows on two different walls, one seen obliquely: the windows' twins in
  // the same picture, and their copies in the other views, must not turn into evidence.
  const cv::Mat a = sy::Facade(sy::Texture(800, 600, 1), 77);
  const cv::Mat b = sy::View(sy::Facade(sy::Texture(800, 600, 2), 77), Tilt(2, 0, 0), kSize);
  const SceneMatch m = MatchFeatures(Pooled(a), Pooled(b));
  EXPECT_FALSE(m.match) << m.reason;
}

TEST(AffineViewsTest, FeaturelessAndTinyPicturesGiveNoViews) {
  EXPECT_TRUE(
      ExtractAffineFeatures(cv::Mat(600, 800, CV_8UC1, cv::Scalar(0)), {}).keypoints.empty());
  EXPECT_TRUE(ExtractAffineFeatures(sy::Texture(8, 8, 3), {}).keypoints.empty());
  EXPECT_TRUE(ExtractAffineFeatures(cv::Mat(), {}).keypoints.empty());
}

}  // namespace
}  // namespace sightline::analysis::scene
