// End-to-end: list, show, verify, export through the real binary, including exit codes.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace sightline {
namespace {

using testing::ScratchDir;

class CaseCli : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = {"SIGHTLINE_KEY_DIR=" + (dir_ / "keys"), "SIGHTLINE_ACTOR=analyst"};
    testing::MakeTestVideo(dir_ / "clip.mp4", 0.5);
    testing::WriteFile(dir_ / "notes.bin", "not media");
    auto r = Run({"ingest", "--case", case_dir(), "--note", "from the desk", dir_ / "clip.mp4",
                  dir_ / "notes.bin"});
    ASSERT_EQ(r.exit_code, 1) << r.err;  // notes.bin is flagged
    auto list = Json({"list", "--case", case_dir(), "--json"});
    ASSERT_EQ(list["items"].size(), 2u);
    clip_sha_ = list["items"][0]["sha256"];
  }
  std::string case_dir() const { return dir_ / "case"; }
  testing::CommandResult Run(const std::vector<std::string>& args) {
    return testing::RunSightline(args, env_);
  }
  nlohmann::json Json(const std::vector<std::string>& args) {
    auto r = Run(args);
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out << r.err;
    return j;
  }
  ScratchDir dir_;
  std::vector<std::string> env_;
  std::string clip_sha_;
};

TEST_F(CaseCli, ListAndShow) {
  auto list = Json({"list", "--case", case_dir(), "--json"});
  EXPECT_EQ(list["items"][0]["name"], "clip.mp4");
  EXPECT_EQ(list["items"][0]["kind"], "video");
  EXPECT_TRUE(list["items"][1]["kind"].is_null());
  EXPECT_FALSE(list["items"][1]["media_problem"].is_null());

  for (const std::string& ref :
       {std::string("1"), std::string("clip.mp4"), clip_sha_.substr(0, 8)}) {
    auto show = Json({"show", "--case", case_dir(), "--json", ref});
    EXPECT_EQ(show["item"]["sha256"], clip_sha_) << ref;
    EXPECT_EQ(show["names"][0]["note"], "from the desk");
    EXPECT_EQ(show["names"][0]["actor"], "analyst");
    ASSERT_GE(show["custody"].size(), 1u);
    EXPECT_EQ(show["custody"][0]["action"], "ingest");
  }
  auto missing = Run({"show", "--case", case_dir(), "nosuch"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no item matches"), std::string::npos);
  EXPECT_EQ(Run({"show", "--case", case_dir()}).exit_code, 2);
  EXPECT_EQ(Run({"list", "--case", dir_ / "nocase"}).exit_code, 1);
}

TEST_F(CaseCli, VerifyExitsOneAndNamesTheTamperedObject) {
  auto ok = Run({"verify", "--case", case_dir()});
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_NE(ok.out.find("case OK"), std::string::npos);

  std::string object =
      case_dir() + "/objects/" + clip_sha_.substr(0, 2) + "/" + clip_sha_.substr(2);
  ASSERT_EQ(chmod(object.c_str(), 0644), 0);
  {
    std::fstream f(object, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(100);
    f.put('\x7f');
  }
  auto bad = Run({"verify", "--case", case_dir()});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find(clip_sha_), std::string::npos) << bad.out;
  auto j = Json({"verify", "--case", case_dir(), "--json"});
  EXPECT_EQ(j["ok"], false);
  ASSERT_EQ(j["problems"].size(), 1u);
  EXPECT_EQ(j["problems"][0]["code"], "object_modified");
  EXPECT_EQ(j["problems"][0]["object_sha256"], clip_sha_);
  // And export refuses to vouch for it.
  EXPECT_EQ(Run({"export", "--case", case_dir(), "-o", dir_ / "b.zip"}).exit_code, 1);
}

TEST_F(CaseCli, ExportAndVerifyBundle) {
  auto r = Json({"export", "--case", case_dir(), "-o", dir_ / "all.zip", "--json"});
  EXPECT_EQ(r["complete"], true);
  EXPECT_EQ(r["items"], 2);
  auto v = Run({"verify", "--bundle", dir_ / "all.zip"});
  EXPECT_EQ(v.exit_code, 0) << v.out;
  EXPECT_NE(v.out.find("bundle OK"), std::string::npos);
  auto one = Json({"export", "--case", case_dir(), "-o", dir_ / "one.zip", "--json", "clip.mp4"});
  EXPECT_EQ(one["complete"], false);
  EXPECT_EQ(one["items"], 1);
  EXPECT_EQ(Run({"verify", "--bundle", dir_ / "one.zip"}).exit_code, 0);
  // The case records both exports and still verifies.
  EXPECT_EQ(Run({"verify", "--case", case_dir()}).exit_code, 0);
  EXPECT_EQ(Run({"export", "--case", case_dir(), "-o", dir_ / "all.zip"}).exit_code, 1);
  EXPECT_EQ(Run({"export", "--case", case_dir()}).exit_code, 2);
  EXPECT_EQ(Run({"verify", "--case", case_dir(), "--bundle", dir_ / "all.zip"}).exit_code, 2);
}

}  // namespace
}  // namespace sightline
