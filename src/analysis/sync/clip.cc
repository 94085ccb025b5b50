#include "analysis/sync/clip.h"

#include <algorithm>
#include <cmath>

namespace sightline::analysis::sync {

namespace audio = signals::audio;

Clip::Clip(std::shared_ptr<const audio::SyncFeatures> features) : features_(std::move(features)) {
  const audio::BandEnergies& e = features_->envelope;
  bands_ = e.params.bands;
  hop_ = e.params.hop;
  sample_rate_ = e.params.sample_rate;
  frames_ = e.frames;
  frame_rate_ = e.frame_rate();
  onset_ = audio::OnsetStrength(e);
  // Activity: the rectified flux before scaling, floored like OnsetStrength, summed over bands.
  std::vector<double> mean(static_cast<std::size_t>(bands_), 0.0);
  for (std::int64_t t = 0; t < frames_; ++t) {
    for (int b = 0; b < bands_; ++b) mean[b] += e.energy[t * bands_ + b];
  }
  for (double& m : mean) m = m / std::max<std::int64_t>(1, frames_) * 0.05 + 1e-12;
  energy_prefix_.assign(static_cast<std::size_t>(frames_ + 1), 0.0);
  activity_prefix_.assign(static_cast<std::size_t>(frames_ + 1), 0.0);
  for (std::int64_t t = 0; t < frames_; ++t) {
    double en = 0, act = 0;
    for (int b = 0; b < bands_; ++b) {
      const double v = onset_[t * bands_ + b];
      en += v * v;
      if (t > 0) {
        const double d = std::log(e.energy[t * bands_ + b] + mean[b]) -
                         std::log(e.energy[(t - 1) * bands_ + b] + mean[b]);
        act += std::max(0.0, d);
      }
    }
    energy_prefix_[t + 1] = energy_prefix_[t] + en;
    activity_prefix_[t + 1] = activity_prefix_[t] + act;
  }
}

std::int64_t Clip::samples() const { return features_->pcm ? features_->pcm->size() : 0; }

bool Clip::silent() const { return features_->peak_dbfs < -80; }

double Clip::OnsetEnergy(std::int64_t from, std::int64_t to) const {
  from = std::clamp<std::int64_t>(from, 0, frames_);
  to = std::clamp<std::int64_t>(to, from, frames_);
  return energy_prefix_[to] - energy_prefix_[from];
}

double Clip::Activity(std::int64_t from, std::int64_t to) const {
  from = std::clamp<std::int64_t>(from, 0, frames_);
  to = std::clamp<std::int64_t>(to, from, frames_);
  return activity_prefix_[to] - activity_prefix_[from];
}

std::shared_ptr<const std::vector<std::complex<float>>> Clip::Spectra(std::size_t n) const {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = spectra_.find(n);
    if (it != spectra_.end()) return it->second;
  }
  const audio::RealFft& fft = audio::RealFft::Get(n);
  const std::size_t bins = fft.bins();
  auto out = std::make_shared<std::vector<std::complex<float>>>(bins * bands_);
  audio::FloatBuffer in = audio::AllocFloats(n);
  audio::ComplexBuffer spec = audio::AllocComplex(bins);
  const auto frames = static_cast<std::size_t>(std::min<std::int64_t>(frames_, n));
  for (int b = 0; b < bands_; ++b) {
    for (std::size_t t = 0; t < n; ++t) in[t] = t < frames ? onset_[t * bands_ + b] : 0.0f;
    fft.Forward(in.get(), spec.get());
    std::copy(spec.get(), spec.get() + bins, out->begin() + static_cast<std::ptrdiff_t>(b * bins));
  }
  std::lock_guard<std::mutex> lock(mutex_);
  spectra_[n] = out;
  return out;
}

}  // namespace sightline::analysis::sync
