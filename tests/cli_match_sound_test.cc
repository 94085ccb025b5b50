// End-to-end: the sound in `sightline match` (analysis/match/soundtrack.h): a copy that kept its
// sound says the sound agrees; one soundtrack laid under other pictures is listed apart as a
// soundtrack, never as shared footage; --no-sound leaves the sound out.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "sync_fixtures.h"
#include "test_util.h"

namespace sightline {
namespace {

using testing::MakeMedia;
using testing::ScratchDir;

class MatchSoundCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ScratchDir;
    const int rate = 44100;
    testing::WriteWav(*dir_ / "song.wav", testing::MakeScene(8, rate, 31), rate);
    const std::vector<std::string> enc = {"-c:v",     "libx264", "-preset",  "veryfast",
                                          "-pix_fmt", "yuv420p", "-c:a",     "aac",
                                          "-b:a",     "96k",     "-shortest"};
    auto make = [&](std::vector<std::string> args, const std::string& name) {
      args.insert(args.end(), enc.begin(), enc.end());
      MakeMedia(args, *dir_ / name);
    };
    make({"-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=8", "-i", *dir_ / "song.wav"},
         "news.mp4");
    // The same clip, smaller, its sound re-encoded at a low bitrate.
    MakeMedia({"-i", *dir_ / "news.mp4", "-vf", "scale=240:180", "-c:v", "libx264", "-preset",
               "veryfast", "-c:a", "aac", "-b:a", "32k"},
              *dir_ / "repost.mp4");
    // Other pictures under the same sound.
    make({"-f", "lavfi", "-i", "mandelbrot=s=320x240:r=25", "-t", "8", "-i", *dir_ / "song.wav"},
         "remix.mp4");
  }
  static void TearDownTestSuite() { delete dir_; }
  static ScratchDir* dir_;
};
ScratchDir* MatchSoundCli::dir_ = nullptr;

TEST_F(MatchSoundCli, SoundAgreesWithACopyAndIsListedApartUnderOtherPictures) {
  auto r = testing::RunSightline(
      {"match", "--json", *dir_ / "news.mp4", *dir_ / "repost.mp4", *dir_ / "remix.mp4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  for (const auto& f : j["files"]) EXPECT_EQ(f["sound"], true) << f["file"];
  // Only the copy shares footage; its sound agrees at the footage's offset.
  ASSERT_EQ(j["pairs"].size(), 1u) << r.out;
  const auto& p = j["pairs"][0];
  EXPECT_EQ(p["b"], *dir_ / "repost.mp4");
  ASSERT_TRUE(p["sound"].is_object()) << p.dump();
  EXPECT_NEAR(p["sound"]["offset_s"].get<double>(), 0, 0.15);
  EXPECT_LT(p["sound"]["bit_error"].get<double>(), 0.2);
  EXPECT_EQ(p["sound"]["agrees"], true);
  // All three carry the soundtrack; only the copy's pair has footage too.
  ASSERT_EQ(j["soundtracks"].size(), 3u) << r.out;
  int footage = 0;
  for (const auto& s : j["soundtracks"]) {
    footage += s["footage"].get<bool>();
    if (!s["footage"].get<bool>()) {
      EXPECT_TRUE(s["a"] == *dir_ / "remix.mp4" || s["b"] == *dir_ / "remix.mp4") << s.dump();
    }
  }
  EXPECT_EQ(footage, 1);
  // The remix shares no frame with the others: the sound alone had it compared.
  EXPECT_EQ(j["comparisons"]["by_sound"], 3);
  EXPECT_EQ(j["comparisons"]["compared"], 3);
  // One group: the two copies; the remix is not in it.
  ASSERT_EQ(j["groups"].size(), 1u);
  EXPECT_EQ(j["groups"][0]["files"].size(), 2u);
}

TEST_F(MatchSoundCli, ReadableSaysSameSoundtrackAndNoSoundLeavesItOut) {
  auto r = testing::RunSightline({"match", *dir_ / "news.mp4", *dir_ / "remix.mp4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("same soundtrack, pictures not matched"), std::string::npos) << r.out;
  auto quiet = testing::RunSightline(
      {"match", "--json", "--no-sound", *dir_ / "news.mp4", *dir_ / "remix.mp4"});
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  auto j = nlohmann::json::parse(quiet.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << quiet.out;
  EXPECT_TRUE(j["soundtracks"].empty());
  EXPECT_EQ(j["comparisons"]["compared"], 0);
  for (const auto& f : j["files"]) EXPECT_EQ(f["sound"], false);
}

TEST_F(MatchSoundCli, CaseStoresFingerprintsAndLooksUpBySound) {
  const std::string c = *dir_ / "case";
  auto r = testing::RunSightline({"ingest", "--case", c, *dir_ / "news.mp4", *dir_ / "repost.mp4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = testing::RunSightline({"match", "--case", c, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  ASSERT_EQ(j["pairs"].size(), 1u) << r.out;
  EXPECT_EQ(j["pairs"][0]["sound"]["agrees"], true);
  // The fingerprints are stored where `sync --case` keeps them, through the custody log.
  EXPECT_TRUE(std::filesystem::is_directory(c + "/derived/chromaprint"));
  r = testing::RunSightline({"verify", "--case", c});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  // The remix has no frame of the case's items: its sound alone names them.
  r = testing::RunSightline({"match", "--case", c, "--json", *dir_ / "remix.mp4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lookup = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(lookup.is_discarded()) << r.out;
  ASSERT_EQ(lookup["lookup"].size(), 1u);
  EXPECT_TRUE(lookup["lookup"][0]["items"].empty()) << r.out;
  EXPECT_EQ(lookup["lookup"][0]["sound"].size(), 2u) << r.out;
  EXPECT_TRUE(lookup["pairs"].empty());
  EXPECT_EQ(lookup["soundtracks"].size(), 2u) << r.out;
}

}  // namespace
}  // namespace sightline
