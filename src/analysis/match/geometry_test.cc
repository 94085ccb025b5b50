// Maps between frames: the dihedral maps agree with PDQ's variant hashes (the link the matcher
// relies on to say "mirrored" or "rotated"), inverse and composition, box maps, corner distance,
// and which maps count as plausible edits.
#include "analysis/match/geometry.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "signals/visual/pdq.h"

namespace sightline::analysis::match {
namespace {

namespace sv = signals::visual;

void ExpectPoint(const Homography& h, Point2 in, Point2 want) {
  Point2 out;
  ASSERT_TRUE(h.Apply(in, &out));
  EXPECT_NEAR(out.x, want.x, 1e-6);  // boxes are floats
  EXPECT_NEAR(out.y, want.y, 1e-6);
}

TEST(Geometry, DihedralMapsMoveCornersAsNamed) {
  // The top-left corner of the picture, (0, 0):
  ExpectPoint(DihedralMap(0), {0, 0}, {0, 0});
  ExpectPoint(DihedralMap(1), {0, 0}, {0, 1});  // turned counter-clockwise: to the bottom left
  ExpectPoint(DihedralMap(2), {0, 0}, {1, 1});
  ExpectPoint(DihedralMap(3), {0, 0}, {1, 0});  // turned clockwise: to the top right
  ExpectPoint(DihedralMap(4), {0, 0}, {0, 1});  // top and bottom swapped
  ExpectPoint(DihedralMap(5), {0, 0}, {1, 0});  // the ordinary mirror image
  ExpectPoint(DihedralMap(6), {1, 0}, {0, 1});  // transpose keeps (0,0), moves (1,0) to (0,1)
  ExpectPoint(DihedralMap(7), {0, 0}, {1, 1});
  for (int d = 0; d < 8; ++d) EXPECT_EQ(DihedralMirrors(d), d >= 4) << d;
}

// A picture moved by DihedralMap(d) hashes (variant 0) as the original's variant d: the matcher
// reads the transform of a copy from the variant that matched.
TEST(Geometry, DihedralMapsAgreeWithPdqVariants) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(0, 255);
  alignas(64) float block[64 * 64];
  // Smooth random blobs (a noise picture would hash weakly).
  std::vector<std::array<float, 3>> blobs(12);
  for (auto& b : blobs) b = {u(rng) / 255 * 64, u(rng) / 255 * 64, u(rng) - 128};
  for (int y = 0; y < 64; ++y) {
    for (int x = 0; x < 64; ++x) {
      float v = 128;
      for (const auto& b : blobs) {
        const float dx = x - b[0], dy = y - b[1];
        v += b[2] * std::exp(-(dx * dx + dy * dy) / 60.0f);
      }
      block[y * 64 + x] = v;
    }
  }
  sv::PdqHasher hasher;
  const auto variants = hasher.HashDihedral64(block);
  for (int d = 0; d < 8; ++d) {
    alignas(64) float moved[64 * 64];
    const Homography h = DihedralMap(d);
    for (int y = 0; y < 64; ++y) {
      for (int x = 0; x < 64; ++x) {
        Point2 p;
        ASSERT_TRUE(h.Apply({(x + 0.5) / 64, (y + 0.5) / 64}, &p));
        const int mx = static_cast<int>(std::floor(p.x * 64)),
                  my = static_cast<int>(std::floor(p.y * 64));
        moved[my * 64 + mx] = block[y * 64 + x];
      }
    }
    const auto moved_hash = hasher.HashDihedral64(moved);
    EXPECT_LE(sv::HammingDistance(moved_hash[0], variants[d]), 2) << "variant " << d;
    if (d != 0) {
      EXPECT_GT(sv::HammingDistance(moved_hash[0], variants[0]), 60) << d;
    }
  }
}

TEST(Geometry, InverseAndComposition) {
  Homography h;
  h.m = {0.8, 0.05, 0.1, -0.02, 0.7, 0.2, 0.01, -0.03, 1};
  const Homography id = h.After(h.Inverse());
  for (int i = 0; i < 9; ++i) EXPECT_NEAR(id.m[i], i % 4 == 0 ? 1 : 0, 1e-9);
  // After: first the argument, then this.
  const Homography s = Homography::Scale(2, 3), t = Homography::Scale(1, 1, 0.5, 0.25);
  ExpectPoint(t.After(s), {1, 1}, {2.5, 3.25});
  ExpectPoint(s.After(t), {1, 1}, {3, 3.75});
  Homography singular;
  singular.m = {1, 2, 0, 2, 4, 0, 0, 0, 1};
  EXPECT_TRUE(std::isnan(singular.Inverse().m[0]));
}

TEST(Geometry, BoxMaps) {
  const sv::NormBox box{0.1f, 0.125f, 0.9f, 0.875f};
  ExpectPoint(UnitToBox(box), {0, 0}, {box.x0, box.y0});
  ExpectPoint(UnitToBox(box), {1, 1}, {box.x1, box.y1});
  ExpectPoint(BoxToUnit(box), {box.x1, box.y0}, {1, 0});
}

TEST(Geometry, CornerDistance) {
  EXPECT_EQ(CornerDistance(Homography{}, Homography{}), 0);
  EXPECT_NEAR(CornerDistance(Homography{}, Homography::Scale(1, 1, 0.1, 0)), 0.1, 1e-12);
  EXPECT_NEAR(CornerDistance(Homography{}, DihedralMap(2)), std::sqrt(2.0), 1e-12);
}

TEST(Geometry, PlausibleEdits) {
  // A crop shown full size (B is A's centre enlarged), an inset in a quarter of B, a screen
  // seen slightly from the side.
  EXPECT_TRUE(PlausibleEdit(Homography::Scale(1.15, 1.15, -0.07, -0.07), 0.03, 30));
  EXPECT_TRUE(PlausibleEdit(Homography::Scale(0.5, 0.5, 0.5, 0.5), 0.03, 30));
  Homography screen;
  screen.m = {0.7, 0.02, 0.15, 0.01, 0.75, 0.1, 0.05, 0.02, 1};
  EXPECT_TRUE(PlausibleEdit(screen, 0.03, 30));
  // A mirror image, a tiny inset, a squeeze to a sliver, a steep perspective: not edits a map may
  // explain (mirroring is found by the PDQ variants instead).
  EXPECT_FALSE(PlausibleEdit(DihedralMap(5), 0.03, 30));
  EXPECT_FALSE(PlausibleEdit(Homography::Scale(0.1, 0.1), 0.03, 30));
  EXPECT_FALSE(PlausibleEdit(Homography::Scale(1, 0.2), 0.03, 30));
  Homography steep;
  steep.m = {1, 0, 0, 0, 1, 0, 1.5, 0, 1};
  EXPECT_FALSE(PlausibleEdit(steep, 0.03, 30));
}

}  // namespace
}  // namespace sightline::analysis::match
