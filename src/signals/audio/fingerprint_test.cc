#include "signals/audio/fingerprint.h"

#include <gtest/gtest.h>

#include "analysis/sync/fingerprint_match.h"
#include "signals/audio/sync_features.h"
#include "sync_fixtures.h"
#include "test_util.h"

namespace sightline::signals::audio {
namespace {

AudioFingerprint Of(const std::vector<float>& x, double start_s = 0) {
  FingerprintBuilder b(kSyncSampleRate);
  EXPECT_TRUE(b.Feed(x.data(), static_cast<std::int64_t>(x.size())).ok());
  auto fp = b.Finish(start_s);
  EXPECT_TRUE(fp.ok());
  return *fp;
}

TEST(Fingerprint, ComputedEncodedAndReadBack) {
  const auto scene = testing::MakeScene(20, kSyncSampleRate, 3);
  AudioFingerprint fp = Of(scene);
  EXPECT_NEAR(fp.item_s, 4096.0 / 3 / 11025, 1e-4);
  EXPECT_NEAR(fp.duration_s, 20, 1e-3);
  // About 8 words a second, less the classifier's reach at the ends.
  EXPECT_GT(fp.words.size(), 130u);
  EXPECT_LT(fp.words.size(), 165u);
  auto json = FingerprintJson(fp, "x.wav");
  EXPECT_EQ(json["words"], fp.words.size());
  EXPECT_FALSE(json["chromaprint"].get<std::string>().empty());
  auto back = FingerprintFromJson(nlohmann::json::parse(json.dump()));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->words, fp.words);
  EXPECT_NEAR(back->item_s, fp.item_s, 1e-9);
  EXPECT_FALSE(FingerprintFromJson(nlohmann::json::parse(R"({"chromaprint":"!!"})")).ok());
  EXPECT_FALSE(FingerprintFromJson(nlohmann::json::parse("[]")).ok());
}

TEST(Fingerprint, MatchesAnExcerptAtItsOffsetAndNothingElse) {
  const auto scene = testing::MakeScene(60, kSyncSampleRate, 4);
  auto piece = testing::OtherDevice(testing::Excerpt(scene, kSyncSampleRate, 22.0, 20),
                                    kSyncSampleRate, 5, 0.3, 0.7);
  testing::AddNoise(&piece, 10, 5);
  const AudioFingerprint a = Of(scene), b = Of(piece, 0.5);
  auto hits = analysis::sync::MatchFingerprints(a, b);
  ASSERT_FALSE(hits.empty());
  // b's time 0.5 is the scene's 22.0: b's time 0 is at 21.5 in a (to a fingerprint item).
  EXPECT_NEAR(hits[0].offset_s, 21.5, 0.13);
  EXPECT_LT(hits[0].bit_error, 0.3);
  EXPECT_NEAR(hits[0].overlap_s, 20, 1);
  const AudioFingerprint other = Of(testing::MakeScene(30, kSyncSampleRate, 6));
  EXPECT_TRUE(analysis::sync::MatchFingerprints(a, other).empty());
}

}  // namespace
}  // namespace sightline::signals::audio
