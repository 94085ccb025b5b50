// Writing still images: RGB24 or gray pictures encoded as JPEG with FFmpeg's mjpeg encoder.
//
// Contract:
//  - Every FFmpeg object is owned by an RAII holder (ffmpeg_util.h; a SwsContext deleter here).
//  - Sizes are bounded: pictures larger than kMaxImageSide on either side, or with no pixels, are
//    refused with kInvalidArgument; `max_side` scales larger pictures down (aspect kept).
//  - WriteJpeg writes through a temporary file and a rename, so a reader never sees half a JPEG.
//
// Thread safety: the functions may run on several threads at once.
#ifndef SIGHTLINE_MEDIA_IMAGE_WRITER_H_
#define SIGHTLINE_MEDIA_IMAGE_WRITER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "media/frame_source.h"

namespace sightline::media {

inline constexpr int kMaxImageSide = 16384;

// A picture in memory: rows of width × (3 for RGB24, 1 for gray) bytes, no padding.
struct Image {
  int width = 0, height = 0;
  PixelLayout layout = PixelLayout::kRgb24;
  std::vector<std::uint8_t> pixels;

  int BytesPerPixel() const { return layout == PixelLayout::kRgb24 ? 3 : 1; }
  // A copy of a decoded frame (frames are only valid during the consumer call).
  static Image FromFrame(const Frame& frame);
};

struct JpegOptions {
  int quality = 90;  // 1..100, as in most image tools (mapped to the encoder's quantiser)
  int max_side = 0;  // scale down so that neither side exceeds this; 0 keeps the size
};

// The JPEG bytes of `image`.
Result<std::string> EncodeJpeg(const Image& image, const JpegOptions& options = {});
// Encodes and writes `path` atomically. Errors name the path.
Status WriteJpeg(const std::string& path, const Image& image, const JpegOptions& options = {});

}  // namespace sightline::media

#endif  // SIGHTLINE_MEDIA_IMAGE_WRITER_H_
