#include "analysis/geo/coords.h"

#include <gtest/gtest.h>

#include <random>

#include "signals/geo/track.h"

namespace sightline::analysis::geo {
namespace {

double Metres(const Coordinate& a, double lat, double lon) {
  return signals::geo::Inverse(a.lat, a.lon, lat, lon).distance_m;
}

struct Case {
  const char* text;
  double lat, lon;
  double tolerance_m;
  CoordFormat as;
};

TEST(CoordsTest, ParsesWhatInvestigatorsPaste) {
  const Case cases[] = {
      {"50.4501, 30.5234", 50.4501, 30.5234, 0.01, CoordFormat::kDecimal},
      {"50.4501 30.5234", 50.4501, 30.5234, 0.01, CoordFormat::kDecimal},
      {"-33.8568;151.2153", -33.8568, 151.2153, 0.01, CoordFormat::kDecimal},
      {"30.5234E 50.4501N", 50.4501, 30.5234, 0.01, CoordFormat::kDecimal},
      {"50°27'00.4\"N 30°31'24.2\"E", 50.4501111, 30.5233889, 0.01, CoordFormat::kDms},
      {"50° 27′ 00.4″ N, 30° 31′ 24.2″ E", 50.4501111, 30.5233889, 0.01, CoordFormat::kDms},
      {"N 50 27.006 E 30 31.404", 50.4501, 30.5234, 0.01, CoordFormat::kDms},
      {"n50 27.006 e30 31.404", 50.4501, 30.5234, 0.01, CoordFormat::kDms},
      {"33 07 31 S 117 19 52 W", -33.1252778, -117.3311111, 0.01, CoordFormat::kDms},
      {"50:27:00.4N 30:31:24.2E", 50.4501111, 30.5233889, 0.01, CoordFormat::kDms},
      {"+50.4501+030.5234/", 50.4501, 30.5234, 0.01, CoordFormat::kIso6709},
      {"+502700.4+0303124.2/", 50.4501111, 30.5233889, 0.01, CoordFormat::kIso6709},
      {"36U 320000 5590000", 50.434388, 30.465321, 0.1, CoordFormat::kUtm},
      {"36N 320000mE 5590000mN", 50.434388, 30.465321, 0.1, CoordFormat::kUtm},
      {"36 north 320000 5590000", 50.434388, 30.465321, 0.1, CoordFormat::kUtm},
      {"56H 334901 6252289", -33.8568, 151.2153, 1, CoordFormat::kUtm},
      {"56S 334901 6252289", -33.8568, 151.2153, 1, CoordFormat::kUtm},  // S as south
      {"36UUA2000090000", 50.434393, 30.465328, 1, CoordFormat::kMgrs},
      {"36U UA 20000 90000", 50.434393, 30.465328, 1, CoordFormat::kMgrs},
  };
  for (const Case& c : cases) {
    auto r = ParseCoordinate(c.text);
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().message();
    EXPECT_LT(Metres(*r, c.lat, c.lon), c.tolerance_m)
        << c.text << " -> " << r->lat << ", " << r->lon;
    EXPECT_EQ(r->parsed_as, c.as) << c.text;
  }
  auto s = ParseCoordinate("56S 334901 6252289");
  ASSERT_TRUE(s.ok());
  EXPECT_NE(s->note.find("southern"), std::string::npos);
  auto band_s = ParseCoordinate("11S 500000 3800000");  // band S proper: 34.3N
  ASSERT_TRUE(band_s.ok());
  EXPECT_GT(band_s->lat, 34);
  auto mgrs_km = ParseCoordinate("36UUA2090");
  ASSERT_TRUE(mgrs_km.ok());
  EXPECT_NEAR(mgrs_km->uncertainty_m, 707.1, 0.1);
  auto iso_alt = ParseCoordinate("+27.5916+086.5640+8850CRSWGS_84/");
  ASSERT_TRUE(iso_alt.ok());
  EXPECT_NEAR(iso_alt->alt_m.value_or(0), 8850, 1e-9);
}

TEST(CoordsTest, RefusesNonsenseWithAReason) {
  for (const char* bad :
       {"", "hello", "95.0, 30.0", "50.1, 190.0", "50.1", "50.1, 30.2, 10.0",
        "50°61'00\"N 30°00'00\"E", "N 50 27 N 30 31", "36U 320000", "61U 320000 5590000",
        "36UUA200009000", "36U 320000 1000000", "+50.4501/"}) {
    auto r = ParseCoordinate(bad);
    EXPECT_FALSE(r.ok()) << "'" << bad << "' parsed as " << (r.ok() ? r->lat : 0) << ", "
                         << (r.ok() ? r->lon : 0);
    if (!r.ok()) {
      EXPECT_FALSE(r.status().message().empty());
    }
  }
}

TEST(CoordsTest, PrintsEveryFormat) {
  Coordinate c;
  c.lat = 50.4501;
  c.lon = 30.5234;
  EXPECT_EQ(FormatCoordinate(c, CoordFormat::kDecimal).value_or(""), "50.450100, 30.523400");
  EXPECT_EQ(FormatCoordinate(c, CoordFormat::kDms).value_or(""),
            "50\u00b027'00.4\"N 30\u00b031'24.2\"E");
  EXPECT_EQ(FormatCoordinate(c, CoordFormat::kIso6709).value_or(""), "+50.450100+030.523400/");
  EXPECT_EQ(FormatCoordinate(c, CoordFormat::kUtm).value_or(""), "36U 324182 5591608");
  EXPECT_EQ(FormatCoordinate(c, CoordFormat::kMgrs).value_or(""), "36UUA2418291607");
  Coordinate pole;
  pole.lat = 89.9;
  pole.lon = 10;
  EXPECT_EQ(FormatCoordinate(pole, CoordFormat::kUtm).value_or("").substr(0, 6), "UPS N ");
  EXPECT_EQ(UtmBand(50.45), 'U');
  EXPECT_EQ(UtmBand(-33.8), 'H');
  EXPECT_EQ(UtmBand(83.0), 'X');
}

// Every format round-trips within its printed precision: decimal 1e-6 degree (≤ 0.08 m),
// DMS 0.1" (≤ 2.2 m), ISO 6709 as decimal, UTM 1 m (≤ 0.71 m), MGRS 1 m squares (centre ≤ 0.71 m
// from the truncated corner's square).
TEST(CoordsTest, RoundTripsThroughEveryFormat) {
  std::mt19937 rng(6709);
  std::uniform_real_distribution<double> lat_d(-89.99, 89.99), lon_d(-180, 180);
  const std::pair<CoordFormat, double> tolerance[] = {{CoordFormat::kDecimal, 0.08},
                                                      {CoordFormat::kDms, 2.2},
                                                      {CoordFormat::kIso6709, 0.08},
                                                      {CoordFormat::kUtm, 0.72},
                                                      {CoordFormat::kMgrs, 0.72}};
  double worst[5] = {0, 0, 0, 0, 0};
  for (int i = 0; i < 2000; ++i) {
    Coordinate c;
    c.lat = i < 6 ? std::vector<double>{0, -80, 84, 89.5, -89.5, 40}[i] : lat_d(rng);
    c.lon = i < 6 ? std::vector<double>{0, -179.9999, 179.9999, 0, 45, 6}[i] : lon_d(rng);
    for (int f = 0; f < 5; ++f) {
      auto text = FormatCoordinate(c, tolerance[f].first);
      ASSERT_TRUE(text.ok()) << c.lat << "," << c.lon;
      auto back = ParseCoordinate(*text);
      ASSERT_TRUE(back.ok()) << *text << ": " << back.status().message();
      const double d = Metres(*back, c.lat, c.lon);
      worst[f] = std::max(worst[f], d);
      EXPECT_LT(d, tolerance[f].second) << *text;
    }
  }
  for (int f = 0; f < 5; ++f)
    std::printf("round trip %-8s worst %.3f m\n", CoordFormatName(tolerance[f].first), worst[f]);
}

TEST(CoordsTest, FormatNames) {
  EXPECT_EQ(CoordFormatFromName("mgrs"), CoordFormat::kMgrs);
  EXPECT_EQ(CoordFormatFromName("dd"), CoordFormat::kDecimal);
  EXPECT_FALSE(CoordFormatFromName("wkt").has_value());
}

}  // namespace
}  // namespace sightline::analysis::geo
