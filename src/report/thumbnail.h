// A small picture of an item for a report: a photo scaled down, or a frame of a video about a
// second in (past the black or title frames many clips open with), as JPEG bytes.
//
// Thread safety: a pure function of the file.
#ifndef SIGHTLINE_REPORT_THUMBNAIL_H_
#define SIGHTLINE_REPORT_THUMBNAIL_H_

#include <string>

#include "base/status.h"

namespace sightline::report {

// JPEG bytes of a picture of `path` ("image" or "video" as `kind`) at most `max_side` pixels on
// a side. Fails when the file yields no picture.
Result<std::string> Thumbnail(const std::string& path, const std::string& kind, int max_side);

}  // namespace sightline::report

#endif  // SIGHTLINE_REPORT_THUMBNAIL_H_
