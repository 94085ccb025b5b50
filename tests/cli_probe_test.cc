// End-to-end tests of `sightline probe` (the command in src/cli/cmd_probe.cc): exit codes, JSON
// shape, batches with failures, directories, readable output order.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/file.h"
#include "test_util.h"

namespace sightline {
namespace {

using testing::MakeMedia;
using testing::MakeTestVideo;
using testing::ReadFile;
using testing::RunSightline;
using testing::ScratchDir;
using testing::WriteFile;

TEST(ProbeCliTest, NoFileIsAUsageError) {
  auto r = RunSightline({"probe"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no FILE"), std::string::npos) << r.err;
  EXPECT_EQ(RunSightline({"probe", "--bogus", "x"}).exit_code, 2);
}

TEST(ProbeCliTest, OneFileGivesOneJsonObject) {
  ScratchDir dir;
  std::string mp4 = dir / "clip.mp4";
  MakeTestVideo(mp4, 0.5);
  auto r = RunSightline({"probe", "--json", mp4});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["file"], mp4);
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["kind"], "video");
  EXPECT_TRUE(j["gps"].is_null());
  EXPECT_EQ(j["streams"][0]["codec"], "h264");
  EXPECT_EQ(j["streams"][0]["width"], 160);
  EXPECT_EQ(j["streams"][1]["sample_rate"], 44100);
  EXPECT_FALSE(j.contains("tags"));
  bool reencoded = false;
  for (const auto& a : j["anomalies"]) {
    reencoded = reencoded || (a["code"] == "reencoded" &&
                              a["message"].get<std::string>().find("Lavf") != std::string::npos);
  }
  EXPECT_TRUE(reencoded) << j["anomalies"].dump();
  // --all adds every tag, including the container's encoder tag.
  auto all = nlohmann::json::parse(RunSightline({"probe", "--json", "--all", mp4}).out);
  EXPECT_EQ(all["tags"]["Container.encoder"].get<std::string>().substr(0, 4), "Lavf");
}

TEST(ProbeCliTest, BatchWithBadFilesProbesTheRestAndExitsOne) {
  ScratchDir dir;
  std::string good = dir / "good.mp4", random = dir / "random.mp4", empty = dir / "empty.jpg",
              cut = dir / "cut.mp4", missing = dir / "missing.mov";
  MakeTestVideo(good, 0.5);
  std::string bytes;
  for (int i = 0; i < 4096; ++i) bytes += static_cast<char>((i * 7919) & 0xff);
  WriteFile(random, bytes);
  WriteFile(empty, "");
  std::string video = ReadFile(good);
  WriteFile(cut, video.substr(0, video.size() / 3));
  auto r = RunSightline({"probe", "--json", random, good, empty, cut, missing});
  EXPECT_EQ(r.exit_code, 1);
  auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 5u);
  EXPECT_EQ(j[0]["ok"], false);
  EXPECT_EQ(j[0]["size"], 4096);
  EXPECT_NE(j[0]["error"].get<std::string>().find(random), std::string::npos);
  EXPECT_EQ(j[1]["ok"], true);
  EXPECT_EQ(j[1]["kind"], "video");
  EXPECT_EQ(j[2]["ok"], false);
  EXPECT_EQ(j[3]["ok"], false);
  EXPECT_EQ(j[4]["ok"], false);
  EXPECT_TRUE(j[4]["size"].is_null());
  // Each failure is also named on stderr.
  for (const std::string& p : {random, empty, cut, missing}) {
    EXPECT_NE(r.err.find(p), std::string::npos) << r.err;
  }
  // Readable output: the good file is still described.
  auto text = RunSightline({"probe", random, good});
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_NE(text.out.find("== " + good), std::string::npos);
  EXPECT_NE(text.out.find("Stream #0"), std::string::npos);
}

TEST(ProbeCliTest, DirectoryGivesAnArrayOfMediaFiles) {
  ScratchDir dir;
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=32x24:rate=1", "-frames:v", "1"}, dir / "b.jpg");
  ASSERT_TRUE(MakeDirs(dir / "sub").ok());
  MakeMedia({"-f", "lavfi", "-i", "sine=duration=0.2"}, dir / "sub/a.wav");
  WriteFile(dir / "notes.txt", "not media");
  auto r = RunSightline({"probe", "--json", dir.path()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["kind"], "image");
  EXPECT_EQ(j[1]["kind"], "audio");
  EXPECT_NE(r.err.find("notes.txt"), std::string::npos);  // skipped, and said so
}

TEST(ProbeCliTest, ReadableOutputLeadsWithWhatInvestigatorsCheck) {
  ScratchDir dir;
  std::string mov = dir / "loc.mov";
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=96x64:rate=10:duration=0.5", "-c:v", "mpeg4",
             "-metadata", "location=+48.858400+002.294500/", "-metadata",
             "creation_time=2021-06-01T12:00:00Z", "-f", "mov"},
            mov);
  auto r = RunSightline({"probe", mov});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto at = [&](const char* label) { return r.out.find(std::string("\n") + label); };
  std::size_t created = at("Created"), device = at("Device"), gps = at("GPS "),
              software = at("Software"), anomalies = at("Anomalies"), container = at("Container");
  ASSERT_NE(container, std::string::npos) << r.out;
  EXPECT_LT(created, device);
  EXPECT_LT(device, gps);
  EXPECT_LT(gps, software);
  EXPECT_LT(software, anomalies);
  EXPECT_LT(anomalies, container);
  EXPECT_NE(r.out.find("48.858400, 2.294500"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2021-06-01T12:00:00Z"), std::string::npos) << r.out;
  auto all = RunSightline({"probe", "--all", mov});
  EXPECT_NE(all.out.find("Container.encoder"), std::string::npos);
}

TEST(ProbeCliTest, NonUtf8NamesAreShownEscaped) {
  ScratchDir dir;
  std::string bad = dir / "caf\xe9.mp4";
  WriteFile(bad, "junk");
  auto r = RunSightline({"probe", "--json", bad});
  EXPECT_EQ(r.exit_code, 1);
  auto j = nlohmann::json::parse(r.out);  // valid UTF-8 JSON
  EXPECT_NE(j["file"].get<std::string>().find("caf\\xE9.mp4"), std::string::npos);
  EXPECT_NE(r.err.find("caf\\xE9.mp4"), std::string::npos);
}

}  // namespace
}  // namespace sightline
