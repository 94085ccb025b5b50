#include "report/thumbnail.h"

#include <algorithm>

#include "media/image_writer.h"
#include "report/item_pictures.h"
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
    // The decode pass every picture of a photo comes from (media/frame_source.h): upright by
    // its EXIF orientation, as its keyframes and match pictures are.
    SL_ASSIGN_OR_RETURN(picture, FrameAt(path, 0, max_side));
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
