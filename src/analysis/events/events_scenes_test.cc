// Precision, recall and onset error of the event detector on generated scenes: gunshots, bursts,
// blasts and supersonic shots mixed at known times into street noise, speech-like voices,
// music-like tones and traffic rumble (scene_synth.h). The measured numbers are printed.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "analysis/events/events.h"
#include "analysis/events/impulses.h"
#include "analysis/events/scene_synth.h"

namespace sightline::analysis::events {
namespace {

using synth::BedKind;

struct BedCase {
  BedKind bed, second;
};

synth::Score RunScenes(const std::vector<BedCase>& beds, int per_bed, double bed_dbfs,
                       std::uint64_t seed, bool verbose) {
  synth::Score total;
  int scene_no = 0;
  for (const BedCase& b : beds) {
    for (int k = 0; k < per_bed; ++k, ++scene_no) {
      synth::Synth gen(seed + 1000 * scene_no);
      synth::SceneSpec spec;
      spec.seconds = 30;
      spec.bed = b.bed;
      spec.second_bed = b.second;
      spec.bed_rms_dbfs = bed_dbfs;
      spec.events = 5;
      synth::Scene scene = gen.MakeScene(spec);
      EventOptions options;
      options.speech = false;
      EventsResult r = DetectEvents(scene.samples, scene.rate, options);
      synth::Score s = synth::ScoreEvents(scene.events, r.events);
      if (verbose && (s.matched != s.truth || s.matched != s.detected || s.onset_err_max > 0.005)) {
        std::printf("scene %d (%s+%s): truth", scene_no, synth::BedName(b.bed),
                    synth::BedName(b.second));
        for (const auto& e : scene.events) std::printf(" %.3f%s%d", e.t, KindName(e.kind), e.count);
        std::printf("\n   found");
        for (const auto& e : r.events)
          std::printf(" %.3f%s%d(%.2f)", e.t, KindName(e.kind), e.count, e.confidence);
        std::printf("\n");
      }
      total.Add(s);
    }
  }
  return total;
}

TEST(EventScenesTest, PrecisionRecallOnsetOnMixedBeds) {
  const std::vector<BedCase> beds = {{BedKind::kStreet, BedKind::kQuiet},
                                     {BedKind::kSpeech, BedKind::kStreet},
                                     {BedKind::kMusic, BedKind::kQuiet},
                                     {BedKind::kTraffic, BedKind::kStreet},
                                     {BedKind::kSpeech, BedKind::kMusic}};
  synth::Score s = RunScenes(beds, 2, -30, 7, true);
  std::printf(
      "events on %d generated scenes: %d true, %d found, %d matched: precision %.3f recall %.3f, "
      "kind right %d/%d, onset error mean %.2f ms max %.2f ms\n",
      static_cast<int>(beds.size()) * 2, s.truth, s.detected, s.matched, s.precision(), s.recall(),
      s.kind_correct, s.matched, 1e3 * s.mean_onset_error(), 1e3 * s.onset_err_max);
  // The goal is 0.9 each; these are the measured floors (doc/events.md, "Measurements"): the
  // misses and false alarms are listed above when a scene is not perfect.
  EXPECT_GE(s.precision(), 0.88);  // measured 0.918 (0.72 before the foreground excess)
  EXPECT_GE(s.recall(), 0.88);     // measured 0.90
  EXPECT_LE(s.onset_err_max, 0.010);
}

}  // namespace
}  // namespace sightline::analysis::events

