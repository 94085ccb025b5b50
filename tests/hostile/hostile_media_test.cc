// Hostile media through the real CLI (issue 9): EXIF with looping IFDs, huge counts and offsets
// past the end; pictures whose header claims 100000×100000 pixels; MP4 files with box sizes that
// overflow, millions of tiny boxes, a stream with no frame rate or a billion frames. Every run is
// bounded (tests/hostile/hostile_util.h: `ulimit -v` and a hard timeout) and must end with a clear
// result or a clear error naming the file.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "hostile_util.h"
#include "test_util.h"

namespace sightline::hostile {
namespace {

using testing::ReadFile;
using testing::ScratchDir;
using testing::WriteFile;

class HostileMedia : public ::testing::Test {
 protected:
  // Runs `command` on `path` and checks the bounds, the exit status (0 or 1 as `want_exit`, -1
  // for either) and, on failure, that stderr names the file.
  BoundedResult Run(const std::vector<std::string>& args, const std::string& path,
                    int want_exit = -1) {
    std::vector<std::string> full = args;
    full.push_back(path);
    BoundedResult r = RunBounded(full);
    EXPECT_FALSE(r.killed()) << args[0] << " " << path << ": killed or crashed (exit "
                             << r.run.exit_code << ", " << r.seconds << " s)\n"
                             << r.run.err.substr(0, 2000);
    if (want_exit >= 0) {
      EXPECT_EQ(r.run.exit_code, want_exit) << args[0] << " " << path << "\n" << r.run.err;
    } else {
      EXPECT_TRUE(r.run.exit_code == 0 || r.run.exit_code == 1)
          << args[0] << " " << path << ": exit " << r.run.exit_code << "\n"
          << r.run.err;
    }
    if (r.run.exit_code == 1) {
      EXPECT_NE(r.run.err.find(BaseNameOf(path)), std::string::npos)
          << args[0] << ": the error does not name the file:\n"
          << r.run.err;
    }
    if (args.size() > 1 && args[1] == "--json" && r.run.exit_code == 0) {
      EXPECT_TRUE(nlohmann::json::accept(r.run.out)) << args[0] << " " << path << "\n"
                                                     << r.run.out.substr(0, 2000);
    }
    return r;
  }

  std::string BaseVideo() {
    std::string path = dir_ / "base.mp4";
    if (!std::filesystem::exists(path)) testing::MakeTestVideo(path, 1.0);
    return ReadFile(path);
  }

