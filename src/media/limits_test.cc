#include "media/limits.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "hostile/hostile_util.h"
#include "media/frame_source.h"
#include "media/image_decode.h"
#include "media/media_check.h"
#include "media/picture_header.h"
#include "test_util.h"

namespace sightline::media {
namespace {

using sightline::testing::ScratchDir;
using sightline::testing::WriteFile;

// Sets an environment variable for the life of the object (each test runs in its own process).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
  ~ScopedEnv() { ::unsetenv(name_); }

 private:
  const char* name_;
};

std::string Be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

TEST(PictureHeaderTest, ReadsTheClaimedSizeOfEachFormat) {
  std::string png = std::string("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16) + Be32(100000) + Be32(7);
  auto s = ClaimedPictureSize(png);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->width, 100000);
  EXPECT_EQ(s->height, 7);
  EXPECT_STREQ(s->format, "PNG");
  // JPEG: an APP0 segment, then SOF2 (progressive) with height 300, width 65535.
  std::string jpeg =
      std::string("\xFF\xD8\xFF\xE0\x00\x04xx\xFF\xC2\x00\x0B\x08\x01\x2C\xFF\xFF", 17);
  s = ClaimedPictureSize(jpeg);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->width, 65535);
  EXPECT_EQ(s->height, 300);
  s = ClaimedPictureSize(std::string("GIF89a\x10\x27\x20\x4e", 10));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->width, 10000);
  EXPECT_EQ(s->height, 20000);
  std::string bmp = "BM" + std::string(12, '\0') + std::string("\x28\0\0\0", 4) +
                    std::string("\xA0\x86\x01\x00", 4) + std::string("\x60\x79\xFE\xFF", 4);
  s = ClaimedPictureSize(bmp);  // 100000 wide, -100000 high (top-down)
  ASSERT_TRUE(s);
  EXPECT_EQ(s->width, 100000);
  EXPECT_EQ(s->height, 100000);
  std::string webp = "RIFF" + std::string(4, '\0') + "WEBPVP8X" + std::string(8, '\0') +
                     std::string("\xFF\xFF\x00\x0F\x00\x00", 6) + std::string(4, '\0');
  s = ClaimedPictureSize(webp);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->width, 65536);
  EXPECT_EQ(s->height, 16);
}

TEST(PictureHeaderTest, TruncatedOrUnknownHeadersClaimNothing) {
  EXPECT_FALSE(ClaimedPictureSize(""));
  EXPECT_FALSE(ClaimedPictureSize("\x89PNG\r\n\x1a\n"));
  EXPECT_FALSE(ClaimedPictureSize(std::string("\xFF\xD8\xFF\xE0\xFF\xFF", 6)));
  EXPECT_FALSE(ClaimedPictureSize(std::string("\xFF\xD8\xFF\xC0\x00\x0B\x08", 7)));
  EXPECT_FALSE(ClaimedPictureSize("RIFF\0\0\0\0WEBPVP8 "));
  EXPECT_FALSE(ClaimedPictureSize("RIFF"));  // once threw std::out_of_range (substr past the end)
  EXPECT_FALSE(ClaimedPictureSize("RIFF\0\0"));
  EXPECT_FALSE(ClaimedPictureSize("plain text, not a picture"));
}

TEST(LimitsTest, DefaultsAndEnvironment) {
  auto d = LimitsFromEnvironment();
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->max_pixels, 100'000'000);
  EXPECT_EQ(d->max_dimension, 32768);
  EXPECT_EQ(d->decode_timeout.count(), 0);
  EXPECT_EQ(d->memory_mb, 0);
  {
    ScopedEnv a("SIGHTLINE_MAX_PIXELS", "2000000"), b("SIGHTLINE_MAX_DIMENSION", "4096"),
        c("SIGHTLINE_DECODE_TIMEOUT", "90");
    auto l = LimitsFromEnvironment();
    ASSERT_TRUE(l.ok());
    EXPECT_EQ(l->max_pixels, 2'000'000);
    EXPECT_EQ(l->max_dimension, 4096);
    EXPECT_EQ(l->decode_timeout.count(), 90'000);
  }
  for (const char* bad : {"abc", "-5", "0", "12x", "99999999999999999999"}) {
    ScopedEnv a("SIGHTLINE_MAX_PIXELS", bad);
    auto l = LimitsFromEnvironment();
    ASSERT_FALSE(l.ok()) << bad;
    EXPECT_NE(l.status().message().find("SIGHTLINE_MAX_PIXELS"), std::string::npos);
  }
}

