// The pictures a file gives for same-place matching (frames.h) and the features taken on them
// (compare.h ReadFileFeatures): video frames are kept up to full HD when asked
// (FrameOptions::video_max_side, CompareOptions::video_features), photos stay at max_side; on
// generated clips and pictures.
#include "analysis/scene/frames.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <opencv2/imgproc.hpp>

#include "analysis/scene/compare.h"
#include "analysis/scene/synthetic.h"
#include "test_util.h"

namespace sightline::analysis::scene {
namespace {

namespace sy = synthetic;
using testing::MakeMedia;
using testing::ScratchDir;

int LongSide(const cv::Mat& m) { return std::max(m.cols, m.rows); }

class SceneFrames : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ScratchDir;
    ASSERT_TRUE(sy::WriteGrayJpeg(*dir_ / "photo.jpg", sy::Texture(1600, 1200, 31)).ok());
    // A full-HD clip panning over a larger textured place, and the same place 1.2 s later from a
    // camera turned by 8 degrees (a fixed camera's neighbour).
    ASSERT_TRUE(sy::WriteGrayJpeg(*dir_ / "place.jpg", sy::Texture(2400, 1400, 32)).ok());
    const std::vector<std::string> x264 = {"-c:v",     "libx264", "-preset", "veryfast",
                                           "-pix_fmt", "yuv420p", "-crf",    "18"};
    auto clip = [&](const std::string& filter, const std::string& name) {
      std::vector<std::string> args = {"-loop", "1",   "-framerate", "5", "-i", *dir_ / "place.jpg",
                                       "-vf",   filter};
      args.insert(args.end(), x264.begin(), x264.end());
      MakeMedia(args, *dir_ / name);
    };
    clip("crop=1920:1080:x='100+40*t':y=100,trim=duration=2", "hd_a.mp4");
    clip("rotate=8*PI/180,crop=1920:1080:x='300+30*t':y=200,trim=duration=2", "hd_b.mp4");
  }
  static void TearDownTestSuite() { delete dir_; }
  static ScratchDir* dir_;
};
ScratchDir* SceneFrames::dir_ = nullptr;

TEST_F(SceneFrames, VideoFramesKeepFullHdWhenAskedPhotosStayAtMaxSide) {
  FrameOptions o;  // max_side 1024
  auto frames = ReadSceneFrames(*dir_ / "hd_a.mp4", o);
  ASSERT_TRUE(frames.ok()) << frames.status().message();
  ASSERT_FALSE(frames->empty());
  EXPECT_EQ(LongSide(frames->front().gray), 1024);

  o.video_max_side = 1920;
  frames = ReadSceneFrames(*dir_ / "hd_a.mp4", o);
  ASSERT_TRUE(frames.ok()) << frames.status().message();
  ASSERT_GE(frames->size(), 2u);
  for (const SceneFrame& f : *frames) {
    EXPECT_FALSE(f.still);
    EXPECT_EQ(f.gray.cols, 1920);
    EXPECT_EQ(f.gray.rows, 1080);
  }
  // A photo is decoded at the larger side too (it is not known to be a photo before), and brought
  // down to its own.
  frames = ReadSceneFrames(*dir_ / "photo.jpg", o);
  ASSERT_TRUE(frames.ok()) << frames.status().message();
  ASSERT_EQ(frames->size(), 1u);
  EXPECT_TRUE(frames->front().still);
  EXPECT_EQ(frames->front().gray.cols, 1024);
  EXPECT_EQ(frames->front().gray.rows, 768);
}

