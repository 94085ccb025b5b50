#include "analysis/events/speech.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

#include "analysis/events/dsp.h"
#include "analysis/events/fft.h"

namespace sightline::analysis::events {

namespace {

constexpr double kFrameS = 0.040;
constexpr double kHopS = 0.010;
constexpr double kBandLo = 300, kBandHi = 3400;
constexpr double kPitchLo = 70, kPitchHi = 400;
constexpr int kLtseHalf = 3;  // LTSE over frames j-3..j+3 (Ramírez et al. use N = 6 at 10 ms;
                              // 3 keeps onsets sharper, the hangover does the rest)
constexpr double kNoiseSmooth = 0.7;
constexpr int kMinSubwindows = 8, kMinSubwindowFrames = 19;  // minimum over about 1.5 s
constexpr double kNoiseBias = 2.0;  // the minimum of smoothed periodograms underestimates the mean
constexpr double kLtsdThresholdDb = 9;
constexpr double kVoicedThreshold = 0.5;
constexpr double kUpperFormantHz = 1000;  // voiced frames have some energy above this…
constexpr double kUpperShare = 0.03;      // …this share of the band's
constexpr int kBridgeFrames = 20;         // gaps up to 200 ms inside speech
constexpr double kVoicedShare = 0.15;     // of a run's frames, and at least…
constexpr int kMinVoicedFrames = 4;
constexpr double kPadBeforeS = 0.05, kPadAfterS = 0.15;
constexpr double kMergeGapS = 0.3, kMinRegionS = 0.25;

}  // namespace

struct SpeechDetector::Impl {
  int decim = 1;
  double frate = 16000;
  double t0 = 0;
  dsp::Biquad aa1, aa2;
  int phase = 0;
  std::vector<float> pending;  // decimated samples not yet consumed by frames
  std::size_t frame_len = 0, hop = 0, fft_n = 0;
  std::size_t k_lo = 0, k_hi = 0, lag_lo = 0, lag_hi = 0;
  std::vector<float> window, window_acf;
  std::unique_ptr<RealFft> fft;
  // Noise tracking per band bin.
  std::vector<float> smoothed, noise, sub_min;
  std::vector<std::vector<float>> sub_mins;
  int sub_count = 0, frames_seen = 0;
  // The last 2·kLtseHalf + 1 frames' band magnitudes and voicing.
  std::vector<std::vector<float>> ring;
  std::vector<float> ring_voicing;
  std::size_t emitted = 0, analysed = 0;

  void AnalyseFrame(const float* f, std::vector<SpeechFrame>& out);
  void Emit(std::size_t frame, std::vector<SpeechFrame>& out);
};

SpeechDetector::SpeechDetector(int rate, double t0) : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  rate = std::max(rate, 1000);
  m.decim = std::max(1, rate / 16000);
  m.frate = static_cast<double>(rate) / m.decim;
  m.t0 = t0;
  m.aa1 = dsp::Biquad::LowPass(4000, rate, 0.5412);  // 4th-order Butterworth in two sections
  m.aa2 = dsp::Biquad::LowPass(4000, rate, 1.3066);
  m.frame_len = static_cast<std::size_t>(std::lround(kFrameS * m.frate));
  m.hop = std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(kHopS * m.frate)));
  m.lag_lo = static_cast<std::size_t>(std::floor(m.frate / kPitchHi));
  m.lag_hi = static_cast<std::size_t>(std::ceil(m.frate / kPitchLo));
  m.fft_n = 64;
  while (m.fft_n < m.frame_len + m.lag_hi + 1) m.fft_n *= 2;
  m.k_lo = static_cast<std::size_t>(std::ceil(kBandLo * m.fft_n / m.frate));
  m.k_hi = std::min(
      m.fft_n / 2,
      static_cast<std::size_t>(std::floor(std::min(kBandHi, 0.48 * m.frate) * m.fft_n / m.frate)));
  m.window.resize(m.frame_len);
  for (std::size_t i = 0; i < m.frame_len; ++i)
    m.window[i] = static_cast<float>(
        0.5 - 0.5 * std::cos(2 * std::numbers::pi * (i + 0.5) / static_cast<double>(m.frame_len)));
  m.window_acf.assign(m.lag_hi + 1, 0);
  for (std::size_t lag = 0; lag <= m.lag_hi && lag < m.frame_len; ++lag) {
    double s = 0;
    for (std::size_t i = 0; i + lag < m.frame_len; ++i) s += m.window[i] * m.window[i + lag];
    m.window_acf[lag] = static_cast<float>(s);
  }
  for (std::size_t lag = m.lag_hi; lag > 0; --lag) m.window_acf[lag] /= m.window_acf[0];
  m.window_acf[0] = 1;
  m.fft = std::make_unique<RealFft>(m.fft_n);
  const std::size_t bins = m.k_hi >= m.k_lo ? m.k_hi - m.k_lo + 1 : 0;
  m.smoothed.assign(bins, 0);
  m.noise.assign(bins, 0);
  m.sub_min.assign(bins, 0);
  m.ring.assign(2 * kLtseHalf + 1, std::vector<float>(bins, 0));
  m.ring_voicing.assign(2 * kLtseHalf + 1, 0);
}

