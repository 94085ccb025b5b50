#include "analysis/scene/overlay.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace sightline::analysis::scene {
namespace {

constexpr int kGrid = 8;

int Cell(float x, float y, int width, int height) {
  const int cx = std::clamp(static_cast<int>(x * kGrid / std::max(1, width)), 0, kGrid - 1);
  const int cy = std::clamp(static_cast<int>(y * kGrid / std::max(1, height)), 0, kGrid - 1);
  return cy * kGrid + cx;
}

std::array<int, kGrid * kGrid> KeypointsPerCell(const SceneFeatures& f) {
  std::array<int, kGrid * kGrid> n{};
  for (const Keypoint& k : f.keypoints) ++n[Cell(k.x, k.y, f.width, f.height)];
  return n;
}

// Whether the matches in place are a camera that did not move: they hold at least
// `overlay_max_share` of the cells (8 x 8) where either picture has texture, and at least 8 of the
// 32 cells of the middle four rows. Either picture: a frame whose only texture is the graphics
// (black, a blank wall) must not make them its whole picture. The middle rows: graphics sit in
// bands at the top and bottom and in the corners, while a scene that stayed in place fills the
// middle of the frame; a banner two cells high on two dark frames is not one camera.
bool CameraStayedPut(const Correspondences& c, const std::vector<int>& in_place,
                     const SceneFeatures& a, const SceneFeatures& b, const MatchOptions& o) {
  const auto na = KeypointsPerCell(a), nb = KeypointsPerCell(b);
  std::array<bool, kGrid * kGrid> held{};
  for (int i : in_place) held[Cell(c.a[i].x, c.a[i].y, c.a_width, c.a_height)] = true;
  int textured = 0, held_cells = 0, held_middle = 0;
  for (int k = 0; k < kGrid * kGrid; ++k) {
    held_cells += held[k] ? 1 : 0;
    held_middle += held[k] && k / kGrid >= 2 && k / kGrid < kGrid - 2 ? 1 : 0;
    textured += na[k] >= 2 || nb[k] >= 2 ? 1 : 0;
  }
  return held_middle >= kGrid && held_cells >= o.overlay_max_share * textured;
}

// How far match i moved between the pictures, as fractions of each picture's width and height,
// in pixels at 1024.
double Moved(const Correspondences& c, size_t i) {
  const double dx = c.a[i].x / c.a_width - c.b[i].x / c.b_width;
  const double dy = c.a[i].y / c.a_height - c.b[i].y / c.b_height;
  return 1024 * std::hypot(dx, dy);
}

// Removes from `c` the matches marked in `drop` (with their turn and zoom, when set).
void Remove(Correspondences& c, const std::vector<char>& drop) {
  const bool with_pose = c.turn.size() == c.a.size() && c.zoom.size() == c.a.size();
  size_t kept = 0;
  for (size_t i = 0; i < c.a.size(); ++i) {
    if (drop[i]) continue;
    c.a[kept] = c.a[i];
    c.b[kept] = c.b[i];
    if (with_pose) {
      c.turn[kept] = c.turn[i];
      c.zoom[kept] = c.zoom[i];
    }
    ++kept;
  }
  c.a.resize(kept);
  c.b.resize(kept);
  if (with_pose) {
    c.turn.resize(kept);
    c.zoom.resize(kept);
  }
}

bool Near(const cv::Point2f& p, const std::vector<cv::Point2f>& zone, float radius) {
  const float r2 = radius * radius;
  return std::any_of(zone.begin(), zone.end(), [&](const cv::Point2f& q) {
    return (p.x - q.x) * (p.x - q.x) + (p.y - q.y) * (p.y - q.y) <= r2;
  });
}

// Marks the matches of `c` with an end near `zone_a` (in A) or `zone_b` (in B).
void MarkNear(const Correspondences& c, const std::vector<cv::Point2f>& zone_a,
              const std::vector<cv::Point2f>& zone_b, const MatchOptions& o,
              std::vector<char>& drop) {
  const float ra = static_cast<float>(o.overlay_zone_px * std::max(c.a_width, c.a_height) / 1024.0);
  const float rb = static_cast<float>(o.overlay_zone_px * std::max(c.b_width, c.b_height) / 1024.0);
  for (size_t i = 0; i < c.a.size(); ++i)
    if (!drop[i] && (Near(c.a[i], zone_a, ra) || Near(c.b[i], zone_b, rb))) drop[i] = 1;
}

}  // namespace

