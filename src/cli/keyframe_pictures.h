// What `keyframes` and `sheet` share: find a video's shots, choose its keyframes and decode their
// pictures, with a progress meter and the messages both print.
#ifndef SIGHTLINE_CLI_KEYFRAME_PICTURES_H_
#define SIGHTLINE_CLI_KEYFRAME_PICTURES_H_

#include <string>
#include <vector>

#include "base/status.h"
#include "media/image_writer.h"
#include "signals/visual/keyframes.h"

namespace sightline::cli {

struct KeyframePictures {
  std::size_t shots = 0;
  std::vector<signals::visual::Keyframe> chosen;
  std::vector<media::Image> pictures;  // of chosen[i]; may be fewer when some fail to decode
};

// `max_side`: longest side of the pictures. With `middle_if_none`, a clip of one colour (no
// keyframe worth choosing) gives its middle frame. Fails (message already printed as `command`)
// when the file cannot be read as video.
Result<KeyframePictures> ReadKeyframePictures(const char* command, const std::string& file,
                                              int max_count, int max_side, bool middle_if_none);

}  // namespace sightline::cli

#endif  // SIGHTLINE_CLI_KEYFRAME_PICTURES_H_
