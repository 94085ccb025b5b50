#include "media/metadata.h"

#include <gtest/gtest.h>

namespace sightline::media {
namespace {

TEST(MetadataTest, ExifTimeWithSubsecondsAndOffset) {
  auto t = ParseExifTime(TimeRole::kCreated, "Exif.Photo.DateTimeOriginal", "2022:02:16 12:55:41",
                         "762", "+01:00");
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->unset);
  EXPECT_EQ(t->LocalText(), "2022-02-16T12:55:41.762");
  EXPECT_EQ(t->ZoneText(), "+01:00");
  EXPECT_EQ(t->UtcText(), "2022-02-16T11:55:41.762Z");
  EXPECT_DOUBLE_EQ(*t->UtcSeconds(), 1645012541.762);
}

TEST(MetadataTest, ExifTimeWithoutZoneHasNoUtc) {
  auto t = ParseExifTime(TimeRole::kModified, "Exif.Image.DateTime", "2008:07:31 10:38:11");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->Text(), "2008-07-31T10:38:11");
  EXPECT_FALSE(t->UtcSeconds());
  EXPECT_EQ(t->UtcText(), "");
}

TEST(MetadataTest, ZeroAndBlankExifTimesAreUnset) {
  auto zero = ParseExifTime(TimeRole::kCreated, "x", "0000:00:00 00:00:00");
  ASSERT_TRUE(zero);
  EXPECT_TRUE(zero->unset);
  auto blank = ParseExifTime(TimeRole::kCreated, "x", "    :  :     :  :  ");
  ASSERT_TRUE(blank);
  EXPECT_TRUE(blank->unset);
  EXPECT_FALSE(ParseExifTime(TimeRole::kCreated, "x", "yesterday"));
  EXPECT_FALSE(ParseExifTime(TimeRole::kCreated, "x", "2022:13:01 00:00:00"));
}

TEST(MetadataTest, IsoTimesInTheirVariants) {
  auto apple = ParseIsoTime(TimeRole::kCreated, "k", "2019-11-18T15:45:32+0100");
  ASSERT_TRUE(apple);
  EXPECT_EQ(apple->UtcText(), "2019-11-18T14:45:32Z");
  auto ffmpeg = ParseIsoTime(TimeRole::kCreated, "k", "2017-04-17T19:27:57.000000Z");
  ASSERT_TRUE(ffmpeg);
  EXPECT_EQ(ffmpeg->UtcText(), "2017-04-17T19:27:57.000Z");
  auto xmp = ParseIsoTime(TimeRole::kModified, "k", "2023-08-17T11:49:04-05:30");
  ASSERT_TRUE(xmp);
  EXPECT_EQ(*xmp->utc_offset_minutes, -330);
  auto date_only = ParseIsoTime(TimeRole::kCreated, "k", "2019-07-16");
  ASSERT_TRUE(date_only);
  EXPECT_EQ(date_only->LocalText(), "2019-07-16T00:00:00");
  auto slashes = ParseIsoTime(TimeRole::kCreated, "k", "2024/07/02 12:59:22");
  ASSERT_TRUE(slashes);
  EXPECT_EQ(slashes->LocalText(), "2024-07-02T12:59:22");
}

TEST(MetadataTest, UtcTimestampsBeforeTheEpoch) {
  Timestamp t = UtcTimestamp(TimeRole::kCreated, "s", "", -2082844800);
  EXPECT_EQ(t.UtcText(), "1904-01-01T00:00:00Z");
}

TEST(MetadataTest, CleanTextEscapesBinaryAndControls) {
  EXPECT_EQ(CleanText("\tGoPro AVC  "), "GoPro AVC");
  EXPECT_EQ(CleanText(std::string("a\xff"
                                  "b\x01"
                                  "c\0",
                                  6)),
            "a\\xFFb c");
}

}  // namespace
}  // namespace sightline::media
