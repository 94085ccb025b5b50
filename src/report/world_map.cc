#include "report/world_map.h"

#include <linux/limits.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "base/file.h"
#include "base/markup.h"

namespace sightline::report {

namespace {

constexpr char kDataFile[] = "third_party/naturalearth/world_50m.txt";
constexpr double kMetresPerDegree = 111320;  // of latitude, near enough for a map
constexpr double kPi = 3.14159265358979323846;

// A point in the picture, pixels.
struct Px {
  double x, y;
};

std::string ExecutableDir() {
  char buf[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  return DirName(std::string(buf, static_cast<std::size_t>(n)));
}

// The source tree this file was compiled from (CMake passes absolute source paths).
std::string SourceRoot() {
  const std::string here = __FILE__;
  const std::string tail = "src/report/world_map.cc";
  if (here.size() <= tail.size() ||
      here.compare(here.size() - tail.size(), tail.size(), tail) != 0 || here[0] != '/') {
    return "";
  }
  return here.substr(0, here.size() - tail.size());
}

// Sutherland & Hodgman (1974), "Reentrant polygon clipping": the ring clipped to the rectangle,
// one edge at a time.
std::vector<Px> ClipRing(std::vector<Px> ring, double x0, double y0, double x1, double y1) {
  auto clip = [&](auto inside, auto cross) {
    std::vector<Px> out;
    for (std::size_t i = 0; i < ring.size(); ++i) {
      const Px& p = ring[i];
      const Px& q = ring[(i + 1) % ring.size()];
      const bool pin = inside(p), qin = inside(q);
      if (pin) out.push_back(p);
      if (pin != qin) out.push_back(cross(p, q));
    }
    ring = std::move(out);
  };
  auto at_x = [](const Px& p, const Px& q, double x) {
    return Px{x, p.y + (q.y - p.y) * (x - p.x) / (q.x - p.x)};
  };
  auto at_y = [](const Px& p, const Px& q, double y) {
    return Px{p.x + (q.x - p.x) * (y - p.y) / (q.y - p.y), y};
  };
  clip([&](const Px& p) { return p.x >= x0; },
       [&](const Px& p, const Px& q) { return at_x(p, q, x0); });
  clip([&](const Px& p) { return p.x <= x1; },
       [&](const Px& p, const Px& q) { return at_x(p, q, x1); });
  clip([&](const Px& p) { return p.y >= y0; },
       [&](const Px& p, const Px& q) { return at_y(p, q, y0); });
  clip([&](const Px& p) { return p.y <= y1; },
       [&](const Px& p, const Px& q) { return at_y(p, q, y1); });
  return ring;
}

std::string Coord(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// Appends "M x y L x y …" of `points` (Z when closed), skipping points closer than half a pixel to
// the previous one.
void AppendPath(const std::vector<Px>& points, bool closed, std::string* d) {
  if (points.size() < 2) return;
  Px last = points[0];
  *d += "M" + Coord(last.x) + " " + Coord(last.y);
  for (std::size_t i = 1; i < points.size(); ++i) {
    const Px& p = points[i];
    if (std::abs(p.x - last.x) < 0.5 && std::abs(p.y - last.y) < 0.5 && i + 1 < points.size()) {
      continue;
    }
    *d += "L" + Coord(p.x) + " " + Coord(p.y);
    last = p;
  }
  if (closed) *d += "Z";
}

// 1, 2 or 5 times a power of ten, at most `limit`.
double NiceBelow(double limit) {
  const double p = std::pow(10.0, std::floor(std::log10(limit)));
  for (double m : {5.0, 2.0, 1.0}) {
    if (m * p <= limit) return m * p;
  }
  return p;
}

}  // namespace

Result<WorldMap> ParseWorldMap(const std::string& text) {
  WorldMap map;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string tag;
    fields >> tag;
    if (tag != "L" && tag != "B") {
      return Corrupt("map data line " + std::to_string(number) + ": unknown tag '" + tag + "'");
    }
    std::vector<LonLat> points;
    long x = 0, y = 0, dx = 0, dy = 0;
    if (!(fields >> x >> y)) {
      return Corrupt("map data line " + std::to_string(number) + ": no first position");
    }
    points.push_back({x / 100.0, y / 100.0});
    while (fields >> dx >> dy) {
      x += dx;
      y += dy;
      points.push_back({x / 100.0, y / 100.0});
    }
    if (!fields.eof()) {
      return Corrupt("map data line " + std::to_string(number) + ": not a list of integers");
    }
    (tag == "L" ? map.land : map.borders).push_back(std::move(points));
  }
  if (map.land.empty()) return Corrupt("map data holds no land");
  return map;
}

Result<std::string> FindWorldMapData() {
  if (const char* set = std::getenv("SIGHTLINE_MAP_DATA"); set != nullptr && *set != '\0') {
    if (PathExists(set)) return std::string(set);
    return NotFound(std::string("$SIGHTLINE_MAP_DATA is ") + set + ", which does not exist");
  }
  std::vector<std::string> candidates;
  if (const std::string exe = ExecutableDir(); !exe.empty()) {
    candidates.push_back(JoinPath(DirName(exe), kDataFile));
    candidates.push_back(JoinPath(DirName(exe), "share/sightline/world_50m.txt"));
  }
  if (const std::string root = SourceRoot(); !root.empty()) {
    candidates.push_back(root + kDataFile);
  }
  std::string searched;
  for (const std::string& c : candidates) {
    if (PathExists(c)) return c;
    searched += (searched.empty() ? "" : ", ") + c;
  }
  return NotFound("no map data (searched " + searched +
                  "); set $SIGHTLINE_MAP_DATA to world_50m.txt from the source tree");
}

Result<WorldMap> LoadWorldMap() {
  SL_ASSIGN_OR_RETURN(std::string path, FindWorldMapData());
  SL_ASSIGN_OR_RETURN(std::string text, ReadFileToString(path, 16 << 20));
  Result<WorldMap> map = ParseWorldMap(text);
  if (!map.ok()) return map.status().WithContext(path);
  return map;
}

std::string MapSvg(const WorldMap& map, const std::vector<MapPlace>& places, int width,
                   double min_span_deg) {
  if (places.empty()) return "";
  // The places' extent, their radii included, in degrees.
  double lat0 = 90, lat1 = -90, lon0 = 180, lon1 = -180;
  for (const MapPlace& p : places) {
    const double r_lat = p.radius_m / kMetresPerDegree;
    const double r_lon = r_lat / std::max(0.05, std::cos(p.lat * kPi / 180));
    lat0 = std::min(lat0, p.lat - r_lat);
    lat1 = std::max(lat1, p.lat + r_lat);
    lon0 = std::min(lon0, p.lon - r_lon);
    lon1 = std::max(lon1, p.lon + r_lon);
    for (const LonLat& q : p.path) {
      lat0 = std::min(lat0, q.second);
      lat1 = std::max(lat1, q.second);
      lon0 = std::min(lon0, q.first);
      lon1 = std::max(lon1, q.first);
    }
  }
  const double mid_lat = std::clamp((lat0 + lat1) / 2, -80.0, 80.0);
  const double kx = std::cos(mid_lat * kPi / 180);  // x units: degrees of longitude × kx
  // Projected extent with a margin of a quarter of the span on each side.
  double span_y = std::max((lat1 - lat0) * 1.5, min_span_deg);
  double span_x = std::max((lon1 - lon0) * kx * 1.5, span_y * 1.4);
  // The picture between 0.5 and 0.75 of its width high.
  span_y = std::max(span_y, span_x * 0.5);
  span_x = std::max(span_x, span_y / 0.75);
  span_x = std::min(span_x, 360 * kx);
  span_y = std::min(span_y, 170.0);
  const double cx = (lon0 + lon1) / 2 * kx, cy = (lat0 + lat1) / 2;
  const double left = cx - span_x / 2, top = cy + span_y / 2;
  const double scale = width / span_x;  // pixels per unit
  const int height = static_cast<int>(std::lround(span_y * scale));
  auto project = [&](const LonLat& ll) {
    return Px{(ll.first * kx - left) * scale, (top - ll.second) * scale};
  };
  // Degrees seen (a little wider, for the quick reject of shapes).
  const double see_lon0 = left / kx - 1, see_lon1 = (left + span_x) / kx + 1;
  const double see_lat0 = top - span_y - 1, see_lat1 = top + 1;
  auto outside = [&](const std::vector<LonLat>& shape) {
    double a = 180, b = -180, c = 90, d = -90;
    for (const LonLat& p : shape) {
      a = std::min(a, p.first);
      b = std::max(b, p.first);
      c = std::min(c, p.second);
      d = std::max(d, p.second);
    }
    return b < see_lon0 || a > see_lon1 || d < see_lat0 || c > see_lat1;
  };

  std::string land, borders;
  for (const std::vector<LonLat>& ring : map.land) {
    if (outside(ring)) continue;
    std::vector<Px> px;
    px.reserve(ring.size());
    for (const LonLat& p : ring) px.push_back(project(p));
    AppendPath(ClipRing(std::move(px), -2, -2, width + 2, height + 2), true, &land);
  }
  for (const std::vector<LonLat>& line : map.borders) {
    if (outside(line)) continue;
    std::vector<Px> run;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const Px p = project(line[i]);
      const bool in = p.x > -50 && p.x < width + 50 && p.y > -50 && p.y < height + 50;
      if (in) run.push_back(p);
      if (!in || i + 1 == line.size()) {
        if (!in && !run.empty()) run.push_back(p);  // the segment leaving the picture
        AppendPath(run, false, &borders);
        run.clear();
        if (!in && i + 1 < line.size()) {
          const Px next = project(line[i + 1]);
          if (next.x > -50 && next.x < width + 50 && next.y > -50 && next.y < height + 50) {
            run.push_back(p);  // the segment entering it
          }
        }
      }
    }
  }

