// The crack-thump distance: the formula, and detection of synthetic supersonic shots (an N-wave
// crack, then a muzzle blast after the interval of a known distance and bullet speed) in noise.
#include "analysis/events/shooter_distance.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "analysis/events/events.h"
#include "analysis/events/scene_synth.h"

namespace sightline::analysis::events {
namespace {

TEST(ShooterDistanceTest, Formula) {
  EXPECT_NEAR(SpeedOfSound(20), 343.2, 0.1);
  EXPECT_NEAR(SpeedOfSound(0), 331.3, 1e-9);
  const double c = SpeedOfSound(20);
  for (double d : {20.0, 100.0, 450.0})
    for (double v : {500.0, 800.0, 1000.0})
      EXPECT_NEAR(DistanceForInterval(IntervalForDistance(d, c, v), c, v), d, 1e-9);
  // 100 m at 900 m/s: 291.4 ms - 111.1 ms.
  EXPECT_NEAR(IntervalForDistance(100, c, 900), 100 / c - 100 / 900.0, 1e-12);
  // An oblique shot has a shorter interval; at the Mach cone's edge the two arrive together.
  EXPECT_LT(IntervalForDistance(100, c, 900, 0.2), IntervalForDistance(100, c, 900));
  const double edge = std::acos(c / 900);
  EXPECT_NEAR(IntervalForDistance(100, c, 900, edge), 0, 1e-9);
  EXPECT_EQ(DistanceForInterval(0.1, c, 300), 0);  // subsonic: no crack, no distance
  EXPECT_EQ(DistanceForInterval(-0.1, c, 900), 0);
}

TEST(ShooterDistanceTest, RangeCoversTheBulletSpeeds) {
  DistanceAssumptions a;  // 20 °C, 600-1000 m/s, ±1 ms
  const double c = SpeedOfSound(a.temperature_c);
  for (double v : {600.0, 750.0, 1000.0}) {
    const double d = 200, dt = IntervalForDistance(d, c, v);
    CrackThump ct = MakeCrackThump(10, 10 + dt, a);
    EXPECT_NEAR(ct.interval_s, dt, 1e-12);
    EXPECT_LE(ct.distance_lo_m, d);
    EXPECT_GE(ct.distance_hi_m, d);
  }
  CrackThump ct = MakeCrackThump(1.0, 1.3, a);
  EXPECT_NEAR(ct.distance_lo_m, 0.299 * c * 1000 / (1000 - c), 1e-6);
  EXPECT_NEAR(ct.distance_hi_m, 0.301 * c * 600 / (600 - c), 1e-6);
}

TEST(ShooterDistanceTest, SyntheticCrackThumpPairsInNoise) {
  DistanceAssumptions a;
  const double c = SpeedOfSound(a.temperature_c);
  double worst = 0;
  int n = 0, found = 0, right = 0, held = 0;
  std::uint64_t seed = 11;
  for (double d : {25.0, 60.0, 120.0, 200.0, 300.0, 450.0}) {
    for (double v : {650.0, 820.0, 980.0}) {
      synth::Synth gen(seed++);
      auto x = gen.Bed(seed % 2 ? synth::BedKind::kStreet : synth::BedKind::kTraffic, 4, -36);
      const double crack_db = -14 + gen.Uniform(-4, 4), thump_db = -12 + gen.Uniform(-4, 4);
      synth::TruthEvent truth = gen.AddSupersonicShot(x, 1.2, d, v, c, thump_db, crack_db);
      EventOptions o;
      o.speech = false;
      EventsResult r = DetectEvents(x, 48000, o);
      ++n;
      const AudioEvent* e = nullptr;
      for (const AudioEvent& f : r.events)
        if (f.crack_thump && std::fabs(f.t - 1.2) < 0.002) e = &f;
      if (e == nullptr) {
        std::printf("crack-thump at %.0f m, %.0f m/s: no pair found (%zu events)\n", d, v,
                    r.events.size());
        continue;
      }
      ++found;
      EXPECT_EQ(e->kind, EventKind::kShot);
      const double err = std::fabs(e->crack_thump->interval_s - truth.interval_s);
      if (err > 0.002) {
        std::printf("crack-thump at %.0f m, %.0f m/s: interval off by %.1f ms\n", d, v, 1e3 * err);
        continue;
      }
      worst = std::max(worst, err);
      ++right;
      if (e->crack_thump->distance_lo_m <= d && d <= e->crack_thump->distance_hi_m) ++held;
    }
  }
  std::printf(
      "crack-thump: %d of %d pairs found, %d within 2 ms (max error %.3f ms), distance range "
      "held %d/%d\n",
      found, n, right, 1e3 * worst, held, right);
  // Measured floor (doc/events.md): the goal is every pair; misses are pairs whose crack is taken
  // for a shot or whose muzzle blast is masked by its own echo.
  EXPECT_GE(right, n * 3 / 5);
  EXPECT_EQ(held, right);  // whenever the interval is right, the range holds the distance
}

}  // namespace
}  // namespace sightline::analysis::events
