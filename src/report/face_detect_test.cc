#include "report/face_detect.h"

#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "media/image_decode.h"
#include "test_util.h"

namespace sightline::report {
namespace {

const std::string kAstronaut = std::string(SIGHTLINE_TEST_DATA) + "/faces/astronaut_320x240.jpg";
// Where the face is in that picture (centre), found by eye.
const cv::Point kFaceCentre(140, 72);

cv::Mat LoadRgb(const std::string& path) {
  media::ImageDecodeOptions o;
  o.pixels = media::ImagePixels::kRgb24;
  auto d = media::DecodeImage(path, o);
  EXPECT_TRUE(d.ok()) << d.status().message();
  if (!d.ok()) return {};
  return cv::Mat(d->height, d->width, CV_8UC3, d->data.data(), d->stride).clone();
}

const FaceDetector& Detector() {
  static const FaceDetector* detector = [] {
    auto dir = FindCascadeDirectory();
    EXPECT_TRUE(dir.ok()) << dir.status().message() << " (scripts/setup-debian.sh installs it)";
    auto d = FaceDetector::Load(dir.ok() ? *dir : "/usr/share/opencv4/haarcascades");
    EXPECT_TRUE(d.ok()) << d.status().message();
    return d.ok() ? new FaceDetector(std::move(*d)) : nullptr;
  }();
  return *detector;
}

bool FindsFaceAt(const std::vector<FaceBox>& faces, cv::Point centre) {
  for (const FaceBox& f : faces) {
    if (f.box.contains(centre)) return true;
  }
  return false;
}

TEST(FaceDetect, FindsTheFaceInAThumbnail) {
  const cv::Mat rgb = LoadRgb(kAstronaut);
  ASSERT_FALSE(rgb.empty());
  const std::vector<FaceBox> faces = Detector().Detect(rgb);
  ASSERT_TRUE(FindsFaceAt(faces, kFaceCentre));
  for (const FaceBox& f : faces) {
    if (!f.box.contains(kFaceCentre)) continue;
    EXPECT_EQ(f.view, "frontal");
    EXPECT_GT(f.box.width, 40);  // the face is about 60 pixels across
    EXPECT_LT(f.box.width, 90);
    EXPECT_GE(f.hits, 10);
  }
}

TEST(FaceDetect, FindsSmallFacesByEnlargingThePicture) {
  const cv::Mat rgb = LoadRgb(kAstronaut);
  ASSERT_FALSE(rgb.empty());
  // A quarter of the size: the face is about 15 pixels across, below the cascade's 24-pixel
  // window; only the enlargement finds it.
  cv::Mat small;
  cv::resize(rgb, small, cv::Size(80, 60), 0, 0, cv::INTER_AREA);
  EXPECT_TRUE(FindsFaceAt(Detector().Detect(small), kFaceCentre / 4));
  FaceDetectOptions no_enlarging;
  no_enlarging.max_upscale = 1.0;
  no_enlarging.profile_max_upscale = 1.0;
  EXPECT_FALSE(FindsFaceAt(Detector().Detect(small, no_enlarging), kFaceCentre / 4));
}

// A head tilted 30° (the picture turned about the face): the upright scan alone misses it, the
// rotated scans find it, as a box around the face.
TEST(FaceDetect, FindsATiltedFace) {
  const cv::Mat rgb = LoadRgb(kAstronaut);
  ASSERT_FALSE(rgb.empty());
  for (double tilt : {30.0, -30.0}) {
    cv::Mat turned;
    cv::warpAffine(rgb, turned, cv::getRotationMatrix2D(cv::Point2f(kFaceCentre), tilt, 1.0),
                   rgb.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    FaceDetectOptions upright;
    upright.tilts_deg.clear();
    upright.profiles = false;
    EXPECT_FALSE(FindsFaceAt(Detector().Detect(turned, upright), kFaceCentre)) << tilt;
    const std::vector<FaceBox> faces = Detector().Detect(turned);
    ASSERT_TRUE(FindsFaceAt(faces, kFaceCentre)) << tilt;
    for (const FaceBox& f : faces) {
      if (!f.box.contains(kFaceCentre)) continue;
      EXPECT_GT(f.box.width, 40) << tilt;
      EXPECT_LT(f.box.width, 130) << tilt;
    }
  }
}

TEST(FaceDetect, NoFaceInPlainPictures) {
  cv::Mat flat(240, 320, CV_8UC3, cv::Scalar(90, 120, 150));
  EXPECT_TRUE(Detector().Detect(flat).empty());
  cv::Mat gradient(240, 320, CV_8UC1);
  for (int y = 0; y < gradient.rows; ++y) {
    for (int x = 0; x < gradient.cols; ++x) gradient.at<std::uint8_t>(y, x) = (x + y) / 3;
  }
  EXPECT_TRUE(Detector().Detect(gradient).empty());
  EXPECT_TRUE(Detector().Detect(cv::Mat()).empty());
}

TEST(FaceDetect, MirroredProfileFoundBothWays) {
  // The frontal face turned into a mirror image is still found (frontal faces are roughly
  // symmetric), and the result is mirrored too.
  const cv::Mat rgb = LoadRgb(kAstronaut);
  ASSERT_FALSE(rgb.empty());
  cv::Mat mirrored;
  cv::flip(rgb, mirrored, 1);
  EXPECT_TRUE(
      FindsFaceAt(Detector().Detect(mirrored), {rgb.cols - 1 - kFaceCentre.x, kFaceCentre.y}));
}

TEST(FaceDetect, LoadNamesAMissingOrUnreadableCascade) {
  sightline::testing::ScratchDir dir;
  auto missing = FaceDetector::Load(dir.path());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("haarcascade_frontalface_default.xml"),
            std::string::npos);
  sightline::testing::WriteFile(dir / "haarcascade_frontalface_default.xml", "<not a cascade");
  sightline::testing::WriteFile(dir / "haarcascade_profileface.xml", "<not a cascade");
  auto broken = FaceDetector::Load(dir.path());
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("cannot read"), std::string::npos);
}

TEST(FaceDetect, MissingCascadesSayWhatToInstall) {
  auto missing = FindCascadeDirectory("/nonexistent-cascades");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  auto dir = FindCascadeDirectory();
  ASSERT_TRUE(dir.ok());
  EXPECT_EQ(*FindCascadeDirectory(*dir), *dir);
}

}  // namespace
}  // namespace sightline::report
