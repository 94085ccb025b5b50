// End-to-end: `sightline hash` on files and on a case.
#include <gtest/gtest.h>
#include <zlib.h>

#include <nlohmann/json.hpp>

#include "signals/visual/frame_hashes.h"
#include "signals/visual/pdq.h"
#include "test_util.h"

namespace sightline {
namespace {

using signals::visual::HammingDistance;
using signals::visual::PdqHash;
using testing::MakeMedia;
using testing::ScratchDir;

class HashCli : public ::testing::Test {
 protected:
  void SetUp() override { env_ = {"SIGHTLINE_KEY_DIR=" + (dir_ / "keys"), "SIGHTLINE_ACTOR=t"}; }
  testing::CommandResult Run(const std::vector<std::string>& args) {
    return testing::RunSightline(args, env_);
  }
  nlohmann::json Json(const testing::CommandResult& r) {
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out << r.err;
    return j;
  }
  ScratchDir dir_;
  std::vector<std::string> env_;
};

// A moving picture: every second looks different, so a hash taken at the wrong time would not
// match.
void MakeMovingVideo(const std::string& path, const std::string& extra_codec_args = "") {
  std::vector<std::string> args = {
      "-f",   "lavfi",   "-i",       "mandelbrot=size=320x240:rate=25,trim=duration=5",
      "-c:v", "libx264", "-pix_fmt", "yuv420p",
      "-g",   "50",      "-bf",      "2"};
  if (!extra_codec_args.empty()) args.push_back(extra_codec_args);
  MakeMedia(args, path);
}

TEST_F(HashCli, VideoHashesEqualHashesOfTheFramesFfmpegExtracts) {
  MakeMovingVideo(dir_ / "v.mp4");
  auto r = Run({"hash", "--json", dir_ / "v.mp4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = Json(r);
  EXPECT_NEAR(j["duration_s"].get<double>(), 5.0, 0.05);
  EXPECT_EQ(j["rate"], 1.0);
  ASSERT_EQ(j["frames"].size(), 5u);
  for (const auto& f : j["frames"]) {
    double t = f["t"];
    std::string png = dir_ / ("at" + std::to_string(t) + ".png");
    // Accurate seek: the frame shown at t.
    MakeMedia({"-ss", std::to_string(t), "-i", dir_ / "v.mp4", "-frames:v", "1"}, png);
    auto still = Json(Run({"hash", "--json", png}));
    auto a = PdqHash::FromHex(f["pdq"].get<std::string>());
    auto b = PdqHash::FromHex(still["pdq"].get<std::string>());
    ASSERT_TRUE(a.ok() && b.ok());
    // Video frames are hashed from the luma plane, the PNG from RGB: a few bits apart.
    EXPECT_LE(HammingDistance(*a, *b), 10) << "t=" << t;
  }
  // And a frame of another time is far.
  auto first = *PdqHash::FromHex(j["frames"][0]["pdq"].get<std::string>());
  auto last = *PdqHash::FromHex(j["frames"][4]["pdq"].get<std::string>());
  EXPECT_GT(HammingDistance(first, last), 40);
}

TEST_F(HashCli, EveryFrameAndSeveralFiles) {
  MakeMovingVideo(dir_ / "v.mp4");
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=200x150", "-frames:v", "1"}, dir_ / "i.png");
  auto j = Json(Run({"hash", "--json", "--rate", "all", dir_ / "v.mp4", dir_ / "i.png"}));
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["rate"], "all");
  EXPECT_EQ(j[0]["frames"].size(), 125u);
  EXPECT_EQ(j[1]["pdq"].get<std::string>().size(), 64u);
  EXPECT_GE(j[1]["quality"].get<int>(), 50);
  auto text = Run({"hash", dir_ / "i.png"});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find(j[1]["pdq"].get<std::string>()), std::string::npos);
  EXPECT_EQ(Run({"hash", "--rate", "0", dir_ / "i.png"}).exit_code, 2);
  EXPECT_EQ(Run({"hash"}).exit_code, 2);
}

// A PNG whose header claims `w` × `h` pixels, with a valid CRC and a token of image data.
std::string PngClaiming(std::uint32_t w, std::uint32_t h) {
  auto be32 = [](std::uint32_t v) {
    return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                       static_cast<char>(v >> 8), static_cast<char>(v)};
  };
  auto chunk = [&](const std::string& type, const std::string& data) {
    std::string body = type + data;
    uLong crc = crc32(0, reinterpret_cast<const Bytef*>(body.data()), body.size());
    return be32(static_cast<std::uint32_t>(data.size())) + body +
           be32(static_cast<std::uint32_t>(crc));
  };
  std::string ihdr = be32(w) + be32(h) + std::string("\x08\x00\x00\x00\x00", 5);
  return std::string("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", ihdr) +
         chunk("IDAT", std::string("\x78\x9c\x03\x00\x00\x00\x00\x01", 8)) + chunk("IEND", "");
}

TEST_F(HashCli, BadInputIsAClearErrorOrResultNeverACrash) {
  testing::WriteFile(dir_ / "empty.mp4", "");
  MakeMedia({"-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac"}, dir_ / "audio.m4a");
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=64x48", "-frames:v", "1", "-c:v", "libx264"},
            dir_ / "one.mp4");
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=64x48", "-vf", "scale=1:1", "-frames:v", "1"},
            dir_ / "tiny.png");
  testing::WriteFile(dir_ / "huge.png", PngClaiming(100000, 100000));
  MakeMovingVideo(dir_ / "good.mp4");
  std::string bytes = testing::ReadFile(dir_ / "good.mp4");
  for (std::size_t i = bytes.size() / 2; i < bytes.size() / 2 + 2000; ++i) bytes[i] ^= 0x5a;
  testing::WriteFile(dir_ / "corrupt.mp4", bytes);

  for (const char* bad : {"empty.mp4", "audio.m4a", "huge.png"}) {
    auto r = Run({"hash", dir_ / bad});
    EXPECT_EQ(r.exit_code, 1) << bad;
    EXPECT_NE(r.err.find(bad), std::string::npos) << r.err;
  }
  auto one = Json(Run({"hash", "--json", dir_ / "one.mp4"}));
  EXPECT_EQ(one["frames"].size(), 1u);
  auto tiny = Run({"hash", "--json", dir_ / "tiny.png"});
  EXPECT_EQ(tiny.exit_code, 0);
  EXPECT_EQ(Json(tiny)["quality"], 0);  // too small to hash: a result that says so
  auto corrupt = Run({"hash", "--json", dir_ / "corrupt.mp4"});
  EXPECT_EQ(corrupt.exit_code, 0) << corrupt.err;
  EXPECT_GE(Json(corrupt)["frames"].size(), 4u);
}

