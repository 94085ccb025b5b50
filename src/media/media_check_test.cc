#include "media/media_check.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>

#include "test_util.h"

namespace sightline::media {
namespace {

using sightline::testing::MakeMedia;
using sightline::testing::MakeTestVideo;
using sightline::testing::ReadFile;
using sightline::testing::ScratchDir;
using sightline::testing::WriteFile;

std::string RandomBytes(std::size_t n) {
  std::string s;
  std::uint32_t x = 987654321u;
  for (std::size_t i = 0; i < n; ++i) {
    x = x * 1664525u + 1013904223u;
    s += static_cast<char>(x >> 24);
  }
  return s;
}

TEST(MediaCheckTest, GoodVideoImageAndAudio) {
  ScratchDir dir;
  std::string mp4 = dir / "ok.mp4", jpg = dir / "ok.jpg", wav = dir / "ok.wav";
  MakeTestVideo(mp4, 1.0);
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=64x48:rate=1", "-frames:v", "1"}, jpg);
  MakeMedia({"-f", "lavfi", "-i", "sine=duration=0.5"}, wav);
  MediaCheck v = CheckMedia(mp4);
  EXPECT_TRUE(v.readable) << v.problem;
  EXPECT_TRUE(v.decoded);
  EXPECT_FALSE(v.truncated);
  EXPECT_EQ(v.kind, "video");
  EXPECT_EQ(v.problem, "");
  EXPECT_GT(v.packets, 25);  // every packet of the file was demuxed (25 video + ~44 audio)
  MediaCheck i = CheckMedia(jpg);
  EXPECT_TRUE(i.readable) << i.problem;
  EXPECT_EQ(i.kind, "image");
  MediaCheck a = CheckMedia(wav);
  EXPECT_TRUE(a.readable) << a.problem;
  EXPECT_EQ(a.kind, "audio");
}

TEST(MediaCheckTest, RandomBytesEmptyAndTextAreNotMedia) {
  ScratchDir dir;
  std::string random = dir / "random.mp4", empty = dir / "empty.mp4", text = dir / "readme.txt";
  WriteFile(random, RandomBytes(200000));
  WriteFile(empty, "");
  WriteFile(text, "not a video at all\n");
  for (const std::string& p : {random, empty, text}) {
    MediaCheck c = CheckMedia(p);
    EXPECT_FALSE(c.readable) << p;
    EXPECT_NE(c.problem.find(p), std::string::npos) << c.problem;
  }
  EXPECT_NE(CheckMedia(empty).problem.find("empty"), std::string::npos);
  EXPECT_FALSE(CheckMedia(dir / "missing.mp4").readable);
}

TEST(MediaCheckTest, Mp4CutBeforeItsIndex) {
  ScratchDir dir;
  std::string full = dir / "full.mp4", cut = dir / "cut.mp4";
  MakeTestVideo(full, 1.0);  // ffmpeg writes the moov index at the end by default
  std::string bytes = ReadFile(full);
  WriteFile(cut, bytes.substr(0, bytes.size() / 2));
  MediaCheck c = CheckMedia(cut);
  EXPECT_FALSE(c.readable);
  EXPECT_NE(c.problem.find("moov"), std::string::npos) << c.problem;
}

TEST(MediaCheckTest, Mp4WithIndexFirstAndMediaDataCut) {
  ScratchDir dir;
  std::string full = dir / "full.mp4", cut = dir / "cut.mp4";
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=3", "-c:v", "mpeg4",
             "-movflags", "+faststart"},
            full);
  std::string bytes = ReadFile(full);
  WriteFile(cut, bytes.substr(0, bytes.size() / 2));
  MediaCheck c = CheckMedia(cut);
  // The start is intact and decodes, but the end of the recording is missing.
  EXPECT_TRUE(c.decoded) << c.problem;
  EXPECT_TRUE(c.truncated);
  EXPECT_NE(c.problem.find("cut short"), std::string::npos) << c.problem;
  EXPECT_NE(c.problem.find(cut), std::string::npos) << c.problem;
  MediaCheck whole = CheckMedia(full);
  EXPECT_FALSE(whole.truncated) << whole.problem;
  EXPECT_TRUE(whole.readable);
}

TEST(MediaCheckTest, MatroskaCutShortEndsBeforeItsDeclaredDuration) {
  ScratchDir dir;
  std::string full = dir / "full.mkv", cut = dir / "cut.mkv";
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=4", "-c:v", "mpeg4"},
            full);
  std::string bytes = ReadFile(full);
  WriteFile(cut, bytes.substr(0, bytes.size() / 2));
  MediaCheck c = CheckMedia(cut);
  EXPECT_TRUE(c.readable) << c.problem;
  EXPECT_TRUE(c.truncated);
  EXPECT_NE(c.problem.find("of the 4.00 s the container declares"), std::string::npos) << c.problem;
  MediaCheck whole = CheckMedia(full);
  EXPECT_FALSE(whole.truncated) << whole.problem;
}

TEST(MediaCheckTest, UndecodableVideoIsNotReadable) {
  // A valid MP4 whose video samples are replaced by random bytes: it opens, but no frame decodes.
  ScratchDir dir;
  std::string full = dir / "full.mp4", bad = dir / "bad.mp4";
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=1", "-c:v", "libx264",
             "-preset", "ultrafast", "-movflags", "+faststart"},
            full);
  std::string bytes = ReadFile(full);
  std::size_t mdat = bytes.find("mdat");
  ASSERT_NE(mdat, std::string::npos);
  std::string noise = RandomBytes(bytes.size() - mdat - 4);
  bytes.replace(mdat + 4, noise.size(), noise);
  WriteFile(bad, bytes);
  MediaCheck c = CheckMedia(bad);
  EXPECT_FALSE(c.readable) << c.problem;
  EXPECT_FALSE(c.problem.empty());
}

TEST(MediaCheckTest, FastOnALongerFile) {
  ScratchDir dir;
  std::string mp4 = dir / "long.mp4";
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=20", "-c:v", "mpeg4",
             "-q:v", "5"},
            mp4);
  auto start = std::chrono::steady_clock::now();
  MediaCheck c = CheckMedia(mp4);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(c.readable) << c.problem;
  EXPECT_EQ(c.packets, 500);
  EXPECT_LT(secs, 2.0);  // demux only: decoding 500 frames would not matter, reading is the cost
}

}  // namespace
}  // namespace sightline::media
