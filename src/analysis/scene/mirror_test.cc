// Mirrored pictures (mirror.h): features derived for the flipped picture must be those SIFT finds
// on it, and a flipped repost of a place must match with its evidence in its own pixels.
#include "analysis/scene/mirror.h"

#include <gtest/gtest.h>

#include <cmath>

#include "analysis/scene/compare.h"
#include "analysis/scene/frames.h"
#include "analysis/scene/synthetic.h"

namespace sightline::analysis::scene {
namespace {

namespace sy = synthetic;

cv::Mat Flipped(const cv::Mat& gray) {
  cv::Mat out;
  cv::flip(gray, out, 1);
  return out;
}

FileFeatures Photo(const cv::Mat& gray) {
  FileFeatures f;
  f.still = true;
  f.frames.push_back({0, true, gray});
  f.features.push_back(ExtractFeatures(gray));
  return f;
}

// For each keypoint of `derived`, the keypoint of `truth` at the same place, size and
// orientation; how many were found and how far their descriptors lie apart on average.
struct Agreement {
  int found = 0;
  double mean_distance = 0;
};
Agreement Compare(const SceneFeatures& derived, const SceneFeatures& truth) {
  Agreement out;
  double sum = 0;
  for (size_t i = 0; i < derived.keypoints.size(); ++i) {
    const Keypoint& k = derived.keypoints[i];
    for (size_t j = 0; j < truth.keypoints.size(); ++j) {
      const Keypoint& t = truth.keypoints[j];
      const double turn = std::abs(std::remainder(k.angle - t.angle, 360.0));
      if (std::hypot(k.x - t.x, k.y - t.y) < 0.5 && std::abs(k.size - t.size) < 0.05 * t.size &&
          turn < 3) {
        ++out.found;
        sum += cv::norm(derived.descriptors.row(static_cast<int>(i)),
                        truth.descriptors.row(static_cast<int>(j)));
        break;
      }
    }
  }
  if (out.found > 0) out.mean_distance = sum / out.found;
  return out;
}

TEST(SceneMirror, DerivedFeaturesAreThoseOfTheFlippedPicture) {
  const cv::Mat picture = sy::Texture(800, 600, 41);
  const SceneFeatures own = ExtractFeatures(picture);
  const SceneFeatures truth = ExtractFeatures(Flipped(picture));
  ASSERT_GT(own.keypoints.size(), 500u);
  const Agreement derived = Compare(MirrorFeatures(own), truth);
  EXPECT_GT(derived.found, static_cast<int>(own.keypoints.size()) * 7 / 10);
  EXPECT_LT(derived.mean_distance, 0.1);  // RootSIFT rows have unit length
  // The keypoints moved but the descriptors left as they were: far apart.
  SceneFeatures moved_only = MirrorFeatures(own);
  moved_only.descriptors = own.descriptors.clone();
  EXPECT_GT(Compare(moved_only, truth).mean_distance, 0.5);
  // Flipping twice gives the features back.
  const SceneFeatures twice = MirrorFeatures(MirrorFeatures(own));
  EXPECT_EQ(cv::norm(twice.descriptors, own.descriptors, cv::NORM_INF), 0);
  EXPECT_NEAR(twice.keypoints[7].x, own.keypoints[7].x, 1e-3);
  EXPECT_NEAR(twice.keypoints[7].angle, own.keypoints[7].angle, 1e-3);
}

cv::Mat Street(const std::string& name) {
  auto frames = ReadSceneFrames(std::string(SIGHTLINE_TEST_DATA) + "/scene/" + name);
  EXPECT_TRUE(frames.ok()) << frames.status().message();
  return frames.ok() ? frames->front().gray : cv::Mat(480, 640, CV_8UC1, cv::Scalar(0));
}

TEST(SceneMirror, AFlippedViewOfThePlaceMatchesWithEvidenceInItsOwnPixels) {
  // A street view (tests/data/scene), and the same street turned, zoomed and flipped. Real
  // pictures: synthetic textures are made of symmetric shapes, which match flipped anyway.
  const cv::Mat street = Street("lund_01.jpg");
  const cv::Size size = street.size();
  const cv::Matx33d h = sy::Motion(size, 6, 0.9, 0.0002);
  const FileFeatures a = Photo(street);
  const FileFeatures b = Photo(Flipped(sy::View(street, h, size, 0.85, 15)));
  CompareOptions plain;
  plain.mirror = false;
  const cv::Mat b_before = b.frames[0].gray.clone();
  const FileComparison as_is = CompareFeatures(a, b, plain);
  const FileComparison c = CompareFeatures(a, b);
  // B's own picture is left as it was (the flipped test works on a flipped copy): callers draw
  // it, and other threads compare it at the same time.
  EXPECT_EQ(cv::norm(b.frames[0].gray, b_before, cv::NORM_INF), 0);
  // As it is, only its left-right symmetric detail can match; when that is enough for a match,
  // the evidence runs the other way round, and the reason says so.
  EXPECT_LT(as_is.match.inliers * 2, c.match.inliers);
  EXPECT_FALSE(as_is.mirrored);
  if (as_is.match.match) {
    EXPECT_NE(as_is.match.reason.find("other way round"), std::string::npos) << as_is.match.reason;
  }
  ASSERT_TRUE(c.match.match) << c.match.reason;
  EXPECT_TRUE(c.mirrored);
  EXPECT_NE(c.match.reason.find("mirrored"), std::string::npos) << c.match.reason;
  ASSERT_EQ(c.match.model, SceneModel::kHomography);
  // The evidence lies where the place is in B as it is (flipped after the motion).
  const cv::Matx33d flip(-1, 0, size.width - 1, 0, 1, 0, 0, 0, 1);
  EXPECT_GE(sy::PairsFollowing(c.match.pairs, flip * h, size, 4), c.match.inliers * 9 / 10);
  // And so does the fitted homography.
  const cv::Matx33d fitted(reinterpret_cast<const double*>(c.match.geometry.ptr()));
  const cv::Vec3d middle(size.width / 2.0, size.height / 2.0, 1);
  const cv::Vec3d got = fitted * middle, truth = flip * h * middle;
  EXPECT_NEAR(got[0] / got[2], truth[0] / truth[2], 3);
  EXPECT_NEAR(got[1] / got[2], truth[1] / truth[2], 3);
}

TEST(SceneMirror, AFlippedNeighbouringViewMatchesAndADistantOneDoesNot) {
  const FileFeatures v1 = Photo(Street("lund_01.jpg"));
  const FileComparison near = CompareFeatures(v1, Photo(Flipped(Street("lund_02.jpg"))));
  EXPECT_TRUE(near.match.match) << near.match.reason;
  EXPECT_TRUE(near.mirrored) << near.match.reason << " " << near.match.inliers;
  // Not flipped, the pair matches as it is and is not called mirrored.
  const FileComparison as_is = CompareFeatures(v1, Photo(Street("lund_02.jpg")));
  EXPECT_TRUE(as_is.match.match);
  EXPECT_FALSE(as_is.mirrored);
  const FileComparison far = CompareFeatures(v1, Photo(Flipped(Street("lund_20.jpg"))));
  EXPECT_FALSE(far.match.match) << far.match.reason;
}

TEST(SceneMirror, AFlippedCornerKeepsItsEpipolarGeometryInBsOwnPixels) {
  const cv::Mat left = sy::Texture(800, 600, 43), right = sy::Texture(800, 600, 44);
  const FileFeatures a = Photo(sy::Corner(left, right, -8));
  const FileFeatures b = Photo(Flipped(sy::Corner(left, right, 8)));
  const FileComparison c = CompareFeatures(a, b);
  ASSERT_TRUE(c.match.match) << c.match.reason;
  EXPECT_TRUE(c.mirrored);
  ASSERT_EQ(c.match.model, SceneModel::kFundamental);
  const cv::Mat& f = c.match.geometry;
  int near_line = 0;
  for (const PointPair& p : c.match.pairs) {
    const cv::Mat xa = (cv::Mat_<double>(3, 1) << p.ax * 800, p.ay * 600, 1);
    const cv::Mat xb = (cv::Mat_<double>(3, 1) << p.bx * 800, p.by * 600, 1);
    const cv::Mat line = f * xa;
    const double distance =
        std::abs(xb.dot(line)) / std::hypot(line.at<double>(0), line.at<double>(1));
    if (distance < 3) ++near_line;
  }
  EXPECT_GE(near_line, c.match.inliers * 9 / 10);
}

TEST(SceneMirror, AGuidedMatchThatDoesNotBeatBsMirrorImageIsRefused) {
  // The street and the next view flipped: a street that does not exist but looks like this one.
  // Guided matching takes it for the street (each house matched to the one across the street);
  // the street itself, B flipped back, fits with far more, so the look-alike is refused.
  const FileFeatures v1 = Photo(Street("lund_01.jpg"));
  const FileFeatures look_alike = Photo(Flipped(Street("lund_02.jpg")));
  CompareOptions unchecked;
  unchecked.mirror = false;
  unchecked.guided_beats_mirror = false;
  const FileComparison taken = CompareFeatures(v1, look_alike, unchecked);
  ASSERT_TRUE(taken.match.match && taken.guided) << taken.match.reason;
  EXPECT_FALSE(LooksMirrored(taken.match));  // not the true, reversed correspondences
  CompareOptions checked = unchecked;
  checked.guided_beats_mirror = true;
  const FileComparison refused = CompareFeatures(v1, look_alike, checked);
  EXPECT_FALSE(refused.match.match);
  EXPECT_GE(refused.mirror_inliers, taken.match.inliers);
  EXPECT_NE(refused.match.reason.find("mirror image"), std::string::npos) << refused.match.reason;
}

TEST(SceneMirror, DifferentPlacesStayApartEitherWayRound) {
  for (std::uint64_t seed : {51, 52, 53}) {
    const FileComparison c = CompareFeatures(Photo(sy::Texture(800, 600, seed)),
                                             Photo(sy::Texture(800, 600, seed + 100)));
    EXPECT_FALSE(c.match.match) << c.match.reason;
    EXPECT_LT(c.mirror_inliers, MatchOptions{}.min_inliers_homography);
  }
}

}  // namespace
}  // namespace sightline::analysis::scene
