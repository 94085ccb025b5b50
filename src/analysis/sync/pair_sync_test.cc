// Pairwise sync on generated recordings with known offsets: excerpts, other devices (reverberation,
// colour, noise, clipping), codecs at low bitrates, other sample rates and channel layouts, clock
// drift, repeated sounds, unrelated and non-overlapping clips, silence and very short audio.
#include "analysis/sync/pair_sync.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "sync_fixtures.h"
#include "test_util.h"

namespace sightline::analysis::sync {
namespace {

using testing::Excerpt;
using testing::MakeScene;
using testing::ScratchDir;
using testing::WriteWav;

constexpr int kRate = 48000;

class PairSyncTest : public ::testing::Test {
 protected:
  // Writes `x` as WAV, then (when `ffmpeg_args` is not empty) re-encodes it with those arguments
  // into `name`; returns the clip of the result.
  std::unique_ptr<Clip> Make(const std::string& name, const std::vector<float>& x,
                             const std::vector<std::string>& ffmpeg_args = {}, int rate = kRate) {
    const std::string wav = dir_ / (name + ".wav");
    WriteWav(wav, x, rate);
    std::string path = wav;
    if (!ffmpeg_args.empty()) {
      path = dir_ / name;
      std::vector<std::string> args = {"-i", wav};
      args.insert(args.end(), ffmpeg_args.begin(), ffmpeg_args.end());
      testing::MakeMedia(args, path);
    }
    return Load(path);
  }
  static std::unique_ptr<Clip> Load(const std::string& path) {
    auto f = signals::audio::ExtractSyncFeatures(path, {});
    EXPECT_TRUE(f.ok()) << f.status().message();
    if (!f.ok()) return nullptr;
    return std::make_unique<Clip>(
        std::make_shared<const signals::audio::SyncFeatures>(std::move(*f)));
  }
  static void ExpectOffset(const PairSync& s, double truth, double tolerance_s,
                           const std::string& what) {
    ASSERT_TRUE(s.matched) << what << ": " << s.reason;
    EXPECT_NEAR(s.offset_s, truth, tolerance_s) << what;
    EXPECT_GE(s.confidence, 0.5) << what;
    EXPECT_LE(s.confidence, 1.0) << what;
  }
  ScratchDir dir_;
};

TEST_F(PairSyncTest, ExcerptsEitherWayRound) {
  const auto scene = MakeScene(60, kRate, 11);
  auto a = Make("a", scene);
  auto b = Make("b", Excerpt(scene, kRate, 15.25, 30));
  ASSERT_TRUE(a && b);
  PairSync s = SyncPair(*a, *b);
  ExpectOffset(s, 15.25, 0.0005, "b inside a");
  EXPECT_NEAR(s.overlap_s, 30, 0.05);
  EXPECT_NEAR(s.overlap_a_start_s, 15.25, 0.01);
  EXPECT_EQ(s.candidates.size(), 1u);
  ExpectOffset(SyncPair(*b, *a), -15.25, 0.0005, "a around b");
  // b starts before a: a negative offset.
  auto late = Make("late", Excerpt(scene, kRate, 20, 40));
  auto early = Make("early", Excerpt(scene, kRate, 4.5, 30));
  PairSync s2 = SyncPair(*late, *early);
  ExpectOffset(s2, -15.5, 0.0005, "b starts first");
  EXPECT_NEAR(s2.overlap_s, 14.5, 0.05);
}

TEST_F(PairSyncTest, OtherDevicesNoiseAndClipping) {
  const auto scene = MakeScene(60, kRate, 12);
  // a: one phone near the source; b: another, further, in a reverberant place, noisy, clipping.
  auto near = testing::OtherDevice(scene, kRate, 1, 0.2, 0.8);
  testing::AddNoise(&near, 15, 1);
  auto far = testing::OtherDevice(Excerpt(scene, kRate, 10, 40), kRate, 2, 0.7, 0.6);
  testing::AddNoise(&far, 0, 2);
  testing::Clip(&far, 6.0);
  auto a = Make("near", near);
  auto b = Make("far", far);
  ASSERT_TRUE(a && b);
  ExpectOffset(SyncPair(*a, *b), 10, 0.001, "devices");
}

TEST_F(PairSyncTest, LowBitrateCodecsRatesAndLayouts) {
  const auto scene = MakeScene(50, kRate, 13);
  auto b_scene = testing::OtherDevice(Excerpt(scene, kRate, 12, 25), kRate, 3, 0.3, 0.7);
  testing::AddNoise(&b_scene, 10, 3);
  struct Case {
    const char* name;
    std::vector<std::string> a_args, b_args;
  };
  const std::vector<Case> cases = {
      {"aac32k", {}, {"-ar", "44100", "-c:a", "aac", "-b:a", "32k"}},
      {"opus16k", {"-c:a", "libopus", "-b:a", "24k"}, {"-c:a", "libopus", "-b:a", "16k"}},
      {"mp3_22k", {}, {"-ar", "22050", "-c:a", "libmp3lame", "-b:a", "32k"}},
      // 48 kHz 5.1 against 8 kHz mono.
      {"8k_vs_6ch",
       {"-af", "pan=5.1|c0=0.7*c0|c1=0.7*c0|c2=c0|c3=0.2*c0|c4=0.5*c0|c5=0.5*c0", "-c:a", "flac"},
       {"-ar", "8000", "-c:a", "pcm_s16le"}},
  };
  for (const Case& c : cases) {
    const std::string ext_a = c.a_args.empty()                   ? ""
                              : std::string(c.name) == "opus16k" ? ".ogg"
                                                                 : ".flac";
    const std::string ext_b = std::string(c.name) == "opus16k"   ? ".ogg"
                              : std::string(c.name) == "aac32k"  ? ".m4a"
                              : std::string(c.name) == "mp3_22k" ? ".mp3"
                                                                 : ".mkv";
    auto a = Make(std::string("a_") + c.name + ext_a, scene, c.a_args);
    auto b = Make(std::string("b_") + c.name + ext_b, b_scene, c.b_args);
    ASSERT_TRUE(a && b) << c.name;
    // Codecs delay or advance nothing that FFmpeg does not undo; allow 2 ms.
    ExpectOffset(SyncPair(*a, *b), 12, 0.002, c.name);
  }
}

TEST_F(PairSyncTest, ShortExcerpt) {
  const auto scene = MakeScene(60, kRate, 14);
  auto a = Make("a", scene);
  auto piece = testing::OtherDevice(Excerpt(scene, kRate, 41.3, 4), kRate, 4, 0.3, 0.7);
  testing::AddNoise(&piece, 10, 4);
  auto b = Make("b", piece);
  ASSERT_TRUE(a && b);
  PairSync s = SyncPair(*a, *b);
  ExpectOffset(s, 41.3, 0.001, "4 s excerpt");
  EXPECT_FALSE(s.drift_estimated);
  EXPECT_EQ(s.drift_ppm, 0);
}

TEST_F(PairSyncTest, ClockDriftOverTenMinutes) {
  // A 10-minute overlap recorded by a device whose clock runs 150 ppm slow (at 16 kHz to keep
  // the files small).
  constexpr int kLowRate = 16000;
  const auto scene = MakeScene(640, kLowRate, 15, 2.0);
  auto drifted = testing::Drift(Excerpt(scene, kLowRate, 30, 610), 150);
  testing::AddNoise(&drifted, 10, 5);
  auto a = Make("a", scene, {}, kLowRate);
  auto b = Make("b", drifted, {}, kLowRate);
  ASSERT_TRUE(a && b);
  PairSync s = SyncPair(*a, *b);
  // a-time = 30 + b-time · (1 + 150e-6).
  ExpectOffset(s, 30, 0.001, "drift");
  EXPECT_TRUE(s.drift_estimated);
  EXPECT_NEAR(s.drift_ppm, 150, 5);
  const double b_end = static_cast<double>(drifted.size()) / kLowRate;
  EXPECT_NEAR(s.offset_end_s, 30 + b_end * 150e-6, 0.002);
  EXPECT_GT(s.overlap_s, 600);
  EXPECT_GE(s.windows_agreeing, 20);

  // And the other way: a device 120 ppm fast.
  auto fast = testing::Drift(Excerpt(scene, kLowRate, 0, 640), -120);
  auto c = Make("c", fast, {}, kLowRate);
  PairSync s2 = SyncPair(*a, *c);
  ExpectOffset(s2, 0, 0.001, "fast clock");
  EXPECT_NEAR(s2.drift_ppm, -120, 5);
}

TEST_F(PairSyncTest, SameSoundTwiceGivesTwoCandidates) {
  // A 6-second sound (a siren, a chant) heard twice in a's recording, once in b's.
  auto scene = MakeScene(60, kRate, 16);
  const auto sound = MakeScene(6, kRate, 99, 6.0);
  for (std::size_t i = 0; i < sound.size(); ++i) {
    scene[static_cast<std::size_t>(10 * kRate) + i] = sound[i];
    scene[static_cast<std::size_t>(37 * kRate) + i] = sound[i];
  }
  std::vector<float> b_audio(static_cast<std::size_t>(8 * kRate), 0.0f);
  for (std::size_t i = 0; i < sound.size(); ++i)
    b_audio[static_cast<std::size_t>(kRate) + i] = sound[i];
  testing::AddNoise(&b_audio, 20, 6);
  auto a = Make("a", scene);
  auto b = Make("b", b_audio);
  ASSERT_TRUE(a && b);
  PairSync s = SyncPair(*a, *b);
  ASSERT_TRUE(s.matched) << s.reason;
  ASSERT_EQ(s.candidates.size(), 2u);
  std::vector<double> offsets = {s.candidates[0].offset_s, s.candidates[1].offset_s};
  std::sort(offsets.begin(), offsets.end());
  EXPECT_NEAR(offsets[0], 9, 0.001);
  EXPECT_NEAR(offsets[1], 36, 0.001);
}

TEST_F(PairSyncTest, UnrelatedAndNonOverlappingClipsDoNotMatch) {
  const auto scene = MakeScene(80, kRate, 17);
  const auto other = MakeScene(40, kRate, 18);
  auto a = Make("a", scene);
  auto o = Make("o", other);
  auto first = Make("first", Excerpt(scene, kRate, 0, 35));
  auto second = Make("second", Excerpt(scene, kRate, 40, 35));
  auto short_other = Make("short", testing::OtherDevice(Excerpt(other, kRate, 3, 5), kRate, 7));
  ASSERT_TRUE(a && o && first && second && short_other);
  for (const auto& [x, y, what] : std::vector<std::tuple<Clip*, Clip*, const char*>>{
           {a.get(), o.get(), "other scene"},
           {first.get(), second.get(), "non-overlapping excerpts"},
           {a.get(), short_other.get(), "short clip of another scene"}}) {
    PairSync s = SyncPair(*x, *y);
    EXPECT_FALSE(s.matched) << what << ": offset " << s.offset_s << " score " << s.score;
    EXPECT_FALSE(s.reason.empty()) << what;
    EXPECT_TRUE(s.candidates.empty()) << what;
  }
}

TEST_F(PairSyncTest, SilentAndVeryShortAudio) {
  const auto scene = MakeScene(30, kRate, 19);
  auto a = Make("a", scene);
  auto silent = Make("silent", std::vector<float>(static_cast<std::size_t>(10 * kRate), 0.0f));
  auto tiny = Make("tiny", Excerpt(scene, kRate, 5, 0.5));
  ASSERT_TRUE(a && silent && tiny);
  EXPECT_TRUE(silent->silent());
  PairSync s = SyncPair(*a, *silent);
  EXPECT_FALSE(s.matched);
  EXPECT_NE(s.reason.find("silent"), std::string::npos) << s.reason;
  s = SyncPair(*a, *tiny);
  EXPECT_FALSE(s.matched);
  EXPECT_NE(s.reason.find("too short"), std::string::npos) << s.reason;
}

}  // namespace
}  // namespace sightline::analysis::sync
