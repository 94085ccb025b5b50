#include "analysis/match/verify.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace sightline::analysis::match {

namespace sv = signals::visual;

namespace {

Tap MakeTap(double u, double v, int w, int h) {
  // Pixel centres at (i + 0.5) / w.
  double x = std::clamp(u * w - 0.5, 0.0, w - 1.0);
  double y = std::clamp(v * h - 0.5, 0.0, h - 1.0);
  int x0 = static_cast<int>(x), y0 = static_cast<int>(y);
  Tap t;
  t.offset = y0 * w + x0;
  t.dx = x0 + 1 < w ? 1 : 0;
  t.dy = y0 + 1 < h ? w : 0;
  t.fx = static_cast<float>(x - x0);
  t.fy = static_cast<float>(y - y0);
  return t;
}

inline float Sample(const std::uint8_t* img, const Tap& t) {
  const std::uint8_t* p = img + t.offset;
  float top = p[0] + t.fx * (p[t.dx] - p[0]);
  float bottom = p[t.dy] + t.fx * (p[t.dy + t.dx] - p[t.dy]);
  return top + t.fy * (bottom - top);
}

bool Inside(const sv::NormBox& b, Point2 p, double margin) {
  return p.x >= b.x0 - margin && p.x <= b.x1 + margin && p.y >= b.y0 - margin &&
         p.y <= b.y1 + margin;
}

}  // namespace

AlignedSampler::AlignedSampler(const sv::MatchSignature& a, const sv::MatchSignature& b,
                               const Homography& a_to_b, int grid)
    : a_(a), b_(b) {
  if (a.frames.empty() || b.frames.empty() || a.thumb_w <= 0 || b.thumb_w <= 0) return;
  const sv::NormBox box_a = a.frames[a.frames.size() / 2].box;
  const sv::NormBox box_b = b.frames[b.frames.size() / 2].box;
  // Grid aspect follows A's content box in pixels.
  const double wa = (box_a.x1 - box_a.x0) * a.width, ha = (box_a.y1 - box_a.y0) * a.height;
  int gx = grid, gy = grid;
  if (wa > ha) {
    gy = std::clamp(static_cast<int>(std::lround(grid * ha / wa)), 8, grid);
  } else {
    gx = std::clamp(static_cast<int>(std::lround(grid * wa / ha)), 8, grid);
  }
  int total = 0, kept = 0;
  for (int y = 0; y < gy; ++y) {
    for (int x = 0; x < gx; ++x) {
      ++total;
      Point2 pa{box_a.x0 + (x + 0.5) / gx * (box_a.x1 - box_a.x0),
                box_a.y0 + (y + 0.5) / gy * (box_a.y1 - box_a.y0)};
      Point2 pb;
      if (!a_to_b.Apply(pa, &pb) || !Inside(box_b, pb, 0.0)) continue;
      ++kept;
      cell_.push_back((y / 2) * ((gx + 1) / 2) + x / 2);
      ta_.push_back(MakeTap(pa.x, pa.y, a.thumb_w, a.thumb_h));
      tb_.push_back(MakeTap(pb.x, pb.y, b.thumb_w, b.thumb_h));
    }
  }
  coverage_ = total ? static_cast<double>(kept) / total : 0;
  cells_ = ((gx + 1) / 2) * ((gy + 1) / 2);
  // Area of A's box mapped into B (shoelace over the mapped corners), clipped crudely to 1.
  Point2 c[4];
  const Point2 in[4] = {
      {box_a.x0, box_a.y0}, {box_a.x1, box_a.y0}, {box_a.x1, box_a.y1}, {box_a.x0, box_a.y1}};
  bool ok = true;
  for (int i = 0; i < 4; ++i) ok = ok && a_to_b.Apply(in[i], &c[i]);
  if (ok) {
    double area = 0;
    for (int i = 0; i < 4; ++i) area += c[i].x * c[(i + 1) % 4].y - c[(i + 1) % 4].x * c[i].y;
    b_area_ = std::min(1.0, std::abs(area) / 2);
  }
  tmp_.resize(ta_.size());
}

