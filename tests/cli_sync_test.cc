// End-to-end: `sightline sync` on files and on a case (exit codes, JSON shape, stored signals).
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "sync_fixtures.h"
#include "test_util.h"

namespace sightline {
namespace {

using testing::MakeMedia;
using testing::ScratchDir;

class SyncCli : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = {"SIGHTLINE_KEY_DIR=" + (dir_ / "keys"), "SIGHTLINE_ACTOR=t"};
    // An event recorded twice (the second an AAC excerpt starting 7.5 s in, from another place)
    // and an unrelated recording.
    const auto scene = testing::MakeScene(30, 44100, 21);
    testing::WriteWav(dir_ / "a.wav", scene, 44100);
    auto b = testing::OtherDevice(testing::Excerpt(scene, 44100, 7.5, 15), 44100, 22);
    testing::AddNoise(&b, 10, 22);
    testing::WriteWav(dir_ / "b.wav", b, 44100);
    MakeMedia({"-i", dir_ / "b.wav", "-c:a", "aac", "-b:a", "48k"}, dir_ / "b.m4a");
    testing::WriteWav(dir_ / "c.wav", testing::MakeScene(20, 44100, 23), 44100);
  }
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

TEST_F(SyncCli, JsonReportForThreeFiles) {
  auto r = Run({"sync", "--json", dir_ / "a.wav", dir_ / "b.m4a", dir_ / "c.wav"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = Json(r);
  for (const char* key :
       {"pairs", "timeline", "groups", "unmatched", "conflicts", "no_match", "files"}) {
    ASSERT_TRUE(j.contains(key) && j[key].is_array()) << key << "\n" << r.out;
  }
  ASSERT_EQ(j["pairs"].size(), 1u) << r.out;
  const auto& p = j["pairs"][0];
  for (const char* key : {"a", "b", "offset_s", "confidence", "overlap_s", "drift_ppm",
                          "drift_estimated", "offset_end_s", "candidates"}) {
    EXPECT_TRUE(p.contains(key)) << key;
  }
  EXPECT_EQ(p["a"], dir_ / "a.wav");
  EXPECT_EQ(p["b"], dir_ / "b.m4a");
  EXPECT_NEAR(p["offset_s"].get<double>(), 7.5, 0.002);
  EXPECT_GT(p["confidence"].get<double>(), 0.9);
  EXPECT_NEAR(p["overlap_s"].get<double>(), 15, 0.1);
  ASSERT_EQ(p["candidates"].size(), 1u);
  EXPECT_NEAR(p["candidates"][0]["offset_s"].get<double>(), 7.5, 0.002);

  ASSERT_EQ(j["groups"].size(), 1u);
  EXPECT_EQ(j["groups"][0]["files"].size(), 2u);
  ASSERT_EQ(j["timeline"].size(), 2u);
  EXPECT_EQ(j["timeline"][0]["file"], dir_ / "a.wav");
  EXPECT_EQ(j["timeline"][0]["start_s"], 0.0);
  EXPECT_EQ(j["timeline"][1]["group"], 1);
  EXPECT_NEAR(j["timeline"][1]["start_s"].get<double>(), 7.5, 0.002);
  EXPECT_NEAR(j["timeline"][1]["end_s"].get<double>(), 22.5, 0.05);
  ASSERT_EQ(j["unmatched"].size(), 1u);
  EXPECT_EQ(j["unmatched"][0]["file"], dir_ / "c.wav");
  EXPECT_FALSE(j["unmatched"][0]["reason"].get<std::string>().empty());
  EXPECT_EQ(j["no_match"].size(), 2u);
  ASSERT_EQ(j["files"].size(), 3u);
  EXPECT_EQ(j["files"][1]["codec"], "aac");
  EXPECT_NEAR(j["files"][1]["duration_s"].get<double>(), 15, 0.05);
}

TEST_F(SyncCli, ReadableSaysNoMatch) {
  auto r = Run({"sync", dir_ / "a.wav", dir_ / "c.wav"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("no match"), std::string::npos) << r.out;
  r = Run({"sync", dir_ / "b.m4a", dir_ / "a.wav"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("-7.5000 s"), std::string::npos) << r.out;
}

TEST_F(SyncCli, Mp3TimesAreNeverMinusZero) {
  // FFmpeg places an MP3's first sample at −0.0 s (its encoder delay undone): printed as is, the
  // report would say "start_s": -0.0.
  MakeMedia({"-i", dir_ / "a.wav", "-c:a", "libmp3lame", "-b:a", "64k"}, dir_ / "a.mp3");
  auto r = Run({"sync", "--json", dir_ / "a.mp3", dir_ / "b.m4a"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = Json(r);
  ASSERT_EQ(j["pairs"].size(), 1u) << r.out;
  EXPECT_NEAR(j["pairs"][0]["offset_s"].get<double>(), 7.5, 0.002);
  EXPECT_EQ(r.out.find("-0.0,"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("-0.0\n"), std::string::npos) << r.out;
}

TEST_F(SyncCli, BadInputsAndUsage) {
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10:duration=1", "-c:v", "libx264",
             "-preset", "ultrafast"},
            dir_ / "mute.mp4");
  auto r = Run(
      {"sync", "--json", dir_ / "a.wav", dir_ / "b.m4a", dir_ / "mute.mp4", dir_ / "missing.wav"});
  EXPECT_EQ(r.exit_code, 1);
  nlohmann::json j = Json(r);
  EXPECT_EQ(j["pairs"].size(), 1u);  // the readable files still sync
  EXPECT_NE(r.err.find("mute.mp4"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no audio stream"), std::string::npos) << r.err;
  bool named = false;
  for (const auto& u : j["unmatched"]) {
    if (u["file"] == dir_ / "missing.wav") named = true;
  }
  EXPECT_TRUE(named) << r.out;

  EXPECT_EQ(Run({"sync"}).exit_code, 2);
  EXPECT_EQ(Run({"sync", "--min-overlap", "x", dir_ / "a.wav"}).exit_code, 2);
  EXPECT_EQ(Run({"sync", "--case", dir_ / "case", dir_ / "a.wav"}).exit_code, 2);
  EXPECT_EQ(Run({"sync", "--bogus", dir_ / "a.wav"}).exit_code, 2);
  r = Run({"sync", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--json"), std::string::npos);
  EXPECT_NE(r.out.find("offset_s"), std::string::npos);
}

TEST_F(SyncCli, CaseStoresFingerprintsAndSyncs) {
  auto r = Run({"ingest", "--case", dir_ / "case", dir_ / "a.wav", dir_ / "b.m4a", dir_ / "c.wav"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Run({"sync", "--case", dir_ / "case", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = Json(r);
  EXPECT_EQ(j["stats"]["items"], 3);
  EXPECT_EQ(j["stats"]["fingerprinted"], 3);
  ASSERT_EQ(j["pairs"].size(), 1u) << r.out;
  EXPECT_EQ(j["pairs"][0]["a"], "#1 a.wav");
  EXPECT_EQ(j["pairs"][0]["b"], "#2 b.m4a");
  EXPECT_NEAR(j["pairs"][0]["offset_s"].get<double>(), 7.5, 0.002);
  EXPECT_TRUE(std::filesystem::is_directory(dir_ / "case/derived/chromaprint"));
  EXPECT_TRUE(std::filesystem::is_directory(dir_ / "case/derived/sync_envelope"));
  // The second time, the stored signals serve.
  r = Run({"sync", "--case", dir_ / "case", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = Json(r);
  EXPECT_EQ(j["stats"]["fingerprinted"], 0);
  EXPECT_EQ(j["stats"]["up_to_date"], 3);
  ASSERT_EQ(j["pairs"].size(), 1u);
  EXPECT_NEAR(j["pairs"][0]["offset_s"].get<double>(), 7.5, 0.002);
  // The derivation is in the custody log, and the case still verifies.
  r = Run({"verify", "--case", dir_ / "case"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

}  // namespace
}  // namespace sightline
