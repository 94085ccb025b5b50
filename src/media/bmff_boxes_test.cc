#include "media/bmff_boxes.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "test_util.h"

namespace sightline::media {
namespace {

using sightline::testing::ScratchDir;
using sightline::testing::WriteFile;

std::string Be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>((v >> 16) & 0xff),
          static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)};
}
std::string Box(const std::string& type, const std::string& payload) {
  return Be32(static_cast<std::uint32_t>(8 + payload.size())) + type + payload;
}

TEST(BmffBoxesTest, ReadsBrandsTimesLocationsAndOrder) {
  ScratchDir dir;
  std::string mvhd = Box("mvhd", std::string(4, '\0') + Be32(3786000000u) + Be32(3786000100u) +
                                     Be32(1000) + Be32(5000) + std::string(80, '\0'));
  std::string xyz = Box("\xa9xyz", std::string("\x00\x12\x15\xc7", 4) + "+12.3456-045.6789/");
  // loci: version/flags, language, name "Home" (UTF-16 with BOM), role, lon, lat, alt (16.16).
  std::string name = std::string(
      "\xfe\xff\x00H\x00o\x00m\x00"
      "e\x00\x00",
      12);
  std::string loci =
      Box("loci", std::string(4, '\0') + std::string("\x15\xc7", 2) + name + std::string(1, '\0') +
                      Be32(static_cast<std::uint32_t>(-2990000)) + Be32(3203000) +
                      Be32(65536 * 35) + "earth\0" + "\0");
  std::string file = Box("ftyp", "isom" + Be32(512) + "isomiso2") + Box("free", "") +
                     Box("moov", mvhd + Box("udta", xyz + loci)) + Box("mdat", "data");
  std::string path = dir / "boxes.mp4";
  WriteFile(path, file);
  ASSERT_TRUE(LooksLikeBmff(path));
  Result<BmffSummary> s = ReadBmffSummary(path);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->major_brand, "isom");
  ASSERT_EQ(s->compatible_brands.size(), 2u);
  EXPECT_EQ(s->compatible_brands[1], "iso2");
  EXPECT_EQ(s->top_level, (std::vector<std::string>{"ftyp", "free", "moov", "mdat"}));
  EXPECT_EQ(*s->mvhd_creation, 3786000000u);
  EXPECT_EQ(*s->mvhd_modification, 3786000100u);
  EXPECT_EQ(*s->xyz, "+12.3456-045.6789/");
  ASSERT_TRUE(s->loci);
  EXPECT_DOUBLE_EQ(s->loci->lon, -2990000 / 65536.0);
  EXPECT_DOUBLE_EQ(s->loci->lat, 3203000 / 65536.0);
  EXPECT_DOUBLE_EQ(*s->loci->alt_m, 35.0);
  EXPECT_FALSE(s->truncated);
}

TEST(BmffBoxesTest, BoxPastTheEndIsTruncation) {
  ScratchDir dir;
  std::string path = dir / "cut.mp4";
  WriteFile(path, Box("ftyp", "mp42" + Be32(0)) + Be32(1000) + "mdat" + "only a little");
  Result<BmffSummary> s = ReadBmffSummary(path);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->truncated);
  EXPECT_EQ(s->truncated_box, "mdat");
  EXPECT_EQ(s->truncated_missing_bytes, 1000u - 8 - 13);
}

TEST(BmffBoxesTest, HostileSizesAreBounded) {
  ScratchDir dir;
  // A 64-bit size near 2^64, a moov full of empty boxes, a zero size, a size below the header.
  std::string many;
  for (int i = 0; i < 20000; ++i) many += Box("free", "");
  std::string file = Box("ftyp", "qt  " + Be32(0)) + Box("moov", many) + Be32(1) + "mdat" +
                     std::string("\xff\xff\xff\xff\xff\xff\xff\xf0", 8) + "x";
  std::string path = dir / "hostile.mov";
  WriteFile(path, file);
  Result<BmffSummary> s = ReadBmffSummary(path);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->truncated);
  EXPECT_FALSE(s->mvhd_creation);

  std::string tiny = dir / "tiny.mov";
  WriteFile(tiny, Box("ftyp", "qt  ") + Be32(3) + "moov");
  Result<BmffSummary> t = ReadBmffSummary(tiny);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->top_level.size(), 1u);

  std::string text = dir / "text.mp4";
  WriteFile(text, "hello world, no boxes here");
  EXPECT_FALSE(LooksLikeBmff(text));
  EXPECT_FALSE(ReadBmffSummary(text).ok());
}

}  // namespace
}  // namespace sightline::media
