// End-to-end: `sightline report` writes a self-contained HTML page and the same content as JSON:
// pictures inlined, no reference to any other host or file, text from the case escaped.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace sightline {
namespace {

using testing::MakeMedia;
using testing::ScratchDir;

std::size_t Count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

TEST(ReportCli, SelfContainedHtmlAndJson) {
  ScratchDir dir;
  const std::vector<std::string> env = {"SIGHTLINE_KEY_DIR=" + (dir / "keys"),
                                        "SIGHTLINE_ACTOR=night-desk"};
  auto run = [&](const std::vector<std::string>& args) {
    return testing::RunSightline(args, env);
  };
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=d=2:s=320x240", "-metadata",
             "creation_time=2026-11-24T05:42:10Z"},
            dir / "clip.mp4");
  MakeMedia({"-f", "lavfi", "-i", "testsrc=s=320x240", "-frames:v", "1"}, dir / "photo.jpg");
  testing::WriteFile(dir / "notes.txt", "not media");
  const std::string c = dir / "case";
  ASSERT_EQ(run({"ingest", "--case", c, dir / "clip.mp4", dir / "photo.jpg", dir / "notes.txt"})
                .exit_code,
            1);  // notes.txt flagged
  ASSERT_EQ(run({"annotate", "--case", c, "1", "--kind", "visual", "--at", "1",
                 "<script>alert(1)</script> a truck"})
                .exit_code,
            0);
  ASSERT_EQ(run({"claim", "add", "--case", c, "--confidence", "unconfirmed", "--supports",
                 "observation:1", "A truck & a \"tank\""})
                .exit_code,
            0);

  EXPECT_EQ(run({"report", "--case", c}).exit_code, 2);  // no -o
  testing::WriteFile(dir / "afile", "x");
  EXPECT_EQ(run({"report", "--case", c, "-o", dir / "afile"}).exit_code, 1);

  auto r = run({"report", "--case", c, "-o", dir / "out", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto written = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(written.is_discarded()) << r.out;
  EXPECT_EQ(written["items"], 3);
  EXPECT_EQ(written["claims"], 1);

  const std::string html = testing::ReadFile(dir / "out/report.html");
  EXPECT_EQ(Count(html, "data:image/jpeg;base64,"), 2u);  // the clip and the photo
  EXPECT_EQ(Count(html, "http://"), 0u);
  EXPECT_EQ(Count(html, "https://"), 0u);
  EXPECT_EQ(Count(html, "<script"), 0u);
  EXPECT_EQ(Count(html, " src=\"data:"), Count(html, " src=\""));  // nothing else is loaded
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt; a truck"), std::string::npos);
  EXPECT_NE(html.find("A truck &amp; a &quot;tank&quot;"), std::string::npos);
  EXPECT_NE(html.find("2026-11-24T05:42:10.000Z"), std::string::npos);  // the timeline
  EXPECT_EQ(Count(html, "<svg"), 1u);  // its figure: the clip is placed by its metadata

  auto j = nlohmann::json::parse(testing::ReadFile(dir / "out/report.json"), nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["report"]["format"], "sightline-report-v1");
  ASSERT_EQ(j["items"].size(), 3u);
  EXPECT_TRUE(j["items"][0]["thumbnail_jpeg_base64"].is_string());
  EXPECT_TRUE(j["items"][2]["thumbnail_jpeg_base64"].is_null());  // notes.txt
  EXPECT_EQ(j["claims"][0]["statement"], "A truck & a \"tank\"");
  EXPECT_EQ(j["timeline"]["events"][0]["time"]["best"], "2026-11-24T05:42:11.000Z");
  EXPECT_EQ(j["summary"]["claims"]["unconfirmed"], 1);

  // Without pictures nothing is decoded.
  ASSERT_EQ(run({"report", "--case", c, "-o", dir / "bare", "--no-pictures"}).exit_code, 0);
  EXPECT_EQ(Count(testing::ReadFile(dir / "bare/report.html"), "data:image"), 0u);
}

}  // namespace
}  // namespace sightline
