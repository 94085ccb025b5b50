// Dense verification on hand-made signatures: the trimmed correlation, sampling under a map,
// interpolation in time, and motion agreement (the same motion correlates, other motion over
// the same background does not).
#include "analysis/match/verify.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace sightline::analysis::match {
namespace {

namespace sv = signals::visual;

// A signature of `n` frames at 4 per second whose thumbnails (64 × 48) come from `pixel(f, x, y)`.
template <typename F>
sv::MatchSignature MakeSig(int n, F pixel) {
  sv::MatchSignature s;
  s.rate = 4;
  s.width = 320;
  s.height = 240;
  s.thumb_w = 64;
  s.thumb_h = 48;
  s.duration_s = n / 4.0;
  for (int f = 0; f < n; ++f) {
    sv::SignatureFrame fr;
    fr.t = f / 4.0;
    s.frames.push_back(fr);
    for (int y = 0; y < 48; ++y) {
      for (int x = 0; x < 64; ++x) {
        s.thumbs.push_back(static_cast<std::uint8_t>(std::clamp(pixel(f, x, y), 0.0, 255.0)));
      }
    }
  }
  return s;
}

// A textured background (fixed) with a bright disc moving along `path`.
double Scene(int f, int x, int y, double phase, double speed) {
  const double bg =
      100 + 40 * std::sin(x * 0.37) * std::cos(y * 0.29) + 20 * std::sin(x * y * 0.01);
  const double t = f / 4.0;
  const double cx = 32 + 20 * std::sin(speed * t + phase),
               cy = 24 + 12 * std::cos(1.7 * speed * t + phase);
  const double d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
  return bg + 120 * std::exp(-d2 / 30);
}

TEST(TrimmedCorrelation, IdenticalNegatedFlatAndOutliers) {
  std::mt19937 rng(3);
  std::normal_distribution<float> g(100, 30);
  std::vector<float> x(400), y(400), neg(400), flat(400, 50);
  for (int i = 0; i < 400; ++i) {
    x[i] = g(rng);
    neg[i] = 255 - x[i];
  }
  EXPECT_NEAR(TrimmedCorrelation(x.data(), x.data(), 400), 1, 1e-6);
  EXPECT_NEAR(TrimmedCorrelation(x.data(), neg.data(), 400, 0), -1, 1e-6);
  EXPECT_TRUE(std::isnan(TrimmedCorrelation(x.data(), flat.data(), 400)));
  // 10 % of the points overwritten (a caption): the trimmed correlation stays near 1.
  y = x;
  for (int i = 0; i < 40; ++i) y[i * 10] = 250;
  const double plain = TrimmedCorrelation(x.data(), y.data(), 400, 0);
  const double trimmed = TrimmedCorrelation(x.data(), y.data(), 400);
  EXPECT_LT(plain, 0.9);
  EXPECT_GT(trimmed, 0.94);
}

TEST(AlignedSampler, IdentityAndInset) {
  auto a = MakeSig(8, [](int f, int x, int y) { return Scene(f, x, y, 0, 1); });
  AlignedSampler same(a, a, Homography{}, 24);
  EXPECT_NEAR(same.coverage(), 1, 1e-9);
  EXPECT_NEAR(same.b_area(), 1, 1e-9);
  ASSERT_GT(same.size(), 200);
  std::vector<float> va(same.size()), vb(same.size());
  same.SampleA(3, va.data());
  same.SampleBFrame(3, vb.data());
  for (int k = 0; k < same.size(); ++k) EXPECT_FLOAT_EQ(va[k], vb[k]);
  // A shown in the bottom-right quarter of B: all of A lands in B, on a quarter of it.
  AlignedSampler inset(a, a, Homography::Scale(0.5, 0.5, 0.5, 0.5), 24);
  EXPECT_NEAR(inset.coverage(), 1, 1e-9);
  EXPECT_NEAR(inset.b_area(), 0.25, 1e-9);
  // A shifted half out of B's frame: half of it lands.
  AlignedSampler shifted(a, a, Homography::Scale(1, 1, 0.5, 0), 24);
  EXPECT_NEAR(shifted.coverage(), 0.5, 0.05);
}

TEST(AlignedSampler, InterpolatesBetweenFramesAndRefusesOutside) {
  auto a = MakeSig(4, [](int f, int, int) { return 40.0 * f + 20; });
  AlignedSampler s(a, a, Homography{}, 16);
  std::vector<float> v(s.size());
  ASSERT_TRUE(s.SampleB(0.125, v.data()));  // halfway between frames 0 (20) and 1 (60)
  EXPECT_NEAR(v[0], 40, 0.5);
  ASSERT_TRUE(s.SampleB(0.75, v.data()));
  EXPECT_NEAR(v[0], 140, 0.5);
  EXPECT_FALSE(s.SampleB(2.0, v.data()));
  EXPECT_FALSE(s.SampleB(-0.5, v.data()));
}

TEST(SampleLine, AppearanceAlongTheRightLineAndAWrongOne) {
  auto a = MakeSig(40, [](int f, int x, int y) { return Scene(f, x, y, 0, 1); });
  // B: A from 2 s on (an excerpt).
  auto b = MakeSig(24, [](int f, int x, int y) { return Scene(f + 8, x, y, 0, 1); });
  AlignedSampler s(a, b, Homography{}, 24);
  auto line = SampleLine(s, a, 1, -2, 0, 39);
  ASSERT_FALSE(line.empty());
  int informative = 0;
  for (const LineSample& ls : line) {
    EXPECT_NEAR(ls.tb, ls.ta - 2, 1e-9);
    if (std::isnan(ls.sim)) continue;
    ++informative;
    EXPECT_GT(ls.sim, 0.999) << ls.ta;
  }
  EXPECT_GE(informative, 20);
}

TEST(LineMotion, SameMotionCorrelatesOtherMotionDoesNot) {
  auto a = MakeSig(40, [](int f, int x, int y) { return Scene(f, x, y, 0, 1); });
  auto copy = MakeSig(40, [](int f, int x, int y) { return 0.8 * Scene(f, x, y, 0, 1) + 10; });
  // Another take: the same background, the disc on another path.
  auto take = MakeSig(40, [](int f, int x, int y) { return Scene(f, x, y, 2.0, 1.3); });
  AlignedSampler sc(a, copy, Homography{}, 64);
  MotionStats mc = LineMotion(sc, a, 1, 0, 0, 39, 0.5);
  EXPECT_GT(mc.steps, 30);
  EXPECT_GT(mc.energy_a, 3);
  EXPECT_GT(mc.pooled_correlation, 0.99);
  AlignedSampler st(a, take, Homography{}, 64);
  // Appearance agrees on most of the frame (the background) ...
  auto line = SampleLine(st, a, 1, 0, 0, 39);
  double sum = 0;
  for (const LineSample& ls : line) sum += ls.sim;
  EXPECT_GT(sum / line.size(), 0.6);
  // ... but motion does not.
  MotionStats mt = LineMotion(st, a, 1, 0, 0, 39, 0.5);
  EXPECT_LT(mt.pooled_correlation, 0.5);
  // A static clip has no motion energy.
  auto still = MakeSig(40, [](int, int x, int y) { return Scene(0, x, y, 0, 0); });
  AlignedSampler ss(still, still, Homography{}, 64);
  EXPECT_LT(LineMotion(ss, still, 1, 0, 0, 39, 0.5).energy_a, 0.5);
}

}  // namespace
}  // namespace sightline::analysis::match