void AlignedSampler::SampleA(int frame, float* out) const {
  const std::uint8_t* img = a_.Thumb(static_cast<std::size_t>(frame));
  for (std::size_t k = 0; k < ta_.size(); ++k) out[k] = Sample(img, ta_[k]);
}

void AlignedSampler::SampleBFrame(int frame, float* out) const {
  const std::uint8_t* img = b_.Thumb(static_cast<std::size_t>(frame));
  for (std::size_t k = 0; k < tb_.size(); ++k) out[k] = Sample(img, tb_[k]);
}

bool AlignedSampler::SampleB(double tb, float* out, double slack) const {
  const auto& f = b_.frames;
  if (f.empty()) return false;
  if (b_.still) {
    SampleBFrame(0, out);
    return true;
  }
  if (tb < f.front().t - slack || tb > f.back().t + slack) return false;
  auto it = std::upper_bound(f.begin(), f.end(), tb,
                             [](double t, const sv::SignatureFrame& fr) { return t < fr.t; });
  if (it == f.begin()) {
    SampleBFrame(0, out);
    return true;
  }
  if (it == f.end()) {
    SampleBFrame(static_cast<int>(f.size()) - 1, out);
    return true;
  }
  const int j1 = static_cast<int>(it - f.begin()), j0 = j1 - 1;
  const double gap = f[j1].t - f[j0].t;
  const double w = gap > 1e-9 ? (tb - f[j0].t) / gap : 0;
  if (gap > 1.0) {  // a hole in B's frames: take the nearer side rather than blend across it
    SampleBFrame(w < 0.5 ? j0 : j1, out);
    return true;
  }
  SampleBFrame(j0, out);
  SampleBFrame(j1, tmp_.data());
  const float fw = static_cast<float>(w);
  for (std::size_t k = 0; k < tb_.size(); ++k) out[k] += fw * (tmp_[k] - out[k]);
  return true;
}

double TrimmedCorrelation(const float* x, const float* y, int n, double trim, double min_std) {
  if (n < 8) return NAN;
  auto stats = [&](const std::vector<int>* keep, double* mx, double* my, double* sx, double* sy,
                   double* sxy) {
    double ax = 0, ay = 0;
    int m = 0;
    auto each = [&](auto&& f) {
      if (keep) {
        for (int k : *keep) f(k);
      } else {
        for (int k = 0; k < n; ++k) f(k);
      }
    };
    each([&](int k) {
      ax += x[k];
      ay += y[k];
      ++m;
    });
    ax /= m;
    ay /= m;
    double vx = 0, vy = 0, cxy = 0;
    each([&](int k) {
      double dx = x[k] - ax, dy = y[k] - ay;
      vx += dx * dx;
      vy += dy * dy;
      cxy += dx * dy;
    });
    *mx = ax;
    *my = ay;
    *sx = std::sqrt(vx / m);
    *sy = std::sqrt(vy / m);
    *sxy = cxy / m;
  };
  double mx, my, sx, sy, sxy;
  stats(nullptr, &mx, &my, &sx, &sy, &sxy);
  if (sx < min_std || sy < min_std) return NAN;
  if (trim <= 0) return sxy / (sx * sy);
  std::vector<std::pair<float, int>> res(n);
  for (int k = 0; k < n; ++k) {
    res[k] = {static_cast<float>(std::abs((x[k] - mx) / sx - (y[k] - my) / sy)), k};
  }
  const int keep_n = std::max(8, static_cast<int>(n * (1 - trim)));
  std::nth_element(res.begin(), res.begin() + keep_n, res.end());
  std::vector<int> keep(keep_n);
  for (int k = 0; k < keep_n; ++k) keep[k] = res[k].second;
  stats(&keep, &mx, &my, &sx, &sy, &sxy);
  if (sx < 1e-6 || sy < 1e-6) return NAN;
  return sxy / (sx * sy);
}

