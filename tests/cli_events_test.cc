// End-to-end tests of `sightline events` and `sightline spectrogram` (src/cli/cmd_events.cc,
// cmd_spectrogram.cc, events_link.cc): exit codes, JSON shape, a supersonic shot's distance, bad
// inputs that name the file, the PNG written, events linked across clips synced by their sound.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <utility>

#include <nlohmann/json.hpp>

#include "analysis/events/scene_synth.h"
#include "analysis/events/shooter_distance.h"
#include "test_util.h"

namespace sightline {
namespace {

namespace ev = analysis::events;
using testing::MakeMedia;
using testing::ReadFile;
using testing::RunSightline;
using testing::ScratchDir;
using testing::WriteFile;

// 8 s: a supersonic shot from 150 m at 1.0 s (crack, then the muzzle blast 0.27 s later), a burst
// of 6 at 4.0 s, over faint street noise; encoded as AAC like phone video.
std::string MakeScene(const ScratchDir& dir, bool clip = false) {
  ev::synth::Synth gen(21);
  auto x = gen.Bed(ev::synth::BedKind::kStreet, 8, -42);
  gen.AddSupersonicShot(x, 1.0, 150, 800, ev::SpeedOfSound(20), clip ? 6 : -10, clip ? 4 : -9);
  gen.AddBurst(x, 4.0, clip ? 8 : -8, 6, 0.085);
  for (auto& v : x) v = std::clamp(v, -1.0f, 1.0f);
  const std::string wav = dir / (clip ? "clipped.wav" : "scene.wav");
  WriteFile(wav, ev::synth::WavBytes(x, 48000));
  const std::string m4a = dir / (clip ? "clipped.m4a" : "scene.m4a");
  MakeMedia({"-i", wav, "-c:a", "aac", "-b:a", "128k"}, m4a);
  return m4a;
}

// Two recordings of one generated scene (a voice over street noise, heard alike by both phones:
// the sound they are synced on) in which each shot reaches phone B `delay` seconds before phone A
// (the shooter that much nearer to B). A is 36 s of WAV; B, AAC like phone video, starts
// kOffset s into A and lasts 28 s, at another level with its own noise. A's first shot comes
// before B starts.
constexpr double kOffset = 7.25;
struct LinkedShot {
  double t_a;    // arrival at A, on A's clock
  double delay;  // t_A − t_B on A's clock: the arrival-time difference to find
  int count;     // 1: a shot; more: a burst
};
constexpr LinkedShot kLinkedShots[] = {
    {4.0, 0.05, 1}, {26.0, 0.087, 1}, {29.5, -0.045, 5}, {33.5, 0.030, 1}};

std::vector<float> Voices(std::uint64_t seed, double seconds, double offset) {
  ev::synth::Synth gen(seed);
  auto voice = gen.Bed(ev::synth::BedKind::kSpeech, offset + seconds, -32);
  auto street = gen.Bed(ev::synth::BedKind::kStreet, offset + seconds, -40);
  const auto from = static_cast<std::size_t>(offset * 48000);
  std::vector<float> x(static_cast<std::size_t>(seconds * 48000));
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = voice[from + i] + street[from + i];
  return x;
}

void AddLinkedShot(std::vector<float>& x, std::size_t k, double t, double peak_dbfs) {
  ev::synth::Synth gen(500 + k);  // the same shot in both recordings
  if (kLinkedShots[k].count == 1) {
    gen.AddShot(x, t, peak_dbfs);
  } else {
    gen.AddBurst(x, t, peak_dbfs, kLinkedShots[k].count, 0.08);
  }
}

std::pair<std::string, std::string> MakeLinkedPair(const ScratchDir& dir) {
  auto a = Voices(31, 36, 0);
  auto b = Voices(31, 28, kOffset);
  ev::synth::Synth noise(77);
  const auto own = noise.Bed(ev::synth::BedKind::kStreet, 28, -44);
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = 0.6f * b[i] + own[i];
  for (std::size_t k = 0; k < std::size(kLinkedShots); ++k) {
    const LinkedShot& s = kLinkedShots[k];
    AddLinkedShot(a, k, s.t_a, -3);
    const double t_b = s.t_a - s.delay - kOffset;
    if (t_b > 0) AddLinkedShot(b, k, t_b, -6);
  }
  for (auto* x : {&a, &b})
    for (auto& v : *x) v = std::clamp(v, -1.0f, 1.0f);
  const std::string wav_a = dir / "phone_a.wav", wav_b = dir / "b.wav", m4a_b = dir / "phone_b.m4a";
  WriteFile(wav_a, ev::synth::WavBytes(a, 48000));
  WriteFile(wav_b, ev::synth::WavBytes(b, 48000));
  MakeMedia({"-i", wav_b, "-c:a", "aac", "-b:a", "128k"}, m4a_b);
  return {wav_a, m4a_b};
}

TEST(EventsCliTest, UsageErrors) {
  EXPECT_EQ(RunSightline({"events"}).exit_code, 2);
  EXPECT_EQ(RunSightline({"events", "--bogus", "x.wav"}).exit_code, 2);
  EXPECT_EQ(RunSightline({"events", "--bullet-speed", "200:300", "x.wav"}).exit_code, 2);
  EXPECT_EQ(RunSightline({"events", "--min-confidence", "2", "x.wav"}).exit_code, 2);
  EXPECT_EQ(RunSightline({"events", "--sync", "x.wav"}).exit_code, 2);
  EXPECT_EQ(RunSightline({"events", "--max-difference", "0.5", "x.wav", "y.wav"}).exit_code, 2);
  EXPECT_EQ(
      RunSightline({"events", "--sync", "--max-difference", "-1", "x.wav", "y.wav"}).exit_code, 2);
  EXPECT_EQ(RunSightline({"spectrogram", "x.wav"}).exit_code, 2);
  EXPECT_EQ(RunSightline({"spectrogram", "a.wav", "b.wav", "-o", "s.png"}).exit_code, 2);
  EXPECT_EQ(
      RunSightline({"spectrogram", "a.wav", "-o", "s.png", "--from", "5", "--to", "2"}).exit_code,
      2);
  for (const char* cmd : {"events", "spectrogram"}) {
    auto help = RunSightline({cmd, "--help"});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_NE(help.out.find("--json"), std::string::npos) << cmd;
  }
}

TEST(EventsCliTest, ShotWithDistanceAndBurstInJson) {
  ScratchDir dir;
  const std::string f = MakeScene(dir);
  auto r = RunSightline({"events", "--json", f});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["file"], f);
  ASSERT_TRUE(j["speech"].is_array());
  ASSERT_TRUE(j["events"].is_array());
  bool shot = false, burst = false;
  for (const auto& e : j["events"]) {
    for (const char* k : {"t", "end", "kind", "peak_dbfs", "confidence"})
      EXPECT_TRUE(e.contains(k)) << k;
    if (e["kind"] == "shot" && std::fabs(e["t"].get<double>() - 1.0) < 0.01) {
      shot = true;
      ASSERT_TRUE(e.contains("distance_m")) << e.dump();
      EXPECT_NEAR(e["crack_t"].get<double>(), 1.0, 0.005);
      const double truth = ev::IntervalForDistance(150, ev::SpeedOfSound(20), 800);
      // AAC's pre-echo moves onsets by a few ms (uncompressed pairs: ≤ 2 ms,
      // shooter_distance_test).
      EXPECT_NEAR(e["interval_s"].get<double>(), truth, 0.005);
      EXPECT_LE(e["distance_m"][0].get<double>(), 150);
      EXPECT_GE(e["distance_m"][1].get<double>(), 150);
      EXPECT_EQ(e["assumptions"]["temperature_c"], 20);
    }
    if (e["kind"] == "burst") {
      burst = true;
      EXPECT_NEAR(e["t"].get<double>(), 4.0, 0.01);
      EXPECT_GE(e["count"].get<int>(), 4);
    }
  }
  EXPECT_TRUE(shot) << r.out;
  EXPECT_TRUE(burst) << r.out;
  auto text = RunSightline({"events", f});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("shooter"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("burst x"), std::string::npos) << text.out;
}

TEST(EventsCliTest, ClippedShotsAreStillFound) {
  ScratchDir dir;
  const std::string f = MakeScene(dir, true);
  auto r = RunSightline({"events", "--json", "--no-speech", f});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  int near_shot = 0, near_burst = 0;
  for (const auto& e : j["events"]) {
    const double t = e["t"].get<double>();
    if (std::fabs(t - 1.0) < 0.01 || std::fabs(t - 1.27) < 0.01) ++near_shot;
    if (std::fabs(t - 4.0) < 0.01) ++near_burst;
    EXPECT_GT(e["peak_dbfs"].get<double>(), -3);
  }
  EXPECT_GE(near_shot, 1) << r.out;
  EXPECT_EQ(near_burst, 1) << r.out;
}

TEST(EventsCliTest, BadInputs) {
  ScratchDir dir;
  const std::string silent = dir / "silent.wav", tiny = dir / "tiny.wav",
                    video = dir / "noaudio.mp4", missing = dir / "missing.wav";
  MakeMedia({"-f", "lavfi", "-i", "anullsrc=r=44100:cl=stereo", "-t", "3"}, silent);
  MakeMedia({"-f", "lavfi", "-i", "sine=frequency=1000:duration=0.02"}, tiny);
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=s=160x120:r=10:d=1", "-an", "-c:v", "libx264",
             "-pix_fmt", "yuv420p"},
            video);
  auto r = RunSightline({"events", "--json", silent, tiny});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 2u);
  for (const auto& f : j) {
    EXPECT_TRUE(f["events"].empty()) << f.dump();
    EXPECT_TRUE(f["speech"].empty()) << f.dump();
  }
  r = RunSightline({"events", "--json", silent, video, missing});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("noaudio.mp4"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("missing.wav"), std::string::npos) << r.err;
  j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 3u);
  EXPECT_TRUE(j[1].contains("error"));
  auto s = RunSightline({"spectrogram", video, "-o", dir / "x.png"});
  EXPECT_EQ(s.exit_code, 1);
  EXPECT_NE(s.err.find("noaudio.mp4"), std::string::npos) << s.err;
}

