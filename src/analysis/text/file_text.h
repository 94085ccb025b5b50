// Text in a photo or a video: the frames to read, OCR on each, and the readings merged over time.
//
// Frames: a photo is one picture (HEIF through libheif, the rest through FFmpeg; upright). A video
// is sampled every `every_s` seconds (media/frame_source.h, kRate: decoding jumps between
// keyframes when the index allows), in luma at full size. A sampled frame that looks the same as
// the last one read (no cell of a 64×36 grid of its thumbnail changed by more than
// `change_threshold` grey levels) is not read again: its text is the last frame's. A static shot
// with a caption held for a minute costs one OCR, yet a caption appearing on that shot changes its
// cells and is read. Readings are merged over time by TextTracker (track.h).
//
// Failures: a file that is missing, not media, or with no decodable frame is an error naming it.
// A video damaged part-way gives what was read before the damage, with a warning naming the time.
// A picture with no text gives an empty list, not an error.
//
// Thread safety: ReadTextInFile may run on several threads at once with distinct TextReaders.
#ifndef SIGHTLINE_ANALYSIS_TEXT_FILE_TEXT_H_
#define SIGHTLINE_ANALYSIS_TEXT_FILE_TEXT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "analysis/text/ocr.h"
#include "analysis/text/track.h"
#include "base/status.h"

namespace sightline::analysis::text {

struct FileTextOptions {
  double every_s = 1.0;          // video sampling period, seconds (> 0)
  double change_threshold = 12;  // grey levels a thumbnail cell must change by to read again
  std::int64_t max_pixels = 100'000'000;  // larger pictures are refused before decoding
};

struct FileText {
  bool still = false;               // a photo: entries' t and end are 0
  int width = 0, height = 0;        // of the pictures read (boxes are in these pixels)
  double duration_s = 0;            // of a video, from the container (0 when unknown)
  std::int64_t frames_sampled = 0;  // frames taken from the file
  std::int64_t frames_read = 0;     // of which OCR read (the rest repeated the previous frame)
  std::vector<TextEntry> entries;
  std::vector<std::string> warnings;  // damage, each naming its time
};

// `on_frame(t)` is called after each sampled frame (for progress); may be empty.
Result<FileText> ReadTextInFile(const std::string& path, const FileTextOptions& options,
                                TextReader& reader,
                                const std::function<void(double t)>& on_frame = {});

}  // namespace sightline::analysis::text

#endif  // SIGHTLINE_ANALYSIS_TEXT_FILE_TEXT_H_
