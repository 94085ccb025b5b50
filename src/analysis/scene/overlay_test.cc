// Burned-in overlays (overlay.h): a channel's banner and logos on pictures of different places
// must not make them one place, and must not hide the place when it is one.
#include "analysis/scene/overlay.h"

#include <gtest/gtest.h>

#include "analysis/scene/synthetic.h"

namespace sightline::analysis::scene {
namespace {

namespace sy = synthetic;

SceneMatch Match(const cv::Mat& a, const cv::Mat& b, const MatchOptions& o = {}) {
  return MatchFeatures(ExtractFeatures(a), ExtractFeatures(b), o);
}

TEST(SceneOverlay, TwoPlacesWithOneChannelsGraphicsAreNotOnePlace) {
  const cv::Mat a = sy::NewsOverlay(sy::Texture(800, 600, 11));
  const cv::Mat b = sy::NewsOverlay(sy::Texture(800, 600, 12));
  MatchOptions blind;
  blind.overlay_max_share = 0;  // without this stage the graphics alone make a match
  EXPECT_TRUE(Match(a, b, blind).match);
  const SceneMatch m = Match(a, b);
  EXPECT_FALSE(m.match) << m.reason;
  EXPECT_NE(m.reason.find("burned-in overlay"), std::string::npos) << m.reason;
}

TEST(SceneOverlay, PortraitAndLandscapeFramesOfOneChannelAreNotOnePlace) {
  // The same graphics on a vertical and a horizontal video: each element keeps its offset from
  // its corner, though the frames differ in shape.
  const cv::Mat a = sy::NewsOverlay(sy::Texture(600, 1000, 13));
  const cv::Mat b = sy::NewsOverlay(sy::Texture(1000, 600, 14));
  const SceneMatch m = Match(a, b);
  EXPECT_FALSE(m.match) << m.reason;
  EXPECT_NE(m.reason.find("burned-in overlay"), std::string::npos) << m.reason;
}

TEST(SceneOverlay, ThePlaceBehindTheGraphicsStillMatches) {
  const cv::Size size(800, 600);
  const cv::Mat scene = sy::Texture(800, 600, 15);
  const cv::Matx33d h = sy::Motion(size, 8, 0.85, 0.0002);
  const SceneMatch m =
      Match(sy::NewsOverlay(scene), sy::NewsOverlay(sy::View(scene, h, size, 0.8, 20)));
  ASSERT_TRUE(m.match) << m.reason;
  EXPECT_NE(m.reason.find("burned-in overlay"), std::string::npos) << m.reason;
  // The evidence is the scene's: the inliers follow the camera's motion, not the graphics.
  EXPECT_GE(sy::PairsFollowing(m.pairs, h, size, 4), static_cast<int>(m.pairs.size()) * 9 / 10);
}

TEST(SceneOverlay, AFixedCameraKeepsItsMatchesInPlace) {
  // One camera that did not move, half its scene changed (a crowd, traffic) and its exposure
  // too: what stayed is the evidence, not an overlay.
  const cv::Mat scene = sy::Texture(800, 600, 16);
  cv::Mat later = sy::View(scene, cv::Matx33d::eye(), scene.size(), 0.9, 10);
  sy::Texture(400, 600, 17).copyTo(later(cv::Rect(400, 0, 400, 600)));
  const SceneMatch m = Match(sy::NewsOverlay(scene), sy::NewsOverlay(later));
  EXPECT_TRUE(m.match) << m.reason;
  EXPECT_EQ(m.reason.find("burned-in overlay"), std::string::npos) << m.reason;
  EXPECT_GT(m.inliers, 100);
}

TEST(SceneOverlay, TheStillCentreOfAZoomIsNotAnOverlay) {
  // Zoomed 3 % about the centre: a disc of about 130 px there moves less than the in-place
  // tolerance, but the matches around it moved a little, so it is scene.
  const cv::Size size(800, 600);
  const cv::Mat scene = sy::Texture(800, 600, 19);
  const SceneFeatures a = ExtractFeatures(scene);
  const SceneFeatures b = ExtractFeatures(sy::View(scene, sy::Motion(size, 0, 1.03, 0), size));
  const Correspondences c = TentativeCorrespondences(a, b);
  EXPECT_GE(InPlaceMatches(c, a, b, MatchOptions{}).size(), 8u);  // the case arises
  EXPECT_EQ(c.overlay_removed, 0);
  const SceneMatch m = MatchFeatures(a, b);
  EXPECT_TRUE(m.match) << m.reason;
  EXPECT_EQ(m.reason.find("burned-in overlay"), std::string::npos) << m.reason;
}

TEST(SceneOverlay, DarkFramesCarryingTheGraphicsAreNotOnePlace) {
  // A clip that opens on black: its only texture is the graphics, all in place. Against another
  // dark frame, or against a scene, that is no evidence of a place.
  const cv::Mat dark(600, 800, CV_8UC1, cv::Scalar(12));
  const SceneMatch both_dark = Match(sy::NewsOverlay(dark), sy::NewsOverlay(dark));
  EXPECT_FALSE(both_dark.match) << both_dark.reason;
  const SceneMatch one_dark =
      Match(sy::NewsOverlay(dark), sy::NewsOverlay(sy::Texture(800, 600, 18)));
  EXPECT_FALSE(one_dark.match) << one_dark.reason;
  EXPECT_NE(one_dark.reason.find("burned-in overlay"), std::string::npos) << one_dark.reason;
}

TEST(SceneOverlay, GraphicsInTheTopAndBottomBandsAreNotACameraThatStayedPut) {
  // Two plain frames (asphalt, a blank wall) whose only texture is a channel's graphics two
  // cells high at the top and at the bottom: half of the grid, all of the texture, in place.
  // A scene that stayed in place would fill the middle rows too.
  SceneFeatures a, b;
  a.width = b.width = 800;
  a.height = b.height = 600;
  Correspondences bands = NoCorrespondences(a, b), whole = bands;
  for (int row = 0; row < 8; ++row)
    for (int col = 0; col < 8; ++col) {
      const cv::Point2f p(50.f + 100.f * col, 37.f + 75.f * row);
      const bool band = row < 2 || row >= 6;
      if (band) {
        for (SceneFeatures* f : {&a, &b})
          f->keypoints.insert(f->keypoints.end(), 2, Keypoint{p.x, p.y, 4, 0, 1, 0});
        bands.a.push_back(p);
        bands.b.push_back(p);
      }
      whole.a.push_back(p);
      whole.b.push_back(p);
    }
  const MatchOptions o;
  EXPECT_EQ(DropOverlayMatches(bands, a, b, o), 32);
  EXPECT_TRUE(bands.a.empty());
  EXPECT_EQ(bands.overlay_removed, 32);
  // The same frames in place in the middle rows too: one camera.
  EXPECT_EQ(DropOverlayMatches(whole, a, b, o), 0);
  EXPECT_EQ(whole.a.size(), 64u);
}

TEST(SceneOverlay, InPlaceMeansTheSameOffsetFromOneCorner) {
  SceneFeatures a, b;
  a.width = 1000;
  a.height = 600;
  b.width = 600;
  b.height = 1000;
  Correspondences c = NoCorrespondences(a, b);
  auto add = [&c](float ax, float ay, float bx, float by) {
    c.a.push_back({ax, ay});
    c.b.push_back({bx, by});
  };
  add(20, 30, 21, 31);      // top left, same pixels
  add(990, 580, 590, 980);  // bottom right, same pixels
  add(500, 300, 300, 500);  // the centres: placed by percentages
  add(500, 300, 200, 700);  // not anchored to any corner
  add(100, 590, 60, 990);   // bottom left: 0.1 of each width across, but 10 px up is 0.010
                            // of A's width and 0.017 of B's (tolerance 4 / 1024)
  add(100, 590, 100, 990);  // bottom left, same pixels
  MatchOptions o;
  EXPECT_EQ(InPlaceMatches(c, a, b, o), (std::vector<int>{0, 1, 2, 5}));
}

}  // namespace
}  // namespace sightline::analysis::scene
