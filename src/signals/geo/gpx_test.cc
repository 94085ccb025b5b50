#include "signals/geo/gpx.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "test_util.h"

namespace sightline::signals::geo {
namespace {

constexpr char kGpx11[] = R"(<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
  <wpt lat="1" lon="2"><name>ignored when there is a track</name></wpt>
  <trk><name>walk</name>
    <trkseg>
      <trkpt lat="50.4501" lon="30.5234"><ele>179.5</ele><time>2024-05-01T10:00:00Z</time><hdop>0.9</hdop></trkpt>
      <trkpt lat="50.4502" lon="30.5236"><ele>180.5</ele><time>2024-05-01T10:00:10Z</time></trkpt>
    </trkseg>
    <trkseg>
      <trkpt lat="50.4503" lon="30.5238"><time>2024-05-01T12:00:20+02:00</time><extensions><speed>1.5</speed></extensions></trkpt>
      <trkpt lat="50.4504" lon="30.5240"></trkpt>
    </trkseg>
  </trk>
</gpx>)";

TEST(GpxTest, ReadsTrackPointsAcrossSegments) {
  auto t = ParseGpx(kGpx11, "walk.gpx");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->source, "GPX 1.1 trk");
  ASSERT_EQ(t->points.size(), 4u);
  EXPECT_NEAR(t->points[0].lat, 50.4501, 1e-12);
  EXPECT_NEAR(t->points[0].alt_m, 179.5, 1e-12);
  EXPECT_NEAR(t->points[0].dop, 0.9, 1e-12);
  EXPECT_NEAR(t->points[0].utc_s, 1714557600.0, 1e-6);
  EXPECT_NEAR(t->points[1].t, 10.0, 1e-9);
  EXPECT_NEAR(t->points[2].t, 20.0, 1e-9);  // +02:00 offset honoured
  EXPECT_NEAR(t->points[2].speed_mps, 1.5, 1e-12);
  EXPECT_TRUE(std::isnan(t->points[3].t));  // no <time>
  ASSERT_FALSE(t->warnings.empty());
  EXPECT_NE(t->warnings[0].find("no <time>"), std::string::npos);
  auto at = InterpolateAt(*t, 5.0);
  ASSERT_TRUE(at.ok());
  EXPECT_NEAR(at->point.lat, 50.45015, 1e-9);
}

TEST(GpxTest, Gpx10PrefixesRoutesAndWaypoints) {
  const char* gpx10 = R"(<gpx:gpx xmlns:gpx="http://www.topografix.com/GPX/1/0" version="1.0">
    <gpx:rte><gpx:rtept lat="-33.86" lon="151.21"><gpx:time>2001-02-03T04:05:06</gpx:time>
    <gpx:speed>3.25</gpx:speed><gpx:fix>2d</gpx:fix></gpx:rtept></gpx:rte></gpx:gpx>)";
  auto t = ParseGpx(gpx10, "r.gpx");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->source, "GPX 1.0 rte");
  ASSERT_EQ(t->points.size(), 1u);
  EXPECT_NEAR(t->points[0].speed_mps, 3.25, 1e-12);
  EXPECT_EQ(t->points[0].fix, 2);
  EXPECT_FALSE(std::isnan(t->points[0].utc_s));  // no zone: read as UTC

  auto w = ParseGpx(R"(<gpx version="1.1"><wpt lat="10" lon="20"/></gpx>)", "w.gpx");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w->source, "GPX 1.1 wpt");
}

