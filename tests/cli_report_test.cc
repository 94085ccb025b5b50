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
  auto run = [&](const std::vector<std::string>& args) { return testing::RunSightline(args, env); };
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
  EXPECT_EQ(Count(html, "data:image/jpeg;base64,"), 3u);  // the clip, its keyframes, the photo
  EXPECT_EQ(Count(html, "http://"), 0u);
  EXPECT_EQ(Count(html, "https://"), 0u);
  EXPECT_EQ(Count(html, "<script"), 0u);
  EXPECT_EQ(Count(html, " src=\"data:"), Count(html, " src=\""));  // nothing else is loaded
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt; a truck"), std::string::npos);
  EXPECT_NE(html.find("A truck &amp; a &quot;tank&quot;"), std::string::npos);
  EXPECT_NE(html.find("2026-11-24T05:42:10.000Z"), std::string::npos);  // the timeline
  EXPECT_EQ(Count(html, "<svg"), 1u);  // its figure: the clip is placed by its metadata
  EXPECT_EQ(Count(html, "<svg class=\"map\""), 0u);                   // no locations, no map
  EXPECT_EQ(Count(html, "<img data-item=\""), Count(html, "<img "));  // each names its item

  auto j = nlohmann::json::parse(testing::ReadFile(dir / "out/report.json"), nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["report"]["format"], "sightline-report-v1");
  ASSERT_EQ(j["items"].size(), 3u);
  EXPECT_TRUE(j["items"][0]["thumbnail_jpeg_base64"].is_string());
  EXPECT_TRUE(j["items"][2]["thumbnail_jpeg_base64"].is_null());  // notes.txt
  EXPECT_EQ(j["claims"][0]["statement"], "A truck & a \"tank\"");
  EXPECT_EQ(j["timeline"]["events"][0]["time"]["best"], "2026-11-24T05:42:11.000Z");
  EXPECT_EQ(j["summary"]["claims"]["unconfirmed"], 1);

  EXPECT_EQ(j["items"][0]["custody"]["ingest"]["actor"], "night-desk");
  EXPECT_TRUE(j["items"][0]["keyframes_jpeg_base64"].is_string());

  // A location puts a map on the page.
  ASSERT_EQ(run({"locate-item", "--case", c, "2", "--at", "48.8584, 2.2945", "--radius", "50",
                 "--method", "landmarks"})
                .exit_code,
            0);
  ASSERT_EQ(run({"report", "--case", c, "-o", dir / "out"}).exit_code, 0);
  const std::string mapped = testing::ReadFile(dir / "out/report.html");
  EXPECT_EQ(Count(mapped, "<svg class=\"map\""), 1u);
  EXPECT_EQ(Count(mapped, "http://") + Count(mapped, "https://"), 0u);

  // Without pictures nothing is decoded.
  ASSERT_EQ(run({"report", "--case", c, "-o", dir / "bare", "--no-pictures"}).exit_code, 0);
  EXPECT_EQ(Count(testing::ReadFile(dir / "bare/report.html"), "data:image"), 0u);
}

}  // namespace
}  // namespace sightline

namespace sightline {
namespace {

// --pdf prints the page with headless Chromium; without one the HTML and JSON are still written
// and the command exits 1 saying why.
TEST(ReportCli, Pdf) {
  ScratchDir dir;
  const std::vector<std::string> env = {"SIGHTLINE_KEY_DIR=" + (dir / "keys")};
  MakeMedia({"-f", "lavfi", "-i", "testsrc=s=320x240", "-frames:v", "1"}, dir / "photo.jpg");
  const std::string c = dir / "case";
  ASSERT_EQ(testing::RunSightline({"ingest", "--case", c, dir / "photo.jpg"}, env).exit_code, 0);

  std::vector<std::string> no_chromium = env;
  no_chromium.push_back("SIGHTLINE_CHROMIUM=" + (dir / "no-such-browser"));
  auto failed =
      testing::RunSightline({"report", "--case", c, "-o", dir / "a", "--pdf"}, no_chromium);
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_NE(failed.err.find("no PDF"), std::string::npos) << failed.err;
  EXPECT_FALSE(testing::ReadFile(dir / "a/report.html").empty());
  EXPECT_FALSE(testing::ReadFile(dir / "a/report.json").empty());

  if (testing::RunProgram({"sh", "-c", "command -v chromium"}).exit_code != 0) {
    GTEST_SKIP() << "no Chromium installed (scripts/setup-debian.sh adds it)";
  }
  auto r = testing::RunSightline({"report", "--case", c, "-o", dir / "b", "--pdf", "--json"}, env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto written = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(written.is_discarded()) << r.out;
  EXPECT_TRUE(written["pdf"].is_string());
  const std::string pdf = testing::ReadFile(dir / "b/report.pdf");
  EXPECT_EQ(pdf.rfind("%PDF", 0), 0u);
  EXPECT_GT(pdf.size(), 1024u);
}

}  // namespace
}  // namespace sightline

namespace sightline {
namespace {

// What `analyze` stored about each item (the sounds heard, the text read) is in both files.
TEST(ReportCli, ShowsWhatAnalyzeHeardAndRead) {
  ScratchDir dir;
  const std::vector<std::string> env = {"SIGHTLINE_KEY_DIR=" + (dir / "keys"),
                                        "SIGHTLINE_ACTOR=night-desk"};
  auto run = [&](const std::vector<std::string>& args) { return testing::RunSightline(args, env); };
  // A sign over a street scene, and sharp broadband clicks over quiet noise.
  MakeMedia({"-f", "lavfi", "-i", "color=c=white:s=640x360:d=3:r=10", "-f", "lavfi", "-i",
             "aevalsrc='if(lt(mod(t\\,1.3)\\,0.003)\\,0.9*(2*random(0)-1)\\,0.002*(2*random(1)-1))'"
             ":s=48000:d=3",
             "-vf",
             "drawtext=fontfile=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf:text='MARKET "
             "STREET':fontsize=64:fontcolor=black:x=40:y=140",
             "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"},
            dir / "sign.mp4");
  const std::string c = dir / "case";
  ASSERT_EQ(run({"ingest", "--case", c, dir / "sign.mp4"}).exit_code, 0);
  auto before = run({"report", "--case", c, "-o", dir / "before", "--no-pictures"});
  ASSERT_EQ(before.exit_code, 0) << before.err;
  auto plain = nlohmann::json::parse(testing::ReadFile(dir / "before/report.json"));
  EXPECT_TRUE(plain["items"][0]["heard"].is_null());  // not analysed yet
  EXPECT_TRUE(plain["items"][0]["text_read"].is_null());

  ASSERT_EQ(run({"analyze", "--case", c, "--skip", "place"}).exit_code, 0);
  auto r = run({"report", "--case", c, "-o", dir / "out", "--no-pictures"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(testing::ReadFile(dir / "out/report.json"));
  const auto& item = j["items"][0];
  ASSERT_TRUE(item["heard"].is_object()) << item;
  EXPECT_TRUE(item["heard"]["events"].is_array());
  ASSERT_TRUE(item["text_read"].is_array()) << item;
  ASSERT_FALSE(item["text_read"].empty()) << item;
  EXPECT_NE(item["text_read"][0]["text"].get<std::string>().find("MARKET"), std::string::npos)
      << item["text_read"];
  const std::string html = testing::ReadFile(dir / "out/report.html");
  EXPECT_NE(html.find("text read (machine)"), std::string::npos);
  EXPECT_NE(html.find("MARKET"), std::string::npos);
}

}  // namespace
}  // namespace sightline
