#include "analysis/scene/matcher.h"

#include "analysis/scene/overlay.h"

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

// Tentative matches between pooled features (a picture's own keypoints and those of its
// affine-simulated views, affine.h). One place appears in several views with similar descriptors,
// so the plain ratio test would compare a point with its own twin and reject it; here the second
// neighbour is the best one lying more than `radius` pixels from the first (a different place in
// the picture), and "mutual" means that the first neighbour's own best lies within `radius` of
// the point. Duplicates (an end within `dedupe` pixels of an end of a better match) are dropped,
// so that one correspondence seen in several views counts once.
std::vector<IndexPair> PooledRatioMatches(const SceneFeatures& a, const SceneFeatures& b,
                                          double ratio, double radius, double dedupe) {
  std::vector<IndexPair> out;
  if (a.descriptors.rows < 2 || b.descriptors.rows < 2) return out;
  // One matrix of squared distances (cv::batchDistance is vectorised; cv::gemm is several times
  // slower here).
  cv::Mat dist;
  cv::batchDistance(a.descriptors, b.descriptors, dist, CV_32F, cv::noArray(), cv::NORM_L2SQR);
  const std::vector<ScoredPair> found = SpacedRatioPairs(a, b, dist, {}, ratio, radius);
  const float d2 = static_cast<float>(dedupe * dedupe);
  for (const ScoredPair& f : found) {
    bool duplicate = false;
    for (const IndexPair& k : out) {
      const Keypoint &pa = a.keypoints[f.a], &qa = a.keypoints[k.a];
      const Keypoint &pb = b.keypoints[f.b], &qb = b.keypoints[k.b];
      const float da2 = (pa.x - qa.x) * (pa.x - qa.x) + (pa.y - qa.y) * (pa.y - qa.y);
      const float db2 = (pb.x - qb.x) * (pb.x - qb.x) + (pb.y - qb.y) * (pb.y - qb.y);
      if (da2 < d2 || db2 < d2) {
        duplicate = true;
        break;
      }
    }
    if (!duplicate) out.push_back({f.a, f.b});
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
// points that only agreed with dropped ones go too. With each match's turn and zoom (`pose`, the
// keypoints' orientation difference and size ratio), a neighbour also counts only when it turned
// and zoomed alike (Lowe 2004's pose consistency, applied locally so that wide-angle pictures
// whose rotation varies across the frame keep it).
struct Pose {
  const std::vector<float>* turn = nullptr;  // degrees
  const std::vector<float>* zoom = nullptr;  // log2 of the size ratio
  double max_turn = 0, max_zoom = 0;         // degrees, log2
};

std::vector<int> SemiLocalFilter(const std::vector<cv::Point2f>& pa,
                                 const std::vector<cv::Point2f>& pb, std::vector<int> alive,
                                 const Pose& pose) {
  constexpr int kNeighbours = 5;
  constexpr int kNeed = 2;
  const bool with_pose =
      pose.turn && pose.zoom && pose.turn->size() == pa.size() && pose.zoom->size() == pa.size();
  auto alike = [&](int i, int j) {
    if (!with_pose) return true;
    const double dt = std::remainder((*pose.turn)[i] - (*pose.turn)[j], 360.0);
    const double dz = (*pose.zoom)[i] - (*pose.zoom)[j];
    return std::abs(dt) <= pose.max_turn && std::abs(dz) <= pose.max_zoom;
  };
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
      const int agree = static_cast<int>(
          std::count_if(both.begin(), both.end(), [&](int j) { return alike(i, j); }));
      if (agree >= kNeed) kept.push_back(i);
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
  cv::Mat matrix;            // 3 x 3, CV_64F
};

ModelFit FitModel(SceneModel model, const std::vector<cv::Point2f>& pa,
                  const std::vector<cv::Point2f>& pb, double threshold, const Pose& pose,
                  const MatchOptions& o) {
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
  m.convertTo(fit.matrix, CV_64F);
  for (size_t i = 0; i < mask.size(); ++i)
    if (mask[i]) fit.inliers.push_back(static_cast<int>(i));
  fit.inliers = SemiLocalFilter(pa, pb, std::move(fit.inliers), pose);
  return fit;
}

double SizeFactor(const Correspondences& c) {
  return ToleranceScale(std::max(c.a_width, c.a_height), std::max(c.b_width, c.b_height));
}

}  // namespace

double ToleranceScale(int a_long_side, int b_long_side) {
  const double larger = std::max(a_long_side, b_long_side) / 1024.0;
  const double smaller = std::min(a_long_side, b_long_side) / 1024.0;
  return std::clamp(larger, 0.5, 1.0) * std::clamp(smaller, 1.0, 2.0);
}

std::vector<ScoredPair> SpacedRatioPairs(const SceneFeatures& a, const SceneFeatures& b,
                                         const cv::Mat& dist,
                                         const std::vector<unsigned char>& allowed, double ratio,
                                         double radius) {
  const int na = dist.rows, nb = dist.cols;
  const float r2 = static_cast<float>(radius * radius);
  auto far = [r2](const Keypoint& p, const Keypoint& q) {
    const float dx = p.x - q.x, dy = p.y - q.y;
    return dx * dx + dy * dy > r2;
  };
  auto ok_row = [&](int i) {
    return allowed.empty() ? nullptr : allowed.data() + static_cast<std::size_t>(i) * nb;
  };
  constexpr float kFar = std::numeric_limits<float>::max();
  // Rows (A -> B): nearest, then the nearest far from it. Columns (B -> A): nearest per column.
  std::vector<int> row_best(na, -1), col_best(nb, -1);
  std::vector<float> row1(na, kFar), row2(na, kFar), col1(nb, kFar), col2(nb, kFar);
  for (int i = 0; i < na; ++i) {
    const float* d = dist.ptr<float>(i);
    const unsigned char* ok = ok_row(i);
    for (int j = 0; j < nb; ++j) {
      if (ok && !ok[j]) continue;
      if (d[j] < row1[i]) {
        row1[i] = d[j];
        row_best[i] = j;
      }
      if (d[j] < col1[j]) {
        col1[j] = d[j];
        col_best[j] = i;
      }
    }
  }
  for (int i = 0; i < na; ++i) {
    const float* d = dist.ptr<float>(i);
    const unsigned char* ok = ok_row(i);
    for (int j = 0; j < nb; ++j) {
      if (ok && !ok[j]) continue;
      if (row_best[i] >= 0 && d[j] < row2[i] && far(b.keypoints[j], b.keypoints[row_best[i]]))
        row2[i] = d[j];
      if (col_best[j] >= 0 && d[j] < col2[j] && far(a.keypoints[i], a.keypoints[col_best[j]]))
        col2[j] = d[j];
    }
  }
  const float ratio2 = static_cast<float>(ratio * ratio);
  std::vector<ScoredPair> found;
  for (int i = 0; i < na; ++i) {
    const int j = row_best[i];
    if (j < 0 || col_best[j] < 0 || far(a.keypoints[i], a.keypoints[col_best[j]])) continue;
    // Without any second neighbour far away the test passes (row2 stays kFar).
    if (!(row1[i] < ratio2 * row2[i]) || !(col1[j] < ratio2 * col2[j])) continue;
    found.push_back({i, j, row1[i]});
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const ScoredPair& x, const ScoredPair& y) { return x.d < y.d; });
  return found;
}

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