std::vector<LineSample> SampleLine(const AlignedSampler& sampler, const sv::MatchSignature& a,
                                   double s, double o, int first, int last) {
  std::vector<LineSample> out;
  const int n = sampler.size();
  if (n == 0) return out;
  std::vector<float> va(n), vb(n);
  first = std::max(first, 0);
  last = std::min(last, static_cast<int>(a.frames.size()) - 1);
  for (int i = first; i <= last; ++i) {
    LineSample ls;
    ls.a = i;
    ls.ta = a.frames[i].t;
    ls.tb = s * ls.ta + o;
    if (!sampler.SampleB(ls.tb, vb.data())) continue;
    sampler.SampleA(i, va.data());
    ls.sim = TrimmedCorrelation(va.data(), vb.data(), n);
    out.push_back(ls);
  }
  return out;
}

MotionStats LineMotion(const AlignedSampler& sampler, const sv::MatchSignature& a, double s,
                       double o, int first, int last, double step_s) {
  MotionStats m;
  const int n = sampler.size();
  if (n == 0) return m;
  first = std::max(first, 0);
  last = std::min(last, static_cast<int>(a.frames.size()) - 1);
  const std::vector<int>& cell = sampler.cells();
  const int nc = sampler.cell_count();
  std::vector<float> a0(n), a1(n), b0(n), b1(n);
  std::vector<double> pa(nc), pb(nc);
  std::vector<int> pn(nc);
  double sab = 0, saa = 0, sbb = 0;
  double pab = 0, paa = 0, pbb = 0;
  long count = 0;
  int j = first;
  for (int i = first; i < last; ++i) {
    const double t0 = a.frames[i].t;
    while (j <= last && a.frames[j].t < t0 + step_s * 0.9) ++j;
    if (j > last) break;
    const double t1 = a.frames[j].t;
    if (t1 - t0 > step_s * 2.5) continue;  // a hole in A's frames
    if (!sampler.SampleB(s * t0 + o, b0.data()) || !sampler.SampleB(s * t1 + o, b1.data())) {
      continue;
    }
    sampler.SampleA(i, a0.data());
    sampler.SampleA(j, a1.data());
    double ma = 0, mb = 0;
    for (int k = 0; k < n; ++k) {
      ma += a1[k] - a0[k];
      mb += b1[k] - b0[k];
    }
    ma /= n;
    mb /= n;
    std::fill(pa.begin(), pa.end(), 0.0);
    std::fill(pb.begin(), pb.end(), 0.0);
    std::fill(pn.begin(), pn.end(), 0);
    double saa1 = 0, sbb1 = 0;
    for (int k = 0; k < n; ++k) {
      const double x = a1[k] - a0[k] - ma, y = b1[k] - b0[k] - mb;
      sab += x * y;
      saa1 += x * x;
      sbb1 += y * y;
      pa[cell[k]] += x;
      pb[cell[k]] += y;
      ++pn[cell[k]];
    }
    saa += saa1;
    sbb += sbb1;
    double qab = 0, qaa = 0, qbb = 0;
    int cells_used = 0;
    for (int c = 0; c < nc; ++c) {
      if (pn[c] == 0) continue;
      ++cells_used;
      const double x = pa[c] / pn[c], y = pb[c] / pn[c];
      qab += x * y;
      qaa += x * x;
      qbb += y * y;
    }
    pab += qab;
    paa += qaa;
    pbb += qbb;
    MotionStep step;
    step.ta = t0;
    step.energy_a = std::sqrt(saa1 / n);
    step.energy_b = std::sqrt(sbb1 / n);
    step.correlation = qaa > 0 && qbb > 0 ? qab / std::sqrt(qaa * qbb) : 0;
    step.pooled_energy_a = cells_used ? std::sqrt(qaa / cells_used) : 0;
    step.pooled_energy_b = cells_used ? std::sqrt(qbb / cells_used) : 0;
    m.detail.push_back(step);
    count += n;
    ++m.steps;
  }
  if (m.steps == 0) return m;
  m.correlation = saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : 0;
  m.pooled_correlation = paa > 0 && pbb > 0 ? pab / std::sqrt(paa * pbb) : 0;
  m.energy_a = std::sqrt(saa / count);
  m.energy_b = std::sqrt(sbb / count);
  return m;
}

}  // namespace sightline::analysis::match
