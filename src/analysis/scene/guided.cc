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

cv::Mat PlaneParallaxFundamental(const Correspondences& c, const cv::Mat& homography,
                                 double plane_px, double line_px, int min_support) {
  if (homography.rows != 3 || homography.cols != 3 || c.a.size() != c.b.size()) return {};
  cv::Mat h64;
  homography.convertTo(h64, CV_64F);
  const cv::Matx33d h(h64.ptr<double>());
  // Each off-plane match: its point in B and its transfer by the plane's homography; the epipole
  // lies on the line through both.
  struct Parallax {
    cv::Vec3d x, hx, line;
  };
  std::vector<Parallax> off;
  for (size_t k = 0; k < c.a.size(); ++k) {
    const cv::Vec3d t = h * cv::Vec3d(c.a[k].x, c.a[k].y, 1);
    if (!(std::abs(t[2]) > 1e-12)) continue;
    const cv::Vec3d hx = t / t[2], x(c.b[k].x, c.b[k].y, 1);
    if (std::hypot(x[0] - hx[0], x[1] - hx[1]) <= plane_px) continue;
    off.push_back({x, hx, x.cross(hx)});
  }
  constexpr size_t kMaxOff = 200;  // 20,000 candidate epipoles at most
  if (off.size() > kMaxOff) off.resize(kMaxOff);
  // Distance from x' to the line through the epipole and Hx: works for an epipole at infinity
  // (forward motion puts it in the picture, sideways motion far outside).
  auto supports = [line_px](const cv::Vec3d& e, const Parallax& p) {
    const cv::Vec3d m = e.cross(p.hx);
    const double n = std::hypot(m[0], m[1]);
    return n > 1e-12 && std::abs(m.dot(p.x)) / n < line_px;
  };
  int best = 0;
  cv::Vec3d best_e;
  for (size_t i = 0; i < off.size(); ++i) {
    for (size_t j = i + 1; j < off.size(); ++j) {
      cv::Vec3d e = off[i].line.cross(off[j].line);
      const double n = cv::norm(e);
      if (!(n > 1e-12)) continue;
      e /= n;
      int support = 0;
      for (const Parallax& p : off) support += supports(e, p);
      if (support > best) {
        best = support;
        best_e = e;
      }
    }
  }
  if (best < min_support) return {};
  // Refined by least squares on the lines that agree (the point nearest to all of them), then
  // on the lines that agree with that, a few times: two lines meeting at a narrow angle, or a
  // mismatch among them, put their crossing off the epipole.
  for (int round = 0; round < 3; ++round) {
    cv::Mat lines(0, 3, CV_64F);
    for (const Parallax& p : off) {
      const double n = std::hypot(p.line[0], p.line[1]);
      if (supports(best_e, p) && n > 1e-12)
        lines.push_back(cv::Mat(cv::Matx13d(p.line[0] / n, p.line[1] / n, p.line[2] / n)));
    }
    if (lines.rows < 2) break;
    cv::Mat w, u, vt;
    cv::SVDecomp(lines, w, u, vt, cv::SVD::FULL_UV);
    const cv::Vec3d refined(vt.at<double>(2, 0), vt.at<double>(2, 1), vt.at<double>(2, 2));
    int support = 0;
    for (const Parallax& p : off) support += supports(refined, p);
    if (support < min_support) break;
    best_e = refined;
  }
  const cv::Matx33d ex(0, -best_e[2], best_e[1], best_e[2], 0, -best_e[0], -best_e[1], best_e[0],
                       0);
  cv::Mat f(ex * h);
  return f / cv::norm(f);
}

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