Correspondences NoCorrespondences(const SceneFeatures& a, const SceneFeatures& b) {
  Correspondences c;
  c.a_width = a.width;
  c.a_height = a.height;
  c.b_width = b.width;
  c.b_height = b.height;
  return c;
}

Correspondences TentativeCorrespondences(const SceneFeatures& a, const SceneFeatures& b,
                                         const MatchOptions& o) {
  Correspondences c = NoCorrespondences(a, b);
  constexpr int kMinFeatures = 8;
  if (static_cast<int>(a.keypoints.size()) < kMinFeatures ||
      static_cast<int>(b.keypoints.size()) < kMinFeatures) {
    c.problem = "too few features to compare (" + std::to_string(a.keypoints.size()) + " and " +
                std::to_string(b.keypoints.size()) +
                "): a picture without texture (sky, a dark or blank frame) or too small";
    return c;
  }
  const double size_factor = SizeFactor(c);
  auto pooled = [](const SceneFeatures& f) {
    return std::any_of(f.keypoints.begin(), f.keypoints.end(),
                       [](const Keypoint& k) { return k.view != 0; });
  };
  const std::vector<IndexPair> tentative =
      pooled(a) || pooled(b) ? PooledRatioMatches(a, b, o.ratio, o.pooled_radius_px * size_factor,
                                                  o.pooled_dedupe_px * size_factor)
                             : MutualRatioMatches(a.descriptors, b.descriptors, o.ratio);
  for (const IndexPair& m : tentative) {
    c.a.push_back({a.keypoints[m.a].x, a.keypoints[m.a].y});
    c.b.push_back({b.keypoints[m.b].x, b.keypoints[m.b].y});
  }
  DropOverlayMatches(c, a, b, o);
  return c;
}