TEST_F(SceneFrames, ClipsTakeTheVideoFeatureOptionsAndStillMatch) {
  CompareOptions o;
  o.video_features = {1920, 4000, 0.03};  // full HD (the default describes frames as photos)
  auto photo = ReadFileFeatures(*dir_ / "photo.jpg", o.frames, o.features, &o.video_features);
  ASSERT_TRUE(photo.ok()) << photo.status().message();
  EXPECT_EQ(photo->options.max_side, o.features.max_side);
  EXPECT_EQ(photo->features.front().width, 1024);
  EXPECT_LE(static_cast<int>(photo->features.front().keypoints.size()), o.features.max_keypoints);

  auto a = ReadFileFeatures(*dir_ / "hd_a.mp4", o.frames, o.features, &o.video_features);
  auto b = ReadFileFeatures(*dir_ / "hd_b.mp4", o.frames, o.features, &o.video_features);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->options.max_side, o.video_features.max_side);
  EXPECT_EQ(a->features.front().width, 1920);
  EXPECT_DOUBLE_EQ(a->features.front().scale, 1.0);
  // More keypoints than a photo may keep: the full-HD frame's detail is the point.
  EXPECT_GT(static_cast<int>(a->features.front().keypoints.size()), o.features.max_keypoints);
  EXPECT_LE(static_cast<int>(a->features.front().keypoints.size()), o.video_features.max_keypoints);

  const FileComparison c = CompareFeatures(*a, *b, o);
  EXPECT_TRUE(c.match.match) << c.match.reason;
  EXPECT_GE(c.match.inliers, 50);
  // Evidence stays in 0..1 picture coordinates whatever the frames' size.
  for (const PointPair& p : c.match.pairs) {
    EXPECT_TRUE(p.ax >= 0 && p.ax <= 1 && p.bx >= 0 && p.bx <= 1);
    EXPECT_TRUE(p.ay >= 0 && p.ay <= 1 && p.by >= 0 && p.by <= 1);
  }
  // A clip against a photo of another place: no match.
  EXPECT_FALSE(CompareFeatures(*a, *photo, o).match.match);
}

// Mean absolute difference between the luma of an RGB picture and a grey one of the same size.
double LumaDistance(const cv::Mat& rgb, const cv::Mat& gray) {
  cv::Mat luma;
  cv::cvtColor(rgb, luma, cv::COLOR_RGB2GRAY);
  return cv::norm(luma, gray, cv::NORM_L1) / static_cast<double>(gray.total());
}

TEST_F(SceneFrames, TheComparedFrameComesBackInColourNotANeighbour) {
  // A colourful moving pattern: frames half a second apart differ.
  const std::string clip = *dir_ / "pattern.mp4";
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=4", "-c:v", "libx264",
             "-preset", "veryfast", "-pix_fmt", "yuv420p"},
            clip);
  FrameOptions o;
  auto frames = ReadSceneFrames(clip, o);
  ASSERT_TRUE(frames.ok()) << frames.status().message();
  ASSERT_GE(frames->size(), 4u);
  for (size_t i = 0; i + 1 < frames->size(); ++i) {
    const SceneFrame& f = (*frames)[i];
    auto colour = ReadSceneFrameInColour(clip, o, f);
    ASSERT_TRUE(colour.ok()) << colour.status().message();
    ASSERT_EQ(colour->type(), CV_8UC3);
    ASSERT_EQ(colour->size(), f.gray.size());
    const double own = LumaDistance(*colour, f.gray);
    const double next = LumaDistance(*colour, (*frames)[i + 1].gray);
    EXPECT_LT(own, 3.0) << "frame at " << f.t;
    EXPECT_GT(next, 2 * own + 1) << "frame at " << f.t;
  }
  // testsrc2 is colourful: the picture is not grey.
  auto colour = ReadSceneFrameInColour(clip, o, frames->front());
  ASSERT_TRUE(colour.ok());
  std::vector<cv::Mat> channels;
  cv::split(*colour, channels);
  EXPECT_GT(cv::norm(channels[0], channels[2], cv::NORM_L1) / channels[0].total(), 10.0);

  // A frame asked for by time, and a photo.
  o.at_s = 1.3;
  frames = ReadSceneFrames(clip, o);
  ASSERT_TRUE(frames.ok() && frames->size() == 1u);
  colour = ReadSceneFrameInColour(clip, o, frames->front());
  ASSERT_TRUE(colour.ok()) << colour.status().message();
  EXPECT_LT(LumaDistance(*colour, frames->front().gray), 3.0);
  frames = ReadSceneFrames(*dir_ / "photo.jpg", FrameOptions{});
  ASSERT_TRUE(frames.ok() && frames->size() == 1u);
  colour = ReadSceneFrameInColour(*dir_ / "photo.jpg", FrameOptions{}, frames->front());
  ASSERT_TRUE(colour.ok()) << colour.status().message();
  EXPECT_EQ(colour->cols, 1024);
  EXPECT_LT(LumaDistance(*colour, frames->front().gray), 3.0);

  // A frame the file does not have (another time): an error, not a neighbour.
  SceneFrame missing = (*ReadSceneFrames(clip, FrameOptions{})).front();
  missing.t += 0.013;
  EXPECT_FALSE(ReadSceneFrameInColour(clip, FrameOptions{}, missing).ok());
}

}  // namespace
}  // namespace sightline::analysis::scene
