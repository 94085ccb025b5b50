// Small signal-processing helpers shared by the audio event detectors (internal to
// analysis/events): second-order IIR sections (RBJ "Audio EQ Cookbook" designs), decibels,
// percentiles. Header-only, no state beyond the filter's own.
#ifndef SIGHTLINE_ANALYSIS_EVENTS_DSP_H_
#define SIGHTLINE_ANALYSIS_EVENTS_DSP_H_

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numbers>
#include <vector>

namespace sightline::analysis::events::dsp {

// Power ratio to decibels with a floor (-120 dB) so that silence stays finite.
inline double Db(double power) { return 10.0 * std::log10(std::max(power, 1e-12)); }
inline double FromDb(double db) { return std::pow(10.0, db / 10.0); }
// Amplitude (not power) to dB full scale.
inline double AmplitudeDb(double a) { return 20.0 * std::log10(std::max(a, 1e-6)); }

// A biquad in transposed direct form II (double state: stable over hours of samples).
class Biquad {
 public:
  Biquad() = default;
  static Biquad HighPass(double fc, double rate, double q = std::numbers::sqrt2 / 2) {
    return Design(fc, rate, q, true);
  }
  static Biquad LowPass(double fc, double rate, double q = std::numbers::sqrt2 / 2) {
    return Design(fc, rate, q, false);
  }
  // A resonator (band-pass, constant 0 dB peak gain) at `fc` with quality `q`.
  static Biquad BandPass(double fc, double rate, double q) {
    const double w = 2 * std::numbers::pi * fc / rate, alpha = std::sin(w) / (2 * q);
    const double a0 = 1 + alpha;
    Biquad f;
    f.b0_ = alpha / a0;
    f.b1_ = 0;
    f.b2_ = -alpha / a0;
    f.a1_ = -2 * std::cos(w) / a0;
    f.a2_ = (1 - alpha) / a0;
    return f;
  }
  double operator()(double x) {
    const double y = b0_ * x + z1_;
    z1_ = b1_ * x - a1_ * y + z2_;
    z2_ = b2_ * x - a2_ * y;
    return y;
  }
  void Reset() { z1_ = z2_ = 0; }

 private:
  static Biquad Design(double fc, double rate, double q, bool high) {
    fc = std::clamp(fc, 1.0, 0.45 * rate);
    const double w = 2 * std::numbers::pi * fc / rate, cw = std::cos(w);
    const double alpha = std::sin(w) / (2 * q), a0 = 1 + alpha;
    Biquad f;
    if (high) {
      f.b0_ = (1 + cw) / 2 / a0;
      f.b1_ = -(1 + cw) / a0;
      f.b2_ = (1 + cw) / 2 / a0;
    } else {
      f.b0_ = (1 - cw) / 2 / a0;
      f.b1_ = (1 - cw) / a0;
      f.b2_ = (1 - cw) / 2 / a0;
    }
    f.a1_ = -2 * cw / a0;
    f.a2_ = (1 - alpha) / a0;
    return f;
  }
  double b0_ = 1, b1_ = 0, b2_ = 0, a1_ = 0, a2_ = 0;
  double z1_ = 0, z2_ = 0;
};

// The p-quantile (0..1) of `v` (copied; v may be empty: returns `empty`).
inline double Quantile(std::vector<double> v, double p, double empty = 0) {
  if (v.empty()) return empty;
  const std::size_t k =
      std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

inline double Clamp01(double x) { return std::clamp(x, 0.0, 1.0); }

}  // namespace sightline::analysis::events::dsp

#endif  // SIGHTLINE_ANALYSIS_EVENTS_DSP_H_
