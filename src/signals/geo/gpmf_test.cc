#include "signals/geo/gpmf.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "gpmf_fixture.h"

namespace sightline::signals::geo {
namespace {

using testing::Bytes;
using testing::Int32s;
using testing::Klv;
using testing::Nest;
using testing::PutBe;
using testing::Str;

Bytes Payload() {
  return testing::Gps5Payload(
      {{33.1268, -117.3273, -22.959, 1.046, 1.0}, {33.12677, -117.3273436, -22.941, 1.088, 1.05}},
      "191118234514.000", 3, 154, 198);
}

TEST(GpmfTest, DecodesGps5WithScaleTimeFixAndPrecision) {
  Bytes p = Payload();
  auto blocks = ParseGpmfGps(p);
  ASSERT_TRUE(blocks.ok()) << blocks.status().message();
  ASSERT_EQ(blocks->size(), 1u);
  const GpmfGpsBlock& b = (*blocks)[0];
  EXPECT_EQ(b.key, "GPS5");
  EXPECT_EQ(b.device_id, 1u);
  EXPECT_EQ(b.device_name, "Camera");
  ASSERT_EQ(b.samples.size(), 2u);
  EXPECT_NEAR(b.samples[1].lat, 33.12677, 1e-9);
  EXPECT_NEAR(b.samples[1].lon, -117.3273436, 1e-9);
  EXPECT_NEAR(b.samples[1].alt_m, -22.941, 1e-9);
  EXPECT_NEAR(b.samples[1].speed2d_mps, 1.088, 1e-9);
  EXPECT_NEAR(b.samples[1].speed3d_mps, 1.05, 1e-9);
  EXPECT_TRUE(std::isnan(b.samples[0].utc_s));
  ASSERT_TRUE(b.utc_s.has_value());
  EXPECT_DOUBLE_EQ(*b.utc_s, 1574120714.0);  // 2019-11-18T23:45:14Z
  EXPECT_EQ(b.fix.value_or(-1), 3);
  EXPECT_NEAR(b.dop.value_or(0), 1.54, 1e-12);
  EXPECT_EQ(b.total_samples.value_or(0), 198u);
}

TEST(GpmfTest, DecodesGps9ComplexStructure) {
  // lat, lon, alt, 2D, 3D, days since 2000, s of day, DOP, fix: TYPE "lllllllSS", 32 bytes.
  Bytes sample = Int32s({501234567, 305234567, 123456, 2500, 300, 8000, 43200500});
  PutBe(&sample, 150, 2);  // DOP 1.50
  PutBe(&sample, 3, 2);    // 3D fix
  Bytes p = Nest("DEVC",
                 {Nest("STRM", {Str("TYPE", "lllllllSS"),
                                Klv("SCAL", 'l', 4, 9,
                                    Int32s({10000000, 10000000, 1000, 1000, 100, 1, 1000, 100, 1})),
                                Klv("GPS9", '?', 32, 1, sample)})});
  auto blocks = ParseGpmfGps(p);
  ASSERT_TRUE(blocks.ok()) << blocks.status().message();
  ASSERT_EQ(blocks->size(), 1u);
  const GpmfGpsSample& s = (*blocks)[0].samples.at(0);
  EXPECT_NEAR(s.lat, 50.1234567, 1e-9);
  EXPECT_NEAR(s.lon, 30.5234567, 1e-9);
  EXPECT_NEAR(s.alt_m, 123.456, 1e-9);
  EXPECT_NEAR(s.speed3d_mps, 3.0, 1e-9);
  EXPECT_NEAR(s.dop, 1.5, 1e-9);
  EXPECT_EQ(s.fix, 3);
  // 2000-01-01 + 8000 days = 2021-11-27; 43200.5 s = 12:00:00.5.
  EXPECT_DOUBLE_EQ(s.utc_s, 946684800.0 + 8000 * 86400.0 + 43200.5);
}

TEST(GpmfTest, DecodesKarmaGpsRaw) {
  Bytes sample;
  PutBe(&sample, 145911705, 8);                          // J time (us)
  Bytes rest = Int32s({331253680, -1173310641, 15701});  // lat, lon, alt
  sample.insert(sample.end(), rest.begin(), rest.end());
  for (int v : {25, 42, 59, 33435}) PutBe(&sample, static_cast<std::uint64_t>(v), 2);
  sample.push_back(3);   // fix
  sample.push_back(20);  // satellites
  Bytes syst;  // clock 146.544283 s since boot at Unix 1492457278.000 (the corpus clip's values)
  PutBe(&syst, 146544283, 8);
  PutBe(&syst, 1492457278000, 8);
  Bytes p = Nest(
      "DEVC",
      {Klv("DVID", 'L', 4, 1, Int32s({3})), Str("DVNM", "Karma 1.0"),
       Nest("STRM", {Str("TYPE", "JJ"), Klv("SCAL", 'l', 4, 2, Int32s({1000000, 1000})),
                     Klv("SYST", '?', 16, 1, syst)}),
       Nest("STRM", {Str("TYPE", "JlllSSSSBB"),
                     Klv("SCAL", 'l', 4, 10,
                         Int32s({1000000, 10000000, 10000000, 1000, 100, 100, 100, 100, 1, 1})),
                     Klv("GPRI", '?', 30, 1, sample)})});
  auto blocks = ParseGpmfGps(p);
  ASSERT_TRUE(blocks.ok()) << blocks.status().message();
  const GpmfGpsBlock& b = blocks->at(0);
  EXPECT_EQ(b.key, "GPRI");
  EXPECT_EQ(b.device_name, "Karma 1.0");
  EXPECT_NEAR(b.samples.at(0).lat, 33.125368, 1e-9);
  EXPECT_NEAR(b.samples.at(0).lon, -117.3310641, 1e-9);
  EXPECT_NEAR(b.samples.at(0).alt_m, 15.701, 1e-9);
  EXPECT_NEAR(b.samples.at(0).dop, 0.25, 1e-9);
  EXPECT_NEAR(b.samples.at(0).speed2d_mps, 0.59, 1e-9);
  EXPECT_EQ(b.samples.at(0).fix, 3);
  EXPECT_NEAR(b.samples.at(0).utc_s, 1492457278.0 - (146.544283 - 145.911705), 1e-6);
}

TEST(GpmfTest, PayloadWithoutGpsIsEmptyNotAnError) {
  Bytes p = Nest("DEVC", {Nest("STRM", {Klv("ACCL", 's', 6, 1, Bytes(6, 1))})});
  auto blocks = ParseGpmfGps(p);
  ASSERT_TRUE(blocks.ok());
  EXPECT_TRUE(blocks->empty());
}

TEST(GpmfTest, SizesBeyondTheDataAreCorrupt) {
  Bytes p = Payload();
  p.resize(p.size() - 40);  // cut inside GPS5
  auto r = ParseGpmfGps(p);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(r.status().message().find("claims"), std::string::npos) << r.status().message();

  // 255 × 65535 bytes claimed in a 12-byte payload.
  Bytes huge = Klv("DEVC", 0, 255, 65535, {});
  auto r2 = ParseGpmfGps(huge);
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.status().message().find("16711425"), std::string::npos) << r2.status().message();
}

TEST(GpmfTest, DamagedStreamCanBeSkippedKeepingTheGps) {
  Bytes gps = Int32s({501234567, 305234567, 1000, 0, 0});
  Bytes p = Nest(
      "DEVC", {Nest("STRM", {Klv("ACCL", 's', 6, 1, Bytes(6, 1)),
                             Klv("GYRO", 's', 6, 200, {})}),  // claims 1200 bytes
               Nest("STRM", {Klv("SCAL", 'l', 4, 5, Int32s({10000000, 10000000, 1000, 1000, 100})),
                             Klv("GPS5", 'l', 20, 1, gps)})});
  EXPECT_FALSE(ParseGpmfGps(p).ok());  // strict by default
  std::vector<Status> errors;
  auto blocks = ParseGpmfGps(p, {}, &errors);
  ASSERT_TRUE(blocks.ok()) << blocks.status().message();
  ASSERT_EQ(blocks->size(), 1u);
  EXPECT_NEAR(blocks->at(0).samples.at(0).lat, 50.1234567, 1e-9);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message().find("'GYRO' claims 1200 bytes"), std::string::npos)
      << errors[0].message();
}

