#include "analysis/match/geometry.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace sightline::analysis::match {

bool Homography::Apply(Point2 p, Point2* out) const {
  const double w = m[6] * p.x + m[7] * p.y + m[8];
  if (!(std::abs(w) > 1e-12)) return false;
  out->x = (m[0] * p.x + m[1] * p.y + m[2]) / w;
  out->y = (m[3] * p.x + m[4] * p.y + m[5]) / w;
  return std::isfinite(out->x) && std::isfinite(out->y);
}

Homography Homography::Inverse() const {
  const auto& a = m;
  Homography r;
  double c00 = a[4] * a[8] - a[5] * a[7];
  double c01 = a[5] * a[6] - a[3] * a[8];
  double c02 = a[3] * a[7] - a[4] * a[6];
  double det = a[0] * c00 + a[1] * c01 + a[2] * c02;
  if (!(std::abs(det) > 1e-15)) {
    r.m.fill(std::numeric_limits<double>::quiet_NaN());
    return r;
  }
  double inv = 1.0 / det;
  r.m = {c00 * inv, (a[2] * a[7] - a[1] * a[8]) * inv, (a[1] * a[5] - a[2] * a[4]) * inv,
         c01 * inv, (a[0] * a[8] - a[2] * a[6]) * inv, (a[2] * a[3] - a[0] * a[5]) * inv,
         c02 * inv, (a[1] * a[6] - a[0] * a[7]) * inv, (a[0] * a[4] - a[1] * a[3]) * inv};
  return r;
}

Homography Homography::After(const Homography& o) const {
  Homography r;
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      double s = 0;
      for (int k = 0; k < 3; ++k) s += m[i * 3 + k] * o.m[k * 3 + j];
      r.m[i * 3 + j] = s;
    }
  }
  return r;
}

Homography Homography::Scale(double sx, double sy, double tx, double ty) {
  Homography h;
  h.m = {sx, 0, tx, 0, sy, ty, 0, 0, 1};
  return h;
}

// (u, v) → the position of that picture point in the variant (pdq.h's names):
//   rotate90 (counter-clockwise): (v, 1 − u); rotate180: (1 − u, 1 − v);
//   rotate270 (clockwise): (1 − v, u); flipX (top/bottom): (u, 1 − v);
//   flipY (left/right): (1 − u, v); flipPlus1 (transpose): (v, u); flipMinus1: (1 − v, 1 − u).
Homography DihedralMap(int d) {
  Homography h;
  switch (d) {
    case 1:
      h.m = {0, 1, 0, -1, 0, 1, 0, 0, 1};
      break;
    case 2:
      h.m = {-1, 0, 1, 0, -1, 1, 0, 0, 1};
      break;
    case 3:
      h.m = {0, -1, 1, 1, 0, 0, 0, 0, 1};
      break;
    case 4:
      h.m = {1, 0, 0, 0, -1, 1, 0, 0, 1};
      break;
    case 5:
      h.m = {-1, 0, 1, 0, 1, 0, 0, 0, 1};
      break;
    case 6:
      h.m = {0, 1, 0, 1, 0, 0, 0, 0, 1};
      break;
    case 7:
      h.m = {0, -1, 1, -1, 0, 1, 0, 0, 1};
      break;
    default:
      break;
  }
  return h;
}

bool DihedralMirrors(int d) { return d >= 4; }

Homography UnitToBox(const signals::visual::NormBox& b) {
  return Homography::Scale(b.x1 - b.x0, b.y1 - b.y0, b.x0, b.y0);
}

Homography BoxToUnit(const signals::visual::NormBox& b) { return UnitToBox(b).Inverse(); }

double CornerDistance(const Homography& a, const Homography& b) {
  double worst = 0;
  for (Point2 c : {Point2{0, 0}, Point2{1, 0}, Point2{0, 1}, Point2{1, 1}}) {
    Point2 p, q;
    if (!a.Apply(c, &p) || !b.Apply(c, &q)) return std::numeric_limits<double>::infinity();
    worst = std::max(worst, std::hypot(p.x - q.x, p.y - q.y));
  }
  return worst;
}

bool PlausibleEdit(const Homography& h, double min_area, double max_area) {
  // Corners of the unit square, mapped: the quadrilateral must be convex, not mirrored, of an
  // area within bounds, with opposite sides of similar length (mild perspective only).
  Point2 c[4];
  const Point2 in[4] = {{0, 0}, {1, 0}, {1, 1}, {0, 1}};
  for (int i = 0; i < 4; ++i) {
    if (!h.Apply(in[i], &c[i])) return false;
  }
  double area = 0;
  for (int i = 0; i < 4; ++i) {
    const Point2 &p = c[i], &q = c[(i + 1) % 4], &r = c[(i + 2) % 4];
    double cross = (q.x - p.x) * (r.y - q.y) - (q.y - p.y) * (r.x - q.x);
    if (cross <= 0)
      return false;  // not convex, or mirrored (the unit square runs clockwise
                     // in y-down coordinates, which is a positive cross here)
    area += p.x * q.y - q.x * p.y;
  }
  area = std::abs(area) / 2;
  if (area < min_area || area > max_area) return false;
  auto len = [&](int i, int j) { return std::hypot(c[i].x - c[j].x, c[i].y - c[j].y); };
  double top = len(0, 1), bottom = len(3, 2), left = len(0, 3), right = len(1, 2);
  if (std::min(top, bottom) < 0.6 * std::max(top, bottom)) return false;
  if (std::min(left, right) < 0.6 * std::max(left, right)) return false;
  // Aspect change: a picture is scaled, not squeezed, beyond a factor of 2.
  double aspect = (top + bottom) / std::max(1e-9, left + right);
  return aspect > 0.25 && aspect < 4;
}

}  // namespace sightline::analysis::match
