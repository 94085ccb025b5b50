// GPX files (signals/geo/gpx.h, expat underneath): nesting, entities, points and times; a track
// read back is written out and read again.
#include <string_view>

#include "signals/geo/gpx.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace geo = sightline::signals::geo;
  auto track = geo::ParseGpx(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
  if (track.ok()) {
    (void)geo::Summarize(*track);
    (void)geo::ParseGpx(geo::WriteGpx(*track, "fuzz"), "again");
  }
  return 0;
}
