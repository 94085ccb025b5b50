// End-to-end: `sightline analyze --case` records same_footage findings, incrementally, and a
// person's decisions on them stick across runs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <tuple>

#include "test_util.h"

namespace sightline {
namespace {

using testing::MakeMedia;
using testing::ScratchDir;

class AnalyzeCli : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = {"SIGHTLINE_KEY_DIR=" + (dir_ / "keys"), "SIGHTLINE_ACTOR=night-desk"};
    const std::vector<std::string> x264 = {"-c:v",     "libx264", "-preset", "veryfast",
                                           "-pix_fmt", "yuv420p", "-an"};
    auto make = [&](std::vector<std::string> args, const std::string& name) {
      args.insert(args.end(), x264.begin(), x264.end());
      MakeMedia(args, dir_ / name);
    };
    // A pan over a still picture, a re-encoded smaller excerpt of it, and an unrelated clip.
    MakeMedia({"-f", "lavfi", "-i", "mandelbrot=s=960x720:start_scale=2.2", "-frames:v", "1"},
              dir_ / "big.png");
    make({"-loop", "1", "-framerate", "25", "-i", dir_ / "big.png", "-vf",
          "crop=320:240:x='320+300*sin(0.45*t)':y='240+220*sin(0.8*t+0.5)',trim=duration=6"},
         "orig.mp4");
    make({"-ss", "1", "-t", "4", "-i", dir_ / "orig.mp4", "-vf", "scale=240:180", "-crf", "30"},
         "excerpt.mp4");
    make({"-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=5"}, "other.mp4");
    make({"-i", dir_ / "orig.mp4", "-vf", "hflip", "-crf", "28"}, "mirrored.mp4");
    testing::WriteFile(dir_ / "notes.txt", "not media");
  }
  std::string case_dir() const { return dir_ / "case"; }
  testing::CommandResult Run(const std::vector<std::string>& args) {
    return testing::RunSightline(args, env_);
  }
  nlohmann::json Json(const std::vector<std::string>& args, int expected_exit = 0) {
    auto r = Run(args);
    EXPECT_EQ(r.exit_code, expected_exit) << r.out << r.err;
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out << r.err;
    return j;
  }
  ScratchDir dir_;
  std::vector<std::string> env_;
};

TEST_F(AnalyzeCli, SameFootageFindingsIncrementallyWithDecisionsKept) {
  ASSERT_LE(Run({"ingest", "--case", case_dir(), dir_ / "orig.mp4", dir_ / "excerpt.mp4",
                 dir_ / "other.mp4", dir_ / "notes.txt"})
                .exit_code,
            1);
  auto first = Json({"analyze", "--case", case_dir(), "--json"});
  ASSERT_EQ(first["stages"].size(), 7u);
  // The clips have no sound: nothing to sync, and no failure either.
  EXPECT_EQ(first["stages"][1]["stage"], "moment");
  EXPECT_EQ(first["stages"][1]["new_findings"], 0);
  EXPECT_TRUE(first["stages"][1]["warnings"].empty()) << first["stages"][1];
  EXPECT_EQ(first["stages"][2]["stage"], "sounds");  // no sound: each done with, no decode
  EXPECT_EQ(first["stages"][2]["new_items"], 4);
  EXPECT_EQ(first["stages"][2]["extracted"], 0);
  EXPECT_EQ(first["stages"][3]["stage"], "text");
  EXPECT_EQ(first["stages"][3]["extracted"], 3);  // the three clips read; the notes done with
  EXPECT_EQ(first["stages"][3]["new_items"], 4);
  EXPECT_EQ(first["stages"][4]["stage"], "gps");
  EXPECT_EQ(first["stages"][4]["new_items"], 4);  // no telemetry: done with, nothing read
  EXPECT_EQ(first["stages"][4]["extracted"], 0);
  EXPECT_EQ(first["stages"][5]["stage"], "place");
  EXPECT_EQ(first["stages"][5]["new_findings"], 0);  // copies are not suggested as one place
  EXPECT_EQ(first["stages"][6]["stage"], "event");
  EXPECT_EQ(first["stages"][6]["new_findings"], 0);
  const auto& footage = first["stages"][0];
  EXPECT_EQ(footage["stage"], "footage");
  EXPECT_EQ(footage["extracted"], 3);
  EXPECT_EQ(footage["new_findings"], 1);
  EXPECT_TRUE(footage["error"].is_null());

  auto findings = Json({"findings", "--case", case_dir(), "--json"})["findings"];
  ASSERT_EQ(findings.size(), 1u) << findings;
  const auto& f = findings[0];
  EXPECT_EQ(f["kind"], "same_footage");
  EXPECT_EQ(f["a"], 1);  // orig.mp4
  EXPECT_EQ(f["b"], 2);  // excerpt.mp4
  EXPECT_EQ(f["status"], "suggested");
  EXPECT_EQ(f["analyzer"], "match");
  ASSERT_GE(f["evidence"]["segments"].size(), 1u);
  // The excerpt starts 1 s into the original.
  EXPECT_NEAR(f["evidence"]["segments"][0]["a_start"].get<double>() -
                  f["evidence"]["segments"][0]["b_start"].get<double>(),
              1.0, 0.2);
  ASSERT_EQ(Run({"accept", "--case", case_dir(), "1"}).exit_code, 0);

  // Nothing new: nothing decoded or compared, nothing written.
  auto again = Json({"analyze", "--case", case_dir(), "--json"});
  EXPECT_EQ(again["stages"][0]["new_items"], 0);
  EXPECT_EQ(again["stages"][0]["extracted"], 0);  // no decode
  EXPECT_EQ(again["stages"][0]["compared"], 0);
  EXPECT_EQ(again["stages"][1]["compared"], 0);
  EXPECT_EQ(again["stages"][2]["new_items"], 0);
  EXPECT_EQ(again["stages"][3]["extracted"], 0);
  EXPECT_EQ(again["stages"][4]["new_items"], 0);
  EXPECT_EQ(again["stages"][5]["compared"], 0);
  EXPECT_EQ(again["new_findings"], 0);

  // A new copy is compared with the others, and only it.
  ASSERT_EQ(Run({"ingest", "--case", case_dir(), dir_ / "mirrored.mp4"}).exit_code, 0);
  auto third = Json({"analyze", "--case", case_dir(), "--json"});
  EXPECT_EQ(third["stages"][0]["new_items"], 1);
  EXPECT_EQ(third["stages"][0]["extracted"], 1);
  EXPECT_EQ(third["new_findings"], 2);  // with the original and with the excerpt
  auto all = Json({"findings", "--case", case_dir(), "--json"})["findings"];
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0]["status"], "accepted");  // the decision stands
  for (const auto& g : all) EXPECT_NE(g["a"], 3) << "other.mp4 shares no footage";
  EXPECT_EQ(Run({"verify", "--case", case_dir()}).exit_code, 0);
}

