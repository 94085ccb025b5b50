// The report's map: the places of a case drawn offline over land and country borders from a
// bundled Natural Earth derivative (third_party/naturalearth/world_50m.txt, public domain), as an
// inline SVG that needs nothing else (no tiles, no script, no URL).
//
// Thread safety: WorldMap is immutable after loading; the functions are pure.
#ifndef SIGHTLINE_REPORT_WORLD_MAP_H_
#define SIGHTLINE_REPORT_WORLD_MAP_H_

#include <string>
#include <utility>
#include <vector>

#include "base/status.h"

namespace sightline::report {

// Longitude, latitude in degrees.
using LonLat = std::pair<double, double>;

struct WorldMap {
  std::vector<std::vector<LonLat>> land;     // closed rings
  std::vector<std::vector<LonLat>> borders;  // lines between countries
};

// Parses the data file's text (format in third_party/naturalearth/make_map_data.py). Fails on a
// malformed line, naming it.
Result<WorldMap> ParseWorldMap(const std::string& text);

// The data file: $SIGHTLINE_MAP_DATA when set; else third_party/naturalearth/world_50m.txt in the
// parent directory of the running executable (a build directory inside the source tree, as
// `make` leaves it) or in its ../share/sightline/; else in the source tree this program was
// built from. Fails (kNotFound) naming the places searched.
Result<std::string> FindWorldMapData();

// FindWorldMapData, read and parsed.
Result<WorldMap> LoadWorldMap();

struct MapPlace {
  double lat = 0, lon = 0;
  double radius_m = 0;  // drawn as a circle where it is wider than the marker
  std::string label;    // short, e.g. "#3" (escaped when drawn)
  // The way the camera went (a GPS track), drawn as a line through these points; the marker
  // stays at lat, lon. Empty for a single place.
  std::vector<LonLat> path;
};

// An SVG element `width` px wide: equirectangular, x scaled by the cosine of the middle latitude,
// fitted to the places and their radii with a margin and at least `min_span_deg` of latitude
// across (so that a single place still shows its country), with a scale bar. The caller embeds
// it in HTML (no xmlns: an HTML parser places it in the SVG namespace). Empty for no places.
std::string MapSvg(const WorldMap& map, const std::vector<MapPlace>& places, int width = 900,
                   double min_span_deg = 8);

}  // namespace sightline::report

#endif  // SIGHTLINE_REPORT_WORLD_MAP_H_
