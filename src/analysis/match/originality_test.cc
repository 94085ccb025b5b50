#include "analysis/match/originality.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "media/metadata.h"
#include "media/probe.h"

namespace sightline::analysis::match {
namespace {

CopyFacts Copy(const std::string& id) {
  CopyFacts c;
  c.id = id;
  c.width = 1920;
  c.height = 1080;
  c.bits_per_pixel = 0.1;
  c.duration_s = 20;
  c.coverage_s = 20;
  return c;
}

bool HasReason(const RankedCopy& r, const std::string& part) {
  return std::any_of(r.reasons.begin(), r.reasons.end(),
                     [&](const std::string& s) { return s.find(part) != std::string::npos; });
}

TEST(RankCopies, EmptyGroup) { EXPECT_TRUE(RankCopies({}).empty()); }

TEST(RankCopies, IdenticalCopiesKeepOrderAndGiveNoReasons) {
  auto r = RankCopies({Copy("a"), Copy("b")});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].id, "a");
  EXPECT_EQ(r[0].rank, 1);
  EXPECT_EQ(r[1].rank, 2);
  EXPECT_TRUE(r[0].reasons.empty());
  EXPECT_TRUE(r[1].reasons.empty());
}

TEST(RankCopies, CameraOriginalBeatsPlatformCopy) {
  CopyFacts platform = Copy("platform");
  platform.width = 1280;
  platform.height = 720;
  platform.bits_per_pixel = 0.03;
  platform.reencoded_by = {"FFmpeg (libavformat) (Container.encoder = Lavf58.76.100)"};
  CopyFacts camera = Copy("camera");
  camera.camera = "Apple iPhone 13";
  auto r = RankCopies({platform, camera});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].id, "camera");
  EXPECT_TRUE(HasReason(r[0], "camera metadata present (Apple iPhone 13)"));
  EXPECT_TRUE(HasReason(r[1], "re-encoded or re-muxed: FFmpeg"));
  EXPECT_TRUE(HasReason(r[1], "smaller picture (1280×720"));
  EXPECT_TRUE(HasReason(r[1], "lower bitrate per pixel"));
  EXPECT_GT(r[0].score, r[1].score);
}

TEST(RankCopies, ExcerptBarsAndStillRankBelowTheFullCopy) {
  CopyFacts excerpt = Copy("excerpt");
  excerpt.coverage_s = 5;
  CopyFacts barred = Copy("barred");
  barred.bars = true;
  CopyFacts still = Copy("still");
  still.still = true;
  still.coverage_s = 0;
  auto r = RankCopies({still, excerpt, barred, Copy("full")});
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].id, "full");
  EXPECT_EQ(r[3].id, "still");
  EXPECT_TRUE(HasReason(r[3], "a still picture"));
  const auto ex = std::find_if(r.begin(), r.end(), [](auto& x) { return x.id == "excerpt"; });
  EXPECT_TRUE(HasReason(*ex, "holds 5.0 s of the shared footage (the longest copy 20.0 s)"));
  const auto ba = std::find_if(r.begin(), r.end(), [](auto& x) { return x.id == "barred"; });
  EXPECT_TRUE(HasReason(*ba, "bars added"));
}

TEST(RankCopies, EarliestCaptureTimeOnlyAmongComparableTimes) {
  CopyFacts early = Copy("early"), late = Copy("late"), local = Copy("local");
  early.created_utc = 1000;
  early.created_text = "early-time";
  late.created_utc = 1600;
  late.created_text = "late-time";
  local.created_local = 0;  // a zone-less reading: not comparable with the UTC ones
  local.created_text = "local-time";
  auto r = RankCopies({late, local, early});
  EXPECT_EQ(r[0].id, "early");
  EXPECT_TRUE(HasReason(r[0], "earliest capture time in metadata (early-time)"));
  const auto lt = std::find_if(r.begin(), r.end(), [](auto& x) { return x.id == "late"; });
  EXPECT_TRUE(HasReason(*lt, "600 s after the earliest"));
  const auto lc = std::find_if(r.begin(), r.end(), [](auto& x) { return x.id == "local"; });
  EXPECT_TRUE(lc->reasons.empty());
}

