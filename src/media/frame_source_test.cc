#include "media/frame_source.h"

#include <gtest/gtest.h>

#include <exiv2/exiv2.hpp>

#include <cmath>
#include <functional>

#include "test_util.h"

namespace sightline::media {
namespace {

using sightline::testing::MakeMedia;
using sightline::testing::ScratchDir;

class Collector : public FrameConsumer {
 public:
  Status OnFrame(const Frame& f) override {
    times.push_back(f.t);
    keyframes.push_back(f.keyframe);
    width = f.width;
    height = f.height;
    // Mean of the left and right halves of the top row band, to check orientation.
    double left = 0, right = 0;
    int rows = std::max(1, f.height / 8);
    for (int y = 0; y < rows; ++y) {
      const std::uint8_t* row = f.data + static_cast<std::size_t>(y) * f.stride;
      for (int x = 0; x < f.width / 2; ++x) left += row[x];
      for (int x = f.width / 2; x < f.width; ++x) right += row[x];
    }
    top_left_minus_right.push_back((left - right) / (rows * (f.width / 2)));
    if (on_frame) return on_frame(f);
    return Status::Ok();
  }
  std::vector<double> times;
  std::vector<bool> keyframes;
  std::vector<double> top_left_minus_right;
  int width = 0, height = 0;
  std::function<Status(const Frame&)> on_frame;
};

TEST(FrameSource, SamplesAtRateWithExactTimes) {
  ScratchDir dir;
  // 25 fps with B-frames and a keyframe every 2 s.
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=6", "-c:v", "libx264",
             "-g", "50", "-bf", "2", "-pix_fmt", "yuv420p"},
            dir / "v.mp4");
  FrameSourceOptions o;
  o.rate = 1;
  Collector c;
  auto r = DecodeFrames(dir / "v.mp4", o, c);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(c.times.size(), 6u);
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(c.times[i], i, 0.041) << i;  // within one frame
  EXPECT_EQ(c.width, 320);
  EXPECT_NEAR(r->duration_s, 6.0, 0.05);
  EXPECT_LT(r->frames_decoded, 150);  // non-reference frames were skipped

  Collector all;
  o.sampling = Sampling::kEveryFrame;
  r = DecodeFrames(dir / "v.mp4", o, all);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(all.times.size(), 150u);
  for (std::size_t i = 1; i < all.times.size(); ++i) EXPECT_GT(all.times[i], all.times[i - 1]);

  Collector keys;
  o.sampling = Sampling::kKeyframes;
  r = DecodeFrames(dir / "v.mp4", o, keys);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(keys.times.size(), 3u);
  for (bool k : keys.keyframes) EXPECT_TRUE(k);
}

TEST(FrameSource, SparseSamplingJumpsToKeyframes) {
  ScratchDir dir;
  // A keyframe every second, as phones write: at 1 sample a second only keyframes need decoding.
  MakeMedia(
      {"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=8", "-c:v", "libx264", "-g",
       "25", "-keyint_min", "25", "-sc_threshold", "0", "-bf", "2", "-pix_fmt", "yuv420p"},
      dir / "v.mp4");
  FrameSourceOptions o;
  o.rate = 1;
  Collector c;
  auto r = DecodeFrames(dir / "v.mp4", o, c);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(c.times.size(), 8u);
  for (int i = 0; i < 8; ++i) EXPECT_NEAR(c.times[i], i, 1e-3) << i;
  // The keyframes and the few frames the decoder's threads start before each sample comes out,
  // instead of all 200.
  EXPECT_LE(r->frames_decoded, 60);
  EXPECT_GE(r->packets_skipped, 120);
}

