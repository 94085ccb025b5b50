#include "analysis/scene/guided.h"

#include "analysis/scene/overlay.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace sightline::analysis::scene {

namespace {

double SizeFactor(const SceneFeatures& a, const SceneFeatures& b) {
  return ToleranceScale(std::max(a.width, a.height), std::max(b.width, b.height));
}

// Which pairs (i in A, j in B) the model allows: a row-major n_a x n_b mask.
std::vector<unsigned char> Allowed(const SceneFeatures& a, const SceneFeatures& b, SceneModel model,
                                   const cv::Matx33d& g, double tolerance) {
  const size_t na = a.keypoints.size(), nb = b.keypoints.size();
  std::vector<unsigned char> ok(na * nb, 0);
  const double t2 = tolerance * tolerance;
  if (model == SceneModel::kHomography) {
    for (size_t i = 0; i < na; ++i) {
      const cv::Vec3d p = g * cv::Vec3d(a.keypoints[i].x, a.keypoints[i].y, 1);
      if (!(p[2] > 1e-12)) continue;  // maps behind the camera or to infinity
      const double x = p[0] / p[2], y = p[1] / p[2];
      for (size_t j = 0; j < nb; ++j) {
        const double dx = b.keypoints[j].x - x, dy = b.keypoints[j].y - y;
        ok[i * nb + j] = dx * dx + dy * dy < t2;
      }
    }
    return ok;
  }
  // Fundamental matrix: epipolar lines in B of A's points (F x_a) and in A of B's (F' x_b),
  // normalised so that the dot product with a point is its distance in pixels.
  auto unit_line = [](const cv::Vec3d& l) {
    const double n = std::hypot(l[0], l[1]);
    return n > 1e-12 ? cv::Vec3d(l / n) : cv::Vec3d(0, 0, 0);
  };
  std::vector<cv::Vec3d> in_b(na), in_a(nb);
  for (size_t i = 0; i < na; ++i)
    in_b[i] = unit_line(g * cv::Vec3d(a.keypoints[i].x, a.keypoints[i].y, 1));
  const cv::Matx33d gt = g.t();
  for (size_t j = 0; j < nb; ++j)
    in_a[j] = unit_line(gt * cv::Vec3d(b.keypoints[j].x, b.keypoints[j].y, 1));
  for (size_t i = 0; i < na; ++i) {
    const cv::Vec3d& l = in_b[i];
    if (l == cv::Vec3d(0, 0, 0)) continue;  // the epipole itself: no line
    const double xa = a.keypoints[i].x, ya = a.keypoints[i].y;
    for (size_t j = 0; j < nb; ++j) {
      const double db = l[0] * b.keypoints[j].x + l[1] * b.keypoints[j].y + l[2];
      if (db * db >= t2) continue;
      const cv::Vec3d& m = in_a[j];
      const double da = m[0] * xa + m[1] * ya + m[2];
      ok[i * nb + j] = (m != cv::Vec3d(0, 0, 0)) && da * da < t2;
    }
  }
  return ok;
}

}  // namespace

int DistinctPlaces(const SceneMatch& m, cv::Size a, cv::Size b, double radius_px) {
  auto radius = [radius_px](cv::Size s) {
    return radius_px * std::clamp(std::max(s.width, s.height) / 1024.0, 0.5, 2.0);
  };
  const double ra = radius(a), rb = radius(b);
  std::vector<cv::Point2d> pa, pb;  // one point per place, in pixels
  for (const PointPair& p : m.pairs) {
    const cv::Point2d qa(p.ax * a.width, p.ay * a.height), qb(p.bx * b.width, p.by * b.height);
    bool seen = false;
    for (size_t k = 0; k < pa.size() && !seen; ++k)
      seen = cv::norm(qa - pa[k]) < ra || cv::norm(qb - pb[k]) < rb;
    if (seen) continue;
    pa.push_back(qa);
    pb.push_back(qb);
  }
  return static_cast<int>(pa.size());
}

Correspondences GuidedCorrespondences(const SceneFeatures& a, const SceneFeatures& b,
                                      SceneModel model, const cv::Mat& geometry,
                                      const MatchOptions& o) {
  Correspondences c = NoCorrespondences(a, b);
  if (model == SceneModel::kNone || geometry.rows != 3 || geometry.cols != 3 ||
      a.descriptors.rows < 2 || b.descriptors.rows < 2 ||
      a.descriptors.rows != static_cast<int>(a.keypoints.size()) ||
      b.descriptors.rows != static_cast<int>(b.keypoints.size()))
    return c;
  cv::Mat g64;
  geometry.convertTo(g64, CV_64F);
  const cv::Matx33d g(g64.ptr<double>());
  const double size_factor = SizeFactor(a, b);
  const double tolerance =
      (model == SceneModel::kHomography ? o.guided_homography_px : o.guided_epipolar_px) *
      size_factor;
  const std::vector<unsigned char> allowed = Allowed(a, b, model, g, tolerance);
  cv::Mat dist;
  cv::batchDistance(a.descriptors, b.descriptors, dist, CV_32F, cv::noArray(), cv::NORM_L2SQR);
  // The second neighbour is another place in the picture (matcher.h). A point alone in its band
  // passes the ratio test (no rival): that is what guided matching is for, and the refitted model
  // with its consistency check and count gate has the last word.
  std::vector<ScoredPair> found =
      SpacedRatioPairs(a, b, dist, allowed, o.guided_ratio, o.pooled_radius_px * size_factor);
  const float max_d2 = static_cast<float>(o.guided_max_distance * o.guided_max_distance);
  std::erase_if(found, [max_d2](const ScoredPair& f) { return !(f.d < max_d2); });
  const float d2 = static_cast<float>(std::pow(o.pooled_dedupe_px * size_factor, 2));
  auto near = [d2](const cv::Point2f& p, const Keypoint& k) {
    const float dx = p.x - k.x, dy = p.y - k.y;
    return dx * dx + dy * dy < d2;
  };
  bool pose_known = true;
  for (const ScoredPair& f : found) {
    bool duplicate = false;
    for (size_t k = 0; k < c.a.size() && !duplicate; ++k)
      duplicate = near(c.a[k], a.keypoints[f.a]) || near(c.b[k], b.keypoints[f.b]);
    if (duplicate) continue;
    const Keypoint &p = a.keypoints[f.a], &q = b.keypoints[f.b];
    c.a.push_back({p.x, p.y});
    c.b.push_back({q.x, q.y});
    c.turn.push_back(q.angle - p.angle);
    c.zoom.push_back(p.size > 0 && q.size > 0 ? std::log2(q.size / p.size) : 0.f);
    // A simulated view's keypoint is oriented in its view, not in the picture: no pose then.
    pose_known = pose_known && p.view == 0 && q.view == 0;
  }
  if (!pose_known) {
    c.turn.clear();
    c.zoom.clear();
  }
  DropOverlayMatches(c, a, b, o);
  return c;
}

}  // namespace sightline::analysis::scene
