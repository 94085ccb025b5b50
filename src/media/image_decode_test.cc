#include "media/image_decode.h"

#include <gtest/gtest.h>

#include <string>

#include "test_util.h"

namespace sightline::media {
namespace {

const std::string kPhoto = std::string(SIGHTLINE_TEST_DATA) + "/pdq/opensfm_lund_01_320x240.jpg";

TEST(ImageDecodeTest, DecodesLumaAndRgb) {
  auto luma = DecodeImage(kPhoto);
  ASSERT_TRUE(luma.ok()) << luma.status().message();
  EXPECT_EQ(luma->width, 320);
  EXPECT_EQ(luma->height, 240);
  EXPECT_EQ(luma->stride, 320);
  EXPECT_EQ(luma->pixels, ImagePixels::kLuma8);
  EXPECT_EQ(luma->data.size(), 320u * 240u);

  ImageDecodeOptions o;
  o.pixels = ImagePixels::kRgb24;
  auto rgb = DecodeImage(kPhoto, o);
  ASSERT_TRUE(rgb.ok()) << rgb.status().message();
  EXPECT_EQ(rgb->stride, 960);
  EXPECT_EQ(rgb->data.size(), 960u * 240u);
  // The JPEG's Y plane and the luma of its RGB agree to rounding, except where RGB clips.
  long total = 0;
  for (std::size_t i = 0; i < luma->data.size(); ++i) {
    const std::uint8_t* p = &rgb->data[3 * i];
    total += std::abs(luma->data[i] -
                      static_cast<int>(0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2] + 0.5));
  }
  EXPECT_LT(static_cast<double>(total) / luma->data.size(), 1.0);
}

TEST(ImageDecodeTest, PngAndGreyPicturesDecode) {
  testing::ScratchDir dir;
  testing::MakeMedia({"-i", kPhoto, "-pix_fmt", "gray"}, dir / "grey.png");
  testing::MakeMedia({"-i", kPhoto}, dir / "colour.png");
  for (const char* name : {"grey.png", "colour.png"}) {
    auto img = DecodeImage(dir / name);
    ASSERT_TRUE(img.ok()) << name << ": " << img.status().message();
    EXPECT_EQ(img->width, 320);
    EXPECT_EQ(img->height, 240);
  }
}

TEST(ImageDecodeTest, RefusesWhatItCannotDecodeNamingTheFile) {
  testing::ScratchDir dir;
  auto missing = DecodeImage(dir / "nothing.jpg");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("nothing.jpg"), std::string::npos);

  testing::WriteFile(dir / "notes.txt", "not a picture at all\n");
  auto text = DecodeImage(dir / "notes.txt");
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.status().message().find("notes.txt"), std::string::npos);

  ImageDecodeOptions small;
  small.max_pixels = 10000;
  auto big = DecodeImage(kPhoto, small);
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("10000"), std::string::npos) << big.status().message();

  // A JPEG cut short: an error or a partial picture, never a crash.
  const std::string jpeg = testing::ReadFile(kPhoto);
  for (std::size_t cut : {std::size_t{2}, std::size_t{200}, jpeg.size() / 2}) {
    testing::WriteFile(dir / "cut.jpg", jpeg.substr(0, cut));
    auto r = DecodeImage(dir / "cut.jpg");
    if (r.ok()) {
      EXPECT_EQ(r->width, 320);
    }
  }
}

}  // namespace
}  // namespace sightline::media