TEST(LimitsTest, PictureSizeMessagesNameSizeAndLimit) {
  MediaLimits l;
  EXPECT_TRUE(CheckPictureSize("a.png", 0, 0, l).ok());
  EXPECT_TRUE(CheckPictureSize("a.png", 10000, 10000, l).ok());
  Status s = CheckPictureSize("a.png", 20000, 20000, l);
  EXPECT_EQ(s.code(), StatusCode::kUnsupported);
  EXPECT_NE(s.message().find("a.png"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("20000×20000"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("400 MP"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("limit of 100 MP"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("SIGHTLINE_MAX_PIXELS"), std::string::npos) << s.message();
  s = CheckPictureSize("a.png", 100000, 100000, l);
  EXPECT_NE(s.message().find("100000×100000"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("SIGHTLINE_MAX_DIMENSION"), std::string::npos) << s.message();
}

TEST(LimitsTest, EnvironmentLimitsApplyToDecoding) {
  ScratchDir dir;
  sightline::testing::MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1"},
                                dir / "still.png");
  sightline::testing::MakeTestVideo(dir / "clip.mp4", 0.5);
  struct Count : FrameConsumer {
    Status OnFrame(const Frame&) override { return Status::Ok(); }
  } consumer;
  ASSERT_TRUE(DecodeImage(dir / "still.png").ok());
  ASSERT_TRUE(DecodeFrames(dir / "clip.mp4", {}, consumer).ok());
  ScopedEnv a("SIGHTLINE_MAX_PIXELS", "50000");  // below 320×240 (76800), above 160×120
  auto image = DecodeImage(dir / "still.png");
  ASSERT_FALSE(image.ok());
  EXPECT_NE(image.status().message().find("320×240"), std::string::npos)
      << image.status().message();
  EXPECT_TRUE(DecodeFrames(dir / "clip.mp4", {}, consumer).ok());  // 19200 pixels
  {
    ScopedEnv b("SIGHTLINE_MAX_DIMENSION", "100");
    auto frames = DecodeFrames(dir / "clip.mp4", {}, consumer);
    ASSERT_FALSE(frames.ok());
    EXPECT_NE(frames.status().message().find("160×120"), std::string::npos)
        << frames.status().message();
    MediaCheck check = CheckMedia(dir / "clip.mp4");
    EXPECT_FALSE(check.readable);
    EXPECT_NE(check.problem.find("SIGHTLINE_MAX_DIMENSION"), std::string::npos) << check.problem;
  }
  ScopedEnv c("SIGHTLINE_MAX_PIXELS", "junk");
  auto bad = DecodeFrames(dir / "clip.mp4", {}, consumer);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("SIGHTLINE_MAX_PIXELS=junk"), std::string::npos);
}

TEST(LimitsTest, HugeHeadersAreRefusedWithTheirSize) {
  ScratchDir dir;
  WriteFile(dir / "huge.png", hostile::PngClaiming(100000, 100000));
  auto image = DecodeImage(dir / "huge.png");
  ASSERT_FALSE(image.ok());
  EXPECT_NE(image.status().message().find("PNG header claims"), std::string::npos)
      << image.status().message();
  EXPECT_NE(image.status().message().find("100000×100000"), std::string::npos);
}

}  // namespace
}  // namespace sightline::media