std::vector<int> InPlaceMatches(const Correspondences& c, const SceneFeatures& a,
                                const SceneFeatures& b, const MatchOptions& o) {
  std::vector<int> in_place;
  if (c.a_width <= 0 || c.a_height <= 0 || c.b_width <= 0 || c.b_height <= 0) return in_place;
  // Everything in the original pictures' pixels.
  const double sa = a.scale > 0 ? a.scale : 1, sb = b.scale > 0 ? b.scale : 1;
  const double wa = c.a_width * sa, ha = c.a_height * sa, wb = c.b_width * sb, hb = c.b_height * sb;
  // An overlay keeps its offset from the corner it is anchored to, counted in pixels (drawn at a
  // fixed size), in picture heights or in picture widths (drawn in proportion to the frame), or
  // across in widths and down in heights (placed by percentages, as title-safe margins are).
  // Per unit: {x divisor in A, in B, y divisor in A, in B}.
  const double px = std::max({wa, ha, wb, hb});
  const double units[4][4] = {
      {px, px, px, px}, {ha, hb, ha, hb}, {wa, wb, wa, wb}, {wa, wb, ha, hb}};
  const double tolerance = o.overlay_in_place_px / 1024.0;
  for (size_t i = 0; i < c.a.size(); ++i) {
    const double xa = c.a[i].x * sa, ya = c.a[i].y * sa, xb = c.b[i].x * sb, yb = c.b[i].y * sb;
    bool anchored = false;
    for (int corner = 0; corner < 4 && !anchored; ++corner) {
      const bool right = corner & 1, bottom = corner & 2;
      const double dxa = right ? wa - xa : xa, dya = bottom ? ha - ya : ya;
      const double dxb = right ? wb - xb : xb, dyb = bottom ? hb - yb : yb;
      for (const auto& u : units)
        anchored = anchored || (std::abs(dxa / u[0] - dxb / u[1]) <= tolerance &&
                                std::abs(dya / u[2] - dyb / u[3]) <= tolerance);
    }
    if (anchored) in_place.push_back(static_cast<int>(i));
  }
  return in_place;
}

int DropOverlayMatches(Correspondences& c, const SceneFeatures& a, const SceneFeatures& b,
                       const MatchOptions& o) {
  if (!(o.overlay_max_share > 0)) return 0;
  std::vector<int> in_place = InPlaceMatches(c, a, b, o);
  if (static_cast<int>(in_place.size()) < o.overlay_min_matches) return 0;
  if (CameraStayedPut(c, in_place, a, b, o)) return 0;
  // A point that stays in place inside a moving scene (the centre of a zoom, the vanishing point
  // ahead of a camera moving forward) has neighbours that moved a little; an overlay's neighbours
  // are other glyphs of it (in place too), or scene behind it that moved freely or not at all.
  std::vector<char> placed(c.a.size(), 0);
  for (int i : in_place) placed[i] = 1;
  const float radius =
      static_cast<float>(o.overlay_scene_radius_px * std::max(c.a_width, c.a_height) / 1024.0);
  std::vector<cv::Point2f> slow;  // A's ends of the matches that moved, but little
  for (size_t j = 0; j < c.a.size(); ++j)
    if (!placed[j] && Moved(c, j) <= o.overlay_scene_moved_px) slow.push_back(c.a[j]);
  // Inside a still disc only its rim touches matches that moved; an overlay touches them only
  // by chance, at a glyph or two.
  const size_t in_place_count = in_place.size();
  std::erase_if(in_place, [&](int i) { return Near(c.a[i], slow, radius); });
  const size_t rim = in_place_count - in_place.size();
  if (rim >= 3 && 5 * rim >= in_place_count) return 0;
  if (static_cast<int>(in_place.size()) < o.overlay_min_matches) return 0;

  std::vector<char> drop(c.a.size(), 0);
  for (int i : in_place) {
    drop[i] = 1;
    c.overlay_a.push_back(c.a[i]);
    c.overlay_b.push_back(c.b[i]);
  }
  MarkNear(c, c.overlay_a, c.overlay_b, o, drop);
  const int removed = static_cast<int>(std::count(drop.begin(), drop.end(), 1));
  Remove(c, drop);
  c.overlay_removed += removed;
  return removed;
}

int DropNearOverlay(Correspondences& c, const Correspondences& overlay, const MatchOptions& o) {
  if (overlay.overlay_a.empty()) return 0;
  std::vector<char> drop(c.a.size(), 0);
  MarkNear(c, overlay.overlay_a, overlay.overlay_b, o, drop);
  const int removed = static_cast<int>(std::count(drop.begin(), drop.end(), 1));
  Remove(c, drop);
  c.overlay_removed += removed;
  return removed;
}

}  // namespace sightline::analysis::scene
