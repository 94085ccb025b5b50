// The picture size a still image's header claims, read from its first bytes without decoding:
// PNG (IHDR), JPEG (the first SOFn frame header), GIF (logical screen), BMP (BITMAPINFOHEADER and
// later) and WebP (VP8, VP8L, VP8X). FFmpeg reads the size of these formats only inside the
// decoder, so a header claiming 100000×100000 pixels would otherwise surface as "no frame could be
// decoded"; with this the limit check (media/limits.h) names the size and the limit.
//
// Contract: never reads outside `head`; a truncated or unknown header yields nullopt (the
// decoder's own checks still apply). Pure function, thread-safe.
#ifndef SIGHTLINE_MEDIA_PICTURE_HEADER_H_
#define SIGHTLINE_MEDIA_PICTURE_HEADER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sightline::media {

struct ClaimedSize {
  std::int64_t width = 0;
  std::int64_t height = 0;
  const char* format = "";  // "PNG", "JPEG", "GIF", "BMP", "WebP"
};

// Bytes to read from the start of a file for ClaimedPictureSize: JPEG frame headers follow the
// APPn segments (EXIF and XMP may fill several 64 KB segments).
inline constexpr std::size_t kPictureHeaderBytes = 1 << 20;

std::optional<ClaimedSize> ClaimedPictureSize(std::string_view head);

}  // namespace sightline::media

#endif  // SIGHTLINE_MEDIA_PICTURE_HEADER_H_
