// The spectrogram a person checks audio events on: time across (labelled in seconds), frequency
// up (labelled in kHz), level as colour, with the detected events marked above the picture
// (shot, burst with its count, blast; a crack-thump pair with its interval) and speech regions
// as a bar below it.
//
// Usage: a SpectrogramBuilder takes the samples of a stream in order (mono, any block size) and
// keeps only [from_s, to_s); Render() draws the picture. Memory is bounded whatever the duration:
// columns are 1024-point FFTs (FFTW) of Hann frames; when the stored columns exceed twice the
// picture's width, neighbours are merged (their maximum, so that a gunshot stays visible in an
// hour-long picture) and the column step doubles.
//
// Thread safety: one builder per thread.
#ifndef SIGHTLINE_REPORT_SPECTROGRAM_H_
#define SIGHTLINE_REPORT_SPECTROGRAM_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "analysis/events/events.h"
#include "media/image_writer.h"

namespace sightline::report {

struct SpectrogramOptions {
  double from_s = 0;
  double to_s = -1;      // < 0: to the end of the stream
  int width = 1200;      // of the plot area, pixels (the picture adds margins)
  int height = 400;      // of the plot area
  double max_hz = 0;     // 0: half the sample rate
  double range_db = 80;  // levels shown below the loudest
  std::string title;     // drawn at the top (ASCII; other characters show as '?')
};

class SpectrogramBuilder {
 public:
  // `t0` is the time of the first sample pushed.
  SpectrogramBuilder(int sample_rate, double t0, const SpectrogramOptions& options);
  ~SpectrogramBuilder();
  SpectrogramBuilder(const SpectrogramBuilder&) = delete;
  SpectrogramBuilder& operator=(const SpectrogramBuilder&) = delete;

  void Push(const float* samples, std::size_t n);
  // True once the stream has passed to_s (the caller may stop decoding).
  bool Done() const;
  // Draws the picture with `events` and `speech` (those outside the span are left out).
  media::Image Render(const std::vector<analysis::events::AudioEvent>& events,
                      const std::vector<analysis::events::SpeechRegion>& speech) const;
  // The span actually covered (seconds).
  double start_s() const;
  double end_s() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sightline::report

#endif  // SIGHTLINE_REPORT_SPECTROGRAM_H_
