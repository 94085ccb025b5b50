// Impulses: the onsets an event is made of, each with the measurements its kind is decided from
// (events.h gives the method; doc/events.md the parameters and their reasons).
#ifndef SIGHTLINE_ANALYSIS_EVENTS_IMPULSES_H_
#define SIGHTLINE_ANALYSIS_EVENTS_IMPULSES_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "analysis/events/events.h"

namespace sightline::analysis::events {

struct Impulse {
  double t = 0;             // onset, seconds (refined to the sample)
  double end = 0;           // level back within 3 dB of the background or 40 dB below the peak
  double peak_dbfs = -120;  // largest raw sample magnitude in the first 200 ms
  double level_db = -120;   // loudest 10 ms level (whole band), dB
  double contrast_db = 0;   // over the background (20th percentile of the 3 s before), dB
  double peak1_db = -120;   // loudest 1 ms power above 100 Hz in the first 5 ms, dB
  double excess_db = 0;     // peak1_db over the foreground (90th percentile of the 1 ms powers of
                            // the 2 s before), dB
  double rise_ms = 0;       // onset to 70 % of the peak amplitude (band above 100 Hz)
  double t20_ms = 0;        // peak to 20 dB below it (or to the background), 10 ms level
  double low_share = 0;     // energy share below 250 Hz over the first 100 ms
  double hf_share = 0;      // energy share above 2 kHz over the first 2.5 ms
  double compact = 0;       // share of the first 20 ms's energy that is in its first 2.5 ms
  double tonality = 0;      // share of the first 40 ms's spectrum in narrow peaks (notes, voices),
                            // raised for periodic sounds (0.6 at periodicity 0.8)
  double periodicity = 0;   // band-limited autocorrelation peak at 2.5-15 ms lags (1 = pitched)
  double growth_db = 0;     // median 10 ms power 30-200 ms after onset over the first 20 ms's
  bool crack = false;       // an N-wave: a supersonic bullet's shock wave
  double score = 0;         // 0..1: how much this looks like a gunshot or blast onset
};

// Finds the impulses of `x` (mono, `rate` Hz; x[0] at time `t0`) whose onsets fall at sample
// indices [keep_from, keep_to). Context outside that range (about 3 s before, 4 s after) is used
// for backgrounds and decays.
std::vector<Impulse> FindImpulses(std::span<const float> x, int rate, double t0,
                                  std::size_t keep_from, std::size_t keep_to);

// Events from impulses in time order: echoes absorbed, blasts told from shots, shots at most
// 0.25 s apart grouped into bursts, cracks paired with the muzzle blasts that follow them.
std::vector<AudioEvent> GroupImpulses(const std::vector<Impulse>& impulses,
                                      const EventOptions& options);

// Feeds FindImpulses with overlapping chunks of a stream (bounded memory).
class ImpulseChunker {
 public:
  ImpulseChunker(int rate, double t0, double chunk_s);
  void Push(const float* samples, std::size_t n);
  std::vector<Impulse> Finish();

 private:
  void Process(std::size_t keep_end, bool last);

  int rate_;
  double t0_;
  std::size_t chunk_, pre_, post_;
  std::vector<float> buf_;
  std::int64_t buf_start_ = 0;  // stream index of buf_[0]
  std::int64_t next_keep_ = 0;  // onsets before this stream index have been searched
  std::vector<Impulse> found_;
};

}  // namespace sightline::analysis::events

#endif  // SIGHTLINE_ANALYSIS_EVENTS_IMPULSES_H_
