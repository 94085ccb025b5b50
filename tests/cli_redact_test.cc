// End-to-end: `sightline redact` on a report made by `sightline report`: faces and regions
// blurred in both files, nothing else changed, broken pictures replaced, the report directory
// and the case left alone.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/file.h"
#include "test_util.h"

namespace sightline {
namespace {

using testing::ScratchDir;

std::size_t Count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

class RedactCli : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = {"SIGHTLINE_KEY_DIR=" + (dir_ / "keys"), "SIGHTLINE_ACTOR=night-desk"};
    // Item 1: a photo with a face; item 2: a test pattern video.
    testing::WriteFile(dir_ / "astronaut.jpg", testing::ReadFile(std::string(SIGHTLINE_TEST_DATA) +
                                                                 "/faces/astronaut_320x240.jpg"));
    testing::MakeMedia({"-f", "lavfi", "-i", "testsrc2=d=2:s=320x240"}, dir_ / "clip.mp4");
    ASSERT_EQ(Run({"ingest", "--case", dir_ / "case", dir_ / "astronaut.jpg", dir_ / "clip.mp4"})
                  .exit_code,
              0);
    ASSERT_EQ(Run({"report", "--case", dir_ / "case", "-o", dir_ / "report"}).exit_code, 0);
    html_ = testing::ReadFile(dir_ / "report/report.html");
    json_ = testing::ReadFile(dir_ / "report/report.json");
  }
  testing::CommandResult Run(const std::vector<std::string>& args) {
    return testing::RunSightline(args, env_);
  }
  ScratchDir dir_;
  std::vector<std::string> env_;
  std::string html_, json_;
};

