#include "analysis/scene/matcher.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <opencv2/calib3d.hpp>
#include <opencv2/imgproc.hpp>

namespace sightline::analysis::scene {

const char* ModelName(SceneModel m) {
  switch (m) {
    case SceneModel::kHomography:
      return "homography";
    case SceneModel::kFundamental:
      return "fundamental";
    case SceneModel::kNone:
      break;
  }
  return "none";
}

namespace {

struct IndexPair {
  int a = 0, b = 0;
};

// Mutual nearest neighbours that pass the ratio test in both directions. One matrix of squared
// distances (cv::batchDistance, vectorised) serves both directions.
std::vector<IndexPair> MutualRatioMatches(const cv::Mat& da, const cv::Mat& db, double ratio) {
  std::vector<IndexPair> out;
  if (da.rows < 2 || db.rows < 2) return out;
  cv::Mat dist;
  cv::batchDistance(da, db, dist, CV_32F, cv::noArray(), cv::NORM_L2SQR);
  const double r2 = ratio * ratio;
  // Best and second best along rows (A -> B) and columns (B -> A).
  std::vector<int> best_b(da.rows, -1), best_a(db.rows, -1);
  constexpr float kFar = std::numeric_limits<float>::max();
  std::vector<float> row1(da.rows, kFar), row2(da.rows, kFar), col1(db.rows, kFar),
      col2(db.rows, kFar);
  for (int i = 0; i < dist.rows; ++i) {
    const float* d = dist.ptr<float>(i);
    for (int j = 0; j < dist.cols; ++j) {
      const float v = d[j];
      if (v < row1[i]) {
        row2[i] = row1[i];
        row1[i] = v;
        best_b[i] = j;
      } else if (v < row2[i]) {
        row2[i] = v;
      }
      if (v < col1[j]) {
        col2[j] = col1[j];
        col1[j] = v;
        best_a[j] = i;
      } else if (v < col2[j]) {
        col2[j] = v;
      }
    }
  }
  for (int i = 0; i < da.rows; ++i) {
    const int j = best_b[i];
    if (j < 0 || best_a[j] != i) continue;
    if (!(row1[i] < r2 * row2[i])) continue;
    if (!(col1[j] < r2 * col2[j])) continue;
    out.push_back({i, j});
  }
  return out;
}

// Indices of the `k` nearest points to point i (excluding i).
std::vector<int> Nearest(const std::vector<cv::Point2f>& pts, const std::vector<int>& alive, int i,
                         int k) {
  std::vector<std::pair<float, int>> d;
  d.reserve(alive.size());
  for (int j : alive) {
    if (j == i) continue;
    const float dx = pts[j].x - pts[i].x, dy = pts[j].y - pts[i].y;
    d.push_back({dx * dx + dy * dy, j});
  }
  const int n = std::min<int>(k, static_cast<int>(d.size()));
  std::partial_sort(d.begin(), d.begin() + n, d.end());
  std::vector<int> out(n);
  for (int t = 0; t < n; ++t) out[t] = d[t].second;
  return out;
}

// Semi-local constraint (Schmid & Mohr 1997): keeps an inlier when at least `need` of its `k`
// nearest inliers in picture A are also among its `k` nearest in picture B. Two passes, so that
// points that only agreed with dropped ones go too.
std::vector<int> SemiLocalFilter(const std::vector<cv::Point2f>& pa,
                                 const std::vector<cv::Point2f>& pb, std::vector<int> alive) {
  constexpr int kNeighbours = 5;
  constexpr int kNeed = 2;
  for (int pass = 0; pass < 2; ++pass) {
    if (static_cast<int>(alive.size()) <= kNeighbours) return {};
    std::vector<int> kept;
    for (int i : alive) {
      std::vector<int> na = Nearest(pa, alive, i, kNeighbours);
      std::vector<int> nb = Nearest(pb, alive, i, kNeighbours);
      std::sort(na.begin(), na.end());
      std::sort(nb.begin(), nb.end());
      std::vector<int> both;
      std::set_intersection(na.begin(), na.end(), nb.begin(), nb.end(), std::back_inserter(both));
      if (static_cast<int>(both.size()) >= kNeed) kept.push_back(i);
    }
    if (kept.size() == alive.size()) break;
    alive = std::move(kept);
  }
  return alive;
}

double HullFraction(const std::vector<cv::Point2f>& unit_points) {
  if (unit_points.size() < 3) return 0;
  std::vector<cv::Point2f> hull;
  cv::convexHull(unit_points, hull);
  return std::clamp(cv::contourArea(hull), 0.0, 1.0);
}

int OccupiedCells(const std::vector<cv::Point2f>& unit_points) {
  bool cell[8][8] = {};
  int n = 0;
  for (const cv::Point2f& p : unit_points) {
    const int cx = std::clamp(static_cast<int>(p.x * 8), 0, 7);
    const int cy = std::clamp(static_cast<int>(p.y * 8), 0, 7);
    if (!cell[cy][cx]) ++n;
    cell[cy][cx] = true;
  }
  return n;
}

struct ModelFit {
  SceneModel model = SceneModel::kNone;
  std::vector<int> inliers;  // indices into the tentative matches
};

ModelFit FitModel(SceneModel model, const std::vector<cv::Point2f>& pa,
                  const std::vector<cv::Point2f>& pb, double threshold, const MatchOptions& o) {
  ModelFit fit;
  const size_t min_points = model == SceneModel::kHomography ? 4 : 8;
  if (pa.size() < min_points) return fit;
  std::vector<unsigned char> mask;
  cv::Mat m;
  try {
    if (model == SceneModel::kHomography) {
      m = cv::findHomography(pa, pb, cv::USAC_MAGSAC, threshold, mask, o.iterations, o.confidence);
    } else {
      m = cv::findFundamentalMat(pa, pb, cv::USAC_MAGSAC, threshold, o.confidence, o.iterations,
                                 mask);
    }
  } catch (const cv::Exception&) {
    return fit;  // a degenerate configuration: no model
  }
  if (m.empty() || mask.size() != pa.size()) return fit;
  fit.model = model;
  for (size_t i = 0; i < mask.size(); ++i)
    if (mask[i]) fit.inliers.push_back(static_cast<int>(i));
  fit.inliers = SemiLocalFilter(pa, pb, std::move(fit.inliers));
  return fit;
}

}  // namespace

int CountTentativeMatches(const SceneFeatures& a, const SceneFeatures& b, int limit, double ratio) {
  auto strongest = [limit](const SceneFeatures& f) {
    if (f.descriptors.rows <= limit) return f.descriptors;
    std::vector<int> order(f.keypoints.size());
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + limit, order.end(), [&](int x, int y) {
      return f.keypoints[x].response > f.keypoints[y].response;
    });
    cv::Mat out(limit, f.descriptors.cols, CV_32F);
    for (int i = 0; i < limit; ++i) f.descriptors.row(order[i]).copyTo(out.row(i));
    return out;
  };
  return static_cast<int>(MutualRatioMatches(strongest(a), strongest(b), ratio).size());
}

