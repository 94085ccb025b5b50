// Pictures of items for the report: a frame at a time, a sheet of frames spread over a video,
// and two frames side by side (the match picture of a finding). Videos are read with sparse
// sampling (media/frame_source.h kRate: keyframes reached by skipping packets), and reading stops
// at the last frame needed, so a long clip costs little.
//
// Thread safety: pure functions of the files.
#ifndef SIGHTLINE_REPORT_ITEM_PICTURES_H_
#define SIGHTLINE_REPORT_ITEM_PICTURES_H_

#include <string>
#include <vector>

#include "base/status.h"
#include "media/image_writer.h"

namespace sightline::report {

// The picture of a still image, or the frame of a video at about `t` seconds (the first sampled
// frame at or after it; the last frame when the clip ends before), RGB, at most `max_side` pixels
// on a side. Fails when the file yields no picture.
Result<media::Image> FrameAt(const std::string& path, double t, int max_side);

struct SheetFrames {
  std::vector<media::Image> pictures;
  std::vector<double> times;  // seconds, of pictures[i]
};

// About `count` frames spread evenly over a video of `duration_s` seconds (0 when unknown: one
// every two seconds from the start), at most `max_side` pixels on a side.
Result<SheetFrames> SpreadFrames(const std::string& path, double duration_s, int count,
                                 int max_side);

// `count` frames (SpreadFrames) as one contact sheet (contact_sheet.h: each labelled with its
// time), JPEG bytes. Fails when no frame could be read.
Result<std::string> KeyframeSheetJpeg(const std::string& path, double duration_s, int count);

// `a` and `b` side by side at a common height of at most `height` pixels with a gap, RGB.
media::Image SideBySide(const media::Image& a, const media::Image& b, int height);

}  // namespace sightline::report

#endif  // SIGHTLINE_REPORT_ITEM_PICTURES_H_
