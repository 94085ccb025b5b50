// Resource bounds on what one file can make Sightline do (doc/limits.md): the largest picture
// decoded (pixels, and pixels per side), the wall-clock time spent decoding one file, and a cap
// on the process's memory. Every bound has a default and can be lowered (or, for pictures and
// time, raised) with an environment variable:
//
//   SIGHTLINE_MAX_PIXELS      largest width × height decoded, images and video frames (100000000)
//   SIGHTLINE_MAX_DIMENSION   largest width or height decoded (32768)
//   SIGHTLINE_DECODE_TIMEOUT  seconds of wall-clock time for opening and decoding one file (each
//                             operation's own deadline when unset: 30 s to 6 h)
//   SIGHTLINE_MEMORY_MB       address-space cap for the whole process, in MiB (no cap when unset);
//                             allocations beyond it fail, and the file being read fails cleanly
//
// Demuxer::Open (media/ffmpeg_util.h), which every media read goes through, applies them: the
// time limit and pixel limit tighten the caller's options, and the memory cap is set on the
// process (it is only ever lowered). Decoders check a picture's size before allocating it and
// fail with a message that names the size, the limit and the variable to change.
//
// Thread safety: pure functions, except ApplyMemoryCap (setrlimit: process-wide, idempotent).
#ifndef SIGHTLINE_MEDIA_LIMITS_H_
#define SIGHTLINE_MEDIA_LIMITS_H_

#include <chrono>
#include <cstdint>
#include <string>

#include "base/status.h"

namespace sightline::media {

struct MediaLimits {
  std::int64_t max_pixels = 100'000'000;  // above any phone or camera sensor in use
  int max_dimension = 32768;
  std::chrono::milliseconds decode_timeout{0};  // 0: the caller's deadline
  std::int64_t memory_mb = 0;                   // 0: no cap
};

// The defaults, overridden by the environment variables above. A value that is not a positive
// whole number is an error naming the variable.
Result<MediaLimits> LimitsFromEnvironment();

// Lowers RLIMIT_AS to `limits.memory_mb` when set and below the current limit.
Status ApplyMemoryCap(const MediaLimits& limits);

// kUnsupported, naming `path`, the size and the limit, when width × height or either side is over
// the limits; OK for unknown (zero) sizes.
Status CheckPictureSize(const std::string& path, std::int64_t width, std::int64_t height,
                        const MediaLimits& limits, const char* what = "the picture");

// The bound handed to FFmpeg's decoders (AVCodecContext::max_pixels): the limit with room for
// coded sizes, which decoders round up to whole macroblocks (160×120 H.264 is coded 160×128). The
// limit itself is checked on the picture's real size (CheckPictureSize); this is the backstop.
inline std::int64_t DecoderPixelBound(const MediaLimits& limits) {
  return limits.max_pixels + limits.max_pixels / 4 + (1 << 20);
}

// Reads the start of `path` and checks the size its still-image header claims (PNG, JPEG, GIF,
// BMP, WebP: media/picture_header.h). OK when the file is not such an image or cannot be read
// (opening it reports that).
Status CheckClaimedPictureSize(const std::string& path, const MediaLimits& limits);

}  // namespace sightline::media

#endif  // SIGHTLINE_MEDIA_LIMITS_H_
