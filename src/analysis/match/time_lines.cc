#include "analysis/match/time_lines.h"

#include <algorithm>
#include <cmath>

namespace sightline::analysis::match {

namespace {

// A jump cut (a stretch cut out of the middle) puts the points on two parallel lines at the
// clip's own speed, and a single sloped line (a speed change) can gather both within its
// tolerance. Between the two explanations the residuals decide: when two unit-speed pieces,
// split at one time of A, fit the line's inliers with less than half the squared error of the
// sloped line, `line` becomes the heavier piece (s = 1, its inliers only) and true is returned;
// the other piece's points stay for the next line.
bool SplitAtJumpCut(const std::vector<TimePoint>& pts, int min_points, TimeLine* line) {
  if (std::abs(line->s - 1) < 0.005 || line->inliers.size() < 4) return false;
  std::vector<int> in = line->inliers;
  std::sort(in.begin(), in.end(), [&](int x, int y) { return pts[x].ta < pts[y].ta; });
  double sloped = 0;
  for (int i : in) {
    const double r = pts[i].tb - (line->s * pts[i].ta + line->o);
    sloped += pts[i].w * r * r;
  }
  // Prefix sums of w, w·d, w·d² for d = tb − ta: each piece's best offset is its weighted mean.
  const std::size_t n = in.size();
  std::vector<double> sw(n + 1), sd(n + 1), sdd(n + 1);
  std::vector<int> frames(n + 1);
  for (std::size_t k = 0; k < n; ++k) {
    const TimePoint& p = pts[in[k]];
    const double d = p.tb - p.ta;
    sw[k + 1] = sw[k] + p.w;
    sd[k + 1] = sd[k] + p.w * d;
    sdd[k + 1] = sdd[k] + p.w * d * d;
    frames[k + 1] = frames[k] + (k == 0 || pts[in[k - 1]].a != p.a);
  }
  const auto sse = [&](std::size_t from, std::size_t to, double* mean) {
    const double w = sw[to] - sw[from];
    if (w <= 0) return 0.0;
    *mean = (sd[to] - sd[from]) / w;
    return std::max(0.0, (sdd[to] - sdd[from]) - w * *mean * *mean);
  };
  double best = sloped * 0.5;
  std::size_t split = 0;
  double o_left = 0, o_right = 0;
  for (std::size_t k = 1; k < n; ++k) {
    if (pts[in[k]].ta == pts[in[k - 1]].ta) continue;
    if (frames[k] < min_points || frames[n] - frames[k] < min_points) continue;
    double ml = 0, mr = 0;
    const double e = sse(0, k, &ml) + sse(k, n, &mr);
    if (e < best && std::abs(ml - mr) >= 0.25) {
      best = e;
      split = k;
      o_left = ml;
      o_right = mr;
    }
  }
  if (split == 0) return false;
  const bool left = sw[split] >= sw[n] - sw[split];
  line->s = 1;
  line->o = left ? o_left : o_right;
  line->inliers.assign(left ? in.begin() : in.begin() + static_cast<std::ptrdiff_t>(split),
                       left ? in.begin() + static_cast<std::ptrdiff_t>(split) : in.end());
  return true;
}

}  // namespace

// Hough voting over (s, o) for tb = s·ta + o: each point votes, for every speed s on a grid of
// 0.01, for the offset bin (0.25 s) it implies; the best pair of adjacent bins wins (ties go to the
// speed nearest 1), its points are refitted by weighted least squares when they span enough time,
// and removed before the next line is looked for.
std::vector<TimeLine> HoughLines(const std::vector<TimePoint>& pts, const MatchOptions& o,
                                 int max_lines, int min_points) {
  std::vector<TimeLine> lines;
  if (pts.empty()) return lines;
  constexpr double kBin = 0.25, kTol = 0.5;
  double ta_max = 0, tb_max = 0;
  for (const TimePoint& p : pts) {
    ta_max = std::max(ta_max, p.ta);
    tb_max = std::max(tb_max, p.tb);
  }
  const double o_min = -o.max_speed * ta_max - 1, o_max = tb_max + 1;
  const int nbins = static_cast<int>((o_max - o_min) / kBin) + 3;
  std::vector<double> bins(nbins);
  std::vector<char> used(pts.size(), 0);
  const int ns = static_cast<int>(std::lround((o.max_speed - o.min_speed) / 0.01)) + 1;
  for (int li = 0; li < max_lines; ++li) {
    // Best offset per speed; the speed nearest 1 wins unless another collects clearly more votes
    // (a copy at its own speed is the common case, and short stretches cannot tell speeds apart).
    double best_votes = 0, best_s = 1, best_o = 0;
    double unit_votes = 0, unit_o = 0;
    for (int si = 0; si < ns; ++si) {
      const double s = o.min_speed + 0.01 * si;
      std::fill(bins.begin(), bins.end(), 0.0);
      for (std::size_t i = 0; i < pts.size(); ++i) {
        if (used[i]) continue;
        int b = static_cast<int>((pts[i].tb - s * pts[i].ta - o_min) / kBin);
        if (b >= 0 && b < nbins) bins[b] += pts[i].w;
      }
      double sv = 0, so = 0;
      for (int b = 0; b + 1 < nbins; ++b) {
        double v = bins[b] + bins[b + 1];
        if (v > sv + 1e-9) {
          sv = v;
          so = o_min + (b + 1) * kBin;
        }
      }
      if (std::abs(s - 1) < 0.005) {
        unit_votes = sv;
        unit_o = so;
      }
      if (sv > best_votes + 1e-9 ||
          (sv > best_votes - 1e-9 && std::abs(s - 1) < std::abs(best_s - 1))) {
        best_votes = sv;
        best_s = s;
        best_o = so;
      }
    }
    if (unit_votes > 0 && unit_votes >= 0.85 * best_votes) {
      best_votes = unit_votes;
      best_s = 1;
      best_o = unit_o;
    }
    if (best_votes <= 0) break;
    TimeLine line;
    line.s = best_s;
    line.o = best_o;
    auto collect = [&](double tol) {
      line.inliers.clear();
      for (std::size_t i = 0; i < pts.size(); ++i) {
        if (!used[i] && std::abs(pts[i].tb - (line.s * pts[i].ta + line.o)) <= tol) {
          line.inliers.push_back(static_cast<int>(i));
        }
      }
    };
    collect(kTol);
    for (int iter = 0; iter < 2; ++iter) {
      double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0, lo = 1e18, hi = -1e18;
      for (int i : line.inliers) {
        const TimePoint& p = pts[i];
        sw += p.w;
        sx += p.w * p.ta;
        sy += p.w * p.tb;
        sxx += p.w * p.ta * p.ta;
        sxy += p.w * p.ta * p.tb;
        lo = std::min(lo, p.ta);
        hi = std::max(hi, p.ta);
      }
      if (sw <= 0) break;
      const double mx = sx / sw, my = sy / sw;
      if (hi - lo >= 4.0) {
        const double var = sxx / sw - mx * mx;
        if (var > 1e-9) {
          line.s = std::clamp((sxy / sw - mx * my) / var, o.min_speed, o.max_speed);
        }
      }
      line.o = my - line.s * mx;
      collect(kTol);
    }
    SplitAtJumpCut(pts, min_points, &line);
    std::vector<int> frames;
    for (int i : line.inliers) frames.push_back(pts[i].a);
    std::sort(frames.begin(), frames.end());
    const int distinct =
        static_cast<int>(std::unique(frames.begin(), frames.end()) - frames.begin());
    for (int i : line.inliers) used[i] = 1;
    if (distinct < min_points) {
      if (line.inliers.empty()) break;
      continue;
    }
    line.votes = best_votes;
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace sightline::analysis::match