TEST(FrameSource, VariableFrameRateKeepsTrueTimes) {
  ScratchDir dir;
  // Frames at irregular times: 10 fps for 1 s, then 2 fps for 2 s (passthrough keeps the gaps).
  MakeMedia({"-f", "lavfi", "-i",
             "testsrc2=size=160x120:rate=10:duration=3,select='lt(t,1)+not(mod(n,5))'", "-vsync",
             "vfr", "-c:v", "libx264", "-pix_fmt", "yuv420p"},
            dir / "vfr.mp4");
  FrameSourceOptions o;
  o.sampling = Sampling::kEveryFrame;
  Collector c;
  auto r = DecodeFrames(dir / "vfr.mp4", o, c);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(c.times.size(), 14u);
  EXPECT_NEAR(c.times[9], 0.9, 1e-3);
  EXPECT_NEAR(c.times[10], 1.0, 1e-3);
  EXPECT_NEAR(c.times[11], 1.5, 1e-3);
}

TEST(FrameSource, RotationIsAppliedAsFfmpegDoes) {
  ScratchDir dir;
  // An asymmetric picture (white left quarter) stored with a rotation tag.
  MakeMedia({"-f", "lavfi", "-i",
             "color=black:size=160x120:duration=1,drawbox=x=0:y=0:w=40:h=120:color=white:t=fill",
             "-c:v", "libx264", "-pix_fmt", "yuv420p", "-frames:v", "1"},
            dir / "plain.mp4");
  for (const char* angle : {"90", "180", "270"}) {
    std::string rot = dir / (std::string("rot") + angle + ".mp4");
    MakeMedia(
        {"-i", dir / "plain.mp4", "-c", "copy", "-metadata:s:v:0", std::string("rotate=") + angle},
        rot);
    // ffmpeg's own autorotated picture is the reference.
    MakeMedia({"-i", rot, "-frames:v", "1", "-pix_fmt", "gray", "-f", "rawvideo"}, rot + ".gray");
    std::string expected = sightline::testing::ReadFile(rot + ".gray");
    FrameSourceOptions o;
    Collector c;
    std::string got;
    c.on_frame = [&](const Frame& f) {
      for (int y = 0; y < f.height; ++y) {
        got.append(reinterpret_cast<const char*>(f.data) + static_cast<std::size_t>(y) * f.stride,
                   static_cast<std::size_t>(f.width));
      }
      return Status::Ok();
    };
    auto r = DecodeFrames(rot, o, c);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_NE(r->rotation, 0) << angle;
    ASSERT_EQ(got.size(), expected.size()) << angle;
    double diff = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
      diff += std::abs(static_cast<int>(static_cast<unsigned char>(got[i])) -
                       static_cast<int>(static_cast<unsigned char>(expected[i])));
    }
    EXPECT_LT(diff / static_cast<double>(got.size()), 4.0) << angle;
  }
}

TEST(FrameSource, ImagesGiveOneFrameAndScaleDown) {
  ScratchDir dir;
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=1000x500", "-frames:v", "1"}, dir / "i.jpg");
  FrameSourceOptions o;
  o.max_side = 200;
  o.layout = PixelLayout::kRgb24;
  Collector c;
  auto r = DecodeFrames(dir / "i.jpg", o, c);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->is_image);
  EXPECT_EQ(c.times.size(), 1u);
  EXPECT_EQ(c.width, 200);
  EXPECT_EQ(c.height, 100);
}

