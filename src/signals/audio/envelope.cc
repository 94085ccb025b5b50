#include "signals/audio/envelope.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace sightline::signals::audio {

EnvelopeBuilder::EnvelopeBuilder(const EnvelopeParams& params)
    : p_(params),
      fft_(RealFft::Get(static_cast<std::size_t>(params.window))),
      hann_(static_cast<std::size_t>(params.window)),
      band_lo_(static_cast<std::size_t>(params.bands), 0),
      band_hi_(static_cast<std::size_t>(params.bands), 0),
      in_(AllocFloats(static_cast<std::size_t>(params.window))),
      out_(AllocComplex(static_cast<std::size_t>(params.window / 2 + 1))) {
  const int n = p_.window;
  for (int i = 0; i < n; ++i) {
    hann_[static_cast<std::size_t>(i)] =
        static_cast<float>(0.5 - 0.5 * std::cos(2 * std::numbers::pi * (i + 0.5) / n));
  }
  // Band b holds the bins from f_lo·r^b to f_lo·r^(b+1), r = (f_hi / f_lo)^(1/bands).
  const double ratio = std::pow(static_cast<double>(p_.f_hi) / p_.f_lo, 1.0 / p_.bands);
  const double bin_hz = static_cast<double>(p_.sample_rate) / n;
  for (int b = 0; b < p_.bands; ++b) {
    const double lo = p_.f_lo * std::pow(ratio, b), hi = p_.f_lo * std::pow(ratio, b + 1);
    band_lo_[static_cast<std::size_t>(b)] =
        std::clamp(static_cast<int>(std::ceil(lo / bin_hz)), 0, n / 2);
    band_hi_[static_cast<std::size_t>(b)] =
        std::clamp(std::max(static_cast<int>(std::ceil(hi / bin_hz)),
                            band_lo_[static_cast<std::size_t>(b)] + 1),
                   0, n / 2 + 1);
  }
  result_.params = p_;
}

void EnvelopeBuilder::Feed(const float* samples, std::int64_t n) {
  pending_.insert(pending_.end(), samples, samples + n);
  const auto w = static_cast<std::size_t>(p_.window);
  const auto hop = static_cast<std::size_t>(p_.hop);
  while (pending_.size() - next_ >= w) {
    Frame(pending_.data() + next_);
    next_ += hop;
  }
  if (next_ >= 8192) {  // drop what no frame needs any more
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(next_));
    next_ = 0;
  }
}

void EnvelopeBuilder::Frame(const float* x) {
  const auto w = static_cast<std::size_t>(p_.window);
  float* in = in_.get();
  const float* hann = hann_.data();
  for (std::size_t i = 0; i < w; ++i) in[i] = x[i] * hann[i];
  fft_.Forward(in, out_.get());
  const auto* bins = reinterpret_cast<const float*>(out_.get());
  const std::size_t base = result_.energy.size();
  result_.energy.resize(base + static_cast<std::size_t>(p_.bands), 0.0f);
  float* e = result_.energy.data() + base;
  for (int b = 0; b < p_.bands; ++b) {
    float sum = 0;
    for (int k = band_lo_[b]; k < band_hi_[b]; ++k) {
      sum += bins[2 * k] * bins[2 * k] + bins[2 * k + 1] * bins[2 * k + 1];
    }
    e[b] = sum;
  }
  ++result_.frames;
}

BandEnergies EnvelopeBuilder::Finish() {
  BandEnergies r = std::move(result_);
  result_ = BandEnergies();
  result_.params = p_;
  pending_.clear();
  next_ = 0;
  return r;
}

std::vector<float> OnsetStrength(const BandEnergies& e) {
  const auto bands = static_cast<std::size_t>(e.params.bands);
  const auto frames = static_cast<std::size_t>(e.frames);
  std::vector<float> out(frames * bands, 0.0f);
  if (frames < 2) return out;
  for (std::size_t b = 0; b < bands; ++b) {
    double mean = 0;
    for (std::size_t t = 0; t < frames; ++t) mean += e.energy[t * bands + b];
    mean /= static_cast<double>(frames);
    if (!(mean > 0)) continue;
    const double floor = 0.05 * mean;
    double prev = std::log(e.energy[b] + floor);
    double sum = 0, sum2 = 0;
    for (std::size_t t = 1; t < frames; ++t) {
      const double cur = std::log(e.energy[t * bands + b] + floor);
      const double d = std::max(0.0, cur - prev);
      prev = cur;
      out[t * bands + b] = static_cast<float>(d);
      sum += d;
      sum2 += d * d;
    }
    const double n = static_cast<double>(frames);
    const double m = sum / n;
    const double var = sum2 / n - m * m;
    if (!(var > 1e-12)) {
      for (std::size_t t = 0; t < frames; ++t) out[t * bands + b] = 0;
      continue;
    }
    const double inv = 1.0 / std::sqrt(var);
    for (std::size_t t = 0; t < frames; ++t) {
      out[t * bands + b] = static_cast<float>((out[t * bands + b] - m) * inv);
    }
  }
  return out;
}

}  // namespace sightline::signals::audio