TEST_F(RedactCli, BlursFacesAndRegionsInBothFiles) {
  auto r = Run(
      {"redact", dir_ / "report", "-o", dir_ / "out", "--region", "2:0.1,0.1,0.3,0.3", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  // Each item's thumbnail (in both files), and the clip's keyframe sheet when the report has one.
  ASSERT_GE(j["pictures"].size(), 2u);
  int thumbnails = 0, regions_on_item2 = 0;
  for (const auto& p : j["pictures"]) {
    ASSERT_EQ(p["items"].size(), 1u) << p.dump();
    const std::string first_place = p["places"][0];
    if (first_place.find("thumbnail_jpeg_base64") != std::string::npos) {
      ++thumbnails;
      EXPECT_EQ(p["places"].size(), 2u) << p.dump();  // report.json and report.html
    }
    if (p["items"][0] == 1) {
      EXPECT_GE(p["faces"].size(), 1u) << p.dump();  // the portrait
      EXPECT_TRUE(p["regions"].empty());
    } else {
      EXPECT_EQ(p["regions"], nlohmann::json::array({"2:0.1,0.1,0.3,0.3"}));
      ++regions_on_item2;
    }
  }
  EXPECT_EQ(thumbnails, 2);
  EXPECT_GE(regions_on_item2, 1);
  EXPECT_EQ(j["summary"]["placeholders"], 0);
  EXPECT_TRUE(j["unmatched_regions"].empty());
  EXPECT_NE(j["notice"].get<std::string>().find("look at every picture"), std::string::npos);

  // Valid, the same structure, only the pictures changed.
  const std::string html = testing::ReadFile(dir_ / "out/report.html");
  const std::string json = testing::ReadFile(dir_ / "out/report.json");
  auto parsed = nlohmann::json::parse(json, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded());
  auto original = nlohmann::json::parse(json_);
  EXPECT_EQ(Count(html, "<img"), Count(html_, "<img"));
  EXPECT_EQ(testing::WithoutPictures(html), testing::WithoutPictures(html_));
  EXPECT_EQ(testing::WithoutPictures(json), testing::WithoutPictures(json_));
  for (int k = 0; k < 2; ++k) {
    const std::string before = original["items"][k]["thumbnail_jpeg_base64"];
    const std::string after = parsed["items"][k]["thumbnail_jpeg_base64"];
    EXPECT_NE(before, after);
    EXPECT_EQ(html.find(before), std::string::npos);
    EXPECT_NE(html.find(after), std::string::npos);  // the same redacted picture in both
  }
  // The report directory and the case are untouched.
  EXPECT_EQ(testing::ReadFile(dir_ / "report/report.html"), html_);
  EXPECT_EQ(testing::ReadFile(dir_ / "report/report.json"), json_);
  EXPECT_EQ(Run({"verify", "--case", dir_ / "case"}).exit_code, 0);

  // Readable output names each picture and reminds to check by eye.
  auto text = Run({"redact", dir_ / "report", "-o", dir_ / "out2"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("item 1"), std::string::npos);
  EXPECT_NE(text.out.find("blurred"), std::string::npos);
  EXPECT_NE(text.out.find("look at every picture before publishing"), std::string::npos);
}

TEST_F(RedactCli, RefusesToOverwriteTheReportUnlessInPlace) {
  EXPECT_EQ(Run({"redact", dir_ / "report", "-o", dir_ / "report"}).exit_code, 2);
  EXPECT_EQ(Run({"redact", dir_ / "report", "-o", dir_ / "report/."}).exit_code, 2);
  EXPECT_EQ(Run({"redact", dir_ / "report"}).exit_code, 2);  // no -o
  EXPECT_EQ(
      Run({"redact", dir_ / "report", "-o", dir_ / "x", "--region", "1:0.5,0.5,0.6,0.6"}).exit_code,
      2);
  EXPECT_EQ(testing::ReadFile(dir_ / "report/report.html"), html_);

  auto r =
      Run({"redact", dir_ / "report", "--in-place", "--no-faces", "--region", "all:0,0,0.5,0.5"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(testing::ReadFile(dir_ / "report/report.html"), html_);
  EXPECT_EQ(testing::WithoutPictures(testing::ReadFile(dir_ / "report/report.json")),
            testing::WithoutPictures(json_));

  // Another report file beside them may show the pictures: said, and exit status 1.
  testing::WriteFile(dir_ / "report/report.pdf", "%PDF-1.4 pictures");
  auto again = Run({"redact", dir_ / "report", "--in-place", "--no-faces"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("report.pdf"), std::string::npos);
}

TEST_F(RedactCli, BrokenPicturesAreReplacedAndUnmatchedRegionsReported) {
  // A picture whose bytes are not an image (in the HTML only).
  std::string html = html_;
  const std::size_t at = html.find("data:image/jpeg;base64,");
  ASSERT_NE(at, std::string::npos);
  const std::size_t end = html.find('"', at);
  html.replace(at, end - at, "data:image/jpeg;base64,bm90IGEgcGljdHVyZSBhdCBhbGwsIGp1c3QgdGV4dA==");
  ASSERT_TRUE(MakeDirs(dir_ / "broken").ok());
  testing::WriteFile(dir_ / "broken/report.html", html);
  auto r = Run({"redact", dir_ / "broken", "-o", dir_ / "out", "--no-faces", "--json"});
  EXPECT_EQ(r.exit_code, 1);
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_EQ(j["summary"]["placeholders"], 1);
  EXPECT_TRUE(j["json"].is_null());
  const std::string out = testing::ReadFile(dir_ / "out/report.html");
  EXPECT_EQ(Count(out, "<img"), Count(html, "<img"));
  EXPECT_EQ(out.find("bm90IGEgcGljdHVyZSBhdCBhbGwsIGp1c3QgdGV4dA=="), std::string::npos);
  EXPECT_NE(r.err.find("placeholder"), std::string::npos);

  auto unmatched = Run({"redact", dir_ / "report", "-o", dir_ / "out3", "--no-faces", "--region",
                        "9:0.1,0.1,0.2,0.2"});
  EXPECT_EQ(unmatched.exit_code, 1);
  EXPECT_NE(unmatched.err.find("9:0.1,0.1,0.2,0.2"), std::string::npos);
}

TEST_F(RedactCli, CascadesAreNeededOnlyForFaces) {
  auto missing = Run({"redact", dir_ / "report", "-o", dir_ / "out", "--cascades", dir_ / "none"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("--no-faces"), std::string::npos);
  EXPECT_FALSE(PathExists(dir_ / "out"));  // nothing written
  EXPECT_EQ(Run({"redact", dir_ / "report", "-o", dir_ / "out", "--cascades", dir_ / "none",
                 "--no-faces"})
                .exit_code,
            0);
  EXPECT_EQ(Run({"redact", dir_ / "nothing-here", "-o", dir_ / "out"}).exit_code, 1);
}

}  // namespace
}  // namespace sightline
