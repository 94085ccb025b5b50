// Coordinates as investigators paste them, and as they cite them: parse free-form text into a
// WGS84 latitude/longitude, and print one in decimal degrees, DMS, ISO 6709, UTM or MGRS.
//
// Accepted (case-insensitive; °, º, ′, ″, ’, ” and d ' " : all work as DMS marks):
//   decimal pair       "50.4501, 30.5234"  "50.4501 30.5234"  "-33.86 151.21"  "30.5234E 50.4501N"
//   DMS / DM           "50°27'00.4\"N 30°31'24.2\"E"  "N 50 27.006 E 30 31.404"  "50:27:00.4N, ..."
//   ISO 6709           "+50.4501+030.5234/"  "+502700.4+0303124.2/" "+50.45+030.52+120.0CRSWGS_84/"
//   UTM                "36U 320000 5590000"  "36N 320000E 5590000N"  "36 north 320000 5590000"
//                      (a letter is an MGRS latitude band: C–M south, N–X north; "S" is band S
//                      unless the position falls outside 32–40°N, then the southern hemisphere)
//   UPS                "UPS N 2000000 2000000"
//   MGRS               "36UUA2000090000"  "36U UA 20000 90000"  "ZGC 12345 67890" (the centre of
//                      the square the digits name)
// Latitude first unless hemisphere letters say otherwise. The parser uses GeographicLib's DMS,
// UTMUPS and MGRS classes for the arithmetic and range checks.
//
// Printed: decimal "50.450100, 30.523400" (6 decimals, ~0.1 m); DMS "50°27'00.4\"N 30°31'24.2\"E"
// (0.1", ~3 m); ISO 6709 "+50.450100+030.523400/" (altitude added when known); UTM
// "36U 320000 5590000" (1 m); MGRS "36UUA2000090000" (1 m, truncated as the standard says).
//
// Thread safety: pure functions.
#ifndef SIGHTLINE_ANALYSIS_GEO_COORDS_H_
#define SIGHTLINE_ANALYSIS_GEO_COORDS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace sightline::analysis::geo {

enum class CoordFormat { kDecimal, kDms, kIso6709, kUtm, kMgrs };

// "decimal", "dms", "iso6709", "utm", "mgrs" (also "dd", "iso", "ups").
std::optional<CoordFormat> CoordFormatFromName(std::string_view name);
const char* CoordFormatName(CoordFormat f);
std::vector<CoordFormat> AllCoordFormats();

struct Coordinate {
  double lat = 0;               // degrees, north positive, WGS84
  double lon = 0;               // degrees, east positive, in [-180, 180)
  std::optional<double> alt_m;  // ISO 6709 altitude when given
  CoordFormat parsed_as = CoordFormat::kDecimal;
  // Half the resolution of what was written, as a distance: MGRS "36UUA2090" names a 1 km square,
  // so its centre is within ~707 m of the truth. 0 when the text carried no such limit.
  double uncertainty_m = 0;
  std::string note;  // e.g. how an ambiguous letter was read; "" usually
};

// Errors: kInvalidArgument naming what did not parse ("latitude 95 is beyond ±90", "not a
// coordinate: expected …").
Result<Coordinate> ParseCoordinate(std::string_view text);

// The text of `c` in format `f`. Fails only for UTM/MGRS of a latitude GeographicLib refuses.
Result<std::string> FormatCoordinate(const Coordinate& c, CoordFormat f);

// The MGRS/UTM latitude band letter of a latitude in [-80, 84] ('C'…'X'); '\0' outside.
char UtmBand(double lat);

}  // namespace sightline::analysis::geo

#endif  // SIGHTLINE_ANALYSIS_GEO_COORDS_H_
