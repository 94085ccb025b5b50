// Plane geometry for matching: maps between the normalised frame coordinates of two clips
// (0..1 on each axis, x to the right, y down) as 3 × 3 homographies. A match hypothesis carries
// one such map from clip A's frame to clip B's: the identity for a plain copy, a dihedral symmetry
// between content boxes (mirror, rotation, bars), or a general homography found from local
// features (crop, picture-in-picture, a screen filmed at an angle).
#ifndef SIGHTLINE_ANALYSIS_MATCH_GEOMETRY_H_
#define SIGHTLINE_ANALYSIS_MATCH_GEOMETRY_H_

#include <array>

#include "signals/visual/match_signature.h"

namespace sightline::analysis::match {

struct Point2 {
  double x = 0, y = 0;
};

struct Homography {
  std::array<double, 9> m{1, 0, 0, 0, 1, 0, 0, 0, 1};  // row-major

  // Maps p; false when p maps to infinity (behind the horizon of a perspective map).
  bool Apply(Point2 p, Point2* out) const;
  Homography Inverse() const;
  // this ∘ other: first `other`, then this.
  Homography After(const Homography& other) const;
  double Determinant2x2() const { return m[0] * m[4] - m[1] * m[3]; }
  static Homography Scale(double sx, double sy, double tx = 0, double ty = 0);
};

// The map of the unit square that turns a picture into its PdqDihedral variant `d` (so that a
// clip B whose hashes match A's variant d shows A's picture moved by this map).
Homography DihedralMap(int d);
// Whether variant d is a mirror image (an odd symmetry).
bool DihedralMirrors(int d);
// Unit square → the box, and back.
Homography UnitToBox(const signals::visual::NormBox& box);
Homography BoxToUnit(const signals::visual::NormBox& box);

// How far apart two maps put the corners of the unit square (largest corner distance, in
// normalised units); infinite when either fails on a corner.
double CornerDistance(const Homography& a, const Homography& b);

// Whether a map is a plausible edit: preserves orientation (no mirror), scales area by a factor
// within [min_area, max_area], and bends parallel lines only slightly (a filmed screen).
bool PlausibleEdit(const Homography& h, double min_area, double max_area);

}  // namespace sightline::analysis::match

#endif  // SIGHTLINE_ANALYSIS_MATCH_GEOMETRY_H_