TEST(EventsCliTest, SpectrogramWritesAPng) {
  ScratchDir dir;
  const std::string f = MakeScene(dir);
  const std::string png = dir / "s.png";
  auto r = RunSightline(
      {"spectrogram", f, "-o", png, "--json", "--from", "0.5", "--to", "6", "--width", "600"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string bytes = ReadFile(png);
  ASSERT_GT(bytes.size(), 1000u);
  EXPECT_EQ(bytes.substr(1, 3), "PNG");
  auto j = nlohmann::json::parse(r.out);
  EXPECT_NEAR(j["from"].get<double>(), 0.5, 1e-3);
  EXPECT_NEAR(j["to"].get<double>(), 6.0, 0.05);
  EXPECT_GE(j["events"].size(), 2u);
  auto whole = RunSightline({"spectrogram", f, "-o", dir / "whole.png", "--no-events"});
  EXPECT_EQ(whole.exit_code, 0) << whole.err;
  auto past = RunSightline({"spectrogram", f, "-o", dir / "past.png", "--from", "100"});
  EXPECT_EQ(past.exit_code, 1);
}

TEST(EventsCliTest, SyncLinksTheSameShotsAcrossClips) {
  ScratchDir dir;
  const auto [a, b] = MakeLinkedPair(dir);
  // A third recording of somewhere else: it syncs with neither.
  ev::synth::Synth other(90);
  auto x = other.Bed(ev::synth::BedKind::kMusic, 12, -28);
  other.AddShot(x, 5.0, -6);
  const std::string c = dir / "elsewhere.wav";
  WriteFile(c, ev::synth::WavBytes(x, 48000));

  auto r = RunSightline({"events", "--sync", "--json", "--no-speech", a, b, c});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["files"].size(), 3u);
  EXPECT_EQ(j["files"][0]["file"], a);
  EXPECT_NEAR(j["link_assumptions"]["speed_of_sound_m_s"].get<double>(), 343.2, 0.1);
  ASSERT_EQ(j["links"].size(), 1u) << r.out;
  const auto& p = j["links"][0];
  EXPECT_EQ(p["a"], a);
  EXPECT_EQ(p["b"], b);
  EXPECT_NEAR(p["offset_s"].get<double>(), kOffset, 0.002) << p.dump();
  // The three shots inside the overlap, each with its own arrival difference; the first (before
  // B started) is not linked.
  ASSERT_EQ(p["events"].size(), 3u) << p.dump();
  for (std::size_t k = 1; k < std::size(kLinkedShots); ++k) {
    const auto& e = p["events"][k - 1];
    const LinkedShot& s = kLinkedShots[k];
    EXPECT_NEAR(e["a_t"].get<double>(), s.t_a, 0.005) << e.dump();
    EXPECT_NEAR(e["b_t"].get<double>(), s.t_a - s.delay - kOffset, 0.005) << e.dump();
    // AAC's pre-echo moves B's onsets by up to a few ms.
    EXPECT_NEAR(e["arrival_difference_s"].get<double>(), s.delay, 0.004) << e.dump();
    EXPECT_NEAR(e["distance_difference_m"].get<double>(), s.delay * 343.2, 1.5) << e.dump();
    EXPECT_EQ(e["kind"], s.count > 1 ? "burst" : "shot") << e.dump();
  }
  EXPECT_EQ(p["unlinked_a"], 0) << p.dump();
  EXPECT_EQ(p["unlinked_b"], 0) << p.dump();
  ASSERT_EQ(j["no_sync"].size(), 2u) << r.out;
  for (const auto& n : j["no_sync"]) {
    EXPECT_EQ(n["b"], c);
    EXPECT_FALSE(n["reason"].get<std::string>().empty());
  }

  auto text = RunSightline({"events", "--sync", "--no-speech", "--temperature", "0", a, b, c});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("== " + c), std::string::npos) << text.out;  // per-file output kept
  EXPECT_NE(text.out.find("331.3 m/s"), std::string::npos) << text.out;
  // 0.087 s at 331.3 m/s: 28.8 m.
  EXPECT_NE(text.out.find(" = "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("heard 0.08"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(" m farther from " + a + " than from " + b), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find(" m nearer to " + a), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(a + " ~ " + c + ": not synced"), std::string::npos) << text.out;
}

}  // namespace
}  // namespace sightline
