// End-to-end tests of `sightline text` (src/cli/cmd_text.cc): exit codes, JSON shape, readable
// output, errors that name the file while the batch goes on.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace sightline {
namespace {

using testing::MakeMedia;
using testing::RunSightline;
using testing::ScratchDir;
using testing::WriteFile;

constexpr char kFont[] = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

std::string DrawText(const std::string& text, int x, int y, const std::string& extra = "") {
  return std::string("drawtext=fontfile=") + kFont + ":text='" + text +
         "':fontsize=30:fontcolor=white:x=" + std::to_string(x) + ":y=" + std::to_string(y) + extra;
}

TEST(TextCliTest, UsageErrors) {
  EXPECT_EQ(RunSightline({"text"}).exit_code, 2);
  EXPECT_EQ(RunSightline({"text", "--bogus", "x.jpg"}).exit_code, 2);
  EXPECT_EQ(RunSightline({"text", "--every", "0", "x.jpg"}).exit_code, 2);
  EXPECT_EQ(RunSightline({"text", "--every", "1s", "x.jpg"}).exit_code, 2);
  EXPECT_EQ(RunSightline({"text", "--min-confidence", "101", "x.jpg"}).exit_code, 2);
  auto bad_lang = RunSightline({"text", "--lang", "eng+../x", "x.jpg"});
  EXPECT_EQ(bad_lang.exit_code, 2);
  EXPECT_NE(bad_lang.err.find("not a Tesseract language code"), std::string::npos) << bad_lang.err;
  // A language without traineddata: the whole run fails at once, naming the package.
  auto missing = RunSightline({"text", "--lang", "zzz", "x.jpg"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("tesseract-ocr-zzz"), std::string::npos) << missing.err;
  auto help = RunSightline({"text", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--json"), std::string::npos);
  EXPECT_NE(help.out.find("place_words"), std::string::npos);
}

TEST(TextCliTest, BatchJsonWithCaptionPhotoAndBadFiles) {
  ScratchDir dir;
  const std::string video = dir / "caption.mp4", photo = dir / "sign.png",
                    blank = dir / "blank.jpg", junk = dir / "junk.mp4", missing = dir / "gone.mp4";
  MakeMedia({"-f", "lavfi", "-i", "color=c=0x203040:s=480x270:r=25:d=5", "-vf",
             DrawText("Breaking news", 30, 200, ":enable='between(t,1,3)'"), "-c:v", "libx264",
             "-preset", "veryfast", "-pix_fmt", "yuv420p"},
            video);
  MakeMedia({"-f", "lavfi", "-i", "color=c=0x665533:s=480x270:d=1", "-vf",
             DrawText("Хрещатик 22", 40, 60), "-frames:v", "1"},
            photo);
  MakeMedia({"-f", "lavfi", "-i", "color=c=0x406080:s=320x240:d=1", "-frames:v", "1"}, blank);
  WriteFile(junk, "not a video at all");
  auto r = RunSightline({"text", "--json", video, photo, blank, junk, missing});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find(junk), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(missing), std::string::npos) << r.err;
  // Tesseract's own chatter stays off stderr: only our two messages.
  EXPECT_EQ(r.err.find("Estimating resolution"), std::string::npos) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 5u);

  const auto& v = j[0];
  EXPECT_EQ(v["file"], video);
  EXPECT_EQ(v["kind"], "video");
  EXPECT_EQ(v["width"], 480);
  EXPECT_EQ(v["height"], 270);
  EXPECT_NEAR(v["duration"].get<double>(), 5, 0.1);
  EXPECT_GE(v["frames_sampled"].get<int>(), 4);
  ASSERT_EQ(v["text"].size(), 1u) << v.dump();
  const auto& caption = v["text"][0];
  EXPECT_EQ(caption["text"], "Breaking news");
  EXPECT_EQ(caption["lang"], "eng");
  EXPECT_NEAR(caption["t"].get<double>(), 1.5, 0.51);    // sampled every 1 s: 1 or 2
  EXPECT_NEAR(caption["end"].get<double>(), 2.5, 0.51);  // 2 or 3
  EXPECT_GE(caption["confidence"].get<double>(), 60);
  EXPECT_LE(caption["confidence"].get<double>(), 100);
  ASSERT_EQ(caption["box"].size(), 4u);
  EXPECT_NEAR(caption["box"][0].get<int>(), 30, 6);
  EXPECT_NEAR(caption["box"][1].get<int>(), 205, 10);
  EXPECT_EQ(v["place_words"], nlohmann::json({"breaking", "news"}));
  EXPECT_TRUE(v["warnings"].empty());

  const auto& p = j[1];
  EXPECT_EQ(p["kind"], "photo");
  EXPECT_TRUE(p["duration"].is_null());
  ASSERT_EQ(p["text"].size(), 1u) << p.dump();
  EXPECT_EQ(p["text"][0]["text"], "Хрещатик 22");
  EXPECT_TRUE(p["text"][0]["t"].is_null());
  EXPECT_TRUE(p["text"][0]["end"].is_null());
  EXPECT_EQ(p["place_words"], nlohmann::json({"22", "хрещатик"}));

  EXPECT_EQ(j[2]["kind"], "photo");
  EXPECT_TRUE(j[2]["text"].empty());
  EXPECT_TRUE(j[2]["place_words"].empty());
  for (int k : {3, 4}) {
    EXPECT_TRUE(j[k].contains("error")) << j[k].dump();
    EXPECT_FALSE(j[k].contains("text"));
  }
  EXPECT_EQ(j[4]["file"], missing);
}

TEST(TextCliTest, ReadableOutputAndSingleFileObject) {
  ScratchDir dir;
  const std::string photo = dir / "shop.png";
  MakeMedia({"-f", "lavfi", "-i", "color=c=0x335577:s=480x270:d=1", "-vf",
             DrawText("Аптека", 40, 60) + "," + DrawText("Pharmacy", 40, 160), "-frames:v", "1"},
            photo);
  auto r = RunSightline({"text", "--lang", "eng+rus", photo});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("== " + photo), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("photo 480x270: 2 line(s) of text"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("rus  Аптека"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("eng  Pharmacy"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("place words: pharmacy аптека"), std::string::npos) << r.out;
  auto j = RunSightline({"text", "--json", "--min-confidence", "0", photo});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  auto o = nlohmann::json::parse(j.out);
  ASSERT_TRUE(o.is_object());
  EXPECT_EQ(o["file"], photo);
}

}  // namespace
}  // namespace sightline