TEST(HasBars, MostFramesDecide) {
  signals::visual::MatchSignature sig;
  EXPECT_FALSE(HasBars(sig));
  sig.frames.resize(3);
  sig.frames[0].box = {0, 0.125f, 1, 0.875f};
  EXPECT_FALSE(HasBars(sig));
  sig.frames[1].box = sig.frames[0].box;
  EXPECT_TRUE(HasBars(sig));
}

Segment MakeSegment(double a0, double a1, double b0, double b1, std::string transform,
                    std::array<double, 4> region = {0, 0, 1, 1}) {
  Segment s;
  s.a_start = a0;
  s.a_end = a1;
  s.b_start = b0;
  s.b_end = b1;
  s.transform = std::move(transform);
  s.region = region;
  return s;
}

TEST(AddMatchFacts, CoverageInsetsAndTheOddOneMirrored) {
  std::vector<CopyFacts> copies = {Copy("orig"), Copy("excerpt"), Copy("pip"), Copy("mirror")};
  for (auto& c : copies) c.coverage_s = 0;
  PairMatch excerpt, pip, mirror, pip_mirror, excerpt_mirror;
  excerpt.segments = {MakeSegment(5, 9, 0, 4, "none")};
  pip.segments = {MakeSegment(0, 20, 1.5, 21.5, "geometric", {0.5, 0.5, 1, 1})};
  mirror.segments = {MakeSegment(0, 20, 0, 20, "mirror")};
  pip_mirror.segments = {MakeSegment(1.5, 21.5, 0, 20, "mirror")};
  excerpt_mirror.segments = {MakeSegment(0, 4, 5, 9, "mirror")};
  AddMatchFacts({{0, 1, &excerpt},
                 {0, 2, &pip},
                 {0, 3, &mirror},
                 {2, 3, &pip_mirror},
                 {1, 3, &excerpt_mirror}},
                &copies);
  EXPECT_DOUBLE_EQ(copies[0].coverage_s, 20);  // the union of 5-9 and 0-20
  EXPECT_DOUBLE_EQ(copies[1].coverage_s, 4);
  EXPECT_DOUBLE_EQ(copies[2].coverage_s, 20);
  EXPECT_FALSE(copies[0].transformed);
  EXPECT_FALSE(copies[1].transformed);
  EXPECT_TRUE(copies[2].transformed);  // inset into a larger frame
  EXPECT_TRUE(copies[3].transformed);  // mirrored against all three others
  auto ranking = RankCopies(copies);
  EXPECT_EQ(ranking[0].id, "orig");
}

TEST(CopyFactsFromProbe, ReadsTimeCameraSizeAndBitrate) {
  media::ProbeResult p;
  p.kind = "video";
  p.device.make = "GoPro";
  p.device.model = "HERO9";
  p.container.duration_s = 12.5;
  media::StreamInfo v;
  v.type = "video";
  v.width = 1920;
  v.height = 1080;
  v.rotation = 90;
  v.frame_rate = 25;
  v.bit_rate = 1920 * 1080 * 25 / 10;
  p.streams.push_back(v);
  p.times.push_back(media::UtcTimestamp(media::TimeRole::kCreated, "QuickTime.mvhd.CreationTime",
                                        "x", 1700000000));
  CopyFacts f = CopyFactsFromProbe("id1", p);
  EXPECT_EQ(f.id, "id1");
  EXPECT_EQ(f.camera, "GoPro HERO9");
  EXPECT_EQ(f.width, 1080);  // turned upright
  EXPECT_EQ(f.height, 1920);
  EXPECT_NEAR(f.bits_per_pixel, 0.1, 1e-9);
  EXPECT_DOUBLE_EQ(f.duration_s, 12.5);
  ASSERT_TRUE(f.created_utc.has_value());
  EXPECT_DOUBLE_EQ(*f.created_utc, 1700000000);
  EXPECT_FALSE(f.still);
}

}  // namespace
}  // namespace sightline::analysis::match
