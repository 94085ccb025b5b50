// Band-energy envelopes of mono PCM at about 100 frames per second, and the onset strength the
// sync's coarse search correlates (src/analysis/sync/). A short-time Fourier transform (Hann
// window of 256 samples, hop 110 at 11025 Hz: 23 ms frames every 10 ms) sums power in eight bands
// spaced logarithmically from 150 Hz to 5 kHz. Onset strength is the half-wave rectified first
// difference of log band energy ("spectral flux" on a log scale; Bello et al., "A Tutorial on
// Onset Detection in Music Signals", IEEE TSALP 2005): it marks where sound starts, which is what
// two microphones in different places share, and it is blind to each device's level and colour
// (a constant gain per band cancels in the difference).
//
// Thread safety: an EnvelopeBuilder is used by one thread; distinct builders may run at once.
#ifndef SIGHTLINE_SIGNALS_AUDIO_ENVELOPE_H_
#define SIGHTLINE_SIGNALS_AUDIO_ENVELOPE_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"

#include "signals/audio/sync_fft.h"

namespace sightline::signals::audio {

struct EnvelopeParams {
  int sample_rate = 11025;
  int window = 256;  // samples per frame (a power of two)
  int hop = 110;     // samples between frames
  int bands = 8;
  float f_lo = 150, f_hi = 5000;  // Hz
  bool operator==(const EnvelopeParams&) const = default;
};

struct BandEnergies {
  EnvelopeParams params;
  // Frame k covers PCM samples [k·hop, k·hop + window): its centre is at
  // (k·hop + window/2) / sample_rate seconds from the first sample.
  std::int64_t frames = 0;
  std::vector<float> energy;  // frames × bands, row-major: power per band
  double frame_rate() const { return static_cast<double>(params.sample_rate) / params.hop; }
};

class EnvelopeBuilder {
 public:
  explicit EnvelopeBuilder(const EnvelopeParams& params = {});
  // Appends mono samples.
  void Feed(const float* samples, std::int64_t n);
  // The envelope of everything fed; the builder is then empty.
  BandEnergies Finish();

 private:
  void Frame(const float* x);
  EnvelopeParams p_;
  const RealFft& fft_;
  std::vector<float> hann_;
  std::vector<int> band_lo_, band_hi_;  // FFT bins [lo, hi) of each band
  std::vector<float> pending_;          // samples not yet past every frame that needs them
  std::size_t next_ = 0;                // start of the next frame in pending_
  FloatBuffer in_;
  ComplexBuffer out_;
  BandEnergies result_;
};

// Format version of the stored envelope (kind "sync_envelope"); bump when what is stored or how
// it is computed changes.
constexpr int kEnvelopeFormatVersion = 1;

// The stored form (`sync --case` keeps one per item so that candidate pairs can be searched
// without decoding): {"file","sample_rate","window","hop","bands","f_lo","f_hi","start_s",
// "duration_s","peak_dbfs","frames","ref","data"} where data is base64 of frames × bands bytes,
// each the band's power in half-decibel steps below `ref` (the largest band power): byte q stands
// for ref · 10^((q − 255) / 20). 800 bytes a second of audio before base64.
struct StoredEnvelope {
  BandEnergies energies;
  double start_s = 0, duration_s = 0, peak_dbfs = -200;
};
nlohmann::ordered_json EnvelopeJson(const StoredEnvelope& e, const std::string& file);
Result<StoredEnvelope> EnvelopeFromJson(const nlohmann::json& j);
// The parameters part of the stored signal's key.
std::string EnvelopeParamsJson(const EnvelopeParams& p = {});

// Onset strength per band, frames × bands like the energies: log(E + floor) with a floor per band
// at a fraction of the band's mean power (so that the fluctuation of near-silence does not count
// as onsets), first difference, half-wave rectified; then each band scaled to zero mean and unit
// variance (all zero for a band without energy).
std::vector<float> OnsetStrength(const BandEnergies& e);

}  // namespace sightline::signals::audio

#endif  // SIGHTLINE_SIGNALS_AUDIO_ENVELOPE_H_