SpeechDetector::~SpeechDetector() = default;

double SpeechDetector::frame_step_s() const { return impl_->hop / impl_->frate; }

void SpeechDetector::Push(const float* samples, std::size_t n) {
  Impl& m = *impl_;
  for (std::size_t i = 0; i < n; ++i) {
    double v = samples[i];
    if (m.decim > 1) v = m.aa2(m.aa1(v));
    if (m.phase == 0) m.pending.push_back(static_cast<float>(v));
    if (++m.phase == m.decim) m.phase = 0;
  }
  std::size_t at = 0;
  while (at + m.frame_len <= m.pending.size()) {
    m.AnalyseFrame(&m.pending[at], frames_);
    at += m.hop;
  }
  m.pending.erase(m.pending.begin(), m.pending.begin() + static_cast<std::ptrdiff_t>(at));
}

void SpeechDetector::Impl::AnalyseFrame(const float* f, std::vector<SpeechFrame>& out) {
  float* in = fft->time();
  std::complex<float>* spec = fft->freq();
  for (std::size_t i = 0; i < frame_len; ++i) in[i] = f[i] * window[i];
  std::fill(in + frame_len, in + fft_n, 0.0f);
  fft->Forward();
  const std::size_t bins = smoothed.size();
  std::vector<float>& mag = ring[analysed % ring.size()];
  double band = 0;
  for (std::size_t k = 0; k < fft_n / 2 + 1; ++k) {
    const float p = std::norm(spec[k]);
    if (k >= k_lo && k <= k_hi) {
      const std::size_t b = k - k_lo;
      mag[b] = std::sqrt(p);
      band += p;
      // Noise: minimum statistics on the smoothed periodogram.
      smoothed[b] = frames_seen == 0
                        ? p
                        : static_cast<float>(kNoiseSmooth * smoothed[b] + (1 - kNoiseSmooth) * p);
      sub_min[b] = sub_count == 0 ? smoothed[b] : std::min(sub_min[b], smoothed[b]);
      spec[k] = p;  // the band's power spectrum, for the autocorrelation
    } else {
      spec[k] = 0;
    }
  }
  ++frames_seen;
  if (++sub_count == kMinSubwindowFrames) {
    sub_mins.push_back(sub_min);
    if (sub_mins.size() > static_cast<std::size_t>(kMinSubwindows))
      sub_mins.erase(sub_mins.begin());
    sub_count = 0;
  }
  for (std::size_t b = 0; b < bins; ++b) {
    float mn = sub_count > 0 ? sub_min[b] : smoothed[b];
    for (const auto& s : sub_mins) mn = std::min(mn, s[b]);
    noise[b] = static_cast<float>(kNoiseBias * mn);
  }
  // Voicing from the band-limited autocorrelation, for frames above the noise whose energy
  // reaches the upper formants (engine hum and other low narrow-band sounds are periodic too).
  float voicing = 0;
  double noise_sum = 0, upper = 0;
  for (float v : noise) noise_sum += v;
  for (std::size_t b = 0; b < bins; ++b)
    if ((b + k_lo) * frate / fft_n >= kUpperFormantHz)
      upper += static_cast<double>(mag[b]) * mag[b];
  if (band > 2 * noise_sum && band > 0 && upper >= kUpperShare * band) {
    fft->Inverse();
    const float* acf = fft->time();
    const float r0 = acf[0];
    if (r0 > 0) {
      for (std::size_t lag = lag_lo; lag <= lag_hi; ++lag) {
        const float w = window_acf[lag];
        if (w < 0.2f) break;
        voicing = std::max(voicing, acf[lag] / r0 / w);
      }
    }
    voicing = std::min(voicing, 1.0f);
  }
  ring_voicing[analysed % ring.size()] = voicing;
  ++analysed;
  // Frame (analysed - 1 - kLtseHalf) now has its whole long-term window.
  if (analysed > static_cast<std::size_t>(kLtseHalf)) Emit(analysed - 1 - kLtseHalf, out);
}

