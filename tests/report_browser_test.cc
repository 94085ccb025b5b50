// The report in a real browser: Debian's headless Chromium opens report.html with networking
// disabled (report/chromium.h), takes a screenshot, and the test checks that the screenshot shows
// something and that the page asked for nothing over the network.
//
// How "no request" is detected: Chromium writes its network log (--log-net-log), and every URL
// request it starts appears there as URL_REQUEST_START_JOB with its URL. Chromium's own background
// requests (update and time checks, which its flags do not all stop) appear too; they carry no
// initiator ("not an origin") and a network isolation key that is not the page's. A request made
// by the page carries the page as initiator ("null" or file://) or the file:// isolation key. The
// log sees the attempt whether or not it could succeed, so the check does not depend on the
// network being there. A local proxy counting connections was tried first: with host names
// unresolvable, Chromium never reaches it, so it would count nothing either way. The canary test
// proves the detector sees a page's request (an <img> from an unresolvable host).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>

#include "media/image_decode.h"
#include "report/chromium.h"
#include "test_util.h"

namespace sightline {
namespace {

using testing::MakeMedia;
using testing::ScratchDir;

// The URLs of the requests a page made, from Chromium's network log.
std::vector<std::string> PageRequests(const std::string& netlog_path) {
  const std::string text = testing::ReadFile(netlog_path);
  nlohmann::json log = nlohmann::json::parse(text, nullptr, false);
  if (log.is_discarded()) {
    // Chromium ends the log with "]}" when it exits cleanly; tolerate a cut tail.
    log = nlohmann::json::parse(text + "]}", nullptr, false);
  }
  EXPECT_FALSE(log.is_discarded()) << "unreadable network log " << netlog_path;
  std::vector<std::string> urls;
  if (log.is_discarded()) return urls;
  const auto& types = log["constants"]["logEventTypes"];
  EXPECT_TRUE(types.contains("URL_REQUEST_START_JOB"));
  const int start_job = types.value("URL_REQUEST_START_JOB", -1);
  for (const auto& e : log["events"]) {
    if (e.value("type", -2) != start_job || !e.contains("params")) continue;
    const auto& p = e["params"];
    if (!p.contains("url")) continue;
    const std::string initiator = p.value("initiator", "not an origin");
    const std::string isolation = p.value("network_isolation_key", "");
    if (initiator != "not an origin" || isolation.find("file://") != std::string::npos) {
      urls.push_back(p["url"].get<std::string>());
    }
  }
  return urls;
}

struct Shot {
  Status status;
  std::vector<std::string> requests;
  media::DecodedImage picture;
};

// Opens `html` in headless Chromium (offline) and returns its screenshot and the page's requests.
Shot OpenInChromium(const std::string& html, const std::string& work) {
  Shot shot;
  report::ChromiumOptions o;
  o.work_dir = work;
  o.timeout_s = 25;
  o.window_width = 1280;
  o.window_height = 2000;
  o.extra_args = {"--log-net-log=" + work + "/net.json"};
  shot.status = report::Screenshot(html, work + "/shot.png", o);
  if (!shot.status.ok()) return shot;
  shot.requests = PageRequests(work + "/net.json");
  media::ImageDecodeOptions d;
  d.pixels = media::ImagePixels::kRgb24;
  Result<media::DecodedImage> picture = media::DecodeImage(work + "/shot.png", d);
  if (!picture.ok()) {
    shot.status = picture.status();
  } else {
    shot.picture = std::move(picture).value();
  }
  return shot;
}

// Distinct colours (each channel quantised to 32 levels) and the luma standard deviation.
void Contents(const media::DecodedImage& p, std::size_t* colours, double* luma_sd) {
  std::set<int> seen;
  double sum = 0, sum2 = 0;
  for (int y = 0; y < p.height; ++y) {
    const std::uint8_t* row = p.data.data() + static_cast<std::size_t>(y) * p.stride;
    for (int x = 0; x < p.width; ++x) {
      const int r = row[3 * x], g = row[3 * x + 1], b = row[3 * x + 2];
      seen.insert((r >> 3) << 10 | (g >> 3) << 5 | (b >> 3));
      const double l = 0.299 * r + 0.587 * g + 0.114 * b;
      sum += l;
      sum2 += l * l;
    }
  }
  const double n = static_cast<double>(p.width) * p.height;
  *colours = seen.size();
  *luma_sd = n > 0 ? std::sqrt(std::max(0.0, sum2 / n - (sum / n) * (sum / n))) : 0;
}

bool HaveChromium() { return report::FindChromium().ok(); }

TEST(ReportBrowser, RendersWithoutNetworkRequests) {
  if (!HaveChromium()) GTEST_SKIP() << "no Chromium installed (scripts/setup-debian.sh adds it)";
  ScratchDir dir;
  const std::vector<std::string> env = {"SIGHTLINE_KEY_DIR=" + (dir / "keys"),
                                        "SIGHTLINE_ACTOR=night-desk"};
  auto run = [&](const std::vector<std::string>& args) { return testing::RunSightline(args, env); };
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=d=2:s=320x240", "-f", "lavfi", "-i",
             "sine=frequency=440:duration=2", "-shortest", "-metadata",
             "creation_time=2026-11-24T05:42:10Z"},
            dir / "clip.mp4");
  MakeMedia({"-f", "lavfi", "-i", "testsrc=s=320x240", "-frames:v", "1"}, dir / "photo.jpg");
  const std::string c = dir / "case";
  ASSERT_EQ(run({"ingest", "--case", c, dir / "clip.mp4", dir / "photo.jpg"}).exit_code, 0);
  ASSERT_EQ(run({"annotate", "--case", c, "1", "--kind", "visual", "--at", "1",
                 "<img src=\"http://example.invalid/a.png\"> a truck"})
                .exit_code,
            0);
  ASSERT_EQ(run({"locate-item", "--case", c, "1", "--at", "50.4501, 30.5234", "--radius", "500",
                 "--method", "source_statement"})
                .exit_code,
            0);
  auto r = run({"report", "--case", c, "-o", dir / "out"});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  ScratchDir work;
  Shot shot = OpenInChromium(dir / "out/report.html", work.path());
  ASSERT_TRUE(shot.status.ok()) << shot.status.message();
  EXPECT_TRUE(shot.requests.empty())
      << "the report made a request, the first: " << shot.requests.front();
  EXPECT_EQ(shot.picture.width, 1280);
  EXPECT_EQ(shot.picture.height, 2000);
  std::size_t colours = 0;
  double luma_sd = 0;
  Contents(shot.picture, &colours, &luma_sd);
  // A blank page is one colour; text, figures and the test pictures give hundreds.
  EXPECT_GT(colours, 50u);
  EXPECT_GT(luma_sd, 10.0);
}

// The detector sees a request: a page with a picture from another host is caught, and a blank
// page is recognised as blank.
TEST(ReportBrowser, CanaryRequestAndBlankPageAreDetected) {
  if (!HaveChromium()) GTEST_SKIP() << "no Chromium installed (scripts/setup-debian.sh adds it)";
  ScratchDir dir;
  testing::WriteFile(dir / "canary.html",
                     "<!DOCTYPE html><html><body><img src=\"http://example.invalid/x.png\">"
                     "</body></html>");
  Shot shot = OpenInChromium(dir / "canary.html", dir.path());
  ASSERT_TRUE(shot.status.ok()) << shot.status.message();
  ASSERT_EQ(shot.requests.size(), 1u);
  EXPECT_EQ(shot.requests[0], "http://example.invalid/x.png");
  std::size_t colours = 0;
  double luma_sd = 0;
  Contents(shot.picture, &colours, &luma_sd);
  EXPECT_TRUE(colours <= 50 || luma_sd <= 10.0)  // white, and the broken-image icon
      << colours << " colours, luma sd " << luma_sd;
}

}  // namespace
}  // namespace sightline