// A run killed at any moment loses nothing and corrupts nothing: the next run finishes the work,
// the findings are those of an uninterrupted run, and the case verifies. The kill times are
// spread over the run so that some land inside a stage and some between stages.
TEST_F(AnalyzeCli, KilledRunResumes) {
  const std::vector<std::string> inputs = {dir_ / "orig.mp4", dir_ / "excerpt.mp4",
                                           dir_ / "other.mp4", dir_ / "mirrored.mp4"};
  auto ingest = [&](const std::string& dir) {
    std::vector<std::string> args = {"ingest", "--case", dir};
    args.insert(args.end(), inputs.begin(), inputs.end());
    ASSERT_EQ(Run(args).exit_code, 0);
  };
  auto pairs = [&](const std::string& dir) {
    std::set<std::tuple<std::string, int, int>> out;
    const auto listed = Json({"findings", "--case", dir, "--json"});
    for (const auto& f : listed["findings"]) {
      out.insert({f["kind"].get<std::string>(), f["a"].get<int>(), f["b"].get<int>()});
    }
    return out;
  };
  const std::string reference = dir_ / "reference";
  ingest(reference);
  ASSERT_EQ(Run({"analyze", "--case", reference}).exit_code, 0);
  const auto expected = pairs(reference);
  ASSERT_EQ(expected.size(), 3u);

  int interrupted = 0;
  for (const char* seconds : {"0.2", "0.6", "1.2", "2.5"}) {
    const std::string dir = dir_ / (std::string("killed-") + seconds);
    ingest(dir);
    std::vector<std::string> killed = {"timeout",     "-s",      "KILL",   seconds,
                                       SIGHTLINE_BIN, "analyze", "--case", dir};
    auto k = testing::RunProgram(killed, env_);
    if (k.exit_code != 0) ++interrupted;
    auto resumed = Run({"analyze", "--case", dir, "--json"});
    EXPECT_EQ(resumed.exit_code, 0) << "killed after " << seconds << " s: " << resumed.err;
    EXPECT_EQ(pairs(dir), expected) << "killed after " << seconds << " s";
    EXPECT_EQ(Run({"verify", "--case", dir}).exit_code, 0) << "killed after " << seconds;
    auto again = Json({"analyze", "--case", dir, "--json"});
    EXPECT_EQ(again["new_findings"], 0) << "killed after " << seconds << " s";
  }
  EXPECT_GE(interrupted, 1) << "no run was interrupted: the test proves nothing";
}

TEST_F(AnalyzeCli, UsageAndMissingCase) {
  EXPECT_EQ(Run({"analyze"}).exit_code, 2);
  EXPECT_EQ(Run({"analyze", "--case", case_dir(), "extra"}).exit_code, 2);
  EXPECT_EQ(Run({"analyze", "--case", dir_ / "nocase"}).exit_code, 1);
}

}  // namespace
}  // namespace sightline
