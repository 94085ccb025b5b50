#include "analysis/text/ocr.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "analysis/text/track.h"
#include "media/image_decode.h"
#include "test_util.h"

namespace sightline::analysis::text {
namespace {

using testing::MakeMedia;
using testing::ScratchDir;

constexpr char kFont[] = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

std::string DrawText(const std::string& text, int size, const std::string& colour, int x, int y) {
  return std::string("drawtext=fontfile=") + kFont + ":text='" + text +
         "':fontsize=" + std::to_string(size) + ":fontcolor=" + colour + ":x=" + std::to_string(x) +
         ":y=" + std::to_string(y);
}

media::DecodedImage Load(const std::string& path) {
  auto image = media::DecodeImage(path);
  EXPECT_TRUE(image.ok()) << image.status().message();
  return image.ok() ? std::move(image).value() : media::DecodedImage{};
}

GrayView View(const media::DecodedImage& image) {
  return {image.data.data(), image.width, image.height, image.stride};
}

OcrOptions Options(const std::string& languages, int min_confidence = 60) {
  OcrOptions o;
  o.languages = languages;
  o.min_confidence = min_confidence;
  return o;
}

// The line most like `text`, or null.
const TextLine* Find(const std::vector<TextLine>& lines, const std::string& text) {
  const TextLine* best = nullptr;
  double best_sim = 0.8;
  for (const TextLine& l : lines) {
    const double sim = TextSimilarity(l.text, text);
    if (sim >= best_sim) best = &l, best_sim = sim;
  }
  return best;
}

TEST(TextReaderTest, ReadsThreeLanguagesWithBoxes) {
  ScratchDir dir;
  const std::string png = dir / "signs.png";
  // Three signs on a coloured background, and one small line (14 px letters in a 640-wide
  // picture: read only because small pictures are enlarged).
  MakeMedia({"-f", "lavfi", "-i", "color=c=0x336699:s=640x360:d=1", "-vf",
             DrawText("Київ вул. Хрещатик", 28, "white", 40, 40) + "," +
                 DrawText("Аптека круглосуточно", 28, "yellow", 40, 120) + "," +
                 DrawText("Pharmacy open 24 hours", 28, "white", 40, 200) + "," +
                 DrawText("Small print here", 14, "white", 40, 300),
             "-frames:v", "1"},
            png);
  const media::DecodedImage image = Load(png);
  auto reader = TextReader::Create();
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  auto lines = (*reader)->Read(View(image));
  ASSERT_TRUE(lines.ok()) << lines.status().message();
  const TextLine* uk = Find(*lines, "Київ вул. Хрещатик");
  const TextLine* ru = Find(*lines, "Аптека круглосуточно");
  const TextLine* en = Find(*lines, "Pharmacy open 24 hours");
  const TextLine* small = Find(*lines, "Small print here");
  ASSERT_NE(uk, nullptr);
  ASSERT_NE(ru, nullptr);
  ASSERT_NE(en, nullptr);
  ASSERT_NE(small, nullptr);
  EXPECT_EQ(uk->text, "Київ вул. Хрещатик");
  EXPECT_EQ(en->text, "Pharmacy open 24 hours");
  // Cyrillic lines are read by the Russian or the Ukrainian model (they share most letters).
  EXPECT_TRUE(uk->lang == "ukr" || uk->lang == "rus") << uk->lang;
  EXPECT_EQ(en->lang, "eng");
  EXPECT_GE(en->confidence, 80);
  // Boxes in the picture's own pixels (not the enlarged copy's): drawtext put the text's top-left
  // at (40, 40) (a few pixels of the font's ascent above the capitals).
  EXPECT_NEAR(uk->box.x, 40, 4);
  EXPECT_NEAR(uk->box.y, 40 + 3, 6);
  EXPECT_NEAR(uk->box.h, 28, 8);
  EXPECT_GT(uk->box.w, 200);
  EXPECT_LT(uk->box.x + uk->box.w, 640);
  EXPECT_EQ(uk->words.size(), 3u);
  // Reading order: top to bottom.
  EXPECT_LT(uk, ru);
  EXPECT_LT(ru, en);
  EXPECT_LT(en, small);
}

TEST(TextReaderTest, PicturesWithoutTextGiveNothing) {
  ScratchDir dir;
  const std::string plain = dir / "plain.png", texture = dir / "texture.png";
  MakeMedia({"-f", "lavfi", "-i", "color=c=gray:s=320x240:d=1", "-frames:v", "1"}, plain);
  // Fine texture with edges everywhere: what foliage and brickwork give OCR.
  MakeMedia({"-f", "lavfi", "-i", "cellauto=s=320x240:rule=110:seed=7", "-frames:v", "1"}, texture);
  auto reader = TextReader::Create();
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  for (const std::string& path : {plain, texture}) {
    const media::DecodedImage image = Load(path);
    auto lines = (*reader)->Read(View(image));
    ASSERT_TRUE(lines.ok()) << lines.status().message();
    EXPECT_TRUE(lines->empty()) << path << ": " << (lines->empty() ? "" : lines->front().text);
  }
  // A malformed view is an error, not a crash.
  EXPECT_FALSE((*reader)->Read(GrayView{}).ok());
}

TEST(TextReaderTest, MissingDataNamesLanguageAndPackage) {
  auto bad = TextReader::Create(Options("eng+zzz"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kNotFound);
  EXPECT_NE(bad.status().message().find("zzz missing"), std::string::npos)
      << bad.status().message();
  EXPECT_NE(bad.status().message().find("tesseract-ocr-"), std::string::npos);
  EXPECT_EQ(TextReader::Create(Options("../eng")).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(TextReader::Create(Options("")).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(TextReader::Create(Options("eng", 101)).status().code(), StatusCode::kInvalidArgument);
  // TESSDATA_PREFIX, when set, is the only place searched.
  ScratchDir empty;
  const char* old = std::getenv("TESSDATA_PREFIX");
  const std::string saved = old ? old : "";
  setenv("TESSDATA_PREFIX", empty.path().c_str(), 1);
  auto env = FindTessdata("eng");
  if (old) {
    setenv("TESSDATA_PREFIX", saved.c_str(), 1);
  } else {
    unsetenv("TESSDATA_PREFIX");
  }
  ASSERT_FALSE(env.ok());
  EXPECT_NE(env.status().message().find(empty.path()), std::string::npos) << env.status().message();
  // The explicit directory wins.
  auto found = FindTessdata("eng+ukr+rus");
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(*FindTessdata("eng", *found), *found);
}

TEST(LooksLikeTextTest, LettersAndDigitsMustDominate) {
  EXPECT_TRUE(LooksLikeText("Хрещатик"));
  EXPECT_TRUE(LooksLikeText("вул."));
  EXPECT_TRUE(LooksLikeText("24/7"));
  EXPECT_FALSE(LooksLikeText("—|—"));
  EXPECT_FALSE(LooksLikeText("\\\\|a"));
  EXPECT_FALSE(LooksLikeText(""));
}

}  // namespace
}  // namespace sightline::analysis::text
