#include "analysis/match/soundtrack.h"

#include <gtest/gtest.h>

#include "signals/audio/sync_features.h"
#include "sync_fixtures.h"

namespace sightline::analysis::match {
namespace {

namespace audio = signals::audio;

audio::AudioFingerprint Of(const std::vector<float>& x) {
  audio::FingerprintBuilder b(audio::kSyncSampleRate);
  EXPECT_TRUE(b.Feed(x.data(), static_cast<std::int64_t>(x.size())).ok());
  auto fp = b.Finish(0);
  EXPECT_TRUE(fp.ok());
  return fp.ok() ? *fp : audio::AudioFingerprint{};
}

constexpr int kRate = audio::kSyncSampleRate;

TEST(Soundtrack, ACopyOfTheSoundMatchesAtItsOffset) {
  const auto scene = testing::MakeScene(30, kRate, 11);
  auto excerpt = testing::Excerpt(scene, kRate, 12.0, 10);
  testing::AddNoise(&excerpt, 35, 12);  // a lossy re-encode adds about this much
  const auto m = MatchSoundtracks(Of(scene), Of(excerpt));
  ASSERT_TRUE(m.has_value());
  EXPECT_NEAR(m->offset_s, 12.0, 0.13);  // the excerpt's 0 is the scene's 12
  EXPECT_LT(m->bit_error, 0.2);
  EXPECT_NEAR(m->overlap_s, 10, 1);
}

TEST(Soundtrack, DifferentSoundSilenceAndShortOverlapsDoNotMatch) {
  const auto scene = testing::MakeScene(30, kRate, 21);
  const auto fp = Of(scene);
  EXPECT_FALSE(MatchSoundtracks(fp, Of(testing::MakeScene(30, kRate, 22))).has_value());
  // Silence matches silence bit for bit, and says nothing about a recording.
  const std::vector<float> silence(20 * kRate, 0.0f);
  EXPECT_LT(ChangingWords(Of(silence)), 0.5);
  EXPECT_FALSE(MatchSoundtracks(Of(silence), Of(silence)).has_value());
  // Under the shortest excerpt Match promises to find.
  EXPECT_FALSE(MatchSoundtracks(fp, Of(testing::Excerpt(scene, kRate, 5.0, 2.0))).has_value());
}

TEST(Soundtrack, AgreementWithASegmentOfFootage) {
  SoundtrackMatch sound;
  sound.offset_s = 12.0;  // B starts at A's 12 s
  Segment on_line;
  on_line.a_start = 14.0;
  on_line.b_start = 2.1;
  EXPECT_TRUE(SoundAgrees(sound, on_line));
  Segment elsewhere = on_line;
  elsewhere.b_start = 6.0;  // the pictures say another moment: the sound was re-used
  EXPECT_FALSE(SoundAgrees(sound, elsewhere));
}

}  // namespace
}  // namespace sightline::analysis::match
