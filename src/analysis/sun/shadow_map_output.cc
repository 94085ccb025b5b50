#include "analysis/sun/shadow_map_output.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace sightline::analysis::sun {
namespace {

// Cell-edge coordinates, rounded so that 0.1° steps print as 12.3, not 12.300000000000001.
double Round6(double v) { return std::round(v * 1e6) / 1e6; }

}  // namespace

nlohmann::ordered_json ShadowMapGeoJson(const ShadowMap& map) {
  struct Rect {
    int c0, c1;  // columns [c0, c1)
    int r0, r1;  // rows [r0, r1)
  };
  std::vector<Rect> done, open;
  for (int r = 0; r <= map.height; ++r) {
    std::vector<Rect> runs;
    if (r < map.height) {
      for (int c = 0; c < map.width;) {
        if (!map.At(r, c)) {
          ++c;
          continue;
        }
        int end = c;
        while (end < map.width && map.At(r, end)) ++end;
        runs.push_back({c, end, r, r + 1});
        c = end;
      }
    }
    // A run identical to one open in the row above extends it; the others close.
    std::vector<Rect> next;
    std::size_t i = 0;
    for (Rect run : runs) {
      while (i < open.size() && open[i].c0 < run.c0) done.push_back(open[i++]);
      if (i < open.size() && open[i].c0 == run.c0 && open[i].c1 == run.c1) {
        run.r0 = open[i++].r0;
      }
      next.push_back(run);
    }
    while (i < open.size()) done.push_back(open[i++]);
    open = std::move(next);
  }
  nlohmann::ordered_json polygons = nlohmann::ordered_json::array();
  for (const Rect& q : done) {
    const double w = Round6(-180 + q.c0 * map.cell_deg), e = Round6(-180 + q.c1 * map.cell_deg);
    const double n = Round6(90 - q.r0 * map.cell_deg), s = Round6(90 - q.r1 * map.cell_deg);
    polygons.push_back({{{w, s}, {e, s}, {e, n}, {w, n}, {w, s}}});
  }
  nlohmann::ordered_json features = nlohmann::ordered_json::array();
  nlohmann::ordered_json band;
  band["type"] = "Feature";
  band["properties"] = {{"kind", "band"},
                        {"cells", map.cell_count},
                        {"area_km2", std::round(map.area_km2)},
                        {"cell_deg", map.cell_deg}};
  band["geometry"] = {{"type", "MultiPolygon"}, {"coordinates", polygons}};
  features.push_back(band);
  for (std::size_t i = 0; i < map.subsolar.size(); ++i) {
    nlohmann::ordered_json point;
    point["type"] = "Feature";
    point["properties"] = {{"kind", "subsolar"}, {"shadow", i}};
    point["geometry"] = {
        {"type", "Point"},
        {"coordinates",
         {Round6(map.subsolar[i].longitude_deg), Round6(map.subsolar[i].latitude_deg)}}};
    features.push_back(point);
  }
  return {{"type", "FeatureCollection"}, {"features", features}};
}

media::Image ShadowMapImage(const ShadowMap& map) {
  media::Image image;
  image.width = map.width;
  image.height = map.height;
  image.layout = media::PixelLayout::kRgb24;
  image.pixels.resize(static_cast<std::size_t>(map.width) * map.height * 3);
  constexpr double kDeg = std::numbers::pi / 180;
  const std::uint8_t all_bits = static_cast<std::uint8_t>((1u << map.subsolar.size()) - 1);
  const double ss_lat = map.subsolar.empty() ? 0 : map.subsolar[0].latitude_deg * kDeg;
  const double ss_lon = map.subsolar.empty() ? 0 : map.subsolar[0].longitude_deg;
  // A graticule line passes through a cell when a multiple of `step` lies within it.
  auto on_line = [&](double centre, double step) {
    const double k = std::round(centre / step) * step;
    return std::fabs(centre - k) < map.cell_deg / 2 + 1e-9;
  };
  // How much a graticule line brightens a cell: 28 every 10°, 60 every 30°, 110 on the equator
  // and the prime meridian (and the antimeridian).
  auto lift_of = [&](double deg, double main_step) {
    if (on_line(deg, main_step)) return 110;
    if (on_line(deg, 30)) return 60;
    return on_line(deg, 10) ? 28 : 0;
  };
  std::vector<double> cos_dlon(map.width);
  std::vector<int> column_lift(map.width);
  for (int c = 0; c < map.width; ++c) {
    const double lon = map.ColumnLongitude(c);
    cos_dlon[c] = std::cos((lon - ss_lon) * kDeg);
    column_lift[c] = lift_of(lon, 180);
  }
  for (int r = 0; r < map.height; ++r) {
    const double lat = map.RowLatitude(r);
    const double sin_a = std::sin(lat * kDeg) * std::sin(ss_lat);
    const double cos_b = std::cos(lat * kDeg) * std::cos(ss_lat);
    const int row_lift = lift_of(lat, 90);
    for (int c = 0; c < map.width; ++c) {
      const bool day = sin_a + cos_b * cos_dlon[c] > 0;
      int rgb[3] = {day ? 44 : 18, day ? 66 : 28, day ? 98 : 46};
      const int lift = std::max(row_lift, column_lift[c]);
      for (int& v : rgb) v += lift;
      const std::size_t k = static_cast<std::size_t>(r) * map.width + c;
      if (map.cells[k]) {
        rgb[0] = 255, rgb[1] = 150, rgb[2] = 30;
      } else if (map.shadow_bits[k] != 0 && map.shadow_bits[k] != all_bits) {
        rgb[0] = 150, rgb[1] = 96, rgb[2] = 40;
      }
      std::uint8_t* px = &image.pixels[k * 3];
      for (int i = 0; i < 3; ++i) px[i] = static_cast<std::uint8_t>(std::min(rgb[i], 255));
    }
  }
  const int radius = std::max(2, static_cast<int>(std::lround(1.0 / map.cell_deg)));
  for (const auto& ss : map.subsolar) {
    const int r0 = static_cast<int>((90 - ss.latitude_deg) / map.cell_deg);
    const int c0 = static_cast<int>((ss.longitude_deg + 180) / map.cell_deg);
    for (int dr = -radius; dr <= radius; ++dr) {
      for (int dc = -radius; dc <= radius; ++dc) {
        if (dr * dr + dc * dc > radius * radius) continue;
        const int r = r0 + dr, c = ((c0 + dc) % map.width + map.width) % map.width;
        if (r < 0 || r >= map.height) continue;
        std::uint8_t* px = &image.pixels[(static_cast<std::size_t>(r) * map.width + c) * 3];
        px[0] = 255, px[1] = 236, px[2] = 60;
      }
    }
  }
  return image;
}

}  // namespace sightline::analysis::sun
