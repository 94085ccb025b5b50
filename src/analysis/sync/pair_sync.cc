#include "analysis/sync/pair_sync.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <numeric>

namespace sightline::analysis::sync {

namespace audio = signals::audio;

namespace {

std::string Num(double v, int decimals = 1) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// ---- Coarse: onset-envelope cross-correlation over every lag --------------------------------

struct CoarsePeak {
  double lag_frames = 0;  // a-frame − b-frame, fractional
  double score = 0;
};

struct CoarseResult {
  bool searched = false;  // some lag overlaps enough
  double best_score = 0;
  std::vector<CoarsePeak> peaks;  // above the threshold, best first
};

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  return *mid;
}

CoarseResult Coarse(const Clip& a, const Clip& b, const SyncOptions& o) {
  CoarseResult out;
  const std::int64_t na = a.frames(), nb = b.frames();
  const auto min_frames = std::max<std::int64_t>(
      2, static_cast<std::int64_t>(std::ceil(o.min_overlap_s * a.frame_rate())));
  if (na < min_frames || nb < min_frames) return out;
  out.searched = true;
  const std::size_t n = audio::NextPow2(static_cast<std::size_t>(na + nb));
  const audio::RealFft& fft = audio::RealFft::Get(n);
  const std::size_t bins = fft.bins();
  auto sa = a.Spectra(n);
  auto sb = b.Spectra(n);
  audio::ComplexBuffer acc = audio::AllocComplex(bins);
  float* sum = reinterpret_cast<float*>(acc.get());
  for (int band = 0; band < a.bands(); ++band) {
    const auto* x =
        reinterpret_cast<const float*>(sa->data() + static_cast<std::size_t>(band) * bins);
    const auto* y =
        reinterpret_cast<const float*>(sb->data() + static_cast<std::size_t>(band) * bins);
    for (std::size_t k = 0; k < bins; ++k) {  // x · conj(y), in plain floats
      sum[2 * k] += x[2 * k] * y[2 * k] + x[2 * k + 1] * y[2 * k + 1];
      sum[2 * k + 1] += x[2 * k + 1] * y[2 * k] - x[2 * k] * y[2 * k + 1];
    }
  }
  // Partial whitening of the cross-spectrum (magnitude^-β, β = coarse_whitening): sharper peaks
  // than plain correlation of smooth envelopes, less noise than full PHAT.
  if (o.coarse_whitening > 0) {
    std::vector<float> mag(bins);
    double mean = 0;
    for (std::size_t k = 0; k < bins; ++k) {
      mag[k] = std::sqrt(sum[2 * k] * sum[2 * k] + sum[2 * k + 1] * sum[2 * k + 1]);
      mean += mag[k];
    }
    mean /= static_cast<double>(bins);
    if (mean > 0) {
      for (std::size_t k = 0; k < bins; ++k) {
        const auto g =
            static_cast<float>(std::pow((mag[k] + 0.05 * mean) / mean, -o.coarse_whitening));
        sum[2 * k] *= g;
        sum[2 * k + 1] *= g;
      }
    }
  }
  audio::FloatBuffer r = audio::AllocFloats(n);
  fft.Inverse(acc.get(), r.get());
  // Lags L = a-frame − b-frame with at least min_frames of overlap.
  const std::int64_t lo = -(nb - min_frames), hi = na - min_frames;
  std::vector<double> z(static_cast<std::size_t>(hi - lo + 1), 0.0);
  for (std::int64_t lag = lo; lag <= hi; ++lag) {
    const std::int64_t a0 = std::max<std::int64_t>(0, lag), b0 = std::max<std::int64_t>(0, -lag);
    const std::int64_t len = std::min(na - a0, nb - b0);
    const double ea = a.OnsetEnergy(a0, a0 + len), eb = b.OnsetEnergy(b0, b0 + len);
    const std::size_t idx =
        lag >= 0 ? static_cast<std::size_t>(lag) : n - static_cast<std::size_t>(-lag);
    const double v = r[idx] / static_cast<double>(n);
    z[static_cast<std::size_t>(lag - lo)] =
        ea > 0 && eb > 0 ? v / std::sqrt(ea * eb) * std::sqrt(static_cast<double>(len)) : 0.0;
  }
  // Robust scale: median and median absolute deviation over all lags.
  const double med = Median(z);
  std::vector<double> dev(z.size());
  for (std::size_t i = 0; i < z.size(); ++i) dev[i] = std::fabs(z[i] - med);
  double mad = 1.4826 * Median(dev);
  if (!(mad > 1e-12)) mad = 1e-12;
  std::vector<std::size_t> above;
  for (std::size_t i = 0; i < z.size(); ++i) {
    z[i] = (z[i] - med) / mad;
    out.best_score = std::max(out.best_score, z[i]);
    if (z[i] >= o.coarse_threshold) above.push_back(i);
  }
  std::sort(above.begin(), above.end(), [&](std::size_t x, std::size_t y) { return z[x] > z[y]; });
  const auto separation = static_cast<std::int64_t>(std::lround(0.5 * a.frame_rate()));
  for (std::size_t i : above) {
    bool near = false;
    for (const CoarsePeak& p : out.peaks) {
      if (std::llabs(static_cast<std::int64_t>(i) + lo - std::llround(p.lag_frames)) < separation) {
        near = true;
        break;
      }
    }
    if (near) continue;
    double delta = 0;
    if (i > 0 && i + 1 < z.size()) {
      const double l = z[i - 1], c = z[i], rr = z[i + 1];
      const double den = l - 2 * c + rr;
      if (den < 0) delta = std::clamp(0.5 * (l - rr) / den, -0.5, 0.5);
    }
    out.peaks.push_back({static_cast<double>(static_cast<std::int64_t>(i) + lo) + delta, z[i]});
    if (static_cast<int>(out.peaks.size()) >= o.max_candidates) break;
  }
  return out;
}

// ---- Fine: GCC-PHAT in windows along the overlap --------------------------------------------

struct Peak {
  double lag_s = 0;  // a-time − b-time (PCM times), sub-sample
  double z = 0;
};

struct Window {
  double t_s = 0;           // centre, in a's PCM time
  double base_s = 0;        // lag about which it was searched
  int radius = 0;           // samples searched either side
  std::vector<float> z;     // z[j]: lag base_s + (j − radius) / rate, normalised by the noise
  std::vector<Peak> peaks;  // best few, best first
};

// A window of `len` samples of a from `a_start`, against b around lag `base_s` (seconds).
Window Correlate(const Clip& a, const Clip& b, std::int64_t a_start, int len, double base_s,
                 int radius) {
  const int rate = a.sample_rate();
  Window w;
  w.t_s = (static_cast<double>(a_start) + len / 2.0) / rate;
  const auto base = static_cast<std::int64_t>(std::llround(base_s * rate));
  w.base_s = static_cast<double>(base) / rate;
  w.radius = radius;
  const std::size_t n = audio::NextPow2(static_cast<std::size_t>(len + 2 * radius + 1));
  const audio::RealFft& fft = audio::RealFft::Get(n);
  const std::size_t bins = fft.bins();
  audio::FloatBuffer xa = audio::AllocFloats(n), xb = audio::AllocFloats(n);
  const std::int64_t b_start = a_start - base - radius;
  const std::int64_t b_len = len + 2 * radius;
  if (!a.features().pcm->Read(a_start, len, xa.get()).ok() ||
      !b.features().pcm->Read(b_start, b_len, xb.get()).ok()) {
    return w;
  }
  // Taper a's window (10 % cosine edges) against edge effects.
  const int edge = std::max(1, len / 10);
  for (int i = 0; i < edge && i < len; ++i) {
    const float g = static_cast<float>(0.5 - 0.5 * std::cos(std::numbers::pi * (i + 0.5) / edge));
    xa[static_cast<std::size_t>(i)] *= g;
    xa[static_cast<std::size_t>(len - 1 - i)] *= g;
  }
  audio::ComplexBuffer fa = audio::AllocComplex(bins), fb = audio::AllocComplex(bins);
  fft.Forward(xa.get(), fa.get());
  fft.Forward(xb.get(), fb.get());
  // Cross-spectrum, whitened (PHAT) with a regularisation at a tenth of the mean magnitude so
  // that bins without signal (above a codec's cut-off) do not count as much as bins with it; only
  // 100 Hz – 5 kHz (below: hum and handling noise; above: the resampler's roll-off).
  const auto k_lo = static_cast<std::size_t>(std::ceil(100.0 * n / rate));
  const auto k_hi = std::min(bins - 1, static_cast<std::size_t>(5000.0 * n / rate));
  // (Plain float arithmetic: std::complex's operators check for NaN and std::abs calls hypot.)
  float* x = reinterpret_cast<float*>(fa.get());
  const float* y = reinterpret_cast<const float*>(fb.get());
  std::vector<float> mag(bins, 0.0f);
  double mean_mag = 0;
  for (std::size_t k = k_lo; k <= k_hi; ++k) {
    const float re = x[2 * k] * y[2 * k] + x[2 * k + 1] * y[2 * k + 1];  // conj(a)·b
    const float im = x[2 * k] * y[2 * k + 1] - x[2 * k + 1] * y[2 * k];
    x[2 * k] = re;
    x[2 * k + 1] = im;
    mag[k] = std::sqrt(re * re + im * im);
    mean_mag += mag[k];
  }
  mean_mag /= static_cast<double>(k_hi - k_lo + 1);
  if (!(mean_mag > 0)) return w;
  const auto eps = static_cast<float>(0.1 * mean_mag);
  for (std::size_t k = 0; k < bins; ++k) {
    if (k < k_lo || k > k_hi) {
      x[2 * k] = x[2 * k + 1] = 0;
    } else {
      const float g = 1.0f / (mag[k] + eps);
      x[2 * k] *= g;
      x[2 * k + 1] *= g;
    }
  }
  fft.Inverse(fa.get(), xb.get());  // xb[k] = Σ_t a(t)·b(t + k)
  // Lag of xb[k]: base + radius − k samples; z[j] with j = 2·radius − k.
  const int m = 2 * radius + 1;
  int best = 0;
  for (int k = 0; k < m; ++k) {
    if (xb[static_cast<std::size_t>(k)] > xb[static_cast<std::size_t>(best)]) best = k;
  }
  double sum2 = 0;
  int count = 0;
  for (int k = 0; k < m; ++k) {
    if (std::abs(k - best) <= 3) continue;
    sum2 += static_cast<double>(xb[static_cast<std::size_t>(k)]) * xb[static_cast<std::size_t>(k)];
    ++count;
  }
  const double sigma = count > 0 ? std::sqrt(sum2 / count) : 0;
  if (!(sigma > 0)) return w;
  w.z.resize(static_cast<std::size_t>(m));
  for (int j = 0; j < m; ++j) {
    w.z[static_cast<std::size_t>(j)] =
        static_cast<float>(xb[static_cast<std::size_t>(2 * radius - j)] / sigma);
  }
  // The best three local maxima, at least 4 samples apart, with sub-sample positions.
  std::vector<int> order(static_cast<std::size_t>(m));
  std::iota(order.begin(), order.end(), 0);
  std::partial_sort(order.begin(), order.begin() + std::min(m, 64), order.end(),
                    [&](int x, int y) { return w.z[x] > w.z[y]; });
  for (int i = 0; i < std::min(m, 64) && w.peaks.size() < 3; ++i) {
    const int j = order[static_cast<std::size_t>(i)];
    bool near = false;
    for (const Peak& p : w.peaks) {
      if (std::fabs((p.lag_s - w.base_s) * rate + radius - j) < 4) near = true;
    }
    if (near) continue;
    double delta = 0;
    if (j > 0 && j + 1 < m) {
      const double l = w.z[j - 1], c = w.z[j], r = w.z[j + 1];
      const double den = l - 2 * c + r;
      if (den < 0) delta = std::clamp(0.5 * (l - r) / den, -0.5, 0.5);
    }
    w.peaks.push_back({w.base_s + (j + delta - radius) / rate, w.z[j]});
  }
  return w;
}

// The normalised correlation of a window at lag `lag_s` (linear interpolation; 0 outside).
double ZAt(const Window& w, double lag_s, int rate) {
  if (w.z.empty()) return 0;
  const double j = (lag_s - w.base_s) * rate + w.radius;
  if (j < 0 || j > static_cast<double>(w.z.size() - 1)) return 0;
  const auto j0 = static_cast<std::size_t>(j);
  const double f = j - static_cast<double>(j0);
  const double z1 = j0 + 1 < w.z.size() ? w.z[j0 + 1] : w.z[j0];
  return (1 - f) * w.z[j0] + f * z1;
}

struct Line {
  double c = 0;      // lag at t = 0 (a's PCM time), seconds
  double slope = 0;  // d lag / d t
  double At(double t) const { return c + slope * t; }
};

struct Fit {
  Line line;
  double score = 0;  // significance
  int agreeing = 0;
  double span_s = 0;
  double residual_s = 0;
  bool drift = false;  // slope measured over enough time to report
};

// The line through the windows' peaks that the most windows agree with (RANSAC over pairs of
// peaks; Fischler & Bolles 1981), refined by weighted least squares on the agreeing windows.
Fit FitLine(const std::vector<Window>& windows, const SyncOptions& o, int rate) {
  constexpr double kTol = 0.3e-3;  // a window agrees when its peak is this close to the line
  const double max_slope = o.max_drift_ppm * 1e-6;
  auto support = [&](const Line& l) {
    double s = 0;
    for (const Window& w : windows) {
      double best = 0;
      for (const Peak& p : w.peaks) {
        if (std::fabs(p.lag_s - l.At(w.t_s)) <= kTol) best = std::max(best, p.z);
      }
      s += best;
    }
    return s;
  };
  Line best;
  double best_support = -1;
  for (std::size_t i = 0; i < windows.size(); ++i) {
    for (const Peak& p : windows[i].peaks) {
      Line flat{p.lag_s, 0};
      double s = support(flat);
      if (s > best_support) best_support = s, best = flat;
      for (std::size_t j = i + 1; j < windows.size(); ++j) {
        const double dt = windows[j].t_s - windows[i].t_s;
        if (std::fabs(dt) < 0.5) continue;
        for (const Peak& q : windows[j].peaks) {
          const double slope = (q.lag_s - p.lag_s) / dt;
          if (std::fabs(slope) > max_slope) continue;
          Line l{p.lag_s - slope * windows[i].t_s, slope};
          s = support(l);
          if (s > best_support) best_support = s, best = l;
        }
      }
    }
  }
  Fit fit;
  fit.line = best;
  // Refine twice: weighted least squares on the agreeing windows' peaks (weights z²).
  for (int iter = 0; iter < 2; ++iter) {
    double sw = 0, st = 0, sl = 0, stt = 0, stl = 0, t_min = 1e300, t_max = -1e300;
    int count = 0;
    for (const Window& w : windows) {
      const Peak* on = nullptr;
      for (const Peak& p : w.peaks) {
        if (std::fabs(p.lag_s - fit.line.At(w.t_s)) <= kTol && (!on || p.z > on->z)) on = &p;
      }
      if (!on || on->z <= 0) continue;
      const double wt = on->z * on->z;
      sw += wt, st += wt * w.t_s, sl += wt * on->lag_s, stt += wt * w.t_s * w.t_s;
      stl += wt * w.t_s * on->lag_s;
      t_min = std::min(t_min, w.t_s), t_max = std::max(t_max, w.t_s);
      ++count;
    }
    if (count == 0) break;
    fit.agreeing = count;
    fit.span_s = t_max - t_min;
    const double mt = st / sw, ml = sl / sw;
    const double var = stt / sw - mt * mt;
    if (count >= 2 && fit.span_s >= 5.0 && var > 0) {
      double slope = (stl / sw - mt * ml) / var;
      slope = std::clamp(slope, -max_slope, max_slope);
      fit.line = {ml - slope * mt, slope};
    } else {
      // Too short a span for a slope: keep the one found (if any) through the weighted mean.
      fit.line = {ml - fit.line.slope * mt, fit.line.slope};
    }
  }
  fit.drift = fit.agreeing >= 3 && fit.span_s >= 30.0;
  double sum_z = 0, res2 = 0, res_w = 0;
  for (const Window& w : windows) {
    const double pred = fit.line.At(w.t_s);
    sum_z += ZAt(w, pred, rate);
    for (const Peak& p : w.peaks) {
      if (std::fabs(p.lag_s - pred) <= kTol) {
        res2 += (p.lag_s - pred) * (p.lag_s - pred);
        res_w += 1;
        break;
      }
    }
  }
  fit.score = windows.empty() ? 0 : sum_z / std::sqrt(static_cast<double>(windows.size()));
  fit.residual_s = res_w > 0 ? std::sqrt(res2 / res_w) : 0;
  return fit;
}

struct Refined {
  bool ok = false;
  bool early_rejected = false;
  double best_peak = 0;
  Fit fit;
  int windows = 0;
  double ua0 = 0, ua1 = 0;  // overlap in a's PCM time
};

// Sample-level check of a coarse lag (seconds, PCM times).
Refined Refine(const Clip& a, const Clip& b, double lag0, const SyncOptions& o) {
  Refined out;
  const int rate = a.sample_rate();
  const double da = static_cast<double>(a.samples()) / rate;
  const double db = static_cast<double>(b.samples()) / rate;
  const double ua0 = std::max(0.0, lag0), ua1 = std::min(da, lag0 + db);
  const double overlap = ua1 - ua0;
  out.ua0 = ua0, out.ua1 = ua1;
  if (overlap < std::min(o.min_overlap_s, o.window_s)) return out;
  const double win = std::min(o.window_s, overlap);
  const int max_by_length = static_cast<int>(overlap / win);
  int k = static_cast<int>(overlap / o.window_spacing_s);
  k = std::clamp(k, std::min(max_by_length, 4), o.max_windows);
  k = std::max(k, 1);
  const int len = static_cast<int>(win * rate);
  const double seg = overlap / k;
  const double t_ref = 0.5 * (ua0 + ua1);
  const double hop_s = static_cast<double>(a.hop()) / rate;
  const auto win_frames = static_cast<std::int64_t>(win / hop_s);
  struct Placed {
    std::int64_t start;
    double activity;
    int radius;
  };
  std::vector<Placed> placed;
  for (int i = 0; i < k; ++i) {
    // The window in this segment where both files have the most sound.
    const double s0 = ua0 + i * seg, s1 = std::max(s0, ua0 + (i + 1) * seg - win);
    double best_start = s0, best_act = -1;
    for (double s = s0; s <= s1 + 1e-9; s += hop_s) {
      const auto fa = static_cast<std::int64_t>(s / hop_s);
      const auto fb = static_cast<std::int64_t>((s - lag0) / hop_s);
      const double act = std::min(a.Activity(fa, fa + win_frames), b.Activity(fb, fb + win_frames));
      if (act > best_act) best_act = act, best_start = s;
    }
    const double center = best_start + win / 2;
    const double reach = o.coarse_radius_s + o.max_drift_ppm * 1e-6 * std::fabs(center - t_ref);
    placed.push_back({static_cast<std::int64_t>(std::llround(best_start * rate)), best_act,
                      static_cast<int>(std::ceil(reach * rate))});
  }
  // The most active windows first: when none of them shows a clear peak, the candidate is chance
  // (most candidates between unrelated files end here, cheaply).
  std::vector<std::size_t> order(placed.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    return placed[x].activity > placed[y].activity;
  });
  std::vector<Window> windows(placed.size());
  const std::size_t first = std::min<std::size_t>(placed.size(), 3);
  double best_first = 0;
  for (std::size_t i = 0; i < placed.size(); ++i) {
    const Placed& p = placed[order[i]];
    windows[order[i]] = Correlate(a, b, p.start, len, lag0, p.radius);
    for (const Peak& pk : windows[order[i]].peaks) best_first = std::max(best_first, pk.z);
    if (i + 1 == first && best_first < o.early_peak) {
      out.early_rejected = true;
      out.best_peak = best_first;
      return out;
    }
  }
  out.windows = static_cast<int>(windows.size());
  out.fit = FitLine(windows, o, rate);
  out.ok = out.fit.agreeing > 0;
  return out;
}

}  // namespace

