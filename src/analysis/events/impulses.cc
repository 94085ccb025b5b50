#include "analysis/events/impulses.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <memory>
#include <numbers>

#include "analysis/events/beat.h"
#include "analysis/events/dsp.h"
#include "analysis/events/fft.h"

namespace sightline::analysis::events {

namespace {

using dsp::Biquad;
using dsp::Clamp01;
using dsp::Db;
using dsp::FromDb;

// Onset detection (doc/events.md, "Impulses"). A block is an onset when its level is kMinStepDb
// above the median of the 10 ms before it and the next 5 ms reach kMinRiseDb above that median and
// kMinContrastDb above the background.
constexpr double kMinStepDb = 6;
constexpr double kMinRiseDb = 10;
constexpr double kMinContrastDb = 8;
constexpr int kPreBlocks = 10;       // the local level before an onset: median of 10 blocks
constexpr int kPreGapBlocks = 2;     // ending 2 blocks before (the onset may start mid-block)
constexpr int kPeakBlocks = 5;       // the peak is looked for in the 5 blocks from the onset
constexpr int kBgGroup = 10;         // background: 10 ms groups…
constexpr int kBgGroups = 300;       // …over the 3 s before (longer than a burst)…
constexpr double kBgQuantile = 0.2;  // …their 20th percentile (between syllables, between cars)
constexpr int kSlowBlocks = 10;      // the slow envelope: the whole band's trailing 10 ms
constexpr int kSlowPreSteps = 7;     // its level before: median at 5 ms steps over 35 ms
constexpr int kSlowPreBlocks = kSlowBlocks / 2 + 5 * kSlowPreSteps + 1;
constexpr int kSlowPeakBlocks = 20;
constexpr double kSlowRiseDb = 12;
constexpr double kSlowContrastDb = 10;
constexpr double kClipLevel = 0.985;
constexpr double kClipStepDb = 3;
constexpr double kDecayCapS = 3.0;
constexpr double kForegroundS = 2.0;              // the foreground before an onset: 2 s…
constexpr std::size_t kForegroundGapBlocks = 30;  // …ending 30 ms before it…
constexpr double kForegroundQuantile = 0.9;       // …the 90th percentile of its 1 ms powers
constexpr double kEndCapS = 4.0;

// Grouping (GroupImpulses).
constexpr double kKeepScore = 0.3;  // impulses below this are not considered at all
constexpr double kMinExcessDb = 2;  // over the foreground: no weight at 2 dB, full from 8 dB
constexpr double kExcessSpanDb = 6;
constexpr double kSameSoundS = 0.025;
constexpr double kEchoWindowS = 0.6;     // a weaker impulse this soon after a shot is an echo:
constexpr double kEchoBelowDb = 6;       // its 1 ms peak 6 dB lower…
constexpr double kEchoBelowLevelDb = 9;  // …or its 10 ms level 9 dB lower
constexpr double kRoundBelowDb = 6;      // a burst's rounds: 1 ms peaks within 6 dB of the first
constexpr double kBlastWindowS =
    2.5;  // …or this soon after a blast (in its decay), and 3 dB weaker
constexpr double kBlastBelowDb = 3;
constexpr double kBurstGapS = 0.25;  // automatic fire: 600-1200 rounds/min, 50-100 ms apart
constexpr int kBurstMin = 3;
constexpr double kBurstBridgeS = 1.0;  // a burst resumes after missed rounds within 1 s
constexpr double kCrackMinS = 0.003;   // crack-thump intervals looked for: 3 ms ...
constexpr double kCrackMaxS = 1.0;     // ... to 1 s (about 350-1000 m)
constexpr double kBeatScale = 0.3;     // an onset on a steady beat (beat.h) counts for this much

double MeanSquare(const float* p, std::size_t n) {
  double s = 0;
  for (std::size_t i = 0; i < n; ++i) s += static_cast<double>(p[i]) * p[i];
  return n ? s / static_cast<double>(n) : 0;
}

// The spectral shape of the 40 ms from `from` (Hann window, zero-padded so that the
// autocorrelation does not wrap):
//  - tonality: the share of the energy (200 Hz - 8 kHz) that sits in narrow peaks, a local maximum
//    9 dB above the bins three resolution-widths away on both sides, counted with its two
//    neighbours. Near 1 for notes, chords and high voices; near 0 for noise, for the smooth
//    spectra of blast waves and for broad humps.
//  - periodicity: the normalised autocorrelation of the 300 Hz - 4 kHz band at 2.5-15 ms lags,
//    corrected for the window (Boersma 1993). High for any pitched sound, including low voices
//    whose harmonics are too close to resolve (a glottal pulse train is a train of little
//    impulses: each pulse is an onset to the 1 ms envelope).
struct SpectralShape {
  double tonality = 0, periodicity = 0;
};

class ShapeAnalyser {
 public:
  explicit ShapeAnalyser(int rate) : rate_(rate) {
    len_ = static_cast<std::size_t>(0.04 * rate);
    lag_lo_ = static_cast<std::size_t>(0.0025 * rate);
    lag_hi_ = static_cast<std::size_t>(0.015 * rate);
    std::size_t n = 256;
    while (n < len_ + lag_hi_ + 1) n *= 2;
    fft_ = std::make_unique<RealFft>(n);
    window_.resize(len_);
    for (std::size_t i = 0; i < len_; ++i)
      window_[i] =
          0.5 - 0.5 * std::cos(2 * std::numbers::pi * (i + 0.5) / static_cast<double>(len_));
    wacf_.assign(lag_hi_ + 1, 0);
    for (std::size_t lag = 0; lag <= lag_hi_; ++lag)
      for (std::size_t i = 0; i + lag < len_; ++i) wacf_[lag] += window_[i] * window_[i + lag];
    for (std::size_t lag = lag_hi_; lag > 0; --lag) wacf_[lag] /= wacf_[0];
    wacf_[0] = 1;
  }

