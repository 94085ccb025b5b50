// Synthetic acoustic scenes with known contents, for the event detectors' tests and benchmarks:
// backgrounds (street noise, speech-like voices, music-like tones, traffic rumble) and, at known
// times, gunshots (a Friedlander muzzle-blast pulse with its recording chain, room or street
// reverberation and a discrete echo), bursts of automatic fire, explosions (long, low-frequency
// heavy) and supersonic shots (an N-wave crack, its ground reflection, then the muzzle blast after
// the crack-thump interval of a given distance and bullet speed).
//
// The models are deliberately simple and documented in doc/events.md ("Test scenes"): they follow
// the published shapes (Friedlander 1946 blast wave; the N-wave of a supersonic projectile, Whitham
// 1952, as measured in Maher 2007) rather than recordings. Everything is deterministic for a seed.
#ifndef SIGHTLINE_ANALYSIS_EVENTS_SCENE_SYNTH_H_
#define SIGHTLINE_ANALYSIS_EVENTS_SCENE_SYNTH_H_

#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "analysis/events/events.h"

namespace sightline::analysis::events::synth {

enum class BedKind { kStreet, kSpeech, kMusic, kTraffic, kQuiet };
const char* BedName(BedKind kind);

// The five bed mixes the benchmarks' scenes rotate through: scene k is laid on BenchBeds(k)
// (street alone, speech over street, music over street, traffic over street, speech over music;
// the second is kQuiet when there is none).
std::pair<BedKind, BedKind> BenchBeds(int k);

struct TruthEvent {
  double t = 0;  // onset: the first sound to arrive (the crack when there is one)
  double end = 0;
  EventKind kind = EventKind::kShot;
  int count = 1;
  double interval_s = 0;  // crack-thump interval when supersonic, else 0
  double distance_m = 0;  // of a supersonic shot
  double bullet_speed = 0;
};

struct Scene {
  int rate = 48000;
  std::vector<float> samples;
  std::vector<TruthEvent> events;
  std::vector<SpeechRegion> speech;  // where the speech bed has phrases
};

struct SceneSpec {
  double seconds = 30;
  BedKind bed = BedKind::kStreet;
  BedKind second_bed = BedKind::kQuiet;  // mixed 6 dB below the first
  double bed_rms_dbfs = -30;
  int events = 5;                         // placed at random times, well apart
  double snr_lo_db = 20, snr_hi_db = 40;  // event peak over the bed's RMS
  bool supersonic = true;                 // some shots and bursts have cracks
  bool blasts = true, bursts = true;
  // Impulsive sounds that are not gunshots, added after the events (so a scene without them is
  // the same for a seed): a drum kit in a music bed, hand claps over voices, door slams in the
  // street and in traffic (AddHardNegatives).
  bool hard_negatives = false;
};

class Synth {
 public:
  explicit Synth(std::uint64_t seed, int rate = 48000);

  // A background `seconds` long at `rms_dbfs`; speech regions are appended to `speech`.
  std::vector<float> Bed(BedKind kind, double seconds, double rms_dbfs,
                         std::vector<SpeechRegion>* speech = nullptr);

  // Events added into `x` (which must be long enough); each returns its truth.
  TruthEvent AddShot(std::vector<float>& x, double t, double peak_dbfs);
  TruthEvent AddBurst(std::vector<float>& x, double t, double peak_dbfs, int count,
                      double interval_s, double crack_thump_s = 0);
  TruthEvent AddBlast(std::vector<float>& x, double t, double peak_dbfs);
  // Impulsive sounds that are not events, for the bed `kind` at `rms_dbfs`, over all of `x`:
  //  - music: a drum kit on a beat of 90-130 bpm in about two bars of three (a kick, a pitch
  //    sweep 150 → 50 Hz with a click; a snare, noise above 1 kHz and a 200 Hz tone; sometimes a
  //    clap instead), peaks 12-22 dB over the bed's RMS;
  //  - speech: a run of 3-8 hand claps (noise band-passed at 1-2.5 kHz, 3-8 ms decay, a short
  //    room tail) every 8-20 s, 15-25 dB over;
  //  - street and traffic: a door slam every 6-15 s (a click, then the door's 60-120 Hz and
  //    150-300 Hz modes decaying in 40-120 ms, and the room), 15-28 dB over.
  // Returns the times of the sounds added.
  std::vector<double> AddHardNegatives(std::vector<float>& x, BedKind kind, double rms_dbfs);
  // A supersonic shot: crack at t, muzzle blast at t + IntervalForDistance(distance, c, v).
  TruthEvent AddSupersonicShot(std::vector<float>& x, double t, double distance_m,
                               double bullet_speed, double sound_speed, double thump_dbfs,
                               double crack_dbfs);

  Scene MakeScene(const SceneSpec& spec);

  double Uniform(double lo, double hi);
  double Normal();

 private:
  std::vector<float> MuzzleBlast(double peak, bool with_tail);
  // A kick (0), a snare (1), a hand clap (2) or a door slam (3) peaking at `peak`.
  std::vector<float> Knock(int kind, double peak);
  void AddCrack(std::vector<float>& x, std::size_t at, double peak);
  void Mix(std::vector<float>& x, const std::vector<float>& y, std::size_t at);

  std::mt19937_64 rng_;
  int rate_;
};

// Scoring detected events against the truth (one-to-one, nearest onset within `tolerance_s`; a
// supersonic shot matches at its crack or at its muzzle blast, whichever is nearer).
struct Score {
  int truth = 0, detected = 0, matched = 0, kind_correct = 0;
  double onset_err_sum = 0, onset_err_max = 0;
  double precision() const { return detected ? static_cast<double>(matched) / detected : 1; }
  double recall() const { return truth ? static_cast<double>(matched) / truth : 1; }
  double mean_onset_error() const { return matched ? onset_err_sum / matched : 0; }
  void Add(const Score& o);
};
Score ScoreEvents(const std::vector<TruthEvent>& truth, const std::vector<AudioEvent>& found,
                  double tolerance_s = 0.05);

// Writes mono float samples as a 32-bit float WAV file (for the benchmark and for listening).
std::string WavBytes(const std::vector<float>& samples, int rate);

}  // namespace sightline::analysis::events::synth

#endif  // SIGHTLINE_ANALYSIS_EVENTS_SCENE_SYNTH_H_
