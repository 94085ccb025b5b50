#include "media/gpmf_track.h"

#include <gtest/gtest.h>

#include "gpmf_fixture.h"
#include "test_util.h"

namespace sightline::media {
namespace {

using testing::Bytes;

TEST(GpmfTrackTest, ReadsPayloadsWithTheirTimes) {
  testing::ScratchDir dir;
  std::vector<Bytes> payloads;
  for (int i = 0; i < 3; ++i) {
    payloads.push_back(testing::Gps5Payload({{50.0 + i * 1e-4, 30.0, 100, 1, 1}},
                                            "200101000000.000", 3, 100, 1 + i));
  }
  const std::string path = dir / "gpmd.mov";
  ASSERT_EQ(testing::WriteGpmdMov(path, payloads, 1.001), "");
  auto track = ReadGpmfTrack(path);
  ASSERT_TRUE(track.ok()) << track.status().message();
  ASSERT_EQ(track->payloads.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(track->payloads[i].start_s, 1.001 * i, 1e-6);
    EXPECT_NEAR(track->payloads[i].duration_s, 1.001, 1e-6);
    EXPECT_EQ(track->payloads[i].bytes, payloads[i]);
  }
}

TEST(GpmfTrackTest, FileWithoutTelemetryIsNotFound) {
  testing::ScratchDir dir;
  const std::string path = dir / "plain.mp4";
  testing::MakeTestVideo(path, 0.5);
  auto track = ReadGpmfTrack(path);
  ASSERT_FALSE(track.ok());
  EXPECT_EQ(track.status().code(), StatusCode::kNotFound);
  EXPECT_NE(track.status().message().find("gpmd"), std::string::npos);
}

TEST(GpmfTrackTest, NotMediaIsAnError) {
  testing::ScratchDir dir;
  testing::WriteFile(dir / "x.mp4", std::string(1000, 'x'));
  EXPECT_FALSE(ReadGpmfTrack(dir / "x.mp4").ok());
}

}  // namespace
}  // namespace sightline::media