TEST(FrameSource, ColourAtItsOwnSizeFillsEveryPixelAndStaysInsideItsBuffer) {
  // Unscaled, swscale's SIMD converter wrote whole blocks of pixels: at widths it does not
  // divide it left the last columns unwritten (38, 1002) and ran past the buffer after the last
  // row (1928: two 960 px pictures side by side with a gap, as `scene --picture`; glibc caught it
  // freeing). A red picture must come out red to its last column.
  ScratchDir dir;
  for (int width : {1928, 1002, 38}) {
    const std::string path = dir / ("w" + std::to_string(width) + ".jpg");
    MakeMedia(
        {"-f", "lavfi", "-i", "color=c=red:s=" + std::to_string(width) + "x720", "-frames:v", "1"},
        path);
    for (int round = 0; round < 3; ++round) {
      FrameSourceOptions o;
      o.layout = PixelLayout::kRgb24;
      o.max_side = 4000;
      Collector c;
      int not_red = 0;
      c.on_frame = [&](const Frame& f) {
        for (int y = 0; y < f.height; y += 7) {
          const std::uint8_t* row = f.data + static_cast<std::size_t>(y) * f.stride;
          for (int x = 0; x < f.width; ++x)
            not_red += row[3 * x] < 200 || row[3 * x + 1] > 60 || row[3 * x + 2] > 60;
        }
        return Status::Ok();
      };
      auto r = DecodeFrames(path, o, c);
      ASSERT_TRUE(r.ok()) << r.status().message();
      EXPECT_EQ(c.width, width);
      EXPECT_EQ(c.height, 720);
      EXPECT_EQ(not_red, 0) << width;
    }
  }
}

TEST(FrameSource, StillsAreTurnedUprightByTheirExifOrientation) {
  // A picture whose top-left quarter is white and the rest black, stored as each of the eight
  // EXIF orientations would store it; upright, the white quarter is top left each time.
  ScratchDir dir;
  const std::string upright = dir / "upright.png";
  MakeMedia({"-f", "lavfi", "-i", "color=c=black:s=160x80", "-vf",
             "drawbox=x=0:y=0:w=80:h=40:color=white:t=fill", "-frames:v", "1"},
            upright);
  // The stored picture for each orientation: the inverse of what the orientation asks.
  const char* stored[9] = {nullptr,       "null",        "hflip",       "hflip,vflip", "vflip",
                           "transpose=0", "transpose=2", "transpose=3", "transpose=1"};
  // JPEG: FFmpeg reports the tag; PNG and TIFF: exiv2 reads it (FFmpeg does not).
  for (int case_number = 1; case_number <= 10; ++case_number) {
    const int orientation = case_number <= 8 ? case_number : 6;
    const char* ext = case_number <= 8 ? ".jpg" : case_number == 9 ? ".png" : ".tif";
    const std::string path = dir / ("o" + std::to_string(case_number) + ext);
    MakeMedia({"-i", upright, "-vf", stored[orientation], "-frames:v", "1"}, path);
    {
      Exiv2::Image::AutoPtr image = Exiv2::ImageFactory::open(path);
      image->readMetadata();
      image->exifData()["Exif.Image.Orientation"] = static_cast<std::uint16_t>(orientation);
      image->writeMetadata();
    }
    FrameSourceOptions o;
    o.layout = PixelLayout::kGray8;
    Collector c;
    double top_left = 0, bottom_right = 0;
    c.on_frame = [&](const Frame& f) {
      top_left = f.data[static_cast<std::size_t>(f.height / 4) * f.stride + f.width / 4];
      bottom_right =
          f.data[static_cast<std::size_t>(3 * f.height / 4) * f.stride + 3 * f.width / 4];
      return Status::Ok();
    };
    auto r = DecodeFrames(path, o, c);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->exif_orientation, orientation);
    EXPECT_EQ(c.width, 160) << path;
    EXPECT_EQ(c.height, 80) << path;
    EXPECT_GT(top_left, 200) << path;
    EXPECT_LT(bottom_right, 50) << orientation;
    // Asked not to (signals that hash pixels as stored), the picture comes as stored.
    o.exif_orientation = false;
    Collector stored_c;
    auto as_stored = DecodeFrames(path, o, stored_c);
    ASSERT_TRUE(as_stored.ok());
    EXPECT_EQ(as_stored->exif_orientation, 1);
    EXPECT_EQ(stored_c.width, orientation >= 5 ? 80 : 160) << path;
  }
}

