#include "report/thumbnail.h"

#include <algorithm>

#include "media/exif_reader.h"
#include "media/image_decode.h"
#include "media/image_writer.h"
#include "media/orientation.h"
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
    // DecodeImage gives the pixels as stored; the thumbnail shows the photo as it is seen
    // (upright by its EXIF orientation, as every other picture of it).
    auto meta = media::ReadEmbeddedMetadata(path);
    const int orientation = meta.ok() ? meta->orientation : 1;
    const bool swap = media::OrientationSwapsSides(orientation);
    picture.width = swap ? decoded.height : decoded.width;
    picture.height = swap ? decoded.width : decoded.height;
    picture.layout = media::PixelLayout::kRgb24;
    media::TurnUpright(decoded.data.data(), decoded.width, decoded.height, decoded.stride, 3,
                       orientation, &picture.pixels);
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