SceneMatch MatchFeatures(const SceneFeatures& a, const SceneFeatures& b, const MatchOptions& o) {
  SceneMatch r;
  constexpr int kMinFeatures = 8;
  if (static_cast<int>(a.keypoints.size()) < kMinFeatures ||
      static_cast<int>(b.keypoints.size()) < kMinFeatures) {
    r.reason = "too few features to compare (" + std::to_string(a.keypoints.size()) + " and " +
               std::to_string(b.keypoints.size()) +
               "): a picture without texture (sky, a dark or blank frame) or too small";
    return r;
  }
  const std::vector<IndexPair> tentative =
      MutualRatioMatches(a.descriptors, b.descriptors, o.ratio);
  r.tentative = static_cast<int>(tentative.size());
  std::vector<cv::Point2f> pa, pb;
  for (const IndexPair& m : tentative) {
    pa.push_back({a.keypoints[m.a].x, a.keypoints[m.a].y});
    pb.push_back({b.keypoints[m.b].x, b.keypoints[m.b].y});
  }
  // Thresholds are set for pictures of about 1024 pixels; smaller ones get proportionally
  // smaller tolerances (down to half).
  const double size_factor =
      std::clamp(std::max({a.width, a.height, b.width, b.height}) / 1024.0, 0.5, 1.0);
  // A model is fitted only when enough tentative matches exist for it to pass its gate (inliers
  // are a subset of them): unrelated pictures are rejected without thousands of MAGSAC rounds.
  ModelFit h, f;
  if (r.tentative >= o.min_inliers_homography)
    h = FitModel(SceneModel::kHomography, pa, pb, o.homography_px * size_factor, o);
  if (r.tentative >= o.min_inliers_fundamental)
    f = FitModel(SceneModel::kFundamental, pa, pb, o.fundamental_px * size_factor, o);
  // The homography is the stronger constraint; take it unless the fundamental matrix explains
  // clearly more (a 3D scene with parallax).
  const ModelFit& best =
      (h.model != SceneModel::kNone && h.inliers.size() * 10 >= f.inliers.size() * 7) ? h : f;
  r.model = best.inliers.empty() ? SceneModel::kNone : best.model;
  r.inliers = static_cast<int>(best.inliers.size());
  std::vector<cv::Point2f> ua, ub;
  for (int i : best.inliers) {
    PointPair p;
    p.ax = pa[i].x / a.width;
    p.ay = pa[i].y / a.height;
    p.bx = pb[i].x / b.width;
    p.by = pb[i].y / b.height;
    r.pairs.push_back(p);
    ua.push_back({p.ax, p.ay});
    ub.push_back({p.bx, p.by});
  }
  r.hull_a = HullFraction(ua);
  r.hull_b = HullFraction(ub);
  r.cells_a = OccupiedCells(ua);
  r.cells_b = OccupiedCells(ub);
  const double hull_max = std::max(r.hull_a, r.hull_b);
  const double hull_min = std::min(r.hull_a, r.hull_b);
  if (r.model != SceneModel::kNone) {
    const double s_count = 1.0 - std::exp(-r.inliers / 25.0);
    const double s_spread = std::min(1.0, std::sqrt(hull_max / 0.25));
    r.score = s_count * s_spread;
  }
  const int need =
      r.model == SceneModel::kHomography ? o.min_inliers_homography : o.min_inliers_fundamental;
  char buf[256];
  if (r.tentative < std::min(o.min_inliers_homography, o.min_inliers_fundamental)) {
    std::snprintf(buf, sizeof buf,
                  "only %d tentative matches (mutual, ratio test): fewer than the %d any model "
                  "needs",
                  r.tentative, std::min(o.min_inliers_homography, o.min_inliers_fundamental));
  } else if (r.model == SceneModel::kNone || r.inliers < need) {
    std::snprintf(buf, sizeof buf,
                  "%d consistent inliers of %d tentative matches: fewer than the %d needed",
                  r.inliers, r.tentative, need);
  } else if (hull_max < o.min_hull_larger || hull_min < o.min_hull_smaller ||
             std::max(r.cells_a, r.cells_b) < o.min_cells_larger ||
             std::min(r.cells_a, r.cells_b) < o.min_cells_smaller) {
    std::snprintf(buf, sizeof buf,
                  "%d inliers, but all on one small patch (hull %.1f %% and %.1f %% of the "
                  "pictures, %d and %d cells): a shared object such as a sign, not the place",
                  r.inliers, 100 * r.hull_a, 100 * r.hull_b, r.cells_a, r.cells_b);
  } else {
    r.match = true;
    std::snprintf(buf, sizeof buf,
                  "%d inliers of %d tentative matches agree with one %s, spread over %.0f %% and "
                  "%.0f %% of the pictures",
                  r.inliers, r.tentative,
                  r.model == SceneModel::kHomography
                      ? "homography (a plane, or a turn or zoom)"
                      : "epipolar geometry (a 3D scene seen from two places)",
                  100 * r.hull_a, 100 * r.hull_b);
  }
  r.reason = buf;
  return r;
}

}  // namespace sightline::analysis::scene
