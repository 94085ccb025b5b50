#include "media/png_writer.h"

#include <gtest/gtest.h>

namespace sightline::media {
namespace {

TEST(PngWriterTest, EncodesRgbAndGrayAndRefusesBadSizes) {
  Image rgb;
  rgb.width = 7;
  rgb.height = 5;
  rgb.pixels.assign(7 * 5 * 3, 0);
  for (std::size_t i = 0; i < rgb.pixels.size(); ++i) rgb.pixels[i] = static_cast<std::uint8_t>(i);
  auto png = EncodePng(rgb);
  ASSERT_TRUE(png.ok()) << png.status().message();
  ASSERT_GT(png->size(), 8u);
  EXPECT_EQ(png->substr(1, 3), "PNG");
  Image gray;
  gray.width = 3;
  gray.height = 2;
  gray.layout = PixelLayout::kGray8;
  gray.pixels.assign(6, 200);
  EXPECT_TRUE(EncodePng(gray).ok());
  Image empty;
  EXPECT_EQ(EncodePng(empty).status().code(), StatusCode::kInvalidArgument);
  Image short_data = rgb;
  short_data.pixels.resize(10);
  EXPECT_EQ(EncodePng(short_data).status().code(), StatusCode::kInvalidArgument);
  auto bad = WritePng("/nonexistent-dir/x.png", rgb);
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("/nonexistent-dir/x.png"), std::string::npos) << bad.message();
}

}  // namespace
}  // namespace sightline::media
