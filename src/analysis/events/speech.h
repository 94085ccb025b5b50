// Speech regions (voice activity) in a stream of mono PCM.
//
// Method (doc/events.md, "Speech"): the signal is low-passed and decimated to about 16 kHz and cut
// into 40 ms Hann frames every 10 ms. For each frame:
//  - the long-term spectral divergence of Ramírez, Segura, Benítez, de la Torre & Rubio 2004
//    ("Efficient voice activity detection algorithms using long-term speech information", Speech
//    Communication 42): the long-term spectral envelope (per bin, the largest magnitude over the
//    frames within ±3) against the noise spectrum, averaged over 300-3400 Hz, in dB. The noise
//    spectrum is tracked by minimum statistics (Martin 2001): the minimum of the smoothed power
//    over the last 1.5 s, corrected for its bias;
//  - voicing: the normalised autocorrelation of the band-limited frame (corrected for the window,
//    Boersma 1993) peaks above 0.5 at a lag of a 70-400 Hz pitch.
// Frames above the divergence threshold form runs (gaps up to 200 ms bridged); a run is speech when
// enough of its frames are voiced (impulses, traffic and wind are not), then regions get a
// hangover (50 ms before, 150 ms after), close neighbours merge and very short ones go.
// Tonal music is voiced too and may be reported as speech (doc/events.md, limits).
//
// Memory: 8 bytes per 10 ms frame (about 9 MB for 3 hours). Thread safety: one thread per object.
#ifndef SIGHTLINE_ANALYSIS_EVENTS_SPEECH_H_
#define SIGHTLINE_ANALYSIS_EVENTS_SPEECH_H_

#include <cstddef>
#include <memory>
#include <vector>

#include "analysis/events/events.h"

namespace sightline::analysis::events {

struct SpeechFrame {
  float ltsd_db = 0;  // long-term spectral divergence
  float voicing = 0;  // normalised autocorrelation peak at a pitch lag
};

class SpeechDetector {
 public:
  SpeechDetector(int rate, double t0);
  ~SpeechDetector();
  SpeechDetector(const SpeechDetector&) = delete;
  SpeechDetector& operator=(const SpeechDetector&) = delete;

  void Push(const float* samples, std::size_t n);
  std::vector<SpeechRegion> Finish();
  // Per-frame measurements (for tests and the spectrogram), valid after Finish().
  const std::vector<SpeechFrame>& frames() const { return frames_; }
  double frame_step_s() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<SpeechFrame> frames_;
};

}  // namespace sightline::analysis::events

#endif  // SIGHTLINE_ANALYSIS_EVENTS_SPEECH_H_
