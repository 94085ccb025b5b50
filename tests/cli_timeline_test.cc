// End-to-end: `sightline timeline` places items by their metadata, carries a time across a
// same_moment relation, bounds by "before", and shows a camera clock that cannot be right as a
// conflict instead of hiding it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace sightline {
namespace {

using testing::MakeMedia;
using testing::ScratchDir;

class TimelineCli : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = {"SIGHTLINE_KEY_DIR=" + (dir_ / "keys"), "SIGHTLINE_ACTOR=night-desk"};
    int n = 0;
    auto clip = [&](const std::string& name, const std::string& created) {
      // Each clip different (duplicates are one item).
      std::vector<std::string> args = {"-f", "lavfi", "-i",
                                       "testsrc=d=" + std::to_string(2 + n++) + ":s=160x120"};
      if (!created.empty()) args.insert(args.end(), {"-metadata", "creation_time=" + created});
      MakeMedia(args, dir_ / name);
    };
    clip("a.mp4", "2026-11-24T05:42:10Z");
    clip("b.mp4", "");                      // stripped, as platforms do
    clip("c.mp4", "2031-01-01T00:00:00Z");  // a camera clock set wrong
    clip("d.mp4", "");
    auto r = Run({"ingest", "--case", case_dir(), dir_ / "a.mp4", dir_ / "b.mp4", dir_ / "c.mp4",
                  dir_ / "d.mp4"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::string case_dir() const { return dir_ / "case"; }
  testing::CommandResult Run(const std::vector<std::string>& args) {
    return testing::RunSightline(args, env_);
  }
  ScratchDir dir_;
  std::vector<std::string> env_;
};

TEST_F(TimelineCli, MetadataSyncBeforeAndConflicts) {
  ASSERT_EQ(
      Run({"link", "--case", case_dir(), "1", "2", "--kind", "same_moment", "--offset", "1.5"})
          .exit_code,
      0);
  ASSERT_EQ(Run({"link", "--case", case_dir(), "4", "1", "--kind", "before"}).exit_code, 0);
  ASSERT_EQ(
      Run({"annotate", "--case", case_dir(), "2", "--kind", "sound", "--at", "0.5", "explosion"})
          .exit_code,
      0);
  auto r = Run({"timeline", "--case", case_dir(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  std::map<int, nlohmann::json> by_item;
  for (const auto& i : j["items"]) by_item[i["item"].get<int>()] = i;

  EXPECT_EQ(by_item[1]["start"]["best"], "2026-11-24T05:42:10.000Z");
  // b starts 1.5 s into a.
  EXPECT_EQ(by_item[2]["start"]["best"], "2026-11-24T05:42:11.500Z");
  bool synced = false;
  for (const auto& b : by_item[2]["basis"]) synced |= b["kind"] == "sync";
  EXPECT_TRUE(synced) << by_item[2];
  // A 2031 capture time cannot be (while these tests run before it): the case had the file before.
  // Shown, and left out.
  EXPECT_TRUE(by_item[3]["start"].is_null());
  ASSERT_EQ(j["conflicts"].size(), 1u) << j["conflicts"];
  EXPECT_EQ(j["conflicts"][0]["items"][0], 3);
  EXPECT_NE(j["conflicts"][0]["message"].get<std::string>().find("2031"), std::string::npos);
  // d was filmed before a: bounded above by a's start, not placed.
  EXPECT_TRUE(by_item[4]["start"].is_null());
  bool before = false;
  for (const auto& b : by_item[4]["basis"]) {
    if (b["kind"] == "before") before = b["latest"] == "2026-11-24T05:42:10.000Z";
  }
  EXPECT_TRUE(before) << by_item[4];
  // The event on b is at b's start + 0.5 s.
  ASSERT_EQ(j["events"].size(), 1u);
  EXPECT_EQ(j["events"][0]["time"]["best"], "2026-11-24T05:42:12.000Z");
  // Placed items first, in time order.
  EXPECT_EQ(j["items"][0]["item"], 1);
  EXPECT_EQ(j["items"][1]["item"], 2);

  auto readable = Run({"timeline", "--case", case_dir()});
  EXPECT_NE(readable.out.find("conflicts:"), std::string::npos) << readable.out;
  EXPECT_NE(readable.out.find("explosion"), std::string::npos) << readable.out;
}

TEST_F(TimelineCli, UploadTimeIsALatestStart) {
  auto src = Run({"source", "add", "--case", case_dir(), "--kind", "account", "--json", "poster"});
  ASSERT_EQ(src.exit_code, 0) << src.err;
  // d has no capture time: the day its post went up bounds it (by that day's end, UTC).
  auto linked = Run({"link", "--case", case_dir(), "4", "--source", "1", "--published-at",
                     "2026-11-20", "--json"});
  ASSERT_EQ(linked.exit_code, 0) << linked.err;
  EXPECT_EQ(nlohmann::json::parse(linked.out, nullptr, false).value("published_at", ""),
            "2026-11-20");
  // a says it was filmed on the 24th, but its post went up on the 23rd: a conflict, shown.
  ASSERT_EQ(Run({"link", "--case", case_dir(), "1", "--source", "1", "--published-at",
                 "2026-11-23T12:00:00Z"})
                .exit_code,
            0);
  EXPECT_EQ(
      Run({"link", "--case", case_dir(), "2", "--source", "1", "--published-at", "last tuesday"})
          .exit_code,
      2);
  auto r = Run({"timeline", "--case", case_dir(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  std::map<int, nlohmann::json> by_item;
  for (const auto& i : j["items"]) by_item[i["item"].get<int>()] = i;
  bool uploaded = false;
  for (const auto& b : by_item[4]["basis"]) {
    uploaded |= b["kind"] == "uploaded" && b["latest"] == "2026-11-21T00:00:00.000Z";
  }
  EXPECT_TRUE(uploaded) << by_item[4];
  bool shown = false;
  for (const auto& k : j["conflicts"]) {
    const std::string m = k["message"];
    shown |= k["items"][0] == 1 && m.find("published 2026-11-23T12:00:00Z") != std::string::npos;
  }
  EXPECT_TRUE(shown) << j["conflicts"];
}

}  // namespace
}  // namespace sightline