TEST_F(HashCli, CaseItemsAreHashedOnceAndStored) {
  MakeMovingVideo(dir_ / "v.mp4");
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=200x150", "-frames:v", "1"}, dir_ / "i.png");
  MakeMedia({"-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac"}, dir_ / "a.m4a");
  std::string c = dir_ / "case";
  ASSERT_EQ(Run({"ingest", "--case", c, dir_ / "v.mp4", dir_ / "i.png", dir_ / "a.m4a"}).exit_code,
            0);
  auto first = Json(Run({"hash", "--case", c, "--json"}));
  ASSERT_EQ(first["items"].size(), 3u);
  std::map<std::string, std::string> status;
  for (const auto& it : first["items"]) status[it["name"]] = it["status"];
  EXPECT_EQ(status["v.mp4"], "hashed");
  EXPECT_EQ(status["i.png"], "hashed");
  EXPECT_EQ(status["a.m4a"], "skipped");
  for (const auto& it : first["items"]) {
    if (it["status"] == "hashed") {
      auto stored = nlohmann::json::parse(
          testing::ReadFile(c + "/" + it["path"].get<std::string>()), nullptr, false);
      ASSERT_FALSE(stored.is_discarded());
      EXPECT_EQ(stored["file"], it["name"]);
    }
  }
  auto again = Json(Run({"hash", "--case", c, "--json"}));
  for (const auto& it : again["items"]) {
    if (it["name"] != "a.m4a") {
      EXPECT_EQ(it["status"], "up_to_date");
    }
  }
  // Another rate is another signal.
  auto every = Json(Run({"hash", "--case", c, "--json", "--rate", "all"}));
  EXPECT_EQ(every["items"][0]["status"], "hashed");
  EXPECT_EQ(every["items"][0]["frames"], 125);
  // The derive entries are in the log, and the case verifies.
  auto show = Json(Run({"show", "--case", c, "--json", "v.mp4"}));
  int derives = 0;
  for (const auto& e : show["custody"]) derives += e["action"] == "derive";
  EXPECT_EQ(derives, 2);
  EXPECT_EQ(Run({"verify", "--case", c}).exit_code, 0);
}

}  // namespace
}  // namespace sightline