std::vector<Candidate> CoarseSearch(const Clip& a, const Clip& b, const SyncOptions& o) {
  std::vector<Candidate> out;
  if (a.silent() || b.silent()) return out;
  const CoarseResult coarse = Coarse(a, b, o);
  const double hop_s = static_cast<double>(a.hop()) / a.sample_rate();
  for (const CoarsePeak& p : coarse.peaks) {
    Candidate c;
    c.offset_s = a.features().start_s - b.features().start_s + p.lag_frames * hop_s;
    c.score = p.score;
    out.push_back(c);
  }
  return out;
}

double ConfidenceOf(double score, double threshold) {
  return 1.0 / (1.0 + std::exp(-0.8 * (score - threshold)));
}

PairSync SyncPair(const Clip& a, const Clip& b, const SyncOptions& o) {
  PairSync out;
  if (a.silent() || b.silent()) {
    out.reason = std::string(a.silent() ? "the first" : "the second") + " file is silent";
    return out;
  }
  if (a.samples() == 0 || b.samples() == 0) {
    out.reason = "no audio samples kept for sample-level matching";
    return out;
  }
  const int rate = a.sample_rate();
  CoarseResult coarse = Coarse(a, b, o);
  out.coarse_score = coarse.best_score;
  if (!coarse.searched) {
    out.reason = "too short to sync: " + Num(std::min(a.duration_s(), b.duration_s())) +
                 " s of audio (at least " + Num(o.min_overlap_s) + " s must overlap)";
    return out;
  }
  if (coarse.peaks.empty()) {
    out.reason = "no common sound: the onset envelopes do not correlate (best score " +
                 Num(coarse.best_score) + ", threshold " + Num(o.coarse_threshold) + ")";
    return out;
  }
  const double hop_s = static_cast<double>(a.hop()) / rate;
  const double start_a = a.features().start_s, start_b = b.features().start_s;
  double best_fine = 0;
  double best_early_peak = 0;  // of candidates dropped on their most active windows
  int early_rejected = 0, refined = 0;
  struct Found {
    Refined r;
    double offset_s, drift, offset_end_s;
  };
  std::vector<Found> found;
  for (const CoarsePeak& p : coarse.peaks) {
    // Weak peaks beside a strong one are its side lobes, not the same sound again.
    if (coarse.best_score >= 20 && p.score < 0.25 * coarse.best_score) continue;
    Refined r = Refine(a, b, p.lag_frames * hop_s, o);
    if (r.early_rejected) {
      ++early_rejected;
      best_early_peak = std::max(best_early_peak, r.best_peak);
    }
    if (!r.ok) continue;
    ++refined;
    best_fine = std::max(best_fine, r.fit.score);
    if (r.fit.score < o.match_threshold) continue;
    const Line& l = r.fit.line;
    Found f;
    f.r = r;
    if (r.fit.drift) {
      // a-time − b-time = c + slope·u_a  ⇒  u_a = (u_b + c) / (1 − slope).
      const double k = 1.0 / (1.0 - l.slope);
      f.drift = k - 1.0;
      f.offset_s = start_a + (l.c - start_b) * k;
      f.offset_end_s = start_a - start_b + l.At(r.ua1);
    } else {
      // Too short to measure drift: the offset where the windows are.
      f.drift = 0;
      f.offset_s = start_a - start_b + l.At(0.5 * (r.ua0 + r.ua1));
      f.offset_end_s = f.offset_s;
    }
    bool dup = false;
    for (Found& g : found) {
      if (std::fabs(g.offset_s - f.offset_s) < 0.01) {
        if (f.r.fit.score > g.r.fit.score) g = f;
        dup = true;
      }
    }
    if (!dup) found.push_back(f);
  }
  if (found.empty()) {
    if (refined == 0 && early_rejected > 0) {
      // Say where the envelopes pointed: a person can check that offset by ear (tonal sound
      // through low-bitrate codecs can agree in its onsets but not sample by sample).
      const double coarse_offset = start_a - start_b + coarse.peaks.front().lag_frames * hop_s;
      out.reason = "no match at the sample level: no candidate's most active windows correlate " +
                   std::string("(best peak ") + Num(best_early_peak) + ", at least " +
                   Num(o.early_peak) + " needed); the onset envelopes pointed to " +
                   Num(coarse_offset, 3) + " s (score " + Num(coarse.best_score) + ")";
    } else {
      out.reason = "no match at the sample level: the best candidate's significance is " +
                   Num(best_fine) + " (threshold " + Num(o.match_threshold) + ")";
    }
    return out;
  }
  std::sort(found.begin(), found.end(),
            [](const Found& x, const Found& y) { return x.r.fit.score > y.r.fit.score; });
  const Found& best = found.front();
  out.matched = true;
  out.offset_s = best.offset_s;
  out.score = best.r.fit.score;
  out.confidence = ConfidenceOf(out.score, o.match_threshold);
  out.drift_ppm = best.drift * 1e6;
  out.drift_estimated = best.r.fit.drift;
  out.offset_end_s = best.offset_end_s;
  // The overlap on the final line.
  {
    const Line& l = best.r.fit.line;
    const double da = static_cast<double>(a.samples()) / rate;
    const double db = static_cast<double>(b.samples()) / rate;
    const double k = 1.0 / (1.0 - l.slope);
    const double ua_of_b0 = l.c * k, ua_of_bend = (db + l.c) * k;
    const double ua0 = std::max(0.0, ua_of_b0), ua1 = std::min(da, ua_of_bend);
    out.overlap_s = std::max(0.0, ua1 - ua0);
    out.overlap_a_start_s = start_a + ua0;
    out.overlap_a_end_s = start_a + ua1;
  }
  out.windows = best.r.windows;
  out.windows_agreeing = best.r.fit.agreeing;
  out.residual_ms = best.r.fit.residual_s * 1e3;
  for (const Found& f : found) {
    Candidate c;
    c.offset_s = f.offset_s;
    c.score = f.r.fit.score;
    c.confidence = ConfidenceOf(c.score, o.match_threshold);
    c.overlap_s = f.r.ua1 - f.r.ua0;
    c.drift_ppm = f.drift * 1e6;
    out.candidates.push_back(c);
  }
  return out;
}

}  // namespace sightline::analysis::sync
