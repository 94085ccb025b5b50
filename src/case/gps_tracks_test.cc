#include "case/gps_tracks.h"

#include <gtest/gtest.h>

#include "base/time.h"
#include "case/case_test_fixture.h"
#include "case/timeline.h"
#include "evidence/ingest.h"
#include "gpmf_fixture.h"

namespace sightline::investigation {
namespace {

class GpsTracksTest : public EmptyCase {
 protected:
  // A 3 s video with a GoPro telemetry track beside it: 15 GPS5 samples over 3 payloads, the
  // first stamped 2024-05-01 10:00:00 UTC, walking east along 50 N.
  std::string MakeGoProVideo() {
    std::vector<sightline::testing::Bytes> payloads;
    for (int p = 0; p < 3; ++p) {
      std::vector<sightline::testing::Gps5Sample> s;
      for (int k = 0; k < 5; ++k) s.push_back({50.0, 30.0 + (p * 5 + k) * 1e-4, 120, 1.5, 1.5});
      char gpsu[32];
      std::snprintf(gpsu, sizeof gpsu, "2405011000%02d.000", p);
      payloads.push_back(sightline::testing::Gps5Payload(s, gpsu, 3, 110, 5 * (p + 1)));
    }
    return VideoWithTelemetry(payloads, "GX010001.MOV", 3);
  }
  // A video of `seconds` with `payloads` as its 'gpmd' track, timed as a GoPro writes them.
  std::string VideoWithTelemetry(const std::vector<sightline::testing::Bytes>& payloads,
                                 const std::string& name, int seconds) {
    const std::string telemetry = dir_ / (name + ".gpmd.mov");
    EXPECT_EQ(sightline::testing::WriteGpmdMov(telemetry, payloads, 1.0), "");
    const std::string clip = dir_ / name;
    const std::vector<std::string> args = {
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=160x120:rate=10:duration=" + std::to_string(seconds),
        "-i",
        telemetry,
        "-map",
        "0:v",
        "-map",
        "1:d:0",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-pix_fmt",
        "yuv420p",
        "-c:d",
        "copy",
        "-copy_unknown",
        "-tag:d",
        "gpmd"};
    sightline::testing::MakeMedia(args, clip);
    return clip;
  }
  void Ingest(const std::string& path) {
    evidence::IngestReport r = evidence::IngestFile(*case_, who_, path, {});
    ASSERT_EQ(r.outcome, evidence::IngestOutcome::kStored) << r.message;
  }
};

TEST_F(GpsTracksTest, StoresTheTrackOnceAndTimesTheRecordingByIt) {
  Ingest(MakeGoProVideo());
  const std::string plain = dir_ / "plain.mp4";
  sightline::testing::MakeTestVideo(plain, 1.0);
  Ingest(plain);

  auto first = FindGpsTracks(*case_, who_);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_FALSE(first->failed) << (first->warnings.empty() ? "" : first->warnings[0]);
  EXPECT_EQ(first->items, 2u);
  EXPECT_EQ(first->extracted, 1u);  // the plain clip has no telemetry: done with, nothing read
  EXPECT_EQ(first->run.items.size(), 2u);
  ASSERT_TRUE(RecordRun(*case_, who_, first->run).ok());

  auto track = StoredGpsTrack(*case_, 1);
  ASSERT_TRUE(track.ok()) << track.status().message();
  ASSERT_TRUE(track->has_value());
  EXPECT_EQ((*track)->source, "GPMF GPS5 (Camera)");
  // 15 samples at 5 Hz thinned to one a second, the last one kept.
  EXPECT_GE((*track)->points.size(), 3u);
  EXPECT_LE((*track)->points.size(), 4u);
  EXPECT_NEAR((*track)->points.front().lon, 30.0, 1e-9);
  EXPECT_NEAR((*track)->points.back().lon, 30.0014, 1e-9);
  const std::optional<double> start = GpsStartUtc(**track);
  ASSERT_TRUE(start.has_value());
  EXPECT_NEAR(*start, *ParseRfc3339("2024-05-01T10:00:00Z"), 1e-3);
  auto none = StoredGpsTrack(*case_, 2);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  // Done: a second run reads nothing.
  auto again = FindGpsTracks(*case_, who_);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->new_items, 0u);
  EXPECT_EQ(again->extracted, 0u);

  // The timeline places the recording by the GPS clock, to about a second.
  auto timeline = BuildTimeline(*case_);
  ASSERT_TRUE(timeline.ok()) << timeline.status().message();
  const TimelineItem* gopro = nullptr;
  for (const TimelineItem& i : timeline->items) {
    if (i.item_id == 1) gopro = &i;
  }
  ASSERT_NE(gopro, nullptr);
  bool telemetry = false;
  for (const TimeBasis& b : gopro->basis) telemetry = telemetry || b.kind == "telemetry";
  EXPECT_TRUE(telemetry);
  ASSERT_TRUE(gopro->start.has_value());
  EXPECT_NEAR(gopro->start->best(), *start, 1.0);
  EXPECT_LE(gopro->start->latest - gopro->start->earliest, 2.0 + 1e-9);
}

TEST_F(GpsTracksTest, BrokenTelemetryIsAWarningNotAFailureOfTheCase) {
  // A telemetry track whose only payload runs past its end: reported by name, and tried again next
  // run.
  const std::string clip =
      VideoWithTelemetry({sightline::testing::Klv("DEVC", 0, 255, 65535, {})}, "broken.mov", 1);
  Ingest(clip);
  auto out = FindGpsTracks(*case_, who_);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->extracted, 0u);
  EXPECT_TRUE(out->failed);
  ASSERT_EQ(out->warnings.size(), 1u);
  EXPECT_NE(out->warnings[0].find("broken.mov"), std::string::npos) << out->warnings[0];
  EXPECT_NE(out->warnings[0].find("corrupt"), std::string::npos) << out->warnings[0];
  EXPECT_TRUE(out->run.items.empty());  // tried again next run
}

}  // namespace
}  // namespace sightline::investigation
