// Keyframe selection for long videos: which frames to show (or write) for a clip, given its shots.
//
// Policy, in order:
//  1. One candidate per shot: the shot's keyframe (its sharpest typical frame, see shots.h). Shots
//     made only of one-colour frames (black, white) give none.
//  2. When there are more shots than `max_count`, the clip is divided into `max_count` equal
//     stretches of time and each stretch keeps the keyframe of its longest shot; stretches with
//     no shot leave their place to the longest remaining shots. So the selection spreads over
//     the whole clip instead of crowding into a burst of short shots.
//  3. When there are fewer shots than `max_count`, long shots add frames (their sharpest frame in
//     each stretch of max(10 s, clip duration / max_count)), so a long continuous clip is still
//     covered.
//  4. Near-identical frames are dropped (the thumbnails differ by less than `min_difference`
//     luma levels on average): a static shot, or a shot/reverse-shot edit, gives one frame per
//     distinct view.
// The result is in time order, at most `max_count` frames.
//
// Thread safety: pure functions.
#ifndef SIGHTLINE_SIGNALS_VISUAL_KEYFRAMES_H_
#define SIGHTLINE_SIGNALS_VISUAL_KEYFRAMES_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "media/image_writer.h"
#include "signals/visual/shots.h"

namespace sightline::signals::visual {

struct KeyframeOptions {
  int max_count = 24;
  double min_difference = 6.0;  // mean absolute thumbnail difference (0..255) to count as distinct
};

struct Keyframe {
  double t = 0;            // seconds
  std::int64_t frame = 0;  // frame number (position among frames fed to the detector)
  int shot = 0;            // index into ShotList::shots
};

// `frames` and the thumbnail size come from the ShotDetector that produced `shots`.
std::vector<Keyframe> SelectKeyframes(const ShotList& shots,
                                      const std::vector<FrameFeatures>& frames, int thumb_width,
                                      int thumb_height, const KeyframeOptions& options = {});

// A video's shots and its keyframes, chosen as SelectKeyframes does; with `middle_if_none`, a clip
// of one colour (no keyframe worth choosing) gives its middle frame. `on_frame` as AnalyzeShots.
struct KeyframeChoice {
  std::size_t shots = 0;
  std::vector<Keyframe> chosen;
};
Result<KeyframeChoice> ChooseKeyframes(const std::string& path, const KeyframeOptions& options,
                                       bool middle_if_none,
                                       const std::function<void(double)>& on_frame = {});

// The pictures of frames `numbers` (positions among all decoded frames, as in FrameFeatures;
// ascending) of `path`, as RGB at most `max_side` pixels on a side, in the same order. Decodes the
// file up to the last of them. Frames the file no longer yields are missing from the result.
Result<std::vector<media::Image>> ReadFramePictures(const std::string& path,
                                                    const std::vector<std::int64_t>& numbers,
                                                    int max_side);

}  // namespace sightline::signals::visual

#endif  // SIGHTLINE_SIGNALS_VISUAL_KEYFRAMES_H_
