#include "signals/audio/envelope.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

namespace sightline::signals::audio {
namespace {

TEST(Envelope, ToneEnergyInItsBandAndFramesOnTime) {
  const int rate = 11025;
  std::vector<float> x(static_cast<std::size_t>(2 * rate), 0.0f);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = 0.5f * static_cast<float>(std::sin(2 * std::numbers::pi * 1000.0 * i / rate));
  }
  EnvelopeBuilder b;
  // In uneven pieces: the result must not depend on how samples arrive.
  std::size_t at = 0;
  for (std::size_t piece : {1000u, 7u, 8192u, 333u}) {
    b.Feed(x.data() + at, static_cast<std::int64_t>(piece));
    at += piece;
  }
  b.Feed(x.data() + at, static_cast<std::int64_t>(x.size() - at));
  BandEnergies e = b.Finish();
  const EnvelopeParams p;
  EXPECT_EQ(e.frames, (static_cast<std::int64_t>(x.size()) - p.window) / p.hop + 1);
  EXPECT_NEAR(e.frame_rate(), 100.2, 0.1);
  // 1 kHz lies in band floor(log(1000/150) / log((5000/150)^(1/8))) = 4.
  const float* f = e.energy.data() + 50 * p.bands;
  int loudest = 0;
  for (int k = 1; k < p.bands; ++k) {
    if (f[k] > f[loudest]) loudest = k;
  }
  EXPECT_EQ(loudest, 4);
  EXPECT_GT(f[4], 1000 * (f[0] + f[7]));
}

TEST(Envelope, OnsetStrengthMarksClicks) {
  const int rate = 11025;
  std::vector<float> x(static_cast<std::size_t>(3 * rate), 0.0f);
  for (double t : {0.5, 1.3, 2.2}) {
    for (int i = 0; i < 200; ++i) {
      x[static_cast<std::size_t>(t * rate) + i] =
          static_cast<float>(0.8 * std::exp(-i / 40.0) * ((i * 7919) % 13 - 6) / 6.0);
    }
  }
  EnvelopeBuilder b;
  b.Feed(x.data(), static_cast<std::int64_t>(x.size()));
  BandEnergies e = b.Finish();
  std::vector<float> onset = OnsetStrength(e);
  const int bands = e.params.bands;
  std::vector<double> total(static_cast<std::size_t>(e.frames), 0.0);
  for (std::int64_t t = 0; t < e.frames; ++t) {
    for (int k = 0; k < bands; ++k) total[t] += onset[t * bands + k];
  }
  // The three largest onset frames are at the clicks (frame centre within 20 ms).
  for (double click : {0.5, 1.3, 2.2}) {
    std::int64_t best = 0;
    for (std::int64_t t = 0; t < e.frames; ++t) {
      const double centre = (t * e.params.hop + e.params.window / 2.0) / rate;
      if (std::fabs(centre - click) < 0.1 && total[t] > total[best]) best = t;
    }
    const double centre = (best * e.params.hop + e.params.window / 2.0) / rate;
    EXPECT_NEAR(centre, click, 0.02);
    EXPECT_GT(total[best], 5);
  }
}

}  // namespace
}  // namespace sightline::signals::audio
