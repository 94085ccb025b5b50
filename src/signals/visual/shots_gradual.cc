// Gradual transitions (dissolves, fades): the blend-model test of windows of frames while they
// arrive, and the choice of transitions among the accepted windows in Finish(). The method is in
// shots.h and doc/shots.md.
#include <algorithm>
#include <cmath>
#include <vector>

#include "signals/visual/shots.h"
#include "signals/visual/shots_internal.h"

namespace sightline::signals::visual {

namespace {

using shots_internal::kBlock;
struct Superposition {
  double from_a = 0, from_b = 0, blend = 0;  // mean absolute errors per pixel
  double superposed = 0;  // fraction of blocks better explained by the blend than by either end
};

// How well `mid` is predicted from `a` moved, from `b` moved, and from the blend
// (1 − alpha) a + alpha b of the two moved pictures, block by block (each block's own best shift
// from either end), over the best-predicted three quarters of the blocks. A cross-dissolve is
// predicted by the blend far better than by either end; motion is predicted by an end as well as
// by the blend.
Superposition SuperpositionErrors(const std::uint8_t* a, const std::uint8_t* b,
                                  const std::uint8_t* mid, int w, int h, double alpha, int radius) {
  Superposition out;
  const int nbx = w / kBlock, nby = h / kBlock;
  if (nbx == 0 || nby == 0) return out;
  const int ox = (w - nbx * kBlock) / 2, oy = (h - nby * kBlock) / 2;
  std::vector<int> ea, eb, ebl;
  // The best shift of `ref` (within the radius) for block (x0, y0) of `mid`: by plain absolute
  // difference (`zero_mean` false), or with each block's mean removed, which follows motion
  // through brightness changes (fades).
  auto search = [&](const std::uint8_t* ref, bool zero_mean, int x0, int y0, int* best_dx,
                    int* best_dy) {
    const std::uint8_t* m = mid + static_cast<std::size_t>(y0) * w + x0;
    double mm = 0;
    if (zero_mean) {
      for (int y = 0; y < kBlock; ++y) {
        for (int x = 0; x < kBlock; ++x) mm += m[y * w + x];
      }
      mm /= kBlock * kBlock;
    }
    double best = 1e300;
    *best_dx = *best_dy = 0;
    const int dy0 = std::max(-radius, -y0), dy1 = std::min(radius, h - kBlock - y0);
    const int dx0 = std::max(-radius, -x0), dx1 = std::min(radius, w - kBlock - x0);
    for (int dy = dy0; dy <= dy1; ++dy) {
      for (int dx = dx0; dx <= dx1; ++dx) {
        const std::uint8_t* p = ref + static_cast<std::size_t>(y0 + dy) * w + (x0 + dx);
        double pm = 0;
        if (zero_mean) {
          for (int y = 0; y < kBlock; ++y) {
            for (int x = 0; x < kBlock; ++x) pm += p[y * w + x];
          }
          pm /= kBlock * kBlock;
        }
        double s = 0;
        for (int y = 0; y < kBlock && s < best; ++y) {
          for (int x = 0; x < kBlock; ++x) {
            s += std::fabs((m[y * w + x] - mm) - (p[y * w + x] - pm));
          }
        }
        if (s < best) {
          best = s;
          *best_dx = dx;
          *best_dy = dy;
        }
      }
    }
    return best;
  };
  for (int by = 0; by < nby; ++by) {
    for (int bx = 0; bx < nbx; ++bx) {
      const int x0 = ox + bx * kBlock, y0 = oy + by * kBlock;
      int dx, dy;
      ea.push_back(static_cast<int>(search(a, false, x0, y0, &dx, &dy)));
      eb.push_back(static_cast<int>(search(b, false, x0, y0, &dx, &dy)));
      // The blend of the two ends, each moved by its own motion.
      int adx, ady, bdx, bdy;
      search(a, true, x0, y0, &adx, &ady);
      search(b, true, x0, y0, &bdx, &bdy);
      const std::uint8_t* m = mid + static_cast<std::size_t>(y0) * w + x0;
      const std::uint8_t* pa = a + static_cast<std::size_t>(y0 + ady) * w + (x0 + adx);
      const std::uint8_t* pb = b + static_cast<std::size_t>(y0 + bdy) * w + (x0 + bdx);
      double s = 0;
      for (int y = 0; y < kBlock; ++y) {
        for (int x = 0; x < kBlock; ++x) {
          const std::size_t k = static_cast<std::size_t>(y) * w + x;
          s += std::fabs(m[k] - ((1 - alpha) * pa[k] + alpha * pb[k]));
        }
      }
      ebl.push_back(static_cast<int>(std::lround(s)));
    }
  }
  auto robust = [](std::vector<int>& v) {
    std::sort(v.begin(), v.end());
    const std::size_t keep = std::max<std::size_t>(1, (v.size() * 3 + 3) / 4);
    double s = 0;
    for (std::size_t i = 0; i < keep; ++i) s += v[i];
    return s / (static_cast<double>(keep) * kBlock * kBlock);
  };
  int superposed = 0;
  for (std::size_t k = 0; k < ebl.size(); ++k) {
    const int ends = std::min(ea[k], eb[k]);
    if (ends >= 3 * kBlock * kBlock && ebl[k] <= 0.6 * ends) ++superposed;
  }
  out.superposed = ebl.empty() ? 0 : static_cast<double>(superposed) / ebl.size();
  out.from_a = robust(ea);
  out.from_b = robust(eb);
  out.blend = robust(ebl);
  return out;
}

// The ends of a dissolve between two shots differ in structure over most blocks.
constexpr double kMinStructureChange = 0.5;

// The fraction of 8 × 8 blocks (on w × h pictures) where `a` and `b` differ by at least 3 levels
// per pixel once each block's mean is removed: a change of structure, not of brightness.
double StructureChangeFraction(const std::uint8_t* a, const std::uint8_t* b, int w, int h) {
  const int nbx = w / kBlock, nby = h / kBlock;
  if (nbx == 0 || nby == 0) return 1.0;
  const int ox = (w - nbx * kBlock) / 2, oy = (h - nby * kBlock) / 2;
  int changed = 0;
  for (int by = 0; by < nby; ++by) {
    for (int bx = 0; bx < nbx; ++bx) {
      const std::size_t o = static_cast<std::size_t>(oy + by * kBlock) * w + ox + bx * kBlock;
      int sum_a = 0, sum_b = 0;
      for (int y = 0; y < kBlock; ++y) {
        for (int x = 0; x < kBlock; ++x) {
          sum_a += a[o + static_cast<std::size_t>(y) * w + x];
          sum_b += b[o + static_cast<std::size_t>(y) * w + x];
        }
      }
      const double shift = static_cast<double>(sum_a - sum_b) / (kBlock * kBlock);
      double s = 0;
      for (int y = 0; y < kBlock; ++y) {
        for (int x = 0; x < kBlock; ++x) {
          const std::size_t k = o + static_cast<std::size_t>(y) * w + x;
          s += std::fabs(a[k] - b[k] - shift);
        }
      }
      if (s >= 3.0 * kBlock * kBlock) ++changed;
    }
  }
  return static_cast<double>(changed) / (nbx * nby);
}

// Least-squares fit of a ramp (0 up to t[s], linear in time, 1 from t[e]) to alpha: the indices
// s < e of the ramp's ends; returns the RMS misfit.
double FitRamp(const std::vector<double>& t, const std::vector<double>& alpha, int* s_out,
               int* e_out) {
  const int n = static_cast<int>(alpha.size());
  // Prefix sums: squared misfit of the flat parts, and the sums that expand
  // sum (a - (t - ts) / D)^2 over the ramp.
  std::vector<double> sq0(n + 1, 0), sq1(n + 1, 0), pa(n + 1, 0), pat(n + 1, 0), pt(n + 1, 0),
      ptt(n + 1, 0);
  for (int j = 0; j < n; ++j) {
    sq0[j + 1] = sq0[j] + alpha[j] * alpha[j];
    sq1[j + 1] = sq1[j] + (alpha[j] - 1) * (alpha[j] - 1);
    pa[j + 1] = pa[j] + alpha[j];
    pat[j + 1] = pat[j] + alpha[j] * t[j];
    pt[j + 1] = pt[j] + t[j];
    ptt[j + 1] = ptt[j] + t[j] * t[j];
  }
  double best = 1e300;
  int bs = 0, be = std::max(1, n - 1);
  for (int s = 0; s < n; ++s) {
    for (int e = s + 1; e < n; ++e) {
      const double ts = t[s], d = t[e] - t[s];
      if (d <= 0) continue;
      const int lo = s + 1, hi = e;  // frames on the ramp: [lo, hi)
      const double cnt = hi - lo;
      const double sa2 = sq0[hi] - sq0[lo];
      const double sat = (pat[hi] - pat[lo]) - ts * (pa[hi] - pa[lo]);
      const double stt = (ptt[hi] - ptt[lo]) - 2 * ts * (pt[hi] - pt[lo]) + cnt * ts * ts;
      const double cost = sq0[s + 1] + (sa2 - 2 * sat / d + stt / (d * d)) + (sq1[n] - sq1[e]);
      if (cost < best) {
        best = cost;
        bs = s;
        be = e;
      }
    }
  }
  *s_out = bs;
  *e_out = be;
  return n > 0 ? std::sqrt(std::max(0.0, best) / n) : 0.0;
}

}  // namespace

// Tests the windows ending at the newest frame for the dissolve model.
void ShotDetector::TestWindows() {
  const std::int64_t b = static_cast<std::int64_t>(frames_.size()) - 1;
  const std::int64_t oldest = b - static_cast<std::int64_t>(recent_.size()) + 1;
  for (int w : scales_) {
    const std::int64_t a = b - 2 * w;
    if (a < oldest) break;
    float residual = -1;
    if (TestWindow(a, b, &residual)) windows_.push_back({a, b, residual});
  }
}

// Frames a..b fit F(j) = (1 − α(j)) F(a) + α(j) F(b), the ends differ in structure, and the
// middle frame is a superposition (better explained by the blend than by either end moved).
bool ShotDetector::TestWindow(std::int64_t a, std::int64_t b, float* residual) {
  const bool ma = IsMono(a), mb = IsMono(b);
  if (ma && mb) return false;
  const Picture& pa = Recent(a);
  const Picture& pb = Recent(b);
  const int p = mid_w_ * mid_h_;
  // Ends: enough change, and different structure unless one end is a single colour.
  double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0, d2 = 0;
  for (int k = 0; k < p; ++k) {
    const double x = pa.mid[k], y = pb.mid[k];
    sa += x;
    sb += y;
    saa += x * x;
    sbb += y * y;
    sab += x * y;
    d2 += (x - y) * (x - y);
  }
  if (std::sqrt(d2 / p) < options_.min_blend_change) return false;
  if (!ma && !mb) {
    const double va = saa - sa * sa / p, vb = sbb - sb * sb / p, cab = sab - sa * sb / p;
    if (va > 1e-9 && vb > 1e-9 && cab / std::sqrt(va * vb) > options_.max_end_correlation) {
      return false;
    }
    // ... over much of the picture: on a featureless picture the correlation is mostly noise, and
    // a brightness drift with an object leaving (a car driving out of an overhead view) would pass.
    if (StructureChangeFraction(Recent(a).pixels.data(), Recent(b).pixels.data(), work_w_,
                                work_h_) < kMinStructureChange) {
      return false;
    }
    // One-colour frames in the middle belong to a fade out and a fade in, tested separately.
    for (std::int64_t j = a + 1; j < b; ++j) {
      if (IsMono(j)) return false;
    }
  }
  alpha_.clear();
  // Blend fit on the mid pictures.
  float worst = 0;
  std::int64_t middle = -1;
  double middle_alpha = 0, middle_gap = 2;
  for (std::int64_t j = a + 1; j < b; ++j) {
    const std::vector<float>& fj = Recent(j).mid;
    double dot = 0;
    for (int k = 0; k < p; ++k) dot += (fj[k] - pa.mid[k]) * (pb.mid[k] - pa.mid[k]);
    const double al = dot / d2;
    if (al < -0.25 || al > 1.25) return false;
    double r2 = 0;
    for (int k = 0; k < p; ++k) {
      const double r = (fj[k] - pa.mid[k]) - al * (pb.mid[k] - pa.mid[k]);
      r2 += r * r;
    }
    worst = std::max(worst, static_cast<float>(std::sqrt(r2 / d2)));
    alpha_.push_back(al);
    if (worst > options_.max_blend_residual) return false;
    if (std::fabs(al - 0.5) < middle_gap) {
      middle_gap = std::fabs(al - 0.5);
      middle = j;
      middle_alpha = al;
    }
  }
  if (middle < 0) return false;
  // Alpha must rise as a ramp, linear in time (a dissolve or fade); motion too fast to follow
  // gives curves and plateaus.
  {
    std::vector<double> al{0.0}, t{frames_[static_cast<std::size_t>(a)].t};
    for (std::int64_t j = a + 1; j < b; ++j) {
      al.push_back(alpha_[static_cast<std::size_t>(j - a - 1)]);
      t.push_back(frames_[static_cast<std::size_t>(j)].t);
    }
    al.push_back(1.0);
    t.push_back(frames_[static_cast<std::size_t>(b)].t);
    int rs, re;
    const double misfit = FitRamp(t, al, &rs, &re);
    if (misfit > options_.max_ramp_misfit) return false;
  }
  // The middle frame on the working picture: blend error against motion-compensated prediction
  // from either end. Motion (of the camera or in the scene) is predicted well from one end; a
  // superposition of two pictures is not.
  const Picture& pm = Recent(middle);
  const Superposition sp =
      SuperpositionErrors(pa.pixels.data(), pb.pixels.data(), pm.pixels.data(), work_w_, work_h_,
                          middle_alpha, options_.search_radius);
  // The middle frame must be poorly predicted from either end (else it is that end, moved).
  const double floor = std::max(2.0, 0.15 * pm.contrast);
  if (std::min(sp.from_a, sp.from_b) < floor) return false;
  if (sp.blend > options_.max_superposition_ratio * std::min(sp.from_a, sp.from_b)) return false;
  // ... over most of the picture (an object moving over a still background is not a dissolve).
  if (sp.superposed < 0.5) return false;
  *residual = worst;
  return true;
}

void ShotDetector::FindGradual(std::vector<Transition>* out) const {
  std::vector<Window> windows = windows_;
  if (windows.empty()) return;
  const int p = thumb_w_ * thumb_h_;
  // Alpha of frames a..b on the thumbnails, against the frames ra and rb.
  auto alphas = [&](std::int64_t a, std::int64_t b, std::vector<double>* alpha,
                    std::vector<double>* t, std::int64_t ra, std::int64_t rb) {
    const auto& fa = frames_[static_cast<std::size_t>(ra)].thumb;
    const auto& fb = frames_[static_cast<std::size_t>(rb)].thumb;
    double d2 = 0;
    for (int k = 0; k < p; ++k) d2 += (fb[k] - fa[k]) * (fb[k] - fa[k]);
    alpha->clear();
    t->clear();
    for (std::int64_t j = a; j <= b; ++j) {
      const FrameFeatures& fj = frames_[static_cast<std::size_t>(j)];
      double dot = 0;
      for (int k = 0; k < p; ++k) dot += (fj.thumb[k] - fa[k]) * (fb[k] - fa[k]);
      alpha->push_back(d2 > 0 ? dot / d2 : 0);
      t->push_back(fj.t);
    }
  };

  // Greedily, the longest window (ties: the best fitting) gives a transition by fitting a ramp
  // to alpha over it; windows overlapping that transition are then spent.
  std::sort(windows.begin(), windows.end(), [](const Window& x, const Window& y) {
    return x.b - x.a > y.b - y.a || (x.b - x.a == y.b - y.a && x.residual < y.residual);
  });
  std::vector<bool> spent(windows.size(), false);
  for (std::size_t k = 0; k < windows.size(); ++k) {
    if (spent[k]) continue;
    const Window* best = &windows[k];
    std::vector<double> alpha, t;
    alphas(best->a, best->b, &alpha, &t, best->a, best->b);
    int rs, re;
    FitRamp(t, alpha, &rs, &re);
    std::int64_t s = best->a + rs, e = best->a + re;
    // The window's ends can lie far from the transition; the pictures' own change between an end
    // and the transition then drifts alpha and the fitted ramp stretches over it. Refit with the
    // ramp's own ends as references (a few frames of margin), until it stops moving.
    for (int iter = 0; iter < 4 && e - s > 1; ++iter) {
      const std::int64_t margin = std::max<std::int64_t>(3, (e - s) / 4);
      const std::int64_t a2 = std::max(best->a, s - margin), b2 = std::min(best->b, e + margin);
      alphas(a2, b2, &alpha, &t, s, e);
      FitRamp(t, alpha, &rs, &re);
      const std::int64_t s2 = a2 + rs, e2 = a2 + re;
      if (s2 == s && e2 == e) break;
      s = s2;
      e = e2;
    }
    Transition tr;
    if (e - s <= 1) {
      // A step: a cut the cut test missed (kept as a gradual piece until the merging is done).
      tr.kind = TransitionKind::kDissolve;
      tr.start_frame = tr.end_frame = e;
    } else {
      tr.kind = IsMono(s) || IsMono(e) ? TransitionKind::kFade : TransitionKind::kDissolve;
      tr.start_frame = s + 1;
      tr.end_frame = e;
    }
    out->push_back(tr);
    for (std::size_t m = k; m < windows.size(); ++m) {
      if (windows[m].a < std::max(e, s + 1) && windows[m].b > s) spent[m] = true;
    }
  }
}

}  // namespace sightline::signals::visual
