// GPX 1.0 and 1.1 (topografix.com/GPX/1/1): reading tracks into a Track, and writing one out.
//
// Read: <trk><trkseg><trkpt lat lon> with <ele>, <time>, <hdop>, <pdop>, <fix>, <speed> (GPX 1.0;
// also read inside <extensions>), in document order across segments. When a file has no track
// points, route points (<rte><rtept>) are used, and failing those waypoints (<wpt>). Namespace
// prefixes are ignored (gpx:trkpt is trkpt). A point with bad lat/lon is skipped with a warning;
// a point without <time> is kept untimed (t and utc_s NaN).
//
// The parser is Expat, fed the file in 64 KiB blocks: memory is the points kept (72 bytes each)
// plus a constant, time is linear. Limits: nesting depth (64 by default: GPX needs 5), points
// (10 million), text of one element (256 bytes kept). Expat itself refuses DTD entity expansion
// attacks (its billion-laughs protection). Exceeding a limit is an error naming it.
//
// Thread safety: pure functions.
#ifndef SIGHTLINE_SIGNALS_GEO_GPX_H_
#define SIGHTLINE_SIGNALS_GEO_GPX_H_

#include <string>

#include "base/status.h"
#include "signals/geo/track.h"

namespace sightline::signals::geo {

struct GpxLimits {
  int max_depth = 64;
  std::size_t max_points = 10'000'000;
};

// Errors: kNotFound/kIoError for the file, kCorrupt for XML that is not well formed ("line 12:
// mismatched tag"), kInvalidArgument past a limit, kNotFound when there is no point at all.
Result<Track> ReadGpx(const std::string& path, const GpxLimits& limits = {});
// The same, from bytes in memory (`name` is used in messages).
Result<Track> ParseGpx(std::string_view xml, const std::string& name, const GpxLimits& limits = {});

// A GPX 1.1 document with one track segment holding `track`'s points: lat/lon (9 decimals),
// ele, time (when UTC is known), hdop, and speed in an <extensions> element.
std::string WriteGpx(const Track& track, const std::string& name);

}  // namespace sightline::signals::geo

#endif  // SIGHTLINE_SIGNALS_GEO_GPX_H_