TEST(GpmfTest, NotGpmfIsCorrupt) {
  Bytes junk = {0x01, 0x02, 0x03, 0x04, 0, 4, 0, 1, 0, 0, 0, 0};
  auto r = ParseGpmfGps(junk);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("FourCC"), std::string::npos);
}

TEST(GpmfTest, DeepNestingIsRefused) {
  Bytes inner = Klv("DATA", 'L', 4, 1, Int32s({7}));
  for (int i = 0; i < 200; ++i) inner = Nest(i % 2 ? "DEVC" : "STRM", {inner});
  auto r = ParseGpmfGps(inner);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nesting deeper"), std::string::npos) << r.status().message();
}

TEST(GpmfTest, BadScaleIsCorrupt) {
  Bytes gps = Int32s({1, 2, 3, 4, 5});
  Bytes zero = Nest(
      "DEVC", {Nest("STRM", {Klv("SCAL", 'l', 4, 1, Int32s({0})), Klv("GPS5", 'l', 20, 1, gps)})});
  auto r = ParseGpmfGps(zero);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("zero"), std::string::npos);
  Bytes count = Nest(
      "DEVC",
      {Nest("STRM", {Klv("SCAL", 'l', 4, 3, Int32s({1, 2, 3})), Klv("GPS5", 'l', 20, 1, gps)})});
  auto r2 = ParseGpmfGps(count);
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.status().message().find("3 divisors"), std::string::npos);
  // A TYPE that does not add up to the structure size.
  Bytes type = Nest("DEVC", {Nest("STRM", {Str("TYPE", "lll"), Klv("GPS9", '?', 20, 1, gps)})});
  EXPECT_FALSE(ParseGpmfGps(type).ok());
}

TEST(GpmfTest, RandomCorruptionNeverCrashes) {
  const Bytes good = Payload();
  std::mt19937 rng(1234);
  int errors = 0;
  for (int round = 0; round < 3000; ++round) {
    Bytes p = good;
    const int flips = 1 + static_cast<int>(rng() % 6);
    for (int k = 0; k < flips; ++k) p[rng() % p.size()] = static_cast<std::uint8_t>(rng());
    if (rng() % 4 == 0) p.resize(rng() % p.size());
    auto r = ParseGpmfGps(p);  // must return, never read out of bounds (ASan/valgrind clean)
    if (!r.ok()) ++errors;
  }
  EXPECT_GT(errors, 100);  // many mutations hit a length or a key and are reported
}

TEST(GpmfTest, ParsesGpsuTimes) {
  EXPECT_DOUBLE_EQ(ParseGpmfUtc("170417192757.526").value_or(0), 1492457277.526);
  EXPECT_FALSE(ParseGpmfUtc("1704171927").has_value());
  EXPECT_FALSE(ParseGpmfUtc("171317192757.000").has_value());  // month 13
}

}  // namespace
}  // namespace sightline::signals::geo