TEST(FrameSource, BadInputIsAClearErrorOrResult) {
  ScratchDir dir;
  sightline::testing::WriteFile(dir / "empty.mp4", "");
  MakeMedia({"-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac"}, dir / "audio.m4a");
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=64x48", "-frames:v", "1", "-c:v", "libx264"},
            dir / "one.mp4");
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=64x48", "-vf", "scale=1:1", "-frames:v", "1"},
            dir / "tiny.png");
  FrameSourceOptions o;
  Collector c;
  auto empty = DecodeFrames(dir / "empty.mp4", o, c);
  EXPECT_FALSE(empty.ok());
  auto audio = DecodeFrames(dir / "audio.m4a", o, c);
  ASSERT_FALSE(audio.ok());
  EXPECT_NE(audio.status().message().find("no video"), std::string::npos);
  Collector one;
  auto r = DecodeFrames(dir / "one.mp4", o, one);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(one.times.size(), 1u);
  Collector tiny;
  r = DecodeFrames(dir / "tiny.png", o, tiny);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(tiny.width, 1);
}

TEST(FrameSource, CorruptPacketsAreWarnedWithTheirTime) {
  ScratchDir dir;
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=4", "-c:v", "libx264",
             "-g", "25", "-pix_fmt", "yuv420p", "-f", "mpegts"},
            dir / "v.ts");
  std::string bytes = sightline::testing::ReadFile(dir / "v.ts");
  // Overwrite a stretch in the middle with garbage (keeping TS sync bytes is not needed: the
  // demuxer resynchronises).
  for (std::size_t i = bytes.size() / 2; i < bytes.size() / 2 + 20000 && i < bytes.size(); ++i) {
    bytes[i] = static_cast<char>((i * 7919) & 0xff);
  }
  sightline::testing::WriteFile(dir / "damaged.ts", bytes);
  FrameSourceOptions o;
  o.sampling = Sampling::kEveryFrame;
  Collector c;
  auto r = DecodeFrames(dir / "damaged.ts", o, c);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_GT(c.times.size(), 50u);  // decoded as far as it could
  ASSERT_FALSE(r->warnings.empty());
  EXPECT_NE(r->warnings[0].find(" s: "), std::string::npos) << r->warnings[0];
}

TEST(FrameSource, CorruptMp4DataIsWarned) {
  ScratchDir dir;
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=4", "-c:v", "libx264",
             "-g", "25", "-pix_fmt", "yuv420p", "-movflags", "+faststart"},
            dir / "v.mp4");
  std::string bytes = sightline::testing::ReadFile(dir / "v.mp4");
  for (std::size_t i = bytes.size() / 2; i < bytes.size() / 2 + 3000; ++i) {
    bytes[i] = static_cast<char>((i * 7919) & 0xff);
  }
  sightline::testing::WriteFile(dir / "damaged.mp4", bytes);
  FrameSourceOptions o;
  o.sampling = Sampling::kEveryFrame;
  Collector c;
  // H.264 conceals damage silently; FFmpeg 5.1 reports the concealment on the frame only when
  // the decoder runs without frame threads (see frame_source.h).
  o.threads = 1;
  auto r = DecodeFrames(dir / "damaged.mp4", o, c);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_GT(c.times.size(), 90u);
  ASSERT_FALSE(r->warnings.empty());
  EXPECT_NE(r->warnings[0].find("damaged data near"), std::string::npos) << r->warnings[0];
}

TEST(FrameSource, ConsumerCanStop) {
  ScratchDir dir;
  sightline::testing::MakeTestVideo(dir / "v.mp4", 2.0);
  FrameSourceOptions o;
  o.sampling = Sampling::kEveryFrame;
  Collector c;
  c.on_frame = [&](const Frame&) {
    return c.times.size() >= 3 ? Status(StatusCode::kInternal, "enough") : Status::Ok();
  };
  auto r = DecodeFrames(dir / "v.mp4", o, c);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(c.times.size(), 3u);
}

}  // namespace
}  // namespace sightline::media
