#include "signals/geo/track.h"

#include <gtest/gtest.h>

#include <cmath>

#include "gpmf_fixture.h"

namespace sightline::signals::geo {
namespace {

using testing::Bytes;

// Two payloads of 4 samples each over 1 s, moving north 1e-5 degree per sample.
media::GpmfTrack Telemetry() {
  media::GpmfTrack t;
  t.clip_duration_s = 2;
  for (int p = 0; p < 2; ++p) {
    std::vector<testing::Gps5Sample> s;
    for (int k = 0; k < 4; ++k) s.push_back({50.0 + (p * 4 + k) * 1e-5, 30.0, 100.0 + k, 2, 2});
    media::GpmfPayload payload;
    payload.start_s = p;
    payload.duration_s = 1;
    payload.bytes = testing::Gps5Payload(s, p == 0 ? "200101120000.000" : "200101120001.000", 3,
                                         120, 4 * (p + 1));
    t.payloads.push_back(payload);
  }
  return t;
}

TEST(TrackTest, SpreadsPayloadSamplesEvenlyOverTheirDuration) {
  auto track = TrackFromGpmf(Telemetry());
  ASSERT_TRUE(track.ok()) << track.status().message();
  ASSERT_EQ(track->points.size(), 8u);
  EXPECT_EQ(track->source, "GPMF GPS5 (Camera)");
  for (int i = 0; i < 8; ++i) {
    EXPECT_NEAR(track->points[i].t, i * 0.25, 1e-12);
    EXPECT_NEAR(track->points[i].lat, 50.0 + i * 1e-5, 1e-9);
  }
  // UTC: GPSU of the payload plus the offset into it (2020-01-01T12:00:00Z = 1577880000).
  EXPECT_NEAR(track->points[1].utc_s, 1577880000.25, 1e-6);
  EXPECT_NEAR(track->points[4].utc_s, 1577880001.0, 1e-6);
  EXPECT_EQ(track->points[0].fix, 3);
  EXPECT_NEAR(track->points[0].dop, 1.2, 1e-12);
  EXPECT_TRUE(track->warnings.empty());
}

TEST(TrackTest, InterpolatesAndSaysWhenOutside) {
  auto track = TrackFromGpmf(Telemetry());
  ASSERT_TRUE(track.ok());
  auto mid = InterpolateAt(*track, 0.375);  // halfway between samples 1 and 2
  ASSERT_TRUE(mid.ok());
  EXPECT_EQ(mid->where, PositionAt::Where::kInside);
  EXPECT_NEAR(mid->point.lat, 50.0 + 1.5e-5, 1e-10);
  EXPECT_NEAR(mid->point.alt_m, 101.5, 1e-9);
  EXPECT_NEAR(mid->gap_s, 0.25, 1e-12);
  EXPECT_FALSE(mid->bad_fix);
  EXPECT_FALSE(mid->in_gap);

  auto after = InterpolateAt(*track, 3.0);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->where, PositionAt::Where::kAfterEnd);
  EXPECT_NEAR(after->outside_by_s, 1.25, 1e-12);
  EXPECT_NEAR(after->point.lat, 50.0 + 7e-5, 1e-10);
  auto before = InterpolateAt(*track, -0.5);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->where, PositionAt::Where::kBeforeStart);
}

TEST(TrackTest, InterpolatesAtAUtcTime) {
  auto track = TrackFromGpmf(Telemetry());
  ASSERT_TRUE(track.ok());
  auto p = InterpolateAtUtc(*track, 1577880001.125);  // halfway between samples 4 and 5
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->where, PositionAt::Where::kInside);
  EXPECT_NEAR(p->point.t, 1.125, 1e-6);
  EXPECT_NEAR(p->point.utc_s, 1577880001.125, 1e-6);
  EXPECT_NEAR(p->point.lat, 50.0 + 4.5e-5, 1e-10);
  auto late = InterpolateAtUtc(*track, 1577880100.0);
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->where, PositionAt::Where::kAfterEnd);
  Track no_utc;
  no_utc.points.push_back(TrackPoint{});
  no_utc.points[0].utc_s = NAN;
  EXPECT_FALSE(InterpolateAtUtc(no_utc, 0).ok());
}

