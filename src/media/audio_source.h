// The audio decode pipeline: one pass over a file's best audio stream, delivering mono (or the
// original channels) float PCM at a chosen sample rate in blocks, with the time of each block's
// first sample in seconds. Everything audible in Sightline (fingerprints, sync, events) comes out
// of this one pass.
//
// Timing: the time of sample n of the delivered stream is start_s + n / sample_rate, where start_s
// is the stream's first presentation time relative to the file's video/container start (so audio
// and video times in one file share a clock). Gaps in the input (missing packets) are filled with
// silence so that sample positions stay true to time; each gap or damaged stretch is reported once
// as a warning naming its time.
//
// Memory is bounded by the block size whatever the duration: a 3-hour file streams through.
//
// Thread safety: DecodeAudio may run on several threads at once. The consumer is called on the
// calling thread, in order.
#ifndef SIGHTLINE_MEDIA_AUDIO_SOURCE_H_
#define SIGHTLINE_MEDIA_AUDIO_SOURCE_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace sightline::media {

// How the delivered rate is reached when it differs from the stream's (libswresample either way;
// both filters are linear-phase and their delay is compensated, so sample times are the same).
enum class Resampling {
  // libswresample's defaults (filter_size 32): flat to 0.8 of the delivered Nyquist frequency,
  // -1.3 dB at 0.9; what aliases back from just above it 36 dB down, from further up about 90 dB.
  // For analyses that read levels and spectra across the whole band.
  kFull,
  // A filter three quarters as long (libswresample's filter_size 24 instead of 32): the band is
  // still flat to 0.73 of the delivered Nyquist frequency (4 kHz at 11025 Hz) and -2 dB at 0.9;
  // what aliases back from just above it is 25 dB down instead of 36, and everything further up
  // at least 60 dB down. For timing analyses (audio sync), where resampling 48 kHz to 11025 Hz
  // with the full filter was a sixth of the CPU of a whole sync.
  kFast,
};

struct AudioSourceOptions {
  int sample_rate = 16000;  // delivered rate (resampled with libswresample)
  Resampling resampling = Resampling::kFull;
  bool mono = true;           // downmix all channels to one; false keeps the channels, interleaved
  int block_samples = 16384;  // samples per channel per delivered block (the last may be shorter)
  // Wall-clock budget for the whole file.
  std::chrono::milliseconds deadline{std::chrono::hours(6)};
};

// A block of PCM, valid only during the consumer call. Samples are floats in [-1, 1] (clipping in
// the source shows as runs at ±1), interleaved when channels > 1.
struct AudioBlock {
  double t = 0;  // time of the block's first sample, seconds (see the file comment)
  int sample_rate = 0;
  int channels = 1;
  std::int64_t frames = 0;  // samples per channel in this block
  const float* data = nullptr;
};

class AudioConsumer {
 public:
  virtual ~AudioConsumer() = default;
  // Returning a non-OK Status stops decoding; DecodeAudio then returns it.
  virtual Status OnAudio(const AudioBlock& block) = 0;
};

struct AudioSummary {
  double start_s = 0;          // time of the first delivered sample
  double duration_s = 0;       // delivered duration (samples / rate)
  int source_sample_rate = 0;  // of the stream as coded
  int source_channels = 0;
  std::string codec;                  // "aac", "opus", "mp3", …
  std::int64_t frames = 0;            // samples per channel delivered
  std::vector<std::string> warnings;  // damage and gaps, each naming its time
};

// Decodes the best audio stream of `path` and feeds `consumer`. Fails, naming the file, when it
// has no audio stream or none of it decodes.
Result<AudioSummary> DecodeAudio(const std::string& path, const AudioSourceOptions& options,
                                 AudioConsumer& consumer);

}  // namespace sightline::media

#endif  // SIGHTLINE_MEDIA_AUDIO_SOURCE_H_
