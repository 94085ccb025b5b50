#include "case/collect.h"

#include <gtest/gtest.h>

#include "base/file.h"
#include "evidence/zip_archive.h"
#include "test_util.h"

namespace sightline::investigation {
namespace {

TEST(ReadPostInfo, ReadsWhoWhenAndWhere) {
  auto info = ReadPostInfo(R"({"id": "abc", "title": "t", "extractor_key": "TwitterBroadcast",
      "channel": "Some Outlet", "channel_id": "UC1", "webpage_url": "https://x.com/a/status/1",
      "original_url": "https://twitter.com/a/status/1", "upload_date": "20261124",
      "epoch": 1795510000, "_version": {"version": "2023.03.04"}})");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->platform, "X");
  EXPECT_EQ(info->uploader, "Some Outlet");  // channel when there is no uploader
  EXPECT_EQ(info->uploader_id, "UC1");
  EXPECT_EQ(info->published_at, "2026-11-24");  // only the day: upload_date
  EXPECT_EQ(info->downloaded_at, "2026-11-24T08:46:40Z");
  EXPECT_EQ(info->yt_dlp_version, "2023.03.04");
  EXPECT_EQ(PostInfoJson(*info)["original_url"], "https://twitter.com/a/status/1");

  auto timed = ReadPostInfo(R"({"timestamp": 1795500000.5, "upload_date": "20261101",
                                "extractor_key": "Generic"})");
  ASSERT_TRUE(timed.ok());
  EXPECT_EQ(timed->published_at, "2026-11-24T06:00:00Z");  // the exact time wins over the day
  EXPECT_EQ(timed->platform, "web");
  auto absurd = ReadPostInfo(R"({"timestamp": -5, "upload_date": "2026-11"})");
  ASSERT_TRUE(absurd.ok());
  EXPECT_EQ(absurd->published_at, "");

  EXPECT_FALSE(ReadPostInfo("[1, 2]").ok());
  EXPECT_FALSE(ReadPostInfo("{ cut").ok());
}

TEST(FindSidecarFiles, FollowsTheNamingRule) {
  testing::ScratchDir dir;
  for (const char* name : {"clip.mp4", "clip.info.json", "clip.mp4.info.json", "clip.wacz",
                           "clip.screenshot.JPG", "clip.jpg", "other.wacz"}) {
    testing::WriteFile(dir / name, "x");
  }
  std::vector<SidecarFile> found = FindSidecarFiles(dir / "clip.mp4");
  std::vector<std::string> names;
  for (const auto& f : found) names.push_back(f.kind + ":" + BaseName(f.path));
  // clip.screenshot.JPG is not found by name on a case-sensitive file system; clip.jpg is an
  // item of its own.
  EXPECT_EQ(names, (std::vector<std::string>{"info_json:clip.info.json",
                                             "info_json:clip.mp4.info.json", "wacz:clip.wacz"}));
  EXPECT_TRUE(FindSidecarFiles(dir / "clip.info.json").empty());
  EXPECT_TRUE(IsSidecarName("a/b.screenshot.png"));
  EXPECT_TRUE(IsSidecarName("B.WACZ"));
  EXPECT_FALSE(IsSidecarName("b.png"));
  EXPECT_FALSE(IsSidecarName("info.json.mp4"));
}

TEST(ReadWacz, OpensAndListsPagesOrSaysWhyNot) {
  testing::ScratchDir dir;
  {
    auto zip = evidence::ZipWriter::Create(dir / "good.wacz");
    ASSERT_TRUE(zip.ok());
    ASSERT_TRUE((*zip)->AddBytes("datapackage.json", R"({"resources": []})").ok());
    ASSERT_TRUE((*zip)
                    ->AddBytes("pages/pages.jsonl",
                               "{\"format\": \"json-pages-1.0\"}\n"
                               "{\"url\": \"https://a.example/1\", \"ts\": \"2026-11-24T07:00Z\"}\n"
                               "not json\n"
                               "{\"url\": \"https://a.example/2\"}\n")
                    .ok());
    ASSERT_TRUE((*zip)->Close().ok());
  }
  WaczSummary good = ReadWacz(dir / "good.wacz");
  EXPECT_TRUE(good.valid) << good.problem;
  EXPECT_EQ(good.page_count, 2);
  ASSERT_EQ(good.pages.size(), 2u);
  EXPECT_EQ(good.pages[0].ts, "2026-11-24T07:00Z");

  {
    auto zip = evidence::ZipWriter::Create(dir / "plain.zip");
    ASSERT_TRUE(zip.ok());
    ASSERT_TRUE((*zip)->AddBytes("readme.txt", "hello").ok());
    ASSERT_TRUE((*zip)->Close().ok());
  }
  WaczSummary plain = ReadWacz(dir / "plain.zip");
  EXPECT_FALSE(plain.valid);
  EXPECT_NE(plain.problem.find("datapackage.json"), std::string::npos) << plain.problem;

  testing::WriteFile(dir / "cut.wacz", "PK\x03\x04 cut");
  WaczSummary cut = ReadWacz(dir / "cut.wacz");
  EXPECT_FALSE(cut.valid);
  EXPECT_NE(cut.problem.find("zip"), std::string::npos) << cut.problem;
}

}  // namespace
}  // namespace sightline::investigation
