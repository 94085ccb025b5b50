#include "report/thumbnail.h"

#include <algorithm>

#include "media/image_decode.h"
#include "media/image_writer.h"
#include "signals/visual/keyframes.h"

namespace sightline::report {

namespace {

// Frame numbers tried for a video, the later preferred: about a second in at common rates, else
// the first frame of a very short clip.
constexpr std::int64_t kVideoFrames[] = {0, 30};

}  // namespace

Result<std::string> Thumbnail(const std::string& path, const std::string& kind, int max_side) {
  media::Image picture;
  if (kind == "image") {
    media::ImageDecodeOptions o;
    o.pixels = media::ImagePixels::kRgb24;
    SL_ASSIGN_OR_RETURN(media::DecodedImage decoded, media::DecodeImage(path, o));
    picture.width = decoded.width;
    picture.height = decoded.height;
    picture.layout = media::PixelLayout::kRgb24;
    picture.pixels.resize(static_cast<std::size_t>(decoded.width) * decoded.height * 3);
    for (int y = 0; y < decoded.height; ++y) {
      std::copy_n(decoded.data.data() + static_cast<std::size_t>(y) * decoded.stride,
                  decoded.width * 3,
                  picture.pixels.data() + static_cast<std::size_t>(y) * decoded.width * 3);
    }
  } else {
    SL_ASSIGN_OR_RETURN(std::vector<media::Image> frames,
                        signals::visual::ReadFramePictures(
                            path, {std::begin(kVideoFrames), std::end(kVideoFrames)}, max_side));
    if (frames.empty()) return NotFound(path + ": no picture decoded");
    picture = std::move(frames.back());
  }
  media::JpegOptions jpeg;
  jpeg.quality = 80;
  jpeg.max_side = max_side;
  return media::EncodeJpeg(picture, jpeg);
}

}  // namespace sightline::report
