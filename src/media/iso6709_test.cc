#include "media/iso6709.h"

#include <gtest/gtest.h>

namespace sightline::media {
namespace {

TEST(Iso6709Test, DecimalDegrees) {
  auto p = ParseIso6709("+48.8584+002.2945/");
  ASSERT_TRUE(p);
  EXPECT_DOUBLE_EQ(p->lat, 48.8584);
  EXPECT_DOUBLE_EQ(p->lon, 2.2945);
  EXPECT_FALSE(p->alt_m);
}

TEST(Iso6709Test, NegativeWithAltitudeAsApplePhonesWrite) {
  auto p = ParseIso6709("-33.8688+151.2093+058.123/");
  ASSERT_TRUE(p);
  EXPECT_DOUBLE_EQ(p->lat, -33.8688);
  EXPECT_DOUBLE_EQ(p->lon, 151.2093);
  ASSERT_TRUE(p->alt_m);
  EXPECT_DOUBLE_EQ(*p->alt_m, 58.123);
  auto q = ParseIso6709("+37.3349-122.0090-010.5/");
  ASSERT_TRUE(q);
  EXPECT_DOUBLE_EQ(q->lon, -122.009);
  EXPECT_DOUBLE_EQ(*q->alt_m, -10.5);
}

TEST(Iso6709Test, DegreesMinutesAndDegreesMinutesSeconds) {
  auto dm = ParseIso6709("+4851.504+00217.670/");
  ASSERT_TRUE(dm);
  EXPECT_NEAR(dm->lat, 48 + 51.504 / 60, 1e-12);
  EXPECT_NEAR(dm->lon, 2 + 17.670 / 60, 1e-12);
  auto dms = ParseIso6709("-335207.68+1511233.48/");
  ASSERT_TRUE(dms);
  EXPECT_NEAR(dms->lat, -(33 + 52 / 60.0 + 7.68 / 3600), 1e-12);
  EXPECT_NEAR(dms->lon, 151 + 12 / 60.0 + 33.48 / 3600, 1e-12);
}

TEST(Iso6709Test, ShortLongitudeAndCrsSuffix) {
  auto p = ParseIso6709("+48.8584+2.2945CRSWGS_84/");
  ASSERT_TRUE(p);
  EXPECT_DOUBLE_EQ(p->lon, 2.2945);
}

TEST(Iso6709Test, RejectsMalformedAndOutOfRange) {
  EXPECT_FALSE(ParseIso6709(""));
  EXPECT_FALSE(ParseIso6709("48.8584,2.2945"));
  EXPECT_FALSE(ParseIso6709("+48.8584"));
  EXPECT_FALSE(ParseIso6709("+95.0+002.0/"));
  EXPECT_FALSE(ParseIso6709("+45.0+190.0/"));
  EXPECT_FALSE(ParseIso6709("+4875.0+00217.0/"));  // 75 minutes
  EXPECT_FALSE(ParseIso6709("+485+002/"));         // 3-digit latitude is no form
}

}  // namespace
}  // namespace sightline::media
