// The decode pipeline: one pass over a video (or an image) delivering frames at a chosen sampling
// to a consumer, as luma planes (or RGB), upright (a video's rotation, a still's EXIF
// orientation applied), with presentation times in seconds. Everything visual in Sightline comes
// out of this one pass.
//
// Speed: decoding is the expensive part, so for sparse sampling the decoder is told to skip what
// need not be decoded (non-reference frames between samples; everything but keyframes for
// kKeyframes), conversion to the output format runs only for delivered frames, and FFmpeg's
// frame threads use the cores given.
//
// Damage: a stream with corrupt packets decodes as far as it can; each damaged stretch is
// reported once as a warning naming its time. A file with no decodable frame is an error.
// Known gap: H.264 conceals damaged macroblocks silently, and FFmpeg 5.1 marks such frames
// (decode_error_flags) only when the decoder runs single-threaded; with frame threads (the default,
// for speed) damage is seen only where the container or the decoder reports it.
//
// Thread safety: DecodeFrames may run on several threads at once (each call owns its decoder).
// The consumer is called on the calling thread, one frame at a time, in presentation order.
#ifndef SIGHTLINE_MEDIA_FRAME_SOURCE_H_
#define SIGHTLINE_MEDIA_FRAME_SOURCE_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace sightline::media {

enum class Sampling {
  kEveryFrame,  // every decoded frame
  kRate,        // at each multiple of 1/rate seconds, the first frame at or after it that is
                // cheap to reach: when the container's index shows a keyframe between the last
                // sample and the next one, decoding jumps to that keyframe (so the sample may be
                // that keyframe, a few frames late, rather than a frame that needs the whole
                // previous group of pictures)
  kKeyframes,   // intra frames only (cheapest: nothing else is decoded)
};

enum class PixelLayout {
  kGray8,  // one byte per pixel: the luma (Y) plane, full range
  kRgb24,  // three bytes per pixel, R G B
};

struct FrameSourceOptions {
  Sampling sampling = Sampling::kRate;
  double rate = 1.0;  // frames per second, for kRate
  PixelLayout layout = PixelLayout::kGray8;
  // The layout for a still image, when it should differ (RGB lets image hashes follow tools that
  // compute luminance from RGB, while video frames take the cheaper luma plane).
  std::optional<PixelLayout> still_layout;
  // Turn a still upright by its EXIF orientation. Off for signals that must hash the pixels as
  // stored, as reference tools do (PDQ, match signatures: matched under all eight symmetries).
  bool exif_orientation = true;
  // Scale delivered frames so that neither side exceeds this (aspect kept); 0 keeps the size.
  int max_side = 0;
  int threads = 2;  // decoder threads; 0 lets FFmpeg choose
  // Wall-clock budget for the whole file; long enough for hours of video by default.
  std::chrono::milliseconds deadline{std::chrono::hours(6)};
  // Largest picture (width × height) the decoder may allocate.
  std::int64_t max_pixels = 100'000'000;
};

// A decoded frame, valid only during the consumer call.
struct Frame {
  double t = 0;            // presentation time in seconds from the start of the stream
  std::int64_t index = 0;  // position among decoded frames (0-based)
  bool keyframe = false;
  bool still = false;         // the only frame of a still image
  int width = 0, height = 0;  // upright, after rotation and scaling
  int stride = 0;             // bytes per row
  PixelLayout layout = PixelLayout::kGray8;
  const std::uint8_t* data = nullptr;
};

// Receives frames. Returning a non-OK Status stops decoding; DecodeFrames then returns it.
class FrameConsumer {
 public:
  virtual ~FrameConsumer() = default;
  virtual Status OnFrame(const Frame& frame) = 0;
};

struct DecodeSummary {
  double duration_s = 0;  // of the stream, from the container (0 when unknown)
  double frame_rate = 0;  // average frames per second, from the container
  int rotation = 0;       // degrees clockwise applied to every frame (a video's)
  // A still's EXIF Orientation (1..8; 1 upright as stored or not asked for), applied: turned
  // and, for 2, 4, 5 and 7, mirrored. Phones store portrait photos sideways and say so here.
  int exif_orientation = 1;
  int width = 0, height = 0;  // delivered size
  std::int64_t frames_decoded = 0;
  std::int64_t frames_delivered = 0;
  std::int64_t packets_skipped = 0;   // never given to the decoder (sparse sampling)
  bool is_image = false;              // a still image (one frame)
  std::vector<std::string> warnings;  // damage, each naming its time
};

// Decodes the best video stream (or the image) of `path` and feeds `consumer`. Fails, naming the
// file, when it has no video, cannot be opened, or yields no decodable frame.
Result<DecodeSummary> DecodeFrames(const std::string& path, const FrameSourceOptions& options,
                                   FrameConsumer& consumer);

}  // namespace sightline::media

#endif  // SIGHTLINE_MEDIA_FRAME_SOURCE_H_