void MergeCorrespondences(Correspondences& to, const Correspondences& more, const MatchOptions& o) {
  if (to.a_width == 0) {
    to.a_width = more.a_width;
    to.a_height = more.a_height;
    to.b_width = more.b_width;
    to.b_height = more.b_height;
  }
  if (more.a_width != to.a_width || more.a_height != to.a_height || more.b_width != to.b_width ||
      more.b_height != to.b_height)
    return;
  const float d = static_cast<float>(o.pooled_dedupe_px * SizeFactor(to));
  const float d2 = d * d;
  auto near = [d2](const cv::Point2f& p, const cv::Point2f& q) {
    return (p.x - q.x) * (p.x - q.x) + (p.y - q.y) * (p.y - q.y) < d2;
  };
  const size_t had = to.a.size();
  // The matches' turn and zoom are kept when both sides have them.
  const bool with_pose = to.turn.size() == had && to.zoom.size() == had &&
                         more.turn.size() == more.a.size() && more.zoom.size() == more.a.size();
  for (size_t k = 0; k < more.a.size(); ++k) {
    bool duplicate = false;
    for (size_t i = 0; i < had && !duplicate; ++i)
      duplicate = near(more.a[k], to.a[i]) || near(more.b[k], to.b[i]);
    if (duplicate) continue;
    to.a.push_back(more.a[k]);
    to.b.push_back(more.b[k]);
    if (with_pose) {
      to.turn.push_back(more.turn[k]);
      to.zoom.push_back(more.zoom[k]);
    }
  }
  to.overlay_a.insert(to.overlay_a.end(), more.overlay_a.begin(), more.overlay_a.end());
  to.overlay_b.insert(to.overlay_b.end(), more.overlay_b.begin(), more.overlay_b.end());
  to.overlay_removed += more.overlay_removed;
  if (!with_pose) {
    to.turn.clear();
    to.zoom.clear();
  }
}

SceneMatch MatchFeatures(const SceneFeatures& a, const SceneFeatures& b, const MatchOptions& o) {
  return MatchCorrespondences(TentativeCorrespondences(a, b, o), o);
}

SceneMatch MatchCorrespondences(const Correspondences& c, const MatchOptions& o) {
  SceneMatch r;
  if (!c.problem.empty()) {
    r.reason = c.problem;
    return r;
  }
  const double size_factor = SizeFactor(c);
  const std::vector<cv::Point2f>& pa = c.a;
  const std::vector<cv::Point2f>& pb = c.b;
  r.tentative = static_cast<int>(pa.size());
  // A model is fitted only when enough tentative matches exist for it to pass its gate (inliers
  // are a subset of them): unrelated pictures are rejected without thousands of MAGSAC rounds.
  ModelFit h, f;
  const Pose pose{&c.turn, &c.zoom, o.guided_turn_deg, std::log2(std::max(1.0, o.guided_zoom))};
  if (r.tentative >= o.min_inliers_homography)
    h = FitModel(SceneModel::kHomography, pa, pb, o.homography_px * size_factor, pose, o);
  if (r.tentative >= o.min_inliers_fundamental)
    f = FitModel(SceneModel::kFundamental, pa, pb, o.fundamental_px * size_factor, pose, o);
  // The homography is the stronger constraint; take it unless the fundamental matrix explains
  // clearly more (a 3D scene with parallax).
  const ModelFit& best =
      (h.model != SceneModel::kNone && h.inliers.size() * 10 >= f.inliers.size() * 7) ? h : f;
  r.model = best.inliers.empty() ? SceneModel::kNone : best.model;
  r.inliers = static_cast<int>(best.inliers.size());
  if (r.model != SceneModel::kNone && best.matrix.rows == 3 && best.matrix.cols == 3)
    r.geometry = best.matrix;
  std::vector<cv::Point2f> ua, ub;
  const double near2 = std::pow(o.coverage_neighbour_px * size_factor, 2);
  auto supported = [&](int i) {
    if (o.coverage_neighbour_px <= 0) return true;
    for (int j : best.inliers) {
      if (j == i) continue;
      const cv::Point2f da = pa[j] - pa[i], db = pb[j] - pb[i];
      if (da.dot(da) < near2 && db.dot(db) < near2) return true;
    }
    return false;
  };
  for (int i : best.inliers) {
    PointPair p;
    p.ax = pa[i].x / c.a_width;
    p.ay = pa[i].y / c.a_height;
    p.bx = pb[i].x / c.b_width;
    p.by = pb[i].y / c.b_height;
    r.pairs.push_back(p);
    if (!supported(i)) continue;
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
  if (c.overlay_removed > 0)
    r.reason += "; " + std::to_string(c.overlay_removed) +
                " matches were taken for a burned-in overlay (graphics that stay in place in both "
                "pictures: a logo, a caption, a timestamp) and left out";
  return r;
}

}  // namespace sightline::analysis::scene
