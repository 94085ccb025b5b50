// The pictures of a file to compare for same-place matching: a photo (HEIF through libheif, the
// rest through FFmpeg) gives one; a video gives a few frames spread evenly over the clip (or the
// one nearest a requested time), upright and grey.
//
// Contract: memory is bounded whatever the clip's length (frames are thinned as decoding goes);
// pictures are scaled so that the long side is at most max_side (video frames: video_max_side
// when set); a picture larger than max_pixels
// is refused before decoding. Errors name the file.
//
// Thread safety: ReadSceneFrames may run on several threads at once.
#ifndef SIGHTLINE_ANALYSIS_SCENE_FRAMES_H_
#define SIGHTLINE_ANALYSIS_SCENE_FRAMES_H_

#include <cstdint>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "base/status.h"

namespace sightline::analysis::scene {

// One picture taken from a file, upright (the file's rotation applied), grey.
struct SceneFrame {
  double t = 0;        // seconds from the start of the stream (0 for a photo)
  bool still = false;  // a photo
  cv::Mat gray;  // CV_8UC1, long side <= FrameOptions::max_side (video: video_max_side if set)
};

struct FrameOptions {
  int max_side = 1024;
  // Video frames: long side at most this instead, when larger than max_side (0: max_side). A
  // frame of a clip is at most a few Mpixels, so it can be kept whole up to full HD
  // (CompareOptions::video_features) where a photo is scaled; photos stay at max_side.
  int video_max_side = 0;
  // Videos: frames spread evenly over the clip, at most this many and at most one per
  // `min_period_s` seconds.
  int max_frames = 8;
  double min_period_s = 0.5;
  // When set, the one frame nearest to this time (a video) instead; ignored for a photo.
  double at_s = -1;
  std::int64_t max_pixels = 100'000'000;  // larger pictures are refused before decoding
};

// The frames of `path` (a photo gives one). Errors name the file (not found, not media, no
// decodable picture, too large).
Result<std::vector<SceneFrame>> ReadSceneFrames(const std::string& path,
                                                const FrameOptions& options = {});

// `compared`, one of the frames ReadSceneFrames(path, options) gave, again in colour (CV_8UC3,
// R G B, the same size), for showing the evidence as it looks. The file is decoded again with the
// same sampling up to that frame's time, so it is that very frame, not a neighbour a seek by time
// might land on. Fails when no frame of the same time and size comes (the file changed) and for
// HEIF photos (read as luma only).
Result<cv::Mat> ReadSceneFrameInColour(const std::string& path, const FrameOptions& options,
                                       const SceneFrame& compared);

}  // namespace sightline::analysis::scene

#endif  // SIGHTLINE_ANALYSIS_SCENE_FRAMES_H_