void SpeechDetector::Impl::Emit(std::size_t frame, std::vector<SpeechFrame>& out) {
  const std::size_t bins = noise.size();
  const std::size_t lo = frame >= static_cast<std::size_t>(kLtseHalf) ? frame - kLtseHalf : 0;
  const std::size_t hi = std::min(analysed - 1, frame + kLtseHalf);
  double sum = 0;
  for (std::size_t b = 0; b < bins; ++b) {
    float mx = 0;
    for (std::size_t j = lo; j <= hi; ++j) mx = std::max(mx, ring[j % ring.size()][b]);
    sum += static_cast<double>(mx) * mx / std::max(noise[b], 1e-20f);
  }
  SpeechFrame sf;
  sf.ltsd_db = bins ? static_cast<float>(dsp::Db(sum / static_cast<double>(bins))) : 0;
  sf.voicing = ring_voicing[frame % ring.size()];
  out.push_back(sf);
  emitted = frame + 1;
}

std::vector<SpeechRegion> SpeechDetector::Finish() {
  Impl& m = *impl_;
  while (m.emitted < m.analysed) m.Emit(m.emitted, frames_);
  const double step = m.hop / m.frate;
  // Frame j covers [j·step, j·step + frame]; its centre stands for it.
  const double centre = 0.5 * static_cast<double>(m.frame_len) / m.frate;
  std::vector<SpeechRegion> regions;
  const std::size_t n = frames_.size();
  std::size_t j = 0;
  while (j < n) {
    if (frames_[j].ltsd_db < kLtsdThresholdDb) {
      ++j;
      continue;
    }
    std::size_t start = j, last = j;
    int voiced = 0;
    std::size_t k = j;
    while (k < n && k <= last + kBridgeFrames) {
      if (frames_[k].ltsd_db >= kLtsdThresholdDb) {
        last = k;
        if (frames_[k].voicing >= kVoicedThreshold) ++voiced;
      }
      ++k;
    }
    const std::size_t len = last - start + 1;
    if (voiced >= kMinVoicedFrames && voiced >= kVoicedShare * static_cast<double>(len)) {
      SpeechRegion r;
      r.start = std::max(
          m.t0, m.t0 + static_cast<double>(start) * step + centre - step / 2 - kPadBeforeS);
      r.end = m.t0 + static_cast<double>(last) * step + centre + step / 2 + kPadAfterS;
      if (!regions.empty() && r.start - regions.back().end <= kMergeGapS) {
        regions.back().end = std::max(regions.back().end, r.end);
      } else {
        regions.push_back(r);
      }
    }
    j = last + 1;
  }
  std::erase_if(regions, [](const SpeechRegion& r) { return r.end - r.start < kMinRegionS; });
  return regions;
}

}  // namespace sightline::analysis::events
