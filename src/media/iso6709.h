// ISO 6709 point strings, as QuickTime and MP4 files store a recording location: the "©xyz"
// user-data atom, Apple's "com.apple.quicktime.location.ISO6709" key and Android's "location".
// Examples: "+48.8584+002.2945/", "+35.6586+139.7454+040.000/", "+4851.504+00217.670/".
//
// Grammar (ISO 6709:2008 Annex H, the text form): latitude, longitude, optional altitude, each
// starting with '+' or '-', then an optional "CRS…" part and a '/'. Latitude is ±DD[.D], ±DDMM[.M]
// or ±DDMMSS[.S]; longitude ±DDD[.D], ±DDDMM[.M] or ±DDDMMSS[.S]. Writers that drop leading zeros
// (±D.D, ±DD.D for longitude) are accepted in the decimal-degree form, as exiftool does.
#ifndef SIGHTLINE_MEDIA_ISO6709_H_
#define SIGHTLINE_MEDIA_ISO6709_H_

#include <optional>
#include <string_view>

namespace sightline::media {

struct Iso6709Point {
  double lat = 0;  // degrees, north positive
  double lon = 0;  // degrees, east positive
  std::optional<double> alt_m;
};

// Returns nullopt for text that does not follow the grammar or lies outside ±90/±180 degrees.
// Text after the altitude (CRS, '/', padding) is ignored.
std::optional<Iso6709Point> ParseIso6709(std::string_view text);

}  // namespace sightline::media

#endif  // SIGHTLINE_MEDIA_ISO6709_H_
