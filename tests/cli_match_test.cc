// End-to-end: `sightline match` on generated clips (JSON schema, groups, readable output, exit
// codes: an unreadable file is reported and the others still matched; no FILE is a usage error).
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace sightline {
namespace {

using testing::MakeMedia;
using testing::ScratchDir;

class MatchCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new ScratchDir;
    const std::vector<std::string> x264 = {"-c:v",     "libx264", "-preset", "veryfast",
                                           "-pix_fmt", "yuv420p", "-crf",    "23"};
    auto make = [&](std::vector<std::string> args, const std::string& name) {
      args.insert(args.end(), x264.begin(), x264.end());
      MakeMedia(args, *dir_ / name);
    };
    // A pan over a still Mandelbrot picture.
    MakeMedia({"-f", "lavfi", "-i", "mandelbrot=s=960x720:start_scale=2.2", "-frames:v", "1"},
              *dir_ / "big.png");
    make({"-loop", "1", "-framerate", "25", "-i", *dir_ / "big.png", "-vf",
          "crop=320:240:x='320+300*sin(0.45*t)':y='240+220*sin(0.8*t+0.5)',trim=duration=6"},
         "orig.mp4");
    // A mirrored excerpt (1.5 s .. 5.5 s of the original).
    make({"-ss", "1.5", "-t", "4", "-i", *dir_ / "orig.mp4", "-vf", "hflip"}, "copy.mp4");
    make({"-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=5"}, "other.mp4");
    // A compilation: 0.5-4.5 s of the original, then 0.5-4.5 s of the other clip.
    make({"-i", *dir_ / "orig.mp4", "-i", *dir_ / "other.mp4", "-filter_complex",
          "[0:v]trim=0.5:4.5,setpts=PTS-STARTPTS[x];[1:v]trim=0.5:4.5,setpts=PTS-STARTPTS[y];"
          "[x][y]concat=n=2:v=1:a=0"},
         "comp.mp4");
    testing::WriteFile(*dir_ / "bad.mp4", "this is not a video");
  }
  static void TearDownTestSuite() { delete dir_; }
  static ScratchDir* dir_;
};
ScratchDir* MatchCli::dir_ = nullptr;

TEST_F(MatchCli, JsonSchemaPairsGroupsAndBadFile) {
  auto r = testing::RunSightline({"match", "--json", *dir_ / "orig.mp4", *dir_ / "bad.mp4",
                                  *dir_ / "copy.mp4", *dir_ / "other.mp4"});
  // The bad file fails the run (exit 1), but the others are still matched.
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("bad.mp4"), std::string::npos) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  for (const char* key : {"pairs", "groups", "files"}) {
    ASSERT_TRUE(j.contains(key) && j[key].is_array()) << key << "\n" << r.out;
  }
  ASSERT_EQ(j["pairs"].size(), 1u) << r.out;
  const auto& p = j["pairs"][0];
  EXPECT_EQ(p["a"], *dir_ / "orig.mp4");
  EXPECT_EQ(p["b"], *dir_ / "copy.mp4");
  ASSERT_TRUE(p["score"].is_number());
  EXPECT_GT(p["score"].get<double>(), 0.5);
  EXPECT_LE(p["score"].get<double>(), 1.0);
  EXPECT_EQ(p["mirrored"], true);
  ASSERT_TRUE(p["segments"].is_array());
  ASSERT_EQ(p["segments"].size(), 1u) << r.out;
  const auto& s = p["segments"][0];
  for (const char* key : {"a_start", "a_end", "b_start", "b_end", "score", "speed"}) {
    ASSERT_TRUE(s.contains(key) && s[key].is_number()) << key;
  }
  EXPECT_NEAR(s["a_start"].get<double>(), 1.5, 1.0);
  EXPECT_NEAR(s["a_end"].get<double>(), 5.5, 1.0);
  EXPECT_NEAR(s["b_start"].get<double>(), 0, 1.0);
  EXPECT_NEAR(s["b_end"].get<double>(), 4, 1.0);
  EXPECT_EQ(s["transform"], "mirror");
  EXPECT_EQ(s["mirrored"], true);
  ASSERT_TRUE(s["region"].is_array());
  EXPECT_EQ(s["region"].size(), 4u);
  ASSERT_TRUE(p["evidence"].is_array());
  ASSERT_FALSE(p["evidence"].empty());
  for (const auto& e : p["evidence"]) {
    EXPECT_EQ(e["segment"], 0);
    EXPECT_TRUE(e["a_t"].is_number());
    EXPECT_TRUE(e["b_t"].is_number());
    EXPECT_TRUE(e["distance"].is_number_integer());
    EXPECT_TRUE(e["method"].is_string());
    // Evidence pairs lie on the segment's line (b = a - 1.5 s), within a sample or two.
    EXPECT_NEAR(e["b_t"].get<double>(), e["a_t"].get<double>() - 1.5, 0.6) << e;
  }
  ASSERT_EQ(j["groups"].size(), 1u);
  EXPECT_EQ(j["groups"][0]["group"], 1);
  EXPECT_EQ(j["groups"][0]["files"],
            nlohmann::json::array({*dir_ / "orig.mp4", *dir_ / "copy.mp4"}));
  const auto& ranking = j["groups"][0]["ranking"];
  ASSERT_EQ(ranking.size(), 2u) << r.out;
  EXPECT_EQ(ranking[0]["rank"], 1);
  EXPECT_EQ(ranking[1]["rank"], 2);
  for (const auto& c : ranking) {
    EXPECT_TRUE(c["file"] == *dir_ / "orig.mp4" || c["file"] == *dir_ / "copy.mp4") << c;
    EXPECT_TRUE(c["reasons"].is_array()) << c;
  }
  ASSERT_EQ(j["groups"][0]["footage"].size(), 2u);
  for (const auto& f : j["groups"][0]["footage"]) {
    EXPECT_TRUE(f["file"].is_string()) << f;
    EXPECT_LT(f["start"].get<double>(), f["end"].get<double>()) << f;
  }
  ASSERT_EQ(j["files"].size(), 3u);
  EXPECT_EQ(j["files"][2]["file"], *dir_ / "other.mp4");
  EXPECT_NEAR(j["files"][0]["duration_s"].get<double>(), 6, 0.1);
}