  SpectralShape Analyse(const std::vector<float>& x, std::size_t from) {
    SpectralShape out;
    RealFft& fft = *fft_;
    const std::size_t n = fft.size();
    float* in = fft.time();
    for (std::size_t i = 0; i < n; ++i)
      in[i] = i < len_ && from + i < x.size() ? static_cast<float>(x[from + i] * window_[i]) : 0.0f;
    fft.Forward();
    std::complex<float>* spec = fft.freq();
    const double bin_hz = static_cast<double>(rate_) / static_cast<double>(n);
    const double res_bins = static_cast<double>(n) / static_cast<double>(len_);  // bins per 1/T
    const std::size_t gap =
        std::max<std::size_t>(3, static_cast<std::size_t>(std::lround(1.5 * res_bins)));
    const std::size_t k_lo = static_cast<std::size_t>(200 / bin_hz);
    const std::size_t k_hi =
        std::min(n / 2 - gap, static_cast<std::size_t>(std::min(8000.0, 0.45 * rate_) / bin_hz));
    std::vector<double> p(n / 2 + 1);
    for (std::size_t k = 0; k <= n / 2; ++k) p[k] = std::norm(spec[k]);
    if (k_hi > k_lo + 10 && k_lo >= gap) {
      double total = 0, tonal = 0;
      for (std::size_t k = k_lo; k < k_hi; ++k) {
        total += p[k];
        if (p[k] >= p[k - 1] && p[k] >= p[k + 1] && p[k] > 8 * std::max(p[k - gap], p[k + gap]))
          tonal += p[k - 1] + p[k] + p[k + 1];
      }
      out.tonality = total > 0 ? std::min(1.0, tonal / total) : 0;
    }
    const std::size_t b_lo = static_cast<std::size_t>(300 / bin_hz);
    const std::size_t b_hi =
        std::min(n / 2, static_cast<std::size_t>(std::min(4000.0, 0.45 * rate_) / bin_hz));
    for (std::size_t k = 0; k <= n / 2; ++k) spec[k] = (k >= b_lo && k <= b_hi) ? p[k] : 0.0;
    fft.Inverse();
    const float* r = fft.time();
    if (r[0] > 0) {
      for (std::size_t lag = lag_lo_; lag <= lag_hi_; ++lag)
        out.periodicity = std::max(out.periodicity, r[lag] / r[0] / wacf_[lag]);
      out.periodicity = std::min(1.0, out.periodicity);
    }
    return out;
  }

