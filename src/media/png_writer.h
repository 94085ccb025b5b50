// Writing pictures as PNG (lossless: charts, spectrograms, figures with text) with FFmpeg's png
// encoder.
//
// Contract: as image_writer.h — every FFmpeg object is owned by an RAII holder; sizes are bounded
// (kMaxImageSide, no empty pictures: kInvalidArgument); WritePng writes through a temporary file
// and a rename, and its errors name the path.
//
// Thread safety: the functions may run on several threads at once.
#ifndef SIGHTLINE_MEDIA_PNG_WRITER_H_
#define SIGHTLINE_MEDIA_PNG_WRITER_H_

#include <string>

#include "base/status.h"
#include "media/image_writer.h"

namespace sightline::media {

// The PNG bytes of `image` (RGB24 or gray, 8 bits).
Result<std::string> EncodePng(const Image& image);
// Encodes and writes `path` atomically.
Status WritePng(const std::string& path, const Image& image);

}  // namespace sightline::media

#endif  // SIGHTLINE_MEDIA_PNG_WRITER_H_
