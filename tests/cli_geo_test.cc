// End-to-end tests of `sightline coords` and `sightline track` (src/cli/cmd_coords.cc,
// cmd_track.cc): formats and exit codes, distances, the track of a generated GoPro-style MOV (a
// 'gpmd' telemetry track muxed with libavformat), --at, --gpx export read back, GPX input, and
// bad files that never stop a batch.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "gpmf_fixture.h"
#include "test_util.h"

namespace sightline {
namespace {

using testing::RunSightline;
using testing::ScratchDir;
using testing::WriteFile;

TEST(GeoCliTest, CoordsConvertsToOneFormat) {
  auto r = RunSightline({"coords", "--to", "mgrs", "50.4501, 30.5234"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "36UUA2418291607\n");
  r = RunSightline({"coords", "--to", "dms", "--", "-33.8568 151.2153"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "33\u00b051'24.5\"S 151\u00b012'55.1\"E\n");
}

TEST(GeoCliTest, CoordsAllFormatsAsJson) {
  auto r = RunSightline({"coords", "--json", "N 50 27.006 E 30 31.404"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["parsed_as"], "dms");
  EXPECT_NEAR(j["lat"].get<double>(), 50.4501, 1e-9);
  EXPECT_EQ(j["formats"]["iso6709"], "+50.450100+030.523400/");
  EXPECT_EQ(j["formats"]["utm"], "36U 324182 5591608");
  // Every printed format reads back to the same place.
  for (const char* f : {"decimal", "dms", "iso6709", "utm", "mgrs"}) {
    auto back = RunSightline({"coords", "--json", "--to", "decimal", j["formats"][f]});
    ASSERT_EQ(back.exit_code, 0) << f << ": " << back.err;
    auto b = nlohmann::json::parse(back.out);
    EXPECT_NEAR(b["lat"].get<double>(), 50.4501, 3e-5) << f;
    EXPECT_NEAR(b["lon"].get<double>(), 30.5234, 3e-5) << f;
  }
}

TEST(GeoCliTest, CoordsDistanceAndBadInput) {
  auto r = RunSightline({"coords", "--json", "--distance", "0, 0", "0, 1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_NEAR(j["from"]["distance_m"].get<double>(), 111319.491, 1e-3);
  EXPECT_NEAR(j["from"]["initial_bearing_deg"].get<double>(), 90, 1e-6);

  auto batch = RunSightline({"coords", "--json", "50.1, 30.2", "not a place", "36UUA2000090000"});
  EXPECT_EQ(batch.exit_code, 1);
  auto a = nlohmann::json::parse(batch.out);
  ASSERT_EQ(a.size(), 3u);
  EXPECT_TRUE(a[1].contains("error"));
  EXPECT_EQ(a[2]["parsed_as"], "mgrs");
  EXPECT_NE(batch.err.find("not a place"), std::string::npos);

  EXPECT_EQ(RunSightline({"coords"}).exit_code, 2);
  EXPECT_EQ(RunSightline({"coords", "--to", "wkt", "1, 2"}).exit_code, 2);
  EXPECT_EQ(RunSightline({"coords", "--distance", "1, 2"}).exit_code, 2);
}

// A 3-payload clip: 5 samples a second moving east along 50N, GPSU starting 2024-05-01 10:00:00.
std::string MakeGoProClip(const ScratchDir& dir) {
  std::vector<testing::Bytes> payloads;
  for (int p = 0; p < 3; ++p) {
    std::vector<testing::Gps5Sample> s;
    for (int k = 0; k < 5; ++k) s.push_back({50.0, 30.0 + (p * 5 + k) * 1e-4, 120, 7.15, 7.2});
    char gpsu[32];
    std::snprintf(gpsu, sizeof gpsu, "2405011000%02d.000", p);
    payloads.push_back(testing::Gps5Payload(s, gpsu, 3, 110, 5 * (p + 1)));
  }
  const std::string path = dir / "GX010001.MOV";
  EXPECT_EQ(testing::WriteGpmdMov(path, payloads, 1.0), "");
  return path;
}

TEST(GeoCliTest, TrackOfAGoProClip) {
  ScratchDir dir;
  const std::string clip = MakeGoProClip(dir);
  auto r = RunSightline({"track", "--json", "--at", "0.5", "--at", "99", clip});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["source"], "GPMF GPS5 (Camera)");
  EXPECT_EQ(j["summary"]["points"], 15);
  EXPECT_NEAR(j["summary"]["end_t"].get<double>(), 2.8, 1e-6);
  EXPECT_EQ(j["summary"]["start_utc"], "2024-05-01T10:00:00.000Z");
  // 14 steps of 1e-4 degree of longitude at 50N: about 100.1 m.
  EXPECT_NEAR(j["summary"]["distance_m"].get<double>(), 14 * 7.1696, 0.1);
  ASSERT_EQ(j["samples"].size(), 15u);
  EXPECT_NEAR(j["samples"][6]["t"].get<double>(), 1.2, 1e-6);
  EXPECT_EQ(j["samples"][6]["utc"], "2024-05-01T10:00:01.200Z");
  EXPECT_NEAR(j["samples"][6]["dop"].get<double>(), 1.1, 1e-9);
  ASSERT_EQ(j["at"].size(), 2u);
  EXPECT_EQ(j["at"][0]["where"], "inside");
  EXPECT_NEAR(j["at"][0]["lon"].get<double>(), 30.00025, 1e-9);  // between samples 2 and 3
  EXPECT_EQ(j["at"][1]["where"], "after_end");

  auto text = RunSightline({"track", "--at", "99", clip});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("at 99.000 s:"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("AFTER the track"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("15 samples"), std::string::npos) << text.out;
}

TEST(GeoCliTest, TrackExportsGpxThatReadsBack) {
  ScratchDir dir;
  const std::string clip = MakeGoProClip(dir);
  const std::string gpx = dir / "out.gpx";
  auto r = RunSightline({"track", "--gpx", gpx, clip});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto back = RunSightline({"track", "--json", "--at", "1.2", gpx});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  auto j = nlohmann::json::parse(back.out);
  EXPECT_EQ(j["source"], "GPX 1.1 trk");
  EXPECT_EQ(j["summary"]["points"], 15);
  EXPECT_NEAR(j["at"][0]["lon"].get<double>(), 30.0006, 1e-9);
  EXPECT_EQ(j["at"][0]["utc"], "2024-05-01T10:00:01.200Z");

  // The GPX log aligned with the clip by UTC: the clip time comes back.
  auto utc = RunSightline({"track", "--json", "--at-utc", "2024-05-01T10:00:01.300Z", clip});
  ASSERT_EQ(utc.exit_code, 0) << utc.err;
  auto u = nlohmann::json::parse(utc.out);
  EXPECT_EQ(u["at"][0]["asked"], "2024-05-01T10:00:01.300Z");
  EXPECT_NEAR(u["at"][0]["t"].get<double>(), 1.3, 1e-6);
  EXPECT_NEAR(u["at"][0]["lon"].get<double>(), 30.00065, 1e-9);
  EXPECT_EQ(RunSightline({"track", "--at-utc", "yesterday", clip}).exit_code, 2);
}

TEST(GeoCliTest, BadFilesDoNotStopTheBatch) {
  ScratchDir dir;
  const std::string clip = MakeGoProClip(dir);
  const std::string plain = dir / "plain.mp4";
  testing::MakeTestVideo(plain, 0.5);
  WriteFile(dir / "broken.gpx", "<gpx><trk><trkpt lat='1'");
  // A clip whose only payload is corrupt (a size running past the end).
  const std::string corrupt = dir / "corrupt.mov";
  ASSERT_EQ(testing::WriteGpmdMov(corrupt, {testing::Klv("DEVC", 0, 255, 65535, {})}, 1.0), "");
  auto r = RunSightline(
      {"track", "--json", plain, clip, dir / "broken.gpx", corrupt, dir / "missing.mp4"});
  EXPECT_EQ(r.exit_code, 1);
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 5u);
  EXPECT_NE(j[0]["error"].get<std::string>().find("gpmd"), std::string::npos);
  EXPECT_EQ(j[1]["summary"]["points"], 15);
  EXPECT_NE(j[2]["error"].get<std::string>().find("line 1"), std::string::npos);
  EXPECT_NE(j[3]["error"].get<std::string>().find("corrupt"), std::string::npos) << j[3];
  EXPECT_TRUE(j[4].contains("error"));
  EXPECT_EQ(RunSightline({"track"}).exit_code, 2);
  EXPECT_EQ(RunSightline({"track", "--at", "soon", clip}).exit_code, 2);
}

}  // namespace
}  // namespace sightline
