// A photo's thumbnail shows it as a viewer does: turned upright by its EXIF orientation.
#include "report/thumbnail.h"

#include <gtest/gtest.h>

#include <exiv2/exiv2.hpp>

#include "media/image_decode.h"
#include "test_util.h"

namespace sightline::report {
namespace {

TEST(Thumbnail, APhotoStoredSidewaysIsShownUpright) {
  testing::ScratchDir dir;
  // Upright: 160 x 80, its top-left quarter white. Stored turned 90 degrees counter-clockwise
  // (80 x 160), with EXIF Orientation 6 (turn 90 clockwise to view), as a phone stores it.
  const std::string upright = dir / "upright.png", stored = dir / "stored.jpg";
  testing::MakeMedia({"-f", "lavfi", "-i", "color=c=black:s=160x80", "-vf",
                      "drawbox=x=0:y=0:w=80:h=40:color=white:t=fill", "-frames:v", "1"},
                     upright);
  testing::MakeMedia({"-i", upright, "-vf", "transpose=2", "-frames:v", "1"}, stored);
  {
    Exiv2::Image::AutoPtr image = Exiv2::ImageFactory::open(stored);
    image->readMetadata();
    image->exifData()["Exif.Image.Orientation"] = static_cast<std::uint16_t>(6);
    image->writeMetadata();
  }
  auto jpeg = Thumbnail(stored, "image", 320);
  ASSERT_TRUE(jpeg.ok()) << jpeg.status().message();
  const std::string out = dir / "thumb.jpg";
  testing::WriteFile(out, *jpeg);
  media::ImageDecodeOptions o;
  o.pixels = media::ImagePixels::kLuma8;
  auto shown = media::DecodeImage(out, o);
  ASSERT_TRUE(shown.ok()) << shown.status().message();
  ASSERT_EQ(shown->width, 160);
  ASSERT_EQ(shown->height, 80);
  EXPECT_GT(shown->data[static_cast<std::size_t>(20) * shown->stride + 40], 200);  // top left
  EXPECT_LT(shown->data[static_cast<std::size_t>(60) * shown->stride + 120], 50);  // bottom right
}

}  // namespace
}  // namespace sightline::report