  ScratchDir dir_;
};

TEST_F(HostileMedia, ExifLoopsHugeCountsAndOffsetsPastTheEnd) {
  testing::MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=64x48", "-frames:v", "1"},
                     dir_ / "base.jpg");
  std::string jpeg = ReadFile(dir_ / "base.jpg");
  ASSERT_GT(jpeg.size(), 100u);
  std::vector<std::string> blocks = testing::HostileExifBlocks();
  // A chain of 20000 IFDs, each linking to the next: long, but finite.
  std::string chain = std::string("II\x2a\x00\x08\x00\x00\x00", 8);
  for (std::uint32_t i = 0; i < 20000; ++i) {
    std::uint32_t next = i + 1 < 20000 ? 8 + (i + 1) * 18 : 0;
    std::string ifd;
    PutLe(&ifd, 1, 2);
    PutLe(&ifd, 0x010F, 2);  // Make, ASCII, 4 bytes inline
    PutLe(&ifd, 2, 2);
    PutLe(&ifd, 4, 4);
    ifd += "abc";
    ifd.push_back('\0');
    PutLe(&ifd, next, 4);
    chain += ifd;
  }
  blocks.push_back(chain.substr(0, 60000));  // an APP1 segment holds at most 64 KB
  int n = 0;
  for (const std::string& tiff : blocks) {
    std::string path = dir_ / ("exif" + std::to_string(n++) + ".jpg");
    WriteFile(path, testing::JpegWithExif(jpeg, tiff));
    // The picture itself is intact: a clear result, exit 0.
    BoundedResult probe = Run({"probe", "--all"}, path, 0);
    EXPECT_NE(probe.run.out.find("== " + path), std::string::npos) << probe.run.out;
    Run({"probe", "--json"}, path, 0);
    Run({"hash"}, path, 0);
  }
}

TEST_F(HostileMedia, PicturesClaimingHugeSizesAreRefusedNotAllocated) {
  const std::string png = dir_ / "huge.png", jpg = dir_ / "huge.jpg";
  WriteFile(png, PngClaiming(100000, 100000));
  WriteFile(jpg, JpegClaiming(65535, 65535));
  for (const auto& [path, size] : {std::pair{png, "100000×100000"}, {jpg, "65535×65535"}}) {
    Run({"probe"}, path, 0);  // the container can be described without decoding a pixel
    Run({"probe", "--json"}, path, 0);
    // Decoding is refused with the claimed size and the limit (media/limits.h).
    for (const char* command : {"hash", "shots"}) {
      BoundedResult r = Run({command}, path, 1);
      EXPECT_NE(r.run.err.find(size), std::string::npos) << command << ": " << r.run.err;
      EXPECT_NE(r.run.err.find("limit"), std::string::npos) << command << ": " << r.run.err;
    }
    Run({"scene", path}, path, 1);
  }
}

TEST_F(HostileMedia, BoxSizesThatOverflowOrLie) {
  const std::string base = BaseVideo();
  const std::size_t moov = FindBox(base, "moov");
  ASSERT_NE(moov, std::string::npos);
  std::vector<std::pair<std::string, std::string>> files;
  std::string f = base;
  SetBe32(&f, moov, 0xFFFFFFFF);  // past the end of the file
  files.push_back({"moov_huge.mp4", f});
  f = base;
  SetBe32(&f, moov, 3);  // smaller than its own header
  files.push_back({"moov_tiny.mp4", f});
  f = base;
  SetBe32(&f, moov, 1);  // a 64-bit size that wraps the offset around
  f.insert(moov + 8, std::string("\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xF0", 8));
  files.push_back({"moov_largesize.mp4", f});
  f = base;
  const std::size_t stsz = FindBox(base, "stsz");
  ASSERT_NE(stsz, std::string::npos);
  SetBe32(&f, stsz + 16, 1'000'000'000);  // a sample table claiming a billion samples
  files.push_back({"stsz_billion.mp4", f});
  f = base;
  const std::size_t ftyp = FindBox(base, "ftyp");
  SetBe32(&f, ftyp, 0);  // "extends to the end of the file", at the start
  files.push_back({"ftyp_zero.mp4", f});
  for (const auto& [name, bytes] : files) {
    WriteFile(dir_ / name, bytes);
    Run({"probe", "--json"}, dir_ / name);
    Run({"hash"}, dir_ / name);
    Run({"shots", "--json"}, dir_ / name);
  }
}

TEST_F(HostileMedia, MillionsOfTinyBoxes) {
  const std::string base = BaseVideo();
  const std::string free_box = std::string("\0\0\0\x08", 4) + "free";  // an empty box: 8 bytes
  std::string tiny;
  tiny.reserve(8'000'000);
  for (int i = 0; i < 1'000'000; ++i) tiny += free_box;
  // After the whole file (top level), and inside moov (its size grown to hold them).
  WriteFile(dir_ / "tiny_top.mp4", base + tiny);
  const std::size_t moov = FindBox(base, "moov");
  std::string inside = base;
  SetBe32(&inside, moov, GetBe32(base, moov) + static_cast<std::uint32_t>(tiny.size()));
  inside.insert(moov + 8, tiny);
  WriteFile(dir_ / "tiny_moov.mp4", inside);
  for (const char* name : {"tiny_top.mp4", "tiny_moov.mp4"}) {
    Run({"probe", "--json"}, dir_ / name, 0);
  }
  Run({"hash"}, dir_ / "tiny_moov.mp4", 0);
}

TEST_F(HostileMedia, NoFrameRateOrABillionFrames) {
  const std::string base = BaseVideo();
  std::vector<std::pair<std::string, std::string>> files;
  std::string f = base;
  // Every mdhd (version 0: size, type, version+flags, created, modified, then the timescale).
  for (std::size_t at = FindBox(f, "mdhd"); at != std::string::npos;
       at = FindBox(f, "mdhd", at + 8)) {
    SetBe32(&f, at + 20, 0);
  }
  files.push_back({"timescale_zero.mp4", f});
  f = base;
  SetBe32(&f, FindBox(base, "mvhd") + 20, 0);
  files.push_back({"movie_timescale_zero.mp4", f});
  const std::size_t stts = FindBox(base, "stts");
  ASSERT_NE(stts, std::string::npos);
  f = base;
  SetBe32(&f, stts + 20, 0);  // the first entry's sample delta: 0 s per frame
  files.push_back({"delta_zero.mp4", f});
  f = base;
  SetBe32(&f, stts + 16, 1'000'000'000);  // the first entry's sample count
  files.push_back({"billion_frames.mp4", f});
  for (const auto& [name, bytes] : files) {
    WriteFile(dir_ / name, bytes);
    Run({"probe", "--json"}, dir_ / name);
    Run({"hash", "--json", "--rate", "all"}, dir_ / name);
    Run({"shots", "--json"}, dir_ / name);
    Run({"events", "--json"}, dir_ / name);
  }
}

TEST_F(HostileMedia, LimitsAreConfigurableThroughTheEnvironment) {
  BaseVideo();  // 160×120
  const std::string clip = dir_ / "base.mp4";
  BoundedResult r =
      RunBounded({"hash", clip}, kTimeLimitSeconds, kMemoryLimitMb, {"SIGHTLINE_MAX_PIXELS=10000"});
  EXPECT_BOUNDED_FAILURE(r, 1, "base.mp4", "160×120", "SIGHTLINE_MAX_PIXELS");
  r = RunBounded({"shots", clip}, kTimeLimitSeconds, kMemoryLimitMb,
                 {"SIGHTLINE_MAX_DIMENSION=100"});
  EXPECT_BOUNDED_FAILURE(r, 1, "base.mp4", "SIGHTLINE_MAX_DIMENSION");
  // A typo never removes a bound silently.
  r = RunBounded({"hash", clip}, kTimeLimitSeconds, kMemoryLimitMb, {"SIGHTLINE_MAX_PIXELS=lots"});
  EXPECT_BOUNDED_FAILURE(r, 1, "SIGHTLINE_MAX_PIXELS=lots");
  // Generous bounds change nothing.
  std::vector<std::string> generous = {"SIGHTLINE_MAX_PIXELS=20000", "SIGHTLINE_DECODE_TIMEOUT=60"};
  if (!kUnderAsan) generous.push_back("SIGHTLINE_MEMORY_MB=768");
  r = RunBounded({"hash", clip}, kTimeLimitSeconds, kMemoryLimitMb, generous);
  EXPECT_EQ(r.run.exit_code, 0) << r.run.err;
}

}  // namespace
}  // namespace sightline::hostile
