// Whether a file can be read as media, decided by demuxing it (and decoding a little) with FFmpeg.
// Used at ingest to flag files that are preserved but cannot be analysed.
#ifndef SIGHTLINE_MEDIA_MEDIA_CHECK_H_
#define SIGHTLINE_MEDIA_MEDIA_CHECK_H_

#include <string>

namespace sightline::media {

struct MediaCheck {
  bool readable = false;
  std::string kind;     // "video", "audio", "image" when readable
  std::string problem;  // when not readable (or damaged): what is wrong, for a person
};

// Thread-safe; does not modify the file.
MediaCheck CheckMedia(const std::string& path);

}  // namespace sightline::media

#endif  // SIGHTLINE_MEDIA_MEDIA_CHECK_H_
