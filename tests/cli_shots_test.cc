// End-to-end tests of `sightline shots`, `sightline keyframes` and `sightline sheet`
// (src/cli/cmd_shots.cc, cmd_keyframes.cc, cmd_sheet.cc): exit codes, JSON shape, files written,
// errors that name the file.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "base/file.h"
#include "test_util.h"

namespace sightline {
namespace {

using testing::MakeMedia;
using testing::ReadFile;
using testing::RunSightline;
using testing::ScratchDir;
using testing::WriteFile;

// Two shots: testsrc2 for 1.2 s, a cut, the SMPTE bars for 1.0 s.
void MakeTwoShots(const std::string& path) {
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=1.2", "-f", "lavfi", "-i",
             "smptebars=s=320x240:r=25:d=1.0", "-filter_complex",
             "[0:v]setsar=1[a];[1:v]setsar=1[b];[a][b]concat=n=2:v=1:a=0[v]", "-map", "[v]", "-c:v",
             "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"},
            path);
}

TEST(ShotsCliTest, UsageErrors) {
  EXPECT_EQ(RunSightline({"shots"}).exit_code, 2);
  EXPECT_EQ(RunSightline({"shots", "--bogus", "x"}).exit_code, 2);
  auto r = RunSightline({"keyframes", "x.mp4"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("-o DIR"), std::string::npos) << r.err;
  EXPECT_EQ(RunSightline({"keyframes", "--max", "0", "x.mp4", "-o", "d"}).exit_code, 2);
  EXPECT_EQ(RunSightline({"keyframes", "--max", "3x", "x.mp4", "-o", "d"}).exit_code, 2);
  EXPECT_EQ(RunSightline({"sheet", "x.mp4"}).exit_code, 2);
  EXPECT_EQ(RunSightline({"sheet", "a.mp4", "b.mp4", "-o", "s.jpg"}).exit_code, 2);
  auto help = RunSightline({"shots", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--json"), std::string::npos);
}

TEST(ShotsCliTest, JsonShapeAndText) {
  ScratchDir dir;
  const std::string v = dir / "two.mp4";
  MakeTwoShots(v);
  auto r = RunSightline({"shots", "--json", v});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["file"], v);
  ASSERT_EQ(j["shots"].size(), 2u);
  ASSERT_EQ(j["transitions"].size(), 1u);
  const auto& t = j["transitions"][0];
  EXPECT_EQ(t["kind"], "cut");
  EXPECT_NEAR(t["start"].get<double>(), 1.2, 0.001);
  EXPECT_EQ(t["start"], t["end"]);
  EXPECT_EQ(j["shots"][0]["start"], 0.0);
  EXPECT_EQ(j["shots"][0]["end"], t["start"]);
  EXPECT_EQ(j["shots"][1]["start"], t["end"]);
  for (const auto& s : j["shots"]) {
    EXPECT_GE(s["keyframe_t"].get<double>(), s["start"].get<double>());
    EXPECT_LT(s["keyframe_t"].get<double>(), s["end"].get<double>());
  }
  auto text = RunSightline({"shots", v});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("2 shot(s), 1 transition(s)"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("cut      00:01.200"), std::string::npos) << text.out;
}

TEST(ShotsCliTest, BadInputsExitOneNamingTheFile) {
  ScratchDir dir;
  const std::string good = dir / "good.mp4", audio = dir / "tone.m4a", empty = dir / "empty.mp4";
  MakeTwoShots(good);
  MakeMedia({"-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-c:a", "aac"}, audio);
  WriteFile(empty, "");
  auto r = RunSightline({"shots", "--json", good, audio, empty});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("tone.m4a: no video stream"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("empty.mp4"), std::string::npos) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 3u);
  EXPECT_EQ(j[0]["shots"].size(), 2u);
  EXPECT_TRUE(j[1].contains("error"));
  EXPECT_TRUE(j[2].contains("error"));
  auto k = RunSightline({"keyframes", audio, "-o", dir / "kf"});
  EXPECT_EQ(k.exit_code, 1);
  EXPECT_NE(k.err.find("no video stream"), std::string::npos) << k.err;
  auto s = RunSightline({"sheet", empty, "-o", dir / "s.jpg"});
  EXPECT_EQ(s.exit_code, 1);
  EXPECT_NE(s.err.find("empty.mp4"), std::string::npos) << s.err;
  EXPECT_FALSE(PathExists(dir / "s.jpg"));
  EXPECT_EQ(RunSightline({"shots", dir / "missing.mp4"}).exit_code, 1);
}

TEST(ShotsCliTest, KeyframesAndSheetAreWritten) {
  ScratchDir dir;
  const std::string v = dir / "two.mp4";
  MakeTwoShots(v);
  auto r = RunSightline({"keyframes", "--json", v, "-o", dir / "kf"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["shots"], 2);
  ASSERT_EQ(j["keyframes"].size(), 2u);
  for (const auto& k : j["keyframes"]) {
    const std::string path = k["path"];
    const std::string name = BaseName(path);
    ASSERT_EQ(name.size(), std::string("t000001.480.jpg").size()) << name;
    EXPECT_EQ(name[0], 't');
    EXPECT_NEAR(std::stod(name.substr(1, 10)), k["t"].get<double>(), 0.0006);
    std::string bytes = ReadFile(path);
    ASSERT_GT(bytes.size(), 1000u);
    EXPECT_EQ(static_cast<unsigned char>(bytes[0]), 0xFF);
    EXPECT_EQ(static_cast<unsigned char>(bytes[1]), 0xD8);
  }
  // Readable output lists what was written; --max caps the count.
  auto one = RunSightline({"keyframes", "--max", "1", v, "-o", dir / "one"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_NE(one.out.find("wrote "), std::string::npos);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir / "one"),
                          std::filesystem::directory_iterator()),
            1);

  auto s = RunSightline({"sheet", "--max", "4", v, "-o", dir / "sheet.jpg"});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  EXPECT_NE(s.out.find("sheet.jpg"), std::string::npos);
  std::string sheet = ReadFile(dir / "sheet.jpg");
  ASSERT_GT(sheet.size(), 1000u);
  EXPECT_EQ(static_cast<unsigned char>(sheet[0]), 0xFF);
}

}  // namespace
}  // namespace sightline
