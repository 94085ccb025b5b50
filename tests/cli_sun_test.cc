// End-to-end tests of `sightline sun` and `sightline shadow` (src/cli/cmd_sun.cc, cmd_shadow.cc):
// the paper's worked example through the command line, the JSON schemas, times of day and maps
// from a shadow, the GeoJSON and PNG written, usage errors.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace sightline {
namespace {

using testing::ReadFile;
using testing::RunSightline;
using testing::ScratchDir;

const std::vector<std::string> kPaperExample = {"sun",
                                                "--lat",
                                                "39.742476",
                                                "--lon",
                                                "-105.1786",
                                                "--time",
                                                "2003-10-17T12:30:30-07:00",
                                                "--elevation-m",
                                                "1830.14",
                                                "--pressure-mbar",
                                                "820",
                                                "--temp-c",
                                                "11",
                                                "--delta-t",
                                                "67"};

TEST(SunCliTest, PaperWorkedExampleInJson) {
  auto args = kPaperExample;
  args.push_back("--json");
  auto r = RunSightline(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  for (const char* k : {"latitude_deg",
                        "longitude_deg",
                        "elevation_m",
                        "time",
                        "unix",
                        "julian_day",
                        "zenith_deg",
                        "azimuth_deg",
                        "elevation_deg",
                        "elevation_geometric_deg",
                        "refraction_deg",
                        "right_ascension_deg",
                        "declination_deg",
                        "hour_angle_deg",
                        "equation_of_time_min",
                        "shadow_length_per_height",
                        "day",
                        "sunrise",
                        "solar_noon",
                        "sunset",
                        "assumptions"}) {
    EXPECT_TRUE(j.contains(k)) << k;
  }
  EXPECT_NEAR(j["zenith_deg"].get<double>(), 50.11162, 0.0003);
  EXPECT_NEAR(j["azimuth_deg"].get<double>(), 194.34024, 0.0003);
  EXPECT_NEAR(j["elevation_deg"].get<double>(), 90 - 50.11162, 0.0003);
  EXPECT_EQ(j["time"], "2003-10-17T12:30:30-07:00");
  EXPECT_EQ(j["day"], "normal");
  // The local day's events, in the input's offset.
  EXPECT_EQ(j["sunrise"], "2003-10-17T06:12:43-07:00");
  EXPECT_EQ(j["solar_noon"].get<std::string>().substr(0, 16), "2003-10-17T11:46");
  EXPECT_EQ(j["sunset"].get<std::string>().substr(0, 16), "2003-10-17T17:18");
  EXPECT_EQ(j["assumptions"]["delta_t_s"], 67);
}

TEST(SunCliTest, ReadableByDefault) {
  auto r = RunSightline(kPaperExample);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("50.11162"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("194.34024"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("sunrise 2003-10-17T06:12:43-07:00"), std::string::npos) << r.out;
}

TEST(SunCliTest, PolarNightHasNoSunrise) {
  auto r = RunSightline(
      {"sun", "--lat", "78.22", "--lon", "15.65", "--time", "2024-12-21T12:00:00+01:00", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["day"], "polar_night");
  EXPECT_TRUE(j["sunrise"].is_null());
  EXPECT_TRUE(j["shadow_length_per_height"].is_null());
}

TEST(SunCliTest, UsageErrors) {
  EXPECT_EQ(RunSightline({"sun"}).exit_code, 2);
  EXPECT_EQ(RunSightline({"sun", "--lat", "40", "--lon", "10"}).exit_code, 2);
  EXPECT_EQ(RunSightline({"sun", "--lat", "91", "--lon", "10", "--time", "2024-01-01T00:00:00Z"})
                .exit_code,
            2);
  EXPECT_EQ(RunSightline({"sun", "--lat", "x", "--lon", "10", "--time", "2024-01-01T00:00:00Z"})
                .exit_code,
            2);
  EXPECT_EQ(RunSightline({"sun", "--lat", "40", "--lon", "10", "--time", "2024-01-01"}).exit_code,
            2);
  EXPECT_EQ(RunSightline(
                {"sun", "--lat", "40", "--lon", "10", "--time", "2024-01-01T00:00:00Z", "--bogus"})
                .exit_code,
            2);
  auto help = RunSightline({"sun", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--json"), std::string::npos);
  EXPECT_EQ(RunSightline({"shadow"}).exit_code, 2);
  EXPECT_EQ(RunSightline({"shadow", "--height", "1.8", "--length", "2"}).exit_code, 2);  // when?
  EXPECT_EQ(RunSightline({"shadow", "--date", "2024-05-01", "--height", "1.8", "--length", "2"})
                .exit_code,
            2);  // no place
  EXPECT_EQ(RunSightline(
                {"shadow", "--time", "2024-05-01T07:30:00Z", "--height", "1.8±x", "--length", "2"})
                .exit_code,
            2);
  EXPECT_EQ(RunSightline({"shadow", "--time", "2024-05-01T07:30:00Z", "--shadow", "colour=red"})
                .exit_code,
            2);
  auto shelp = RunSightline({"shadow", "--help"});
  EXPECT_EQ(shelp.exit_code, 0);
  EXPECT_NE(shelp.out.find("--geojson"), std::string::npos);
}

// Kyiv, 2024-05-01 07:30 UTC, as `sun` reports it.
nlohmann::json KyivSun() {
  auto r = RunSightline(
      {"sun", "--lat", "50.45", "--lon", "30.52", "--time", "2024-05-01T10:30:00+03:00", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return nlohmann::json::parse(r.out);
}

TEST(ShadowCliTest, TimesOfDayFromAShadow) {
  const auto sun = KyivSun();
  const double ratio = sun["shadow_length_per_height"];
  const double shadow_az = std::fmod(sun["azimuth_deg"].get<double>() + 180, 360);
  auto r = RunSightline({"shadow", "--lat", "50.45", "--lon", "30.52", "--date", "2024-05-01",
                         "--utc-offset", "+03:00", "--height", "1", "--length",
                         std::to_string(ratio * 0.99) + ":" + std::to_string(ratio * 1.01),
                         "--shadow-azimuth", std::to_string(shadow_az) + "±1", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["mode"], "times");
  EXPECT_EQ(j["utc_offset"], "+03:00");
  ASSERT_EQ(j["intervals"].size(), 1u) << j.dump();
  const auto& i = j["intervals"][0];
  for (const char* k : {"start", "end", "duration_s", "sun_start", "sun_end"})
    EXPECT_TRUE(i.contains(k)) << k;
  EXPECT_LE(i["start"].get<std::string>(), "2024-05-01T10:30:00+03:00");
  EXPECT_GE(i["end"].get<std::string>(), "2024-05-01T10:30:00+03:00");
  // The inverse question: when does the Sun stand at this azimuth?
  auto inv = RunSightline({"shadow", "--lat", "50.45", "--lon", "30.52", "--date", "2024-05-01",
                           "--utc-offset", "+03:00", "--sun-azimuth",
                           std::to_string(sun["azimuth_deg"].get<double>()), "--json"});
  ASSERT_EQ(inv.exit_code, 0) << inv.err;
  auto k = nlohmann::json::parse(inv.out);
  ASSERT_EQ(k["intervals"].size(), 1u);
  EXPECT_EQ(k["intervals"][0]["start"].get<std::string>().substr(0, 16), "2024-05-01T10:30");
}

TEST(ShadowCliTest, MapWithGeoJsonAndPng) {
  const auto sun = KyivSun();
  const double e = sun["elevation_deg"], az = sun["azimuth_deg"];
  ScratchDir dir;
  auto r = RunSightline({"shadow", "--time", "2024-05-01T07:30:00Z±120", "--sun-elevation",
                         std::to_string(e) + "±0.5", "--sun-azimuth", std::to_string(az) + "±1",
                         "--geojson", dir / "band.geojson", "--png", dir / "band.png", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["mode"], "map");
  EXPECT_EQ(j["cell_deg"], 0.1);
  EXPECT_GT(j["cells"].get<int>(), 10);
  const auto lat = j["latitude_range_deg"], lon = j["longitude_range_deg"];
  EXPECT_LE(lat[0].get<double>(), 50.45);
  EXPECT_GE(lat[1].get<double>(), 50.45);
  EXPECT_LE(lon[0].get<double>(), 30.52);
  EXPECT_GE(lon[1].get<double>(), 30.52);
  EXPECT_EQ(j["subsolar"].size(), 1u);
  EXPECT_GT(j["verification"]["cells_checked"].get<int>(), 0);
  auto geo = nlohmann::json::parse(ReadFile(dir / "band.geojson"));
  EXPECT_EQ(geo["type"], "FeatureCollection");
  EXPECT_EQ(geo["features"][0]["properties"]["cells"], j["cells"]);
  const std::string png = ReadFile(dir / "band.png");
  ASSERT_GT(png.size(), 8u);
  EXPECT_EQ(png.substr(1, 3), "PNG");
  // Readable output names the files.
  auto text = RunSightline(
      {"shadow", "--time", "2024-05-01T07:30:00Z", "--height", "1", "--length", "1.15:1.2"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("cells of 0.10°"), std::string::npos) << text.out;
}

TEST(ShadowCliTest, TwoShadowsIntersect) {
  auto one = RunSightline(
      {"shadow", "--time", "2024-05-01T07:30:00Z", "--sun-elevation", "40:42", "--json"});
  auto two = RunSightline({"shadow", "--time", "2024-05-01T07:30:00Z", "--sun-elevation", "40:42",
                           "--shadow", "elevation=50:52,time=2024-05-01T09:30:00Z", "--json"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  ASSERT_EQ(two.exit_code, 0) << two.err;
  auto a = nlohmann::json::parse(one.out), b = nlohmann::json::parse(two.out);
  EXPECT_EQ(b["bands"].size(), 2u);
  EXPECT_LT(b["cells"].get<int>(), a["cells"].get<int>());
  EXPECT_GT(b["cells"].get<int>(), 0);
}

TEST(ShadowCliTest, UnwritableOutputExitsOne) {
  auto r = RunSightline({"shadow", "--time", "2024-05-01T07:30:00Z", "--sun-elevation", "40:42",
                         "--geojson", "/nonexistent/dir/band.geojson"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("band.geojson"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace sightline
