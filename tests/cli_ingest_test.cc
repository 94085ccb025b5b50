// End-to-end: `sightline ingest` with good and bad input in one batch, through the real binary.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace sightline {
namespace {

using testing::RunSightline;
using testing::ScratchDir;

class IngestCli : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = {"SIGHTLINE_KEY_DIR=" + (dir_ / "keys"), "SIGHTLINE_ACTOR=tester"};
  }
  testing::CommandResult Sightline(const std::vector<std::string>& args) {
    return RunSightline(args, env_);
  }
  nlohmann::json Json(const testing::CommandResult& r) {
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out << r.err;
    return j;
  }
  ScratchDir dir_;
  std::vector<std::string> env_;
};

const nlohmann::json* FileEntry(const nlohmann::json& j, const std::string& suffix) {
  for (const auto& f : j["files"]) {
    std::string p = f["path"];
    if (p.size() >= suffix.size() &&
        p.compare(p.size() - suffix.size(), suffix.size(), suffix) == 0) {
      return &f;
    }
  }
  return nullptr;
}

TEST_F(IngestCli, BadInputIsNamedAndGoodFilesGoIn) {
  std::string in = dir_ / "in";
  mkdir(in.c_str(), 0755);
  testing::MakeTestVideo(in + "/good.mp4", 1.0);
  std::string good = testing::ReadFile(in + "/good.mp4");
  ASSERT_GT(good.size(), 4000u);
  testing::WriteFile(in + "/re-upload.mp4", good);
  testing::WriteFile(in + "/truncated.mp4", good.substr(0, good.size() / 2));
  testing::WriteFile(in + "/random.bin", std::string(4096, '\x5a') + "\x01\x02\x03");
  testing::WriteFile(in + "/empty.mp4", "");
  testing::WriteFile(in + "/caf\xe9-latin1.mp4", good + "x");  // a name that is not UTF-8
  mkfifo((in + "/pipe").c_str(), 0644);                        // cannot be read as a file

  auto r = Sightline({"ingest", "--case", dir_ / "case", "--source", "test batch", "--json", in,
                      dir_ / "missing.mp4"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  nlohmann::json j = Json(r);
  EXPECT_EQ(j["files"].size(), 8u);

  auto status = [&](const std::string& name) {
    const nlohmann::json* f = FileEntry(j, name);
    return f ? (*f)["status"].get<std::string>() : std::string("absent");
  };
  EXPECT_EQ(status("/good.mp4"), "stored");
  EXPECT_EQ(status("/re-upload.mp4"), "duplicate");
  EXPECT_EQ(status("/truncated.mp4"), "flagged");
  EXPECT_EQ(status("/random.bin"), "flagged");
  EXPECT_EQ(status("/empty.mp4"), "refused");
  EXPECT_EQ(status("/missing.mp4"), "refused");
  EXPECT_EQ(status("/pipe"), "refused");
  EXPECT_EQ(status("\\xE9-latin1.mp4"), "stored");
  // Each failure is named on stderr.
  for (const char* name : {"truncated.mp4", "random.bin", "empty.mp4", "missing.mp4", "pipe"}) {
    EXPECT_NE(r.err.find(name), std::string::npos) << name << " not named in:\n" << r.err;
  }
  EXPECT_EQ(j["summary"]["stored"], 2);
  EXPECT_EQ(j["summary"]["flagged"], 2);

  auto list = Json(Sightline({"list", "--case", dir_ / "case", "--json"}));
  ASSERT_EQ(list["items"].size(), 4u);
  bool has_other_name = false;
  for (const auto& item : list["items"]) {
    if (item["name"] == "good.mp4") {
      has_other_name = item["other_names"].size() == 1 && item["other_names"][0] == "re-upload.mp4";
    }
  }
  EXPECT_TRUE(has_other_name);
  EXPECT_EQ(Sightline({"verify", "--case", dir_ / "case"}).exit_code, 0);
}

TEST_F(IngestCli, CleanBatchExitsZeroAndRerunIsIdempotent) {
  testing::MakeTestVideo(dir_ / "a.mp4", 0.5);
  auto first = Sightline({"ingest", "--case", dir_ / "case", dir_ / "a.mp4"});
  EXPECT_EQ(first.exit_code, 0) << first.err;
  auto again = Sightline({"ingest", "--case", dir_ / "case", "--json", dir_ / "a.mp4"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(Json(again)["files"][0]["status"], "already_present");
  auto list = Json(Sightline({"list", "--case", dir_ / "case", "--json"}));
  EXPECT_EQ(list["items"].size(), 1u);
}

TEST_F(IngestCli, FullDiskRollsBackThatFileOnly) {
  // RLIMIT_FSIZE makes writes past the limit fail with EFBIG, as a full disk fails with ENOSPC.
  testing::WriteFile(dir_ / "small.bin", "small evidence");
  std::string big(3 << 20, 'b');
  for (std::size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<char>(i / 4096);
  testing::WriteFile(dir_ / "big.bin", big);
  ASSERT_EQ(Sightline({"ingest", "--case", dir_ / "case", dir_ / "small.bin"}).exit_code, 1);
  testing::WriteFile(dir_ / "small2.bin", "more small evidence");
  auto r = testing::RunProgram(
      {"sh", "-c", "ulimit -f 2048; exec \"$0\" \"$@\"", SIGHTLINE_BIN, "ingest", "--case",
       dir_ / "case", "--json", dir_ / "big.bin", dir_ / "small2.bin"},
      env_);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  nlohmann::json j = Json(r);
  ASSERT_EQ(j["files"].size(), 2u);
  EXPECT_EQ(j["files"][0]["status"], "refused");
  EXPECT_NE(j["files"][0]["message"].get<std::string>().find("disk full"), std::string::npos);
  EXPECT_EQ(j["files"][1]["status"], "flagged");  // stored (not media, hence flagged)
  // Nothing half-written is left, and the case is intact.
  auto staging = testing::RunProgram({"sh", "-c", "ls -A \"$0\" | wc -l", dir_ / "case/staging"});
  EXPECT_EQ(staging.out, "0\n");
  EXPECT_EQ(Sightline({"verify", "--case", dir_ / "case"}).exit_code, 0);
}

TEST_F(IngestCli, ThousandsOfFilesInADirectory) {
  std::string in = dir_ / "many";
  mkdir(in.c_str(), 0755);
  const int n = 1500;
  for (int i = 0; i < n; ++i)
    testing::WriteFile(in + "/f" + std::to_string(i), "file " + std::to_string(i));
  auto r = Sightline({"ingest", "--case", dir_ / "case", "--json", in});
  nlohmann::json j = Json(r);
  EXPECT_EQ(j["summary"]["files"], n);
  EXPECT_EQ(j["summary"]["flagged"], n);  // text files are preserved but are not media
  EXPECT_EQ(r.exit_code, 1);
  auto list = Json(Sightline({"list", "--case", dir_ / "case", "--json"}));
  EXPECT_EQ(list["items"].size(), static_cast<std::size_t>(n));
}

TEST_F(IngestCli, MetadataIsStoredAndHostileExifIsBounded) {
  // A phone-style clip with a QuickTime location, and JPEGs whose EXIF is hostile.
  testing::MakeMedia(
      {"-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=0.5", "-c:v", "libx264",
       "-pix_fmt", "yuv420p", "-metadata", "location=+48.858370+002.294481/"},
      dir_ / "eiffel.mov");
  testing::MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=64x48", "-frames:v", "1"},
                     dir_ / "base.jpg");
  std::string jpeg = testing::ReadFile(dir_ / "base.jpg");
  std::vector<std::string> args = {"ingest", "--case", dir_ / "case", "--json",
                                   dir_ / "eiffel.mov"};
  int n = 0;
  for (const std::string& tiff : testing::HostileExifBlocks()) {
    std::string path = dir_ / ("hostile" + std::to_string(n++) + ".jpg");
    testing::WriteFile(path, testing::JpegWithExif(jpeg, tiff));
    args.push_back(path);
  }
  auto start = std::chrono::steady_clock::now();
  auto r = Sightline(args);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(secs, 30.0);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;  // the pictures themselves are intact
  nlohmann::json j = Json(r);
  EXPECT_EQ(j["summary"]["stored"], 4);

  auto show = Json(Sightline({"show", "--case", dir_ / "case", "--json", "eiffel.mov"}));
  ASSERT_TRUE(show["metadata"].is_object()) << show.dump();
  EXPECT_EQ(show["metadata"]["file"], "eiffel.mov");
  EXPECT_NEAR(show["metadata"]["gps"]["lat"].get<double>(), 48.858370, 1e-6);
  EXPECT_NEAR(show["metadata"]["gps"]["lon"].get<double>(), 2.294481, 1e-6);
  EXPECT_TRUE(show["metadata"]["anomalies"].is_array());
}

TEST_F(IngestCli, NonCaseDirectoryIsNotTakenOver) {
  testing::WriteFile(dir_ / "notes.txt", "my notes");
  testing::WriteFile(dir_ / "x.bin", "x");
  auto r = Sightline({"ingest", "--case", dir_.path(), dir_ / "x.bin"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("not a Sightline case"), std::string::npos) << r.err;
}

TEST_F(IngestCli, UsageErrorsExitTwo) {
  EXPECT_EQ(Sightline({"ingest", dir_ / "x"}).exit_code, 2);
  EXPECT_EQ(Sightline({"ingest", "--case", dir_ / "c"}).exit_code, 2);
  EXPECT_EQ(Sightline({"ingest", "--bogus"}).exit_code, 2);
  EXPECT_EQ(Sightline({"frobnicate"}).exit_code, 2);
  auto help = Sightline({"ingest", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("Usage: sightline ingest"), std::string::npos);
  auto version = Sightline({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("sightline ", 0), 0u);
}

}  // namespace
}  // namespace sightline
