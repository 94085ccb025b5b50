// Audio events in one recording: gunshot-like impulses, bursts of automatic fire, explosions and
// blasts, the shooter's distance from a supersonic crack and its muzzle blast, and speech regions.
// Pure computation on PCM (no I/O): the caller decodes (media::DecodeAudio) and pushes samples.
//
// Usage: make an EventScanner for the stream's sample rate, Push() the mono samples in order
// (blocks of any size), then Finish(). Memory is bounded whatever the duration: impulses are
// found in overlapping chunks of `chunk_s` seconds, speech from a few bytes per 10 ms frame.
// DetectEvents() does the same for a whole array.
//
// Method (doc/events.md has the derivations, parameters, measurements and limits):
//  - Impulses (impulses.h): onsets from a 1 ms energy envelope of the band above 100 Hz, where the
//    level jumps far above the few milliseconds before it (an energy-based onset detection function
//    with a local adaptive threshold, Bello et al. 2005, "A tutorial on onset detection in music
//    signals"); the onset is refined to the sample. Each onset is described by its rise time, its
//    decay (time to fall 20 dB), its contrast over the background, its excess over the foreground
//    (its 1 ms peak against the loud part of the 2 s before it: a syllable among syllables or a
//    note among notes does not stand out), its low-frequency share, its periodicity (a harmonic
//    onset is a note or a voice, not a shot) and whether its energy keeps growing afterwards (a
//    consonant before a vowel).
//  - Kinds (following the acoustics in Maher 2007, "Acoustical characterization of gunshots",
//    IEEE SAFE workshop): a shot is a steep, short, broadband impulse; a blast is long and
//    low-frequency heavy; a burst is three or more shots at most 0.25 s apart (automatic fire,
//    600-1200 rounds/min), reported as one event with `count`. A supersonic bullet's crack (an
//    N-wave a few hundred microseconds long, most of its energy above 2 kHz) that precedes a muzzle
//    blast is folded into the shot, which then carries the crack-thump interval and a distance.
//  - Speech (speech.h): long-term spectral divergence in 300-3400 Hz against an adaptive noise
//    spectrum (Ramírez et al. 2004) with voicing (periodicity at 70-400 Hz) and hangover.
//
// Thread safety: an EventScanner is used from one thread; distinct scanners are independent.
#ifndef SIGHTLINE_ANALYSIS_EVENTS_EVENTS_H_
#define SIGHTLINE_ANALYSIS_EVENTS_EVENTS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "analysis/events/shooter_distance.h"

namespace sightline::analysis::events {

enum class EventKind { kShot, kBurst, kBlast };
// "shot", "burst", "blast".
const char* KindName(EventKind kind);

struct AudioEvent {
  double t = 0;    // onset, seconds (the crack's, when there is one: the first sound to arrive)
  double end = 0;  // where the level is back near the background (tails included), seconds
  EventKind kind = EventKind::kShot;
  double peak_dbfs = 0;                   // largest sample magnitude, dB full scale (0 = clipping)
  double confidence = 0;                  // 0..1
  int count = 1;                          // shots in a burst; 1 otherwise
  std::optional<CrackThump> crack_thump;  // a supersonic crack before the muzzle blast
};

struct SpeechRegion {
  double start = 0, end = 0;  // seconds
};

struct EventOptions {
  // Report events at or above this confidence.
  double min_confidence = 0.5;
  // Assumptions for distances from crack-thump intervals.
  DistanceAssumptions distance;
  // Processing chunk (seconds) for bounded memory; each is analysed with 3.5 s before and 4.5 s
  // after.
  double chunk_s = 30;
  // Also find speech regions.
  bool speech = true;
};

struct EventsResult {
  std::vector<AudioEvent> events;
  std::vector<SpeechRegion> speech;
};

class ImpulseChunker;
class SpeechDetector;

class EventScanner {
 public:
  // `t0` is the time of the first sample pushed.
  EventScanner(int sample_rate, const EventOptions& options = {}, double t0 = 0);
  ~EventScanner();
  EventScanner(const EventScanner&) = delete;
  EventScanner& operator=(const EventScanner&) = delete;

  void Push(const float* samples, std::size_t n);
  // Analyses what is left and returns everything found, in time order. Call once.
  EventsResult Finish();

 private:
  EventOptions options_;
  std::unique_ptr<ImpulseChunker> impulses_;
  std::unique_ptr<SpeechDetector> speech_;
  std::vector<float> clean_;
};

// The whole of `samples` (mono) at once.
EventsResult DetectEvents(std::span<const float> samples, int sample_rate,
                          const EventOptions& options = {}, double t0 = 0);

}  // namespace sightline::analysis::events

#endif  // SIGHTLINE_ANALYSIS_EVENTS_EVENTS_H_