// The compilation shares footage with both sources, which share nothing with each other: one
// group per source, each holding the part of the compilation that shows it.
TEST_F(MatchCli, CompilationIsInOneGroupPerSource) {
  auto r = testing::RunSightline(
      {"match", "--json", *dir_ / "orig.mp4", *dir_ / "other.mp4", *dir_ / "comp.mp4"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_EQ(j["pairs"].size(), 2u) << r.out;
  ASSERT_EQ(j["groups"].size(), 2u) << r.out;
  const std::string comp = *dir_ / "comp.mp4";
  const std::vector<std::pair<std::string, std::pair<double, double>>> want = {
      {*dir_ / "orig.mp4", {0, 4}}, {*dir_ / "other.mp4", {4, 8}}};
  for (std::size_t g = 0; g < 2; ++g) {
    const auto& group = j["groups"][g];
    EXPECT_EQ(group["files"], nlohmann::json::array({want[g].first, comp})) << group;
    bool seen = false;
    for (const auto& f : group["footage"]) {
      if (f["file"] != comp) continue;
      seen = true;
      EXPECT_NEAR(f["start"].get<double>(), want[g].second.first, 1.0) << f;
      EXPECT_NEAR(f["end"].get<double>(), want[g].second.second, 1.0) << f;
    }
    EXPECT_TRUE(seen) << group;
  }
}

TEST_F(MatchCli, ReadableOutput) {
  auto r = testing::RunSightline({"match", *dir_ / "copy.mp4", *dir_ / "orig.mp4"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("copy.mp4  <->  " + (*dir_ / "orig.mp4")), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("mirrored"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("group 1:"), std::string::npos) << r.out;
}

TEST_F(MatchCli, NothingSharedIsNoPairsAndExitZero) {
  auto r = testing::RunSightline({"match", "--json", *dir_ / "orig.mp4", *dir_ / "other.mp4"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_TRUE(j["pairs"].empty()) << r.out;
  EXPECT_TRUE(j["groups"].empty()) << r.out;
}

TEST_F(MatchCli, SamePathTwiceIsMatchedOnceWithAWarning) {
  auto r = testing::RunSightline({"match", "--json", *dir_ / "orig.mp4", *dir_ / "orig.mp4"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("more than once"), std::string::npos) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_TRUE(j["pairs"].empty()) << r.out;
  EXPECT_EQ(j["files"].size(), 1u);
}

TEST_F(MatchCli, ShortlistComparesOnlyPairsWithSharedEvidence) {
  auto r = testing::RunSightline(
      {"match", "--json", *dir_ / "orig.mp4", *dir_ / "copy.mp4", *dir_ / "other.mp4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  const auto& c = j["comparisons"];
  EXPECT_EQ(c["pairs"], 3);
  EXPECT_EQ(c["compared"], 1) << c;  // orig and copy; the test pattern shares nothing
  EXPECT_EQ(c["all_pairs"], false);
  ASSERT_EQ(j["pairs"].size(), 1u);
  r = testing::RunSightline({"match", "--json", "--all-pairs", *dir_ / "orig.mp4",
                             *dir_ / "copy.mp4", *dir_ / "other.mp4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto all = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(all.is_discarded()) << r.out;
  EXPECT_EQ(all["comparisons"]["compared"], 3);
  EXPECT_EQ(all["pairs"], j["pairs"]);
  // --explain says why a pair was not compared.
  r = testing::RunSightline(
      {"match", "--explain", *dir_ / "orig.mp4", *dir_ / "copy.mp4", *dir_ / "other.mp4"});
  EXPECT_NE(r.err.find("not compared"), std::string::npos) << r.err;
}

TEST_F(MatchCli, CaseStoresSignaturesAndReusesThem) {
  const std::string c = *dir_ / "case";
  auto r = testing::RunSightline({"ingest", "--case", c, *dir_ / "orig.mp4", *dir_ / "copy.mp4",
                                  *dir_ / "other.mp4", *dir_ / "bad.mp4"});
  ASSERT_NE(r.exit_code, 2) << r.err;
  r = testing::RunSightline({"match", "--case", c, "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_EQ(j["case"], c);
  EXPECT_EQ(j["signatures"]["items"], 3) << j["signatures"];  // bad.mp4 is no picture
  EXPECT_EQ(j["signatures"]["extracted"], 3);
  EXPECT_EQ(j["signatures"]["reused"], 0);
  ASSERT_EQ(j["pairs"].size(), 1u) << r.out;
  EXPECT_EQ(j["pairs"][0]["a"], "#1 orig.mp4");
  EXPECT_EQ(j["pairs"][0]["b"], "#2 copy.mp4");
  EXPECT_TRUE(std::filesystem::is_directory(c + "/derived/match_signature"));
  // The second run reads the stored signatures and finds the same.
  r = testing::RunSightline({"match", "--case", c, "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto again = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(again.is_discarded()) << r.out;
  EXPECT_EQ(again["signatures"]["reused"], 3);
  EXPECT_EQ(again["signatures"]["extracted"], 0);
  EXPECT_EQ(again["pairs"], j["pairs"]);
  // Storing them went through the custody log: the case still verifies.
  r = testing::RunSightline({"verify", "--case", c});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  r = testing::RunSightline({"match", "--case", c});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("#1 orig.mp4  <->  #2 copy.mp4"), std::string::npos) << r.out;

  // A file looked up in the case: the frame index names the items holding its frames (the
  // same clip, and its mirrored excerpt), and only those are matched against it.
  EXPECT_TRUE(std::filesystem::is_regular_file(c + "/derived/index/match_frames.slhi"));
  r = testing::RunSightline({"match", "--case", c, "--json", *dir_ / "orig.mp4"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto lookup = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(lookup.is_discarded()) << r.out;
  EXPECT_GT(lookup["index_frames"].get<int>(), 0);
  ASSERT_EQ(lookup["lookup"].size(), 1u) << r.out;
  const auto& items = lookup["lookup"][0]["items"];
  ASSERT_EQ(items.size(), 2u) << r.out;
  EXPECT_EQ(items[0]["item"], "#1 orig.mp4");  // every frame
  EXPECT_EQ(items[0]["best_distance"], 0);
  EXPECT_EQ(items[1]["item"], "#2 copy.mp4");
  ASSERT_EQ(lookup["pairs"].size(), 2u) << r.out;
  for (const auto& p : lookup["pairs"]) EXPECT_EQ(p["a"], *dir_ / "orig.mp4") << p;
  EXPECT_EQ(lookup["comparisons"]["pairs"], 2);  // the file against each item it hit

  // The index is derived data: a damaged file is rebuilt from the stored signatures.
  testing::WriteFile(c + "/derived/index/match_frames.slhi", "damaged");
  r = testing::RunSightline({"match", "--case", c, "--json", *dir_ / "copy.mp4"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto rebuilt = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(rebuilt.is_discarded()) << r.out;
  EXPECT_EQ(rebuilt["index_frames"], lookup["index_frames"]);
  EXPECT_EQ(rebuilt["lookup"][0]["items"].size(), 2u) << r.out;
}

TEST_F(MatchCli, UsageErrors) {
  auto r = testing::RunSightline({"match"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no FILE"), std::string::npos) << r.err;
  r = testing::RunSightline({"match", "--threads", "zero", *dir_ / "orig.mp4"});
  EXPECT_EQ(r.exit_code, 2);
  r = testing::RunSightline({"match", "--no-such-option", *dir_ / "orig.mp4"});
  EXPECT_EQ(r.exit_code, 2);
  r = testing::RunSightline({"match", "--case", *dir_ / "no-such-case"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
}

}  // namespace
}  // namespace sightline
