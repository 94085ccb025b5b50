// Decoding one still picture (JPEG, PNG, WebP, BMP, TIFF, GIF…: whatever FFmpeg's image demuxers
// and decoders read; for any other file, its first video frame) to 8-bit luma or packed RGB, for
// signal extractors such as PDQ.
//
// Contract:
//  - Pixels are returned as stored: EXIF orientation and container rotation are not applied (the
//    PDQ reference does not apply them either; callers that want upright pictures turn them).
//  - kLuma8 is the picture's own luma where it has one at full range: the Y plane of full-range
//    ("JPEG") 8-bit YCbCr, or the grey plane. That is what 0.299 R + 0.587 G + 0.114 B of the
//    decoded RGB comes to, without the rounding, clipping and chroma interpolation of a round trip
//    through RGB. Anything else (RGB, palette, limited-range or deep YCbCr) is converted with
//    libswscale to full-range RGB24 and then to luma with those BT.601 weights.
//  - kRgb24 converts with libswscale (bilinear chroma upsampling, accurate rounding), full range.
//  - Work is bounded: a deadline covers opening, reading and decoding, and a picture larger than
//    max_pixels is refused before the decoder allocates it.
//  - Errors name the file and say why (kNotFound, kUnsupported for a format or picture FFmpeg
//    cannot decode or one over the size limit, kCorrupt when no picture could be decoded,
//    kIoError).
//
// Thread safety: DecodeImage may run on several threads at once; every call owns its objects.
#ifndef SIGHTLINE_MEDIA_IMAGE_DECODE_H_
#define SIGHTLINE_MEDIA_IMAGE_DECODE_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace sightline::media {

enum class ImagePixels {
  kLuma8,  // one byte per pixel
  kRgb24,  // three bytes per pixel: R, G, B
};

struct ImageDecodeOptions {
  ImagePixels pixels = ImagePixels::kLuma8;
  // Largest picture (width × height) accepted.
  std::int64_t max_pixels = 100'000'000;
  std::chrono::milliseconds deadline{30000};
};

struct DecodedImage {
  int width = 0;
  int height = 0;
  int stride = 0;  // bytes per row: width, or 3 × width for kRgb24
  ImagePixels pixels = ImagePixels::kLuma8;
  std::vector<std::uint8_t> data;  // height × stride bytes
};

Result<DecodedImage> DecodeImage(const std::string& path, const ImageDecodeOptions& options = {});

}  // namespace sightline::media

#endif  // SIGHTLINE_MEDIA_IMAGE_DECODE_H_
