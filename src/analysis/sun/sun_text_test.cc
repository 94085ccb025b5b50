// The text forms of ranges, times, dates and offsets used by `sightline sun` and `shadow`.
#include "analysis/sun/sun_text.h"

#include <gtest/gtest.h>

namespace sightline::analysis::sun {
namespace {

TEST(SunTextTest, RangesInEveryForm) {
  auto exact = ParseRange("1.8");
  ASSERT_TRUE(exact.ok());
  EXPECT_DOUBLE_EQ(exact->lo, 1.8);
  EXPECT_DOUBLE_EQ(exact->hi, 1.8);
  for (const char* text : {"1.8±0.05", "1.8+-0.05", "1.75:1.85"}) {
    auto r = ParseRange(text);
    ASSERT_TRUE(r.ok()) << text;
    EXPECT_NEAR(r->lo, 1.75, 1e-12) << text;
    EXPECT_NEAR(r->hi, 1.85, 1e-12) << text;
  }
  auto negative = ParseRange("-5±2");
  ASSERT_TRUE(negative.ok());
  EXPECT_DOUBLE_EQ(negative->lo, -7);
  auto span = ParseRange("-3:-1");
  ASSERT_TRUE(span.ok());
  EXPECT_DOUBLE_EQ(span->hi, -1);
  for (const char* bad : {"", "x", "1.8±", "1.8±-1", "2:1", "1:2:3", "1.8 ", "nan", "1e999"}) {
    auto r = ParseRange(bad);
    EXPECT_FALSE(r.ok()) << bad;
  }
  auto bad = ParseRange("abc");
  EXPECT_NE(bad.status().message().find("abc"), std::string::npos);
}

TEST(SunTextTest, TimesKeepTheirOffset) {
  auto t = ParseIsoTime("2003-10-17T12:30:30-07:00");
  ASSERT_TRUE(t.ok());
  EXPECT_DOUBLE_EQ(t->unix, 1066419030);
  EXPECT_EQ(t->utc_offset_s, -25200);
  EXPECT_FALSE(t->zulu);
  EXPECT_EQ(FormatIsoTime(t->unix, t->utc_offset_s, t->zulu), "2003-10-17T12:30:30-07:00");
  auto z = ParseIsoTime("2024-05-01T07:30:00Z");
  ASSERT_TRUE(z.ok());
  EXPECT_TRUE(z->zulu);
  EXPECT_EQ(FormatIsoTime(z->unix + 0.6, 0, true), "2024-05-01T07:30:01Z");
  EXPECT_EQ(FormatIsoTime(z->unix, 5 * 3600 + 1800, false), "2024-05-01T13:00:00+05:30");
  for (const char* bad : {"2024-05-01", "2024-05-01T07:30Z", "yesterday", "2024-13-01T00:00:00Z"})
    EXPECT_FALSE(ParseIsoTime(bad).ok()) << bad;
}

TEST(SunTextTest, DatesAndOffsets) {
  int y, m, d;
  ASSERT_TRUE(ParseDate("2024-05-01", &y, &m, &d).ok());
  EXPECT_EQ(y * 10000 + m * 100 + d, 20240501);
  EXPECT_FALSE(ParseDate("2024-5-1", &y, &m, &d).ok());
  EXPECT_FALSE(ParseDate("2024-05-01x", &y, &m, &d).ok());
  EXPECT_EQ(*ParseUtcOffset("Z"), 0);
  EXPECT_EQ(*ParseUtcOffset("+03:00"), 10800);
  EXPECT_EQ(*ParseUtcOffset("-0700"), -25200);
  EXPECT_EQ(*ParseUtcOffset("+05"), 18000);
  EXPECT_FALSE(ParseUtcOffset("+19:00").ok());
  EXPECT_FALSE(ParseUtcOffset("03:00").ok());
  EXPECT_EQ(FormatUtcOffset(-25200, false), "-07:00");
  EXPECT_EQ(FormatUtcOffset(0, true), "Z");
}

}  // namespace
}  // namespace sightline::analysis::sun
