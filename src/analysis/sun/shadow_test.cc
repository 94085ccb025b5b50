// Shadows: bands from measurements with ranges and slopes; times of day at a place (a), the map of
// places at a time (b), intersections (c) and the inverse questions (d), each checked against the
// truth that full SPA gives for a known place and time.
#include "analysis/sun/shadow.h"

#include <gtest/gtest.h>

#include <cmath>

#include "analysis/sun/shadow_map_output.h"
#include "base/time.h"

namespace sightline::analysis::sun {
namespace {

constexpr double kKyivLat = 50.45, kKyivLon = 30.52;

Observer Kyiv() {
  Observer o;
  o.latitude_deg = kKyivLat;
  o.longitude_deg = kKyivLon;
  o.elevation_m = 180;
  return o;
}

double Truth() { return static_cast<double>(UnixFromUtcFields(2024, 5, 1, 7, 30, 0)); }

// The shadow a 1.8 m post casts at `t` in Kyiv, measured to ±1 % in length and ±1° in direction.
ShadowMeasurement PostShadow(double t) {
  auto sun = ComputeSolarPosition(t, Kyiv());
  EXPECT_TRUE(sun.ok());
  const double length = 1.8 / std::tan(sun->elevation_deg * M_PI / 180);
  ShadowMeasurement s;
  s.object_height = Range::Exact(1.8);
  s.shadow_length = Range{length * 0.99, length * 1.01};
  s.shadow_azimuth_deg = Range::PlusMinus(sun->azimuth_deg - 180, 1);
  s.time_unix = t;
  return s;
}

bool Contains(const std::vector<TimeInterval>& v, double t) {
  for (const auto& i : v)
    if (t >= i.start_unix && t <= i.end_unix) return true;
  return false;
}

TEST(ShadowTest, ElevationFromHeightLengthAndSlope) {
  ShadowMeasurement s;
  s.object_height = Range::Exact(1);
  s.shadow_length = Range::Exact(1);
  auto flat = BandFromShadow(s);
  ASSERT_TRUE(flat.ok());
  EXPECT_NEAR(flat->elevation_deg->lo, 45, 1e-9);
  EXPECT_NEAR(flat->elevation_deg->hi, 45, 1e-9);
  EXPECT_FALSE(flat->azimuth_deg.has_value());
  // Ground rising along the shadow shortens it: the same length means a lower Sun.
  s.ground_slope_deg = Range::Exact(10);
  auto up = BandFromShadow(s);
  ASSERT_TRUE(up.ok());
  EXPECT_NEAR(up->elevation_deg->lo,
              std::atan2(1 - std::sin(0.17453), std::cos(0.17453)) * 57.29578, 1e-3);
  EXPECT_LT(up->elevation_deg->hi, 45);
  // Ranges widen the band to the extremes of the box.
  s.ground_slope_deg = Range{-2, 2};
  s.object_height = Range{1.75, 1.85};
  s.shadow_length = Range{2.0, 2.2};
  auto band = BandFromShadow(s);
  ASSERT_TRUE(band.ok());
  EXPECT_NEAR(band->elevation_deg->lo,
              std::atan2(1.75 - 2.2 * std::sin(2 * M_PI / 180), 2.2 * std::cos(2 * M_PI / 180)) *
                  180 / M_PI,
              1e-9);
  EXPECT_GT(band->elevation_deg->hi, std::atan(1.85 / 2.0) * 180 / M_PI);
}

TEST(ShadowTest, BadMeasurementsAreErrors) {
  ShadowMeasurement s;
  EXPECT_FALSE(BandFromShadow(s).ok());  // nothing measured
  s.object_height = Range::Exact(1);
  EXPECT_FALSE(BandFromShadow(s).ok());  // height without length
  s.shadow_length = Range{2, 1};
  auto inverted = BandFromShadow(s);
  ASSERT_FALSE(inverted.ok());
  EXPECT_NE(inverted.status().message().find("shadow length"), std::string::npos);
  s.shadow_length = Range::Exact(1);
  s.object_height = Range::Exact(-1);
  EXPECT_FALSE(BandFromShadow(s).ok());
  s.object_height = Range::Exact(1);
  s.ground_slope_deg = Range::Exact(70);
  EXPECT_FALSE(BandFromShadow(s).ok());
  s.ground_slope_deg = Range::Exact(0);
  s.sun_elevation_deg = Range::Exact(30);
  EXPECT_FALSE(BandFromShadow(s).ok());  // both ways of giving the elevation
}

TEST(ShadowTest, AzimuthBandsWrapAroundNorth) {
  ShadowMeasurement s;
  s.shadow_azimuth_deg = Range{170, 190};  // the Sun at 350..10
  auto band = BandFromShadow(s);
  ASSERT_TRUE(band.ok());
  EXPECT_TRUE(InBand(*band, 10, 355));
  EXPECT_TRUE(InBand(*band, 10, 5));
  EXPECT_FALSE(InBand(*band, 10, 20));
  EXPECT_FALSE(InBand(*band, 10, 180));
}

TEST(ShadowTest, TimesOfDayContainTheTruth) {
  const double t = Truth();
  const double day = static_cast<double>(UnixFromUtcFields(2024, 4, 30, 21, 0, 0));  // local 00:00
  auto times = FindConsistentTimes({PostShadow(t)}, Kyiv(), day, day + 86400);
  ASSERT_TRUE(times.ok()) << times.status().message();
  ASSERT_EQ(times->size(), 1u);
  EXPECT_TRUE(Contains(*times, t));
  const double width = (*times)[0].end_unix - (*times)[0].start_unix;
  EXPECT_GT(width, 60);
  EXPECT_LT(width, 20 * 60);
  // Elevation alone: the morning and the afternoon.
  ShadowMeasurement elevation_only = PostShadow(t);
  elevation_only.shadow_azimuth_deg.reset();
  auto both = FindConsistentTimes({elevation_only}, Kyiv(), day, day + 86400);
  ASSERT_TRUE(both.ok());
  ASSERT_EQ(both->size(), 2u);
  EXPECT_TRUE(Contains(*both, t));
  EXPECT_FALSE(Contains({(*both)[1]}, t));
}

TEST(ShadowTest, InverseQuestionsWhenIsTheSunAtThisAzimuth) {
  const double t = Truth();
  auto sun = ComputeSolarPosition(t, Kyiv());
  ASSERT_TRUE(sun.ok());
  ShadowMeasurement s;
  s.sun_azimuth_deg = Range::PlusMinus(sun->azimuth_deg, 0.01);
  const double day = static_cast<double>(UnixFromUtcFields(2024, 4, 30, 21, 0, 0));
  auto times = FindConsistentTimes({s}, Kyiv(), day, day + 86400);
  ASSERT_TRUE(times.ok());
  ASSERT_EQ(times->size(), 1u);
  EXPECT_NEAR((*times)[0].start_unix, t, 20);
  EXPECT_NEAR((*times)[0].end_unix, t, 20);
}

TEST(ShadowTest, InverseQuestionsWithExactValuesGiveInstants) {
  const double t = Truth();
  auto sun = ComputeSolarPosition(t, Kyiv());
  ASSERT_TRUE(sun.ok());
  const double day = static_cast<double>(UnixFromUtcFields(2024, 4, 30, 21, 0, 0));
  ShadowMeasurement azimuth;  // the Sun passes an exact azimuth between two scan samples
  azimuth.sun_azimuth_deg = Range::Exact(sun->azimuth_deg);
  auto at = FindConsistentTimes({azimuth}, Kyiv(), day, day + 86400);
  ASSERT_TRUE(at.ok());
  ASSERT_EQ(at->size(), 1u);
  EXPECT_NEAR((*at)[0].start_unix, t, 0.5);
  ShadowMeasurement elevation;  // an exact elevation: the morning and afternoon instants
  elevation.sun_elevation_deg = Range::Exact(sun->elevation_deg);
  auto when = FindConsistentTimes({elevation}, Kyiv(), day, day + 86400);
  ASSERT_TRUE(when.ok());
  ASSERT_EQ(when->size(), 2u);
  EXPECT_NEAR((*when)[0].start_unix, t, 0.5);
  EXPECT_GT((*when)[1].start_unix, t + 3 * 3600);
}

TEST(ShadowTest, TwoShadowsAnHourApartNarrowTheTime) {
  const double t = Truth();
  const double day = static_cast<double>(UnixFromUtcFields(2024, 4, 30, 21, 0, 0));
  ShadowMeasurement first = PostShadow(t);
  first.shadow_azimuth_deg->lo -= 4;  // poor measurements
  first.shadow_azimuth_deg->hi += 4;
  first.shadow_length->lo *= 0.9;
  first.shadow_length->hi *= 1.1;
  ShadowMeasurement later = PostShadow(t + 3600);
  later.time_offset_s = 3600;
  later.time_uncertainty_s = 30;
  later.shadow_azimuth_deg.reset();
  auto one = FindConsistentTimes({first}, Kyiv(), day, day + 86400);
  auto two = FindConsistentTimes({first, later}, Kyiv(), day, day + 86400);
  ASSERT_TRUE(one.ok() && two.ok());
  ASSERT_EQ(two->size(), 1u);
  EXPECT_TRUE(Contains(*two, t));
  EXPECT_LT((*two)[0].end_unix - (*two)[0].start_unix, (*one)[0].end_unix - (*one)[0].start_unix);
}

int CellOf(const ShadowMap& m, double lat, double lon, int* col) {
  *col = static_cast<int>((lon + 180) / m.cell_deg);
  return static_cast<int>((90 - lat) / m.cell_deg);
}

TEST(ShadowTest, MapContainsThePlaceAndAgreesWithFullSpa) {
  Observer air;
  auto map = ComputeShadowMap({PostShadow(Truth())}, air);
  ASSERT_TRUE(map.ok()) << map.status().message();
  EXPECT_EQ(map->width, 3600);
  EXPECT_EQ(map->height, 1800);
  int col;
  int row = CellOf(*map, kKyivLat, kKyivLon, &col);
  EXPECT_TRUE(map->At(row, col));
  row = CellOf(*map, -50, -150, &col);
  EXPECT_FALSE(map->At(row, col));
  EXPECT_GT(map->cell_count, 100);
  EXPECT_GT(map->area_km2, 1000);
  // May 1: the subsolar point near 15° N; 07:30 UTC puts it near 67.5° E.
  ASSERT_EQ(map->subsolar.size(), 1u);
  EXPECT_NEAR(map->subsolar[0].latitude_deg, 15.0, 0.3);
  EXPECT_NEAR(map->subsolar[0].longitude_deg, 180 - 7.5 * 15 - 2.8 / 4, 0.3);
  const auto& v = map->verification;
  EXPECT_GT(v.cells_checked, 20);
  EXPECT_LT(v.max_elevation_diff_deg, 0.01);  // parallax (≤ 0.0025°) is what the fast model omits
  EXPECT_LT(v.max_azimuth_diff_deg, 0.01);
  EXPECT_LE(v.disagreements, v.cells_checked / 50);
}

TEST(ShadowTest, TimeUncertaintyWidensTheBandAndShadowsIntersect) {
  Observer air;
  ShadowMeasurement morning = PostShadow(Truth());
  auto exact = ComputeShadowMap({morning}, air);
  morning.time_uncertainty_s = 600;
  auto widened = ComputeShadowMap({morning}, air);
  ASSERT_TRUE(exact.ok() && widened.ok());
  EXPECT_GT(widened->cell_count, exact->cell_count);
  // The same post filmed again four hours later: the two bands cross near Kyiv.
  ShadowMeasurement afternoon = PostShadow(Truth() + 4 * 3600);
  auto both = ComputeShadowMap({morning, afternoon}, air);
  ASSERT_TRUE(both.ok());
  EXPECT_LT(both->cell_count, widened->cell_count);
  int col;
  const int row = CellOf(*both, kKyivLat, kKyivLon, &col);
  EXPECT_TRUE(both->At(row, col));
  EXPECT_EQ(both->shadow_bits[static_cast<std::size_t>(row) * both->width + col], 3);
  EXPECT_EQ(both->subsolar.size(), 2u);
}

TEST(ShadowTest, MapOptionsAreChecked) {
  Observer air;
  ShadowMapOptions bad;
  bad.cell_deg = 0.07;
  EXPECT_FALSE(ComputeShadowMap({PostShadow(Truth())}, air, bad).ok());
  EXPECT_FALSE(ComputeShadowMap({}, air).ok());
  ShadowMeasurement far = PostShadow(Truth());
  far.time_unix = 1e15;
  EXPECT_FALSE(ComputeShadowMap({far}, air).ok());
}

TEST(ShadowTest, GeoJsonAndPicture) {
  Observer air;
  ShadowMapOptions coarse;
  coarse.cell_deg = 0.5;
  auto map = ComputeShadowMap({PostShadow(Truth())}, air, coarse);
  ASSERT_TRUE(map.ok());
  auto geo = ShadowMapGeoJson(*map);
  EXPECT_EQ(geo["type"], "FeatureCollection");
  const auto& band = geo["features"][0];
  EXPECT_EQ(band["geometry"]["type"], "MultiPolygon");
  EXPECT_EQ(band["properties"]["cells"], map->cell_count);
  // Merged rectangles cover exactly the band's cells, and one of them holds Kyiv.
  double cells = 0;
  bool kyiv = false;
  for (const auto& poly : band["geometry"]["coordinates"]) {
    const auto& ring = poly[0];
    ASSERT_EQ(ring.size(), 5u);
    const double w = ring[0][0], s = ring[0][1], e = ring[2][0], n = ring[2][1];
    cells += std::round((e - w) / 0.5) * std::round((n - s) / 0.5);
    kyiv = kyiv || (kKyivLon >= w && kKyivLon <= e && kKyivLat >= s && kKyivLat <= n);
  }
  EXPECT_EQ(cells, map->cell_count);
  EXPECT_TRUE(kyiv);
  EXPECT_EQ(geo["features"][1]["properties"]["kind"], "subsolar");
  auto image = ShadowMapImage(*map);
  EXPECT_EQ(image.width, 720);
  EXPECT_EQ(image.height, 360);
  int col;
  const int row = CellOf(*map, kKyivLat, kKyivLon, &col);
  const std::uint8_t* px = &image.pixels[(static_cast<std::size_t>(row) * image.width + col) * 3];
  EXPECT_EQ(px[0], 255);
  EXPECT_EQ(px[1], 150);
}

}  // namespace
}  // namespace sightline::analysis::sun