TEST(TrackTest, FlagsBadFixGapsAndCrossesTheAntimeridian) {
  Track t;
  TrackPoint a, b, c;
  a.t = 0, a.lat = 0, a.lon = 179.9, a.fix = 3, a.dop = 1;
  b.t = 1, b.lat = 0, b.lon = -179.9, b.fix = 3, b.dop = 1;
  c.t = 20, c.lat = 1, c.lon = -179.9, c.fix = 0, c.dop = 1;
  t.points = {a, b, c};
  auto p = InterpolateAt(t, 0.5);
  ASSERT_TRUE(p.ok());
  EXPECT_NEAR(std::fabs(p->point.lon), 180.0, 1e-9);  // not 0 (the long way round)
  auto q = InterpolateAt(t, 10);
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q->bad_fix);
  EXPECT_TRUE(q->in_gap);
  EXPECT_EQ(Summarize(t).bad_fix_points, 1u);
}

TEST(TrackTest, CorruptPayloadsAreSkippedWithAWarning) {
  media::GpmfTrack t = Telemetry();
  t.payloads[0].bytes.resize(30);
  auto track = TrackFromGpmf(t);
  ASSERT_TRUE(track.ok());
  EXPECT_EQ(track->points.size(), 4u);
  EXPECT_EQ(track->bad_payloads, 1);
  ASSERT_FALSE(track->warnings.empty());
  EXPECT_NE(track->warnings[0].find("payload 0"), std::string::npos);

  t.payloads[1].bytes.resize(30);
  auto none = TrackFromGpmf(t);
  ASSERT_FALSE(none.ok());
  // Every payload corrupt: not "no GPS", which would let a broken file pass for a camera without.
  EXPECT_EQ(none.status().code(), StatusCode::kCorrupt);
}

TEST(TrackTest, GeodesicsOnWgs84) {
  // One degree of longitude on the equator: a × π / 180; of latitude from the equator: the
  // meridian arc 110574.389 m.
  GeodesicLine east = Inverse(0, 0, 0, 1);
  EXPECT_NEAR(east.distance_m, 6378137.0 * M_PI / 180, 1e-3);
  EXPECT_NEAR(east.initial_bearing_deg, 90, 1e-9);
  GeodesicLine north = Inverse(0, 0, 1, 0);
  EXPECT_NEAR(north.distance_m, 110574.389, 1e-3);
  EXPECT_NEAR(north.final_bearing_deg, 0, 1e-9);
  GeodesicLine west = Inverse(10, 0, 10, -1);
  EXPECT_NEAR(west.initial_bearing_deg, 270, 0.1);
}

TEST(TrackTest, SummaryAddsDistanceAndBounds) {
  auto track = TrackFromGpmf(Telemetry());
  ASSERT_TRUE(track.ok());
  TrackSummary s = Summarize(*track);
  EXPECT_EQ(s.points, 8u);
  EXPECT_NEAR(s.start_t, 0, 1e-12);
  EXPECT_NEAR(s.end_t, 1.75, 1e-12);
  EXPECT_NEAR(s.distance_m, Inverse(50, 30, 50.00007, 30).distance_m, 1e-6);
  EXPECT_NEAR(s.distance_m, 7.78, 0.05);  // 7e-5 degree of latitude at 50N
  EXPECT_NEAR(s.min_lat, 50.0, 1e-9);
  EXPECT_NEAR(s.max_lat, 50.00007, 1e-9);
  EXPECT_NEAR(s.max_alt_m, 103, 1e-9);
}

}  // namespace
}  // namespace sightline::signals::geo
