// Coordinate strings (analysis/geo/coords.h: decimal, DMS, ISO 6709, UTM, MGRS) and every
// format a parsed coordinate prints in; ISO 6709 as QuickTime stores it (media/iso6709.h).
#include <string_view>

#include "analysis/geo/coords.h"
#include "media/iso6709.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace geo = sightline::analysis::geo;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto c = geo::ParseCoordinate(text);
  if (c.ok()) {
    for (geo::CoordFormat f : geo::AllCoordFormats()) (void)geo::FormatCoordinate(*c, f);
  }
  (void)sightline::media::ParseIso6709(text);
  return 0;
}