  const std::string w = std::to_string(width), h = std::to_string(height);
  std::string svg = "<svg class=\"map\" viewBox=\"0 0 " + w + " " + h + "\" width=\"" + w +
                    "\" height=\"" + h +
                    "\" role=\"img\" aria-label=\"map of the locations\" "
                    "font-family=\"sans-serif\" font-size=\"12\">"
                    "<rect width=\"" +
                    w + "\" height=\"" + h + "\" fill=\"#dbe9f4\"/>";
  if (!land.empty()) {
    svg += "<path d=\"" + land +
           "\" fill=\"#f3f0e6\" fill-rule=\"evenodd\" stroke=\"#8d9aa5\" stroke-width=\"0.8\"/>";
  }
  if (!borders.empty()) {
    svg += "<path d=\"" + borders +
           "\" fill=\"none\" stroke=\"#a08f8f\" stroke-width=\"0.8\" stroke-dasharray=\"4 2\"/>";
  }
  for (const MapPlace& p : places) {
    if (p.path.size() < 2) continue;
    std::vector<Px> px;
    px.reserve(p.path.size());
    for (const LonLat& q : p.path) px.push_back(project(q));
    std::string d;
    AppendPath(px, false, &d);
    svg += "<path d=\"" + d +
           "\" fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"2\" stroke-linejoin=\"round\"/>";
  }
  std::string marks;
  for (const MapPlace& p : places) {
    const Px c = project({p.lon, p.lat});
    const double r = p.radius_m / kMetresPerDegree * scale;
    if (r >= 4) {
      svg += "<circle cx=\"" + Coord(c.x) + "\" cy=\"" + Coord(c.y) + "\" r=\"" + Coord(r) +
             "\" fill=\"#c0392b\" fill-opacity=\"0.15\" stroke=\"#c0392b\" stroke-width=\"1\"/>";
    }
    marks += "<circle cx=\"" + Coord(c.x) + "\" cy=\"" + Coord(c.y) +
             "\" r=\"4\" fill=\"#c0392b\" stroke=\"#fff\" stroke-width=\"1.5\"/><text x=\"" +
             Coord(c.x + 6) + "\" y=\"" + Coord(c.y - 6) +
             "\" fill=\"#222\" stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">" +
             EscapeMarkup(p.label) + "</text>";
  }
  svg += marks;
  // Scale bar: a round distance about a fifth of the width, at the bottom left.
  const double km_per_px = kMetresPerDegree / 1000 / scale;
  const double km = NiceBelow(width / 5.0 * km_per_px);
  const double bar = km / km_per_px;
  const std::string y = std::to_string(height - 14);
  svg += "<path d=\"M12 " + y + "h" + Coord(bar) + "\" stroke=\"#222\" stroke-width=\"3\"/>" +
         "<text x=\"12\" y=\"" + std::to_string(height - 20) + "\" fill=\"#222\">" +
         (km >= 1 ? Coord(km).substr(0, Coord(km).size() - 2) + " km"
                  : std::to_string(static_cast<int>(std::lround(km * 1000))) + " m") +
         "</text></svg>";
  return svg;
}

}  // namespace sightline::report