namespace sightline::analysis::events {
namespace {

// Prints every impulse of one scene with its measurements (for tuning; run explicitly).
TEST(EventScenesTest, DISABLED_DumpImpulses) {
  const char* env = std::getenv("SCENE");
  const int scene_no = env ? std::atoi(env) : 0;
  const BedKind beds[][2] = {{BedKind::kStreet, BedKind::kQuiet},
                             {BedKind::kSpeech, BedKind::kStreet},
                             {BedKind::kMusic, BedKind::kQuiet},
                             {BedKind::kTraffic, BedKind::kStreet},
                             {BedKind::kSpeech, BedKind::kMusic}};
  synth::Synth gen(7 + 1000 * scene_no);
  synth::SceneSpec spec;
  spec.bed = beds[scene_no / 2][0];
  spec.second_bed = beds[scene_no / 2][1];
  synth::Scene scene = gen.MakeScene(spec);
  if (const char* wav = std::getenv("WAV")) {  // a 44-byte-header float WAV (events_bench gen)
    std::FILE* f = std::fopen(wav, "rb");
    ASSERT_NE(f, nullptr);
    std::fseek(f, 0, SEEK_END);
    const long size = std::ftell(f);
    std::fseek(f, 44, SEEK_SET);
    scene.samples.assign(static_cast<std::size_t>(size - 44) / 4, 0.0f);
    ASSERT_EQ(std::fread(scene.samples.data(), 4, scene.samples.size(), f), scene.samples.size());
    std::fclose(f);
    scene.events.clear();
  }
  int nans = 0;
  float mx = 0;
  for (float v : scene.samples) {
    if (!std::isfinite(v))
      ++nans;
    else
      mx = std::max(mx, std::fabs(v));
  }
  std::printf("%d non-finite samples, max %.3f\n", nans, mx);
  for (const auto& e : scene.events)
    std::printf("truth %.3f %s x%d ct=%.3f\n", e.t, KindName(e.kind), e.count, e.interval_s);
  for (const Impulse& i : FindImpulses(scene.samples, scene.rate, 0, 0, scene.samples.size()))
    std::printf(
        "%8.3f lvl %6.1f con %5.1f exc %5.1f p1 %6.1f rise %5.1f t20 %6.0f low %.2f hf %.2f "
        "cmp %.2f ton %.2f per %.2f grow %5.1f %s score %.2f peak %.1f\n",
        i.t, i.level_db, i.contrast_db, i.excess_db, i.peak1_db, i.rise_ms, i.t20_ms, i.low_share,
        i.hf_share, i.compact, i.tonality, i.periodicity, i.growth_db, i.crack ? "CRACK" : "",
        i.score, i.peak_dbfs);
}

}  // namespace
}  // namespace sightline::analysis::events

namespace sightline::analysis::events {
namespace {

TEST(EventScenesTest, DISABLED_DumpOne) {
  synth::Synth gen(5);
  auto x = gen.Bed(BedKind::kQuiet, 4, -60);
  const char* k = std::getenv("KIND");
  std::string kind = k ? k : "blast";
  if (kind == "blast") gen.AddBlast(x, 1.0, -6);
  if (kind == "shot") gen.AddShot(x, 1.0, -6);
  if (kind == "burst") gen.AddBurst(x, 1.0, -6, 5, 0.08);
  if (kind == "crackburst") gen.AddBurst(x, 1.0, -6, 5, 0.08, 0.15);
  if (kind == "crack") gen.AddSupersonicShot(x, 1.0, 100, 800, 343, -6, -6);
  if (kind == "crack2") gen.AddSupersonicShot(x, 1.0, 60, 980, 343, -12, -14);
  for (const Impulse& i : FindImpulses(x, 48000, 0, 0, x.size()))
    std::printf(
        "%8.3f lvl %6.1f con %5.1f rise %5.1f t20 %6.0f low %.2f hf %.2f cmp %.2f ton %.2f "
        "grow %5.1f %s score %.2f peak %.1f\n",
        i.t, i.level_db, i.contrast_db, i.rise_ms, i.t20_ms, i.low_share, i.hf_share, i.compact,
        i.tonality, i.growth_db, i.crack ? "CRACK" : "", i.score, i.peak_dbfs);
}

}  // namespace
}  // namespace sightline::analysis::events
