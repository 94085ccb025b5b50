// A file's sync features made ready for matching: onset strength (z-scored per band), per-frame
// energy prefix sums for normalised cross-correlation over any overlap, activity (where there is
// sound worth correlating), and, on demand, the Fourier transforms of the onset bands at a given
// size (cached: with N clips each transform serves N − 1 pairs).
//
// Thread safety: a Clip may be shared by threads (the spectrum cache is locked).
#ifndef SIGHTLINE_ANALYSIS_SYNC_CLIP_H_
#define SIGHTLINE_ANALYSIS_SYNC_CLIP_H_

#include <complex>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "signals/audio/sync_features.h"
#include "signals/audio/sync_fft.h"

namespace sightline::analysis::sync {

class Clip {
 public:
  explicit Clip(std::shared_ptr<const signals::audio::SyncFeatures> features);
  Clip(const Clip&) = delete;
  Clip& operator=(const Clip&) = delete;

  const signals::audio::SyncFeatures& features() const { return *features_; }
  int bands() const { return bands_; }
  std::int64_t frames() const { return frames_; }
  double frame_rate() const { return frame_rate_; }
  int hop() const { return hop_; }
  int sample_rate() const { return sample_rate_; }
  // PCM samples decoded (the PCM store may be absent: then fine matching is impossible).
  std::int64_t samples() const;
  double duration_s() const { return features_->duration_s; }
  // Silent (nothing above the noise of 16-bit quantisation), so nothing to match.
  bool silent() const;

  const float* onset(std::int64_t frame) const { return onset_.data() + frame * bands_; }
  // Σ over frames [from, to) of the squared onset strength (all bands).
  double OnsetEnergy(std::int64_t from, std::int64_t to) const;
  // Σ over frames [from, to) of the activity (rectified log flux over all bands, before scaling).
  double Activity(std::int64_t from, std::int64_t to) const;

  // FFT of each onset band zero-padded to n (a power of two): bands × (n/2 + 1) bins.
  std::shared_ptr<const std::vector<std::complex<float>>> Spectra(std::size_t n) const;

 private:
  std::shared_ptr<const signals::audio::SyncFeatures> features_;
  int bands_ = 0, hop_ = 0, sample_rate_ = 0;
  std::int64_t frames_ = 0;
  double frame_rate_ = 0;
  std::vector<float> onset_;
  std::vector<double> energy_prefix_, activity_prefix_;
  mutable std::mutex mutex_;
  mutable std::map<std::size_t, std::shared_ptr<const std::vector<std::complex<float>>>> spectra_;
};

}  // namespace sightline::analysis::sync

#endif  // SIGHTLINE_ANALYSIS_SYNC_CLIP_H_