TEST(GpxTest, BadInputGivesClearErrors) {
  auto broken = ParseGpx("<gpx><trk><trkseg><trkpt lat='1' lon='2'></trkseg></gpx>", "b.gpx");
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().code(), StatusCode::kCorrupt);
  EXPECT_NE(broken.status().message().find("line 1"), std::string::npos);

  auto other = ParseGpx("<kml><Placemark/></kml>", "k.gpx");
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.status().message().find("not GPX"), std::string::npos);

  auto empty = ParseGpx(
      "<gpx version='1.1'><trk><trkseg><trkpt lat='95' lon='2'/></trkseg></trk>"
      "</gpx>",
      "e.gpx");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), StatusCode::kNotFound);
  EXPECT_NE(empty.status().message().find("lat=\"95\""), std::string::npos);

  std::string deep = "<gpx>";
  for (int i = 0; i < 100000; ++i) deep += "<a>";
  auto d = ParseGpx(deep, "deep.gpx");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("nested deeper than 64"), std::string::npos);

  // Entity expansion ("billion laughs") is refused by Expat, not expanded.
  std::string bomb = "<?xml version='1.0'?><!DOCTYPE gpx [<!ENTITY a 'aaaaaaaaaa'>";
  for (char c = 'b'; c <= 'j'; ++c) {
    std::string refs;
    for (int k = 0; k < 10; ++k) refs += std::string("&") + static_cast<char>(c - 1) + ";";
    bomb += std::string("<!ENTITY ") + c + " '" + refs + "'>";
  }
  bomb += "]><gpx><wpt lat='1' lon='1'><name>&j;</name></wpt></gpx>";
  auto b = ParseGpx(bomb, "bomb.gpx");
  EXPECT_FALSE(b.ok());
}

TEST(GpxTest, MillionPointsAreReadInOnePass) {
  testing::ScratchDir dir;
  const std::string path = dir / "big.gpx";
  {
    FILE* f = std::fopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fputs("<gpx version=\"1.1\"><trk><trkseg>\n", f);
    for (int i = 0; i < 1'000'000; ++i) {
      if (i % 1000 == 0) {
        std::fprintf(f,
                     "<trkpt lat=\"%.6f\" lon=\"30.5\"><time>2024-05-01T10:%02d:%02dZ</time>"
                     "</trkpt>\n",
                     50 + i * 1e-7, (i / 1000) / 60 % 60, (i / 1000) % 60);
      } else {
        std::fprintf(f, "<trkpt lat=\"%.6f\" lon=\"30.5\"/>\n", 50 + i * 1e-7);
      }
    }
    std::fputs("</trkseg></trk></gpx>\n", f);
    std::fclose(f);
  }
  auto t = ReadGpx(path);
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->points.size(), 1'000'000u);
  EXPECT_NEAR(t->points.back().lat, 50.0999999, 1e-6);
  GpxLimits small;
  small.max_points = 1000;
  auto limited = ReadGpx(path, small);
  ASSERT_FALSE(limited.ok());
  EXPECT_NE(limited.status().message().find("more than 1000 points"), std::string::npos);
}

TEST(GpxTest, WrittenGpxReadsBack) {
  Track t;
  t.source = "test";
  for (int i = 0; i < 3; ++i) {
    TrackPoint p;
    p.t = i;
    p.utc_s = 1714557600.25 + i;
    p.lat = 50.123456789 + i * 1e-5;
    p.lon = -117.3;
    p.alt_m = 10.5;
    p.speed_mps = 2;
    p.speed3d_mps = NAN;
    p.dop = 1.5;
    p.fix = 3;
    t.points.push_back(p);
  }
  std::string xml = WriteGpx(t, "a <clip> & more");
  auto back = ParseGpx(xml, "out.gpx");
  ASSERT_TRUE(back.ok()) << back.status().message();
  ASSERT_EQ(back->points.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(back->points[i].lat, t.points[i].lat, 1e-9);
    EXPECT_NEAR(back->points[i].utc_s, t.points[i].utc_s, 1e-3);
    EXPECT_NEAR(back->points[i].alt_m, 10.5, 1e-9);
    EXPECT_NEAR(back->points[i].speed_mps, 2, 1e-9);
    EXPECT_EQ(back->points[i].fix, 3);
  }
}

}  // namespace
}  // namespace sightline::signals::geo