 private:
  int rate_;
  std::size_t len_, lag_lo_, lag_hi_;
  std::unique_ptr<RealFft> fft_;
  std::vector<double> window_, wacf_;
};

}  // namespace

std::vector<Impulse> FindImpulses(std::span<const float> x, int rate, double t0,
                                  std::size_t keep_from, std::size_t keep_to) {
  std::vector<Impulse> out;
  if (rate < 4000) return out;
  const std::size_t block = static_cast<std::size_t>(std::max(1L, std::lround(rate / 1000.0)));
  const double block_s = static_cast<double>(block) / rate;
  const std::size_t nb = x.size() / block;
  if (nb < 6 * kPreBlocks) return out;
  const auto ms = [&](double m) { return static_cast<std::size_t>(std::lround(m * 1e-3 * rate)); };

  // Bands: above 1 kHz for the fast envelope (steep, broadband onsets: 1 ms blocks hold several
  // cycles, so the envelope is steady in noise), above 2 kHz for cracks, above 100 Hz for onset
  // refinement, and the whole band without DC (above 20 Hz) for the slow envelope (blasts,
  // whose energy is low), peaks and the low-frequency share.
  const std::size_t ns = nb * block;
  std::vector<float> y(ns), f(ns), h(ns), r(ns);
  {
    Biquad hp = Biquad::HighPass(100, rate),
           hf = Biquad::HighPass(std::min(1000.0, 0.3 * rate), rate),
           hh = Biquad::HighPass(std::min(2000.0, 0.4 * rate), rate),
           dc = Biquad::HighPass(20, rate);
    for (std::size_t i = 0; i < ns; ++i) {
      y[i] = static_cast<float>(hp(x[i]));
      f[i] = static_cast<float>(hf(x[i]));
      h[i] = static_cast<float>(hh(x[i]));
      r[i] = static_cast<float>(dc(x[i]));
    }
  }
  std::vector<double> ef(nb), er(nb), ey(nb), lf(nb), ls(nb), lsy(nb);
  std::vector<bool> clip(nb);
  for (std::size_t b = 0; b < nb; ++b)
    for (std::size_t i = b * block; i < (b + 1) * block && !clip[b]; ++i)
      clip[b] = std::fabs(x[i]) >= kClipLevel;
  for (std::size_t b = 0; b < nb; ++b) {
    ef[b] = MeanSquare(&f[b * block], block);
    er[b] = MeanSquare(&r[b * block], block);
    ey[b] = MeanSquare(&y[b * block], block);
    lf[b] = Db(ef[b]);
  }
  {
    double run = 0;  // trailing 10 ms mean of the whole band
    for (std::size_t b = 0; b < nb; ++b) {
      run += er[b];
      if (b >= kSlowBlocks) run -= er[b - kSlowBlocks];
      ls[b] =
          Db(std::max(0.0, run) / static_cast<double>(std::min<std::size_t>(b + 1, kSlowBlocks)));
    }
    run = 0;  // the same above 100 Hz (the foreground before an onset)
    for (std::size_t b = 0; b < nb; ++b) {
      run += ey[b];
      if (b >= kSlowBlocks) run -= ey[b - kSlowBlocks];
      lsy[b] =
          Db(std::max(0.0, run) / static_cast<double>(std::min<std::size_t>(b + 1, kSlowBlocks)));
    }
  }
  // Backgrounds per 10-block group: a low percentile of the 0.6 s before it.
  const std::size_t ng = nb / kBgGroup;
  const auto background = [&](const std::vector<double>& e) {
    std::vector<double> group(ng), bg(ng);
    for (std::size_t g = 0; g < ng; ++g) {
      double s = 0;
      for (int i = 0; i < kBgGroup; ++i) s += e[g * kBgGroup + i];
      group[g] = Db(s / kBgGroup);
    }
    for (std::size_t g = 0; g < ng; ++g) {
      std::size_t lo = g >= kBgGroups ? g - kBgGroups : 0, hi = g;
      if (hi - lo < 50) hi = std::min(ng, lo + kBgGroups);  // a stream's start: look ahead
      bg[g] = dsp::Quantile({group.begin() + lo, group.begin() + hi}, kBgQuantile);
    }
    return bg;
  };
  const std::vector<double> bgf = background(ef), bgs = background(er), bgy = background(ey);
  const auto bg_at = [&](const std::vector<double>& bg, std::size_t b) {
    return bg[std::min(ng - 1, b / kBgGroup)];
  };
  ShapeAnalyser shape(rate);

  const std::size_t first_b = kSlowPreBlocks + kSlowBlocks;
  std::array<double, kPreBlocks> pre_v;
  std::array<double, kSlowPreSteps> pre_s;
  std::size_t slow_quiet_until = 0;  // no slow onsets while a fast one's level still rises
  for (std::size_t b = first_b; b + kSlowPeakBlocks < nb; ++b) {
    if (b * block + block <= keep_from) continue;
    if (b * block >= keep_to + block) break;
    // Fast: a steep rise above 1 kHz. Slow: a strong rise of the 10 ms level (blasts).
    bool fast = false, slow = false;
    std::size_t pb = b;
    double contrast = 0;
    if (lf[b] - lf[b - kPreGapBlocks - 1] >= kMinStepDb ||
        lf[b] - lf[b - kPreGapBlocks - 3] >= kMinStepDb) {
      for (int i = 0; i < kPreBlocks; ++i) pre_v[i] = lf[b - kPreGapBlocks - 1 - i];
      std::nth_element(pre_v.begin(), pre_v.begin() + kPreBlocks / 2, pre_v.end());
      const double pre = pre_v[kPreBlocks / 2];
      for (std::size_t i = b; i < b + kPeakBlocks; ++i)
        if (lf[i] > lf[pb]) pb = i;
      fast = lf[b] - pre >= kMinStepDb && lf[pb] - pre >= kMinRiseDb &&
             lf[pb] - bg_at(bgf, b) >= kMinContrastDb;
      contrast = lf[pb] - bg_at(bgf, b);
    }
    // Clipping hides the rise of a loud shot over the tail of the one before (automatic fire
    // close to a phone): a block that starts clipping after 5 that did not, with some rise.
    if (!fast && clip[b] && !clip[b - 1] && !clip[b - 2] && !clip[b - 3] && !clip[b - 4] &&
        !clip[b - 5] && lf[b] - lf[b - kPreGapBlocks - 1] >= kClipStepDb) {
      fast = true;
      pb = b;
      for (std::size_t i = b; i < b + kPeakBlocks; ++i)
        if (lf[i] > lf[pb]) pb = i;
      contrast = lf[pb] - bg_at(bgf, b);
    }
    std::size_t spb = b;
    for (std::size_t i = b; i < b + kSlowPeakBlocks; ++i)
      if (ls[i] > ls[spb]) spb = i;
    if (!fast && b >= slow_quiet_until && ls[b] - ls[b - 1] >= 2) {
      for (int i = 0; i < kSlowPreSteps; ++i) pre_s[i] = ls[b - kSlowBlocks / 2 - 5 * i - 1];
      std::nth_element(pre_s.begin(), pre_s.begin() + kSlowPreSteps / 2, pre_s.end());
      const double pre = pre_s[kSlowPreSteps / 2];
      slow = ls[spb] - pre >= kSlowRiseDb && ls[spb] - bg_at(bgs, b) >= kSlowContrastDb;
    }
    if (!fast && !slow) continue;
    // Contrast: the largest of the three views (a short pulse is diluted in the 10 ms level, a
    // low one is weak above 1 kHz).
    contrast = std::max(contrast, ls[spb] - bg_at(bgs, b));
    {
      double top_y = 0;
      for (std::size_t i = b >= 1 ? b - 1 : b; i < b + kSlowPeakBlocks; ++i)
        top_y = std::max(top_y, ey[i]);
      contrast = std::max(contrast, Db(top_y) - bg_at(bgy, b));
    }

    // Onset to the sample (band above 100 Hz): the first sample from two blocks back that
    // reaches a tenth of the peak amplitude and three times the RMS before it.
    const std::size_t s_lo = (b - 3) * block, s_hi = (fast ? pb + 1 : spb + 1) * block;
    std::size_t sp = s_lo;
    for (std::size_t s = s_lo; s < s_hi; ++s)
      if (std::fabs(y[s]) > std::fabs(y[sp])) sp = s;
    double pre_e = 0;
    {
      std::array<double, 8> v;
      for (std::size_t i = 0; i < v.size(); ++i)
        v[i] = MeanSquare(&y[(b - 4 - 2 * i) * block], block);
      std::nth_element(v.begin(), v.begin() + 4, v.end());
      pre_e = v[4];
    }
    const double thr = std::max(0.1 * std::fabs(y[sp]), 3.0 * std::sqrt(pre_e));
    std::size_t so = sp;
    for (std::size_t s = s_lo; s <= sp; ++s) {
      if (std::fabs(y[s]) >= thr) {
        so = s;
        break;
      }
    }
    const std::size_t onset_b = b;
    // The next onset comes after this one's peak (a fast one: its 1 ms peak, so that the crack
    // of the next round of automatic fire, a few ms after a muzzle blast, is seen).
    slow_quiet_until = spb + kPeakBlocks;
    b = fast ? pb + kPeakBlocks : spb + kPeakBlocks;
    if (so < keep_from || so >= keep_to) continue;

    Impulse imp;
    imp.t = t0 + static_cast<double>(so) / rate;
    imp.level_db = ls[spb];
    imp.contrast_db = contrast;
    const std::size_t n = ns;
    const auto energy = [&](const std::vector<float>& v, std::size_t from, std::size_t to) {
      from = std::min(from, n);
      to = std::min(to, n);
      return to > from ? MeanSquare(&v[from], to - from) * static_cast<double>(to - from) : 0.0;
    };
    // Peak amplitude (raw) and rise time (band above 100 Hz) over the first 200 ms / 50 ms.
    float peak = 0;
    for (std::size_t s = so; s < std::min(n, so + ms(200)); ++s)
      peak = std::max(peak, std::fabs(x[s]));
    imp.peak_dbfs = dsp::AmplitudeDb(peak);
    float ypk = 0;
    for (std::size_t s = so; s < std::min(n, so + ms(50)); ++s)
      ypk = std::max(ypk, std::fabs(y[s]));
    std::size_t s70 = so;
    while (s70 < n && std::fabs(y[s70]) < 0.7f * ypk) ++s70;
    // An impulsive onset reaches half its peak within 5 ms: when the peak comes later, the first
    // crossing was the bed (a note, a vowel) rising before a weaker blast; the onset is the
    // crossing of a tenth of the peak from which half of it is reached within 5 ms.
    if (s70 - so > ms(5)) {
      for (std::size_t s = so; s < s70; ++s) {
        if (std::fabs(y[s]) < 0.1f * ypk) continue;
        bool steep = false;
        for (std::size_t q = s; q <= std::min(n - 1, s + ms(5)) && !steep; ++q)
          steep = std::fabs(y[q]) >= 0.5f * ypk;
        if (steep) {
          so = s;
          imp.t = t0 + static_cast<double>(so) / rate;
          break;
        }
      }
      s70 = so;
      while (s70 < n && std::fabs(y[s70]) < 0.7f * ypk) ++s70;
    }
    imp.rise_ms = 1e3 * static_cast<double>(s70 - so) / rate;
    // Several detections (on the bed's rise, or a slow one after a fast one) can lead to the same
    // onset: keep the first.
    if (!out.empty() && imp.t <= out.back().t + 1e-4) continue;
    // Over the foreground: the loudest 1 ms power (above 100 Hz) of the onset's first 5 ms
    // against the 90th percentile of the 1 ms powers over the 2 s before it, up to 30 ms before
    // (a gunshot stands out over the voices and music around it; a syllable or a note is as loud
    // as its neighbours).
    double excess = 40, peak1 = 0;
    {
      const std::size_t ob = so / block;  // the onset's block (the detection's may be earlier)
      for (std::size_t i = ob; i < std::min(nb, ob + kPeakBlocks); ++i)
        peak1 = std::max(peak1, ey[i]);
      const std::size_t back = static_cast<std::size_t>(kForegroundS / block_s);
      std::vector<double> before;
      for (std::size_t i = ob >= back ? ob - back : 0; i + kForegroundGapBlocks < ob; ++i)
        before.push_back(ey[i]);
      if (before.size() >= back / 4)
        excess = Db(peak1) - Db(dsp::Quantile(before, kForegroundQuantile));
    }
    imp.excess_db = excess;
    imp.peak1_db = Db(peak1);
    // Decay and end on the 10 ms level of the whole band.
    const double top = ls[spb], bgl = bg_at(bgs, onset_b);
    const std::size_t cap20 = std::min(nb, spb + static_cast<std::size_t>(kDecayCapS / block_s));
    std::size_t j = spb;
    while (j < cap20 && ls[j] > top - 20 && ls[j] > bg_at(bgs, j) + 3) ++j;
    imp.t20_ms = 1e3 * static_cast<double>(j - spb) * block_s;
    const std::size_t cap_end = std::min(nb, spb + static_cast<std::size_t>(kEndCapS / block_s));
    std::size_t k = spb;
    while (k < cap_end && ls[k] > std::max(top - 40, bgl + 3)) ++k;
    imp.end = std::max(imp.t + 0.001, t0 + static_cast<double>(k) * block_s);
    // Energy growth after the onset (a consonant before a vowel; a swelling sound): the median
    // 10 ms power over 30-200 ms against the first 20 ms. The median ignores the next shots of a
    // burst (short) but not a vowel (long).
    {
      const double first = energy(y, so, so + ms(20)) / 2;
      std::vector<double> later;
      for (std::size_t s = so + ms(30); s + ms(10) <= std::min(n, so + ms(200)); s += ms(5))
        later.push_back(energy(y, s, s + ms(10)));
      imp.growth_db = later.empty() ? -20 : Db(dsp::Quantile(later, 0.5)) - Db(first);
    }
    // Low-frequency share.
    {
      Biquad lp = Biquad::LowPass(250, rate), lp2 = Biquad::LowPass(250, rate);
      const std::size_t from = so >= ms(20) ? so - ms(20) : 0, to = std::min(n, so + ms(100));
      double lo = 0, all = 0;
      for (std::size_t s = from; s < to; ++s) {
        const double v = lp2(lp(r[s]));
        if (s >= so) {
          lo += v * v;
          all += static_cast<double>(r[s]) * r[s];
        }
      }
      imp.low_share = all > 0 ? std::min(1.0, lo / all) : 0;
    }
    const std::size_t c0 = so >= ms(0.5) ? so - ms(0.5) : 0;
    const double head = energy(y, c0, so + ms(2.5));
    imp.hf_share = head > 0 ? std::min(1.0, energy(h, c0, so + ms(2.5)) / head) : 0;
    const double head20 = energy(y, c0, so + ms(20));
    imp.compact = head20 > 0 ? head / head20 : 0;
    // An N-wave (Maher 2007's shock-wave signature): a jump to one extreme, a nearly straight
    // ramp over 0.1-1.2 ms to the opposite extreme of comparable size, and a jump back. Noise
    // bursts and clicks have extremes too, but not the straight ramp between them.
    bool nwave = false;
    if (rate >= 32000) {
      std::size_t imax = c0, imin = c0;
      for (std::size_t s = c0; s < std::min(n, so + ms(0.7)); ++s) {
        if (y[s] > y[imax]) imax = s;
        if (y[s] < y[imin]) imin = s;
      }
      const std::size_t i1 = std::min(imax, imin), i2 = std::max(imax, imin);
      const double a = std::fabs(y[i1]), z = std::fabs(y[i2]);
      const double dt = static_cast<double>(i2 - i1) / rate;
      bool clipped = false;
      for (std::size_t s = i1; s <= i2; ++s) clipped = clipped || std::fabs(x[s]) >= kClipLevel;
      if (std::min(a, z) >= 0.3 * std::max(a, z) && dt >= 0.0001 && dt <= 0.0012 && i1 >= 2 &&
          i2 + 3 < n) {
        double resid = 0;
        for (std::size_t s = i1 + 1; s < i2; ++s) {
          const double line = y[i1] + (y[i2] - y[i1]) * static_cast<double>(s - i1) / (i2 - i1);
          resid += (y[s] - line) * (y[s] - line);
        }
        resid = std::sqrt(resid / std::max<std::size_t>(1, i2 - i1 - 1));
        if (clipped) resid = 0;  // a clipped ramp is flat-topped: the jumps have to do
        const double scale = 0.5 * (a + z);
        nwave = resid <= 0.2 * scale && std::fabs(y[i1 - 2]) < 0.6 * a &&
                std::fabs(y[i2 + 3]) < 0.6 * z;
      }
    }
    // A crack without a clean N-wave (clipped, or smeared by the recording chain) is still
    // nearly all in its first 2.5 ms, mostly above 2 kHz, and gone within 15 ms; or, over a bed,
    // most of it in 2.5 ms, 40 % above 2 kHz (a muzzle blast's is rarely above 30 %), gone in 20;
    // or, at twice a muzzle blast's share above 2 kHz (60 %), half of it in 2.5 ms and gone in
    // 25: a lossy codec's pre-echo spreads a crack over its frame (AAC: 21 ms at 48 kHz) and a
    // bed's level keeps t20 from falling as fast, but neither makes a spectrum that high.
    imp.crack = (nwave && imp.compact >= 0.5 && imp.hf_share >= 0.3) ||
                (imp.compact >= 0.9 && imp.hf_share >= 0.3 && imp.t20_ms <= 15) ||
                (imp.compact >= 0.6 && imp.hf_share >= 0.4 && imp.t20_ms <= 20) ||
                (imp.compact >= 0.5 && imp.hf_share >= 0.6 && imp.t20_ms <= 25);
    if (imp.crack) {
      imp.score = Clamp01(0.5 + 0.5 * Clamp01((imp.contrast_db - 10) / 10));
      out.push_back(imp);
      continue;
    }
    // Two windows: one centred on the onset (the impulse at its middle, where the Hann window
    // weighs it fully, with the sound just before it, so that a glottal pulse is seen with its
    // neighbours) and, unless most of the energy is in its first 2.5 ms, one from 5 ms after it
    // (a note after silence: what follows its attack).
    const std::size_t half = ms(20);
    SpectralShape sh = shape.Analyse(r, so >= half ? so - half : 0);
    if (imp.compact < 0.5) {  // a short impulse is judged at its onset, not by the bed after it
      const SpectralShape after = shape.Analyse(r, so + ms(5));
      sh.tonality = std::max(sh.tonality, after.tonality);
      sh.periodicity = std::max(sh.periodicity, after.periodicity);
    }
    // Periodicity and spectral peaks mark voices and notes; a blast's rumble, low-passed by
    // distance, is narrowband and so shows both too: they count less the more of the energy is
    // below 250 Hz.
    imp.tonality = std::max(sh.tonality, Clamp01((sh.periodicity - 0.3) / 0.5) * 0.6) *
                   Clamp01((0.7 - imp.low_share) / 0.4);
    imp.periodicity = sh.periodicity;
    // The score (doc/events.md): contrast gates (0 at 10 dB over the background, full at 20 dB);
    // steepness, absence of tones and decay weigh.
    const double c_contrast = Clamp01((imp.contrast_db - 10) / 10);
    const double c_rise = Clamp01(1 - (imp.rise_ms - 2) / 15);
    const double c_tone = Clamp01(1 - (imp.tonality - 0.15) / 0.35);
    const double c_decay = Clamp01((3 - imp.growth_db) / 9);
    // Ringing: a muzzle blast or a blast excites its surroundings (reverberation, echoes), so its
    // level takes tens to hundreds of milliseconds to fall 20 dB; a consonant, a click or a
    // drum-like attack over a loud bed is gone within a few tens of milliseconds.
    const double c_ring = Clamp01((imp.t20_ms - 20) / 60);
    imp.score = c_contrast * (0.2 * c_rise + 0.3 * c_tone + 0.3 * c_decay + 0.2 * c_ring);
    // A sound that grows after its onset is a consonant before its vowel or a swelling note —
    // unless it is low-frequency heavy (an explosion's rumble builds up after its shock front).
    if (imp.tonality > 0.5 || (imp.growth_db > 3 && imp.low_share < 0.5)) imp.score *= 0.3;
    // A short thump with nearly all its energy below 250 Hz and nothing above 2 kHz at its onset
    // is neither a muzzle blast (broadband) nor an explosion (long): a door, an engine's knock,
    // wind or handling noise on the microphone.
    if (imp.low_share >= 0.7 && imp.hf_share < 0.05 && imp.t20_ms < 100) imp.score *= 0.3;
    out.push_back(imp);
  }
  return out;
}

namespace {

bool IsBlast(const Impulse& i) {
  return (i.t20_ms >= 150 && i.low_share >= 0.45) || (i.t20_ms >= 600 && i.low_share >= 0.3);
}

struct Group {
  std::vector<const Impulse*> shots;  // the muzzle blasts (or the blast)
  bool blast = false;
  std::vector<const Impulse*> cracks;
  std::vector<const Impulse*> thumps;  // the shot each crack goes with (not every round has one)
};

}  // namespace

std::vector<AudioEvent> GroupImpulses(const std::vector<Impulse>& impulses,
                                      const EventOptions& options) {
  // An onset that does not stand out over the foreground of the 2 s before it (a syllable among
  // syllables, a note among notes) is discounted, unless it follows a kept onset closely (the
  // next rounds of a burst are no louder than the first).
  std::vector<Impulse> gated(impulses);
  // Percussion: onsets on a steady beat count for less (OnABeat).
  const std::vector<bool> beat = OnABeat(gated, kKeepScore);
  for (std::size_t k = 0; k < gated.size(); ++k)
    if (beat[k]) gated[k].score *= kBeatScale;
  double last_kept = -1e9;
  for (Impulse& i : gated) {
    if (i.t - last_kept > kBurstGapS)
      i.score *= Clamp01((i.excess_db - kMinExcessDb) / kExcessSpanDb);
    if (i.score >= kKeepScore) last_kept = i.t;
  }
  std::vector<Impulse*> cracks, others;
  for (Impulse& i : gated) {
    if (i.score < kKeepScore) continue;
    // Cracks closer than 25 ms are one crack too (its ground reflection, a clipped N-wave's two
    // jumps): the first stands for it, else the second would stand alone as a shot.
    if (i.crack && !cracks.empty() && i.t - cracks.back()->t < kSameSoundS) {
      cracks.back()->score = std::max(cracks.back()->score, i.score);
      continue;
    }
    (i.crack ? cracks : others).push_back(&i);
  }
  // Onsets closer than 25 ms are one sound (clipping makes a loud shot's high band fall and rise
  // again; automatic fire is never that fast): the one that scores better and is louder describes
  // it, from the first one's onset.
  {
    std::vector<Impulse*> merged;
    for (Impulse* i : others) {
      if (!merged.empty() && i->t - merged.back()->t < kSameSoundS) {
        if (i->score > merged.back()->score && i->level_db > merged.back()->level_db) {
          i->t = merged.back()->t;
          merged.back() = i;
        }
        continue;
      }
      merged.push_back(i);
    }
    others = std::move(merged);
  }
  // Blasts. A long, low sound followed closely by two or more onsets as strong that are not
  // rumble is the first round of a burst (the next rounds keep its level up, so it looks long).
  std::vector<bool> blast(others.size());
  for (std::size_t k = 0; k < others.size(); ++k) {
    if (!IsBlast(*others[k])) continue;
    int rounds = 0;
    double last = others[k]->t;
    for (std::size_t j = k + 1; j < others.size() && others[j]->t - last <= kBurstGapS; ++j) {
      if (others[j]->low_share < 0.5 &&
          others[j]->peak1_db >= others[k]->peak1_db - kRoundBelowDb) {
        ++rounds;
        last = others[j]->t;
      }
    }
    blast[k] = rounds < kBurstMin - 1;
  }
  // Echoes and the rumble of blasts: within a shot's first 0.6 s (reflections from surfaces up to
  // about 100 m away) an onset whose 1 ms peak is 6 dB below the shot's is its echo; within a
  // blast's decay, rumble or anything 3 dB weaker is the blast's own.
  std::vector<const Impulse*> kept;
  std::vector<bool> kept_blast;
  for (std::size_t k = 0; k < others.size(); ++k) {
    const Impulse* i = others[k];
    bool absorbed = false;
    for (std::size_t q = kept.size(); q-- > 0 && !absorbed;) {
      const Impulse* p = kept[q];
      if (i->t - p->t > kBlastWindowS) break;
      if (kept_blast[q]) {
        const double window =
            std::min(kBlastWindowS, std::max(1e-3 * p->t20_ms + 0.2, p->end - p->t));
        absorbed = i->t - p->t <= window &&
                   (i->low_share >= 0.5 || i->level_db < p->level_db - kBlastBelowDb);
      } else if (i->t - p->t <= kEchoWindowS) {
        // Not when a round as strong as the shot follows soon: then this is a weak round of a
        // burst (rounds vary by several dB), not the echo after it.
        bool continues = false;
        for (std::size_t j = k + 1; j < others.size() && others[j]->t - i->t <= kBurstGapS; ++j)
          continues = continues || others[j]->peak1_db >= p->peak1_db - kRoundBelowDb;
        absorbed = !continues && (i->peak1_db < p->peak1_db - kEchoBelowDb ||
                                  i->level_db < p->level_db - kEchoBelowLevelDb);
      }
    }
    if (absorbed) continue;
    kept.push_back(i);
    kept_blast.push_back(blast[k]);
  }
  // Blasts alone; shots grouped when at most kBurstGapS apart.
  std::vector<Group> groups;
  for (std::size_t k = 0; k < kept.size(); ++k) {
    const Impulse* i = kept[k];
    if (kept_blast[k]) {
      groups.push_back({{i}, true, {}, {}});
      continue;
    }
    if (!groups.empty() && !groups.back().blast &&
        i->t - groups.back().shots.back()->t <= kBurstGapS) {
      groups.back().shots.push_back(i);
    } else {
      groups.push_back({{i}, false, {}, {}});
    }
  }
  // Automatic fire keeps its cyclic rate: a run of shots that resumes after a gap of a whole
  // number of its intervals is the same burst with rounds missed in between (masked by the tail
  // of the ones before or by a loud bed), not a new one.
  {
    const auto interval = [](const Group& g) {
      std::vector<double> d;
      for (std::size_t i = 1; i < g.shots.size(); ++i)
        d.push_back(g.shots[i]->t - g.shots[i - 1]->t);
      return dsp::Quantile(d, 0.5, 0.0);
    };
    std::vector<Group> joined;
    for (Group& g : groups) {
      if (!joined.empty() && !g.blast && !joined.back().blast) {
        Group& a = joined.back();
        const double tau = a.shots.size() >= 2   ? interval(a)
                           : g.shots.size() >= 2 ? interval(g)
                                                 : 0;
        const double gap = g.shots.front()->t - a.shots.back()->t;
        const double k = tau > 0 ? std::round(gap / tau) : 0;
        if (tau > 0 && gap <= kBurstBridgeS && k >= 1 && std::fabs(gap / tau - k) <= 0.25 &&
            a.shots.size() + g.shots.size() >= static_cast<std::size_t>(kBurstMin)) {
          a.shots.insert(a.shots.end(), g.shots.begin(), g.shots.end());
          continue;
        }
      }
      joined.push_back(std::move(g));
    }
    groups = std::move(joined);
  }
  // Runs of two shots are two shots.
  std::vector<Group> split;
  for (Group& g : groups) {
    if (!g.blast && g.shots.size() > 1 && static_cast<int>(g.shots.size()) < kBurstMin) {
      for (const Impulse* s : g.shots) split.push_back({{s}, false, {}, {}});
    } else {
      split.push_back(std::move(g));
    }
  }
  groups = std::move(split);
  // Cracks to the shots that follow them, in order: the earliest unused crack 3 ms-1 s before.
  std::vector<bool> used(cracks.size(), false);
  std::size_t first_free = 0;
  for (Group& g : groups) {
    if (g.blast) continue;
    for (const Impulse* s : g.shots) {
      while (first_free < cracks.size() &&
             (used[first_free] || cracks[first_free]->t < s->t - kCrackMaxS))
        ++first_free;
      for (std::size_t c = first_free; c < cracks.size(); ++c) {
        if (cracks[c]->t > s->t - kCrackMinS) break;
        if (used[c]) continue;
        used[c] = true;
        g.cracks.push_back(cracks[c]);
        g.thumps.push_back(s);
        break;
      }
    }
  }
  // Unpaired cracks inside a burst are its rounds' (automatic fire interleaves cracks and blasts,
  // and some cracks hide in the blasts before them); others stand alone (the muzzle blast was
  // too weak or masked).
  for (std::size_t c = 0; c < cracks.size(); ++c) {
    if (used[c]) continue;
    bool inside = false;
    for (const Group& g : groups) {
      if (g.blast || g.shots.size() < static_cast<std::size_t>(kBurstMin)) continue;
      const double from = g.cracks.empty() ? g.shots.front()->t : g.cracks.front()->t;
      inside = inside || (cracks[c]->t >= from && cracks[c]->t <= g.shots.back()->t);
    }
    // A lone "crack" followed by a louder sustained sound is a consonant before its vowel (or a
    // click before music), not a shot.
    if (!inside && cracks[c]->growth_db <= 3) groups.push_back({{cracks[c]}, false, {}, {}});
  }

  std::vector<AudioEvent> events;
  for (const Group& g : groups) {
    AudioEvent ev;
    const Impulse& first = *g.shots.front();
    ev.t = first.t;
    ev.end = first.end;
    ev.peak_dbfs = -120;
    double score = 0;
    for (const Impulse* s : g.shots) {
      ev.end = std::max(ev.end, s->end);
      ev.peak_dbfs = std::max(ev.peak_dbfs, s->peak_dbfs);
      score += s->score;
    }
    score /= static_cast<double>(g.shots.size());
    if (g.blast) {
      ev.kind = EventKind::kBlast;
    } else if (g.shots.size() >= static_cast<std::size_t>(kBurstMin)) {
      ev.kind = EventKind::kBurst;
      ev.count = static_cast<int>(g.shots.size());
      score = std::min(1.0, score + 0.1);  // a regular run of impulses is itself evidence
    } else {
      ev.kind = EventKind::kShot;
      if (first.crack) score *= 0.9;  // a lone crack could be a click
    }
    if (!g.cracks.empty()) {
      std::vector<double> intervals;
      // Each crack against its own round's muzzle blast (pairing the i-th crack with the i-th
      // round gave negative intervals when the first rounds had no crack).
      for (std::size_t i = 0; i < g.cracks.size(); ++i)
        intervals.push_back(g.thumps[i]->t - g.cracks[i]->t);
      std::nth_element(intervals.begin(), intervals.begin() + intervals.size() / 2,
                       intervals.end());
      const double interval = intervals[intervals.size() / 2];
      const double crack_t = g.cracks.front()->t;
      CrackThump ct = MakeCrackThump(crack_t, crack_t + interval, options.distance);
      ct.thump_t = g.thumps.front()->t;
      ev.crack_thump = ct;
      ev.t = std::min(ev.t, crack_t);
      for (const Impulse* c : g.cracks) ev.peak_dbfs = std::max(ev.peak_dbfs, c->peak_dbfs);
      score = std::max(score, std::min(1.0, 0.5 * (score + g.cracks.front()->score) + 0.2));
    }
    ev.confidence = Clamp01(score);
    if (ev.confidence >= options.min_confidence) events.push_back(ev);
  }
  std::sort(events.begin(), events.end(),
            [](const AudioEvent& a, const AudioEvent& b) { return a.t < b.t; });
  return events;
}

ImpulseChunker::ImpulseChunker(int rate, double t0, double chunk_s)
    : rate_(rate),
      t0_(t0),
      chunk_(static_cast<std::size_t>(std::max(1.0, chunk_s) * rate)),
      pre_(static_cast<std::size_t>(3.5 * rate)),
      post_(static_cast<std::size_t>(4.5 * rate)) {}

void ImpulseChunker::Push(const float* samples, std::size_t n) {
  buf_.insert(buf_.end(), samples, samples + n);
  while (buf_start_ + static_cast<std::int64_t>(buf_.size()) >=
         next_keep_ + static_cast<std::int64_t>(chunk_ + post_)) {
    Process(static_cast<std::size_t>(next_keep_) + chunk_, false);
  }
}

void ImpulseChunker::Process(std::size_t keep_end, bool last) {
  const std::size_t from = static_cast<std::size_t>(next_keep_ - buf_start_);
  const std::size_t to = keep_end - static_cast<std::size_t>(buf_start_);
  auto found = FindImpulses(buf_, rate_, t0_ + static_cast<double>(buf_start_) / rate_, from,
                            last ? buf_.size() : to);
  found_.insert(found_.end(), found.begin(), found.end());
  next_keep_ = static_cast<std::int64_t>(keep_end);
  const std::int64_t drop =
      std::max<std::int64_t>(0, next_keep_ - static_cast<std::int64_t>(pre_) - buf_start_);
  if (drop > 0) {
    buf_.erase(buf_.begin(),
               buf_.begin() + std::min<std::int64_t>(drop, static_cast<std::int64_t>(buf_.size())));
    buf_start_ += drop;
  }
}

std::vector<Impulse> ImpulseChunker::Finish() {
  const std::int64_t end = buf_start_ + static_cast<std::int64_t>(buf_.size());
  if (end > next_keep_) Process(static_cast<std::size_t>(end), true);
  std::sort(found_.begin(), found_.end(),
            [](const Impulse& a, const Impulse& b) { return a.t < b.t; });
  return std::move(found_);
}

}  // namespace sightline::analysis::events
