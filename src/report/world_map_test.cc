#include "report/world_map.h"

#include <gtest/gtest.h>

namespace sightline::report {
namespace {

std::size_t Count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

TEST(WorldMap, ParsesDeltas) {
  auto map = ParseWorldMap("# comment\nL 100 200 10 0 0 10 -10 0\nB 0 0 5 5\n");
  ASSERT_TRUE(map.ok()) << map.status().message();
  ASSERT_EQ(map->land.size(), 1u);
  ASSERT_EQ(map->land[0].size(), 4u);
  EXPECT_DOUBLE_EQ(map->land[0][2].first, 1.1);
  EXPECT_DOUBLE_EQ(map->land[0][2].second, 2.1);
  ASSERT_EQ(map->borders.size(), 1u);
  EXPECT_DOUBLE_EQ(map->borders[0][1].second, 0.05);
  EXPECT_FALSE(ParseWorldMap("X 1 2\n").ok());
  EXPECT_FALSE(ParseWorldMap("L 1 2 3 x\n").ok());
  EXPECT_FALSE(ParseWorldMap("B 1 2 3 4\n").ok());  // no land at all
}

// The bundled data is found from the build directory and draws Europe around Kyiv.
TEST(WorldMap, BundledDataAroundAPlace) {
  auto map = LoadWorldMap();
  ASSERT_TRUE(map.ok()) << map.status().message();
  EXPECT_GT(map->land.size(), 1000u);
  EXPECT_GT(map->borders.size(), 100u);
  const std::string svg = MapSvg(*map, {{50.4501, 30.5234, 500, "#1 <a>", {}}});
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_EQ(Count(svg, "fill=\"#f3f0e6\""), 1u);  // land
  EXPECT_EQ(Count(svg, "stroke-dasharray"), 1u);  // borders (Ukraine has neighbours)
  EXPECT_NE(svg.find("#1 &lt;a&gt;"), std::string::npos);
  EXPECT_EQ(svg.find("http"), std::string::npos);
  EXPECT_LT(svg.size(), 200000u);  // clipped to the view, not the world
  EXPECT_EQ(MapSvg(*map, {}), "");
}

// Two places far apart both fall inside the picture; a wide radius is drawn as a circle.
TEST(WorldMap, FitsThePlaces) {
  WorldMap map;
  map.land.push_back({{-10, -10}, {10, -10}, {10, 10}, {-10, 10}});
  const std::string svg = MapSvg(map, {{0, 0, 300000, "a", {}}, {5, 8, 10, "b", {}}}, 600);
  ASSERT_NE(svg.find("viewBox=\"0 0 600 "), std::string::npos);
  const int height = std::stoi(svg.substr(svg.find("viewBox=\"0 0 600 ") + 17));
  EXPECT_GE(height, 300);
  EXPECT_LE(height, 450);
  // Marker centres: every "cx" is inside the picture.
  for (std::size_t p = svg.find("cx=\""); p != std::string::npos; p = svg.find("cx=\"", p + 1)) {
    const double x = std::stod(svg.substr(p + 4));
    EXPECT_GT(x, 0);
    EXPECT_LT(x, 600);
  }
  EXPECT_EQ(Count(svg, "fill-opacity"), 1u);  // a's 300 km circle; b's 10 m is only a marker
  EXPECT_NE(svg.find(" km</text>"), std::string::npos);
}

// A GPS track is drawn as one line, and the picture is fitted to all of it, not only its start.
TEST(WorldMap, DrawsATrackAndFitsIt) {
  WorldMap map;
  map.land.push_back({{-10, -10}, {10, -10}, {10, 10}, {-10, 10}});
  MapPlace start{0, 0, 0, "#1 GPS track", {}};
  for (int k = 0; k <= 20; ++k) start.path.push_back({k * 0.5, k * 0.25});  // lon, lat
  const std::string svg = MapSvg(map, {start}, 600, 0.1);
  EXPECT_EQ(Count(svg, "stroke=\"#1f5fa8\""), 1u);
  // The track's far end (10 E, 5 N) lies inside the picture: its path's last point has x < 600.
  const std::size_t line = svg.find("stroke=\"#1f5fa8\"");
  const std::string d = svg.substr(svg.rfind("d=\"", line) + 3);
  const std::size_t last = d.substr(0, d.find('"')).rfind('L');
  ASSERT_NE(last, std::string::npos);
  const double x = std::stod(d.substr(last + 1));
  EXPECT_GT(x, 300);
  EXPECT_LT(x, 600);
}

}  // namespace
}  // namespace sightline::report
