// Chromaprint audio fingerprints (Lukáš Lalinský's library behind AcoustID, libchromaprint 1.5;
// after Ke, Hoiem & Sukthankar, "Computer Vision for Music Identification", CVPR 2005: a chroma
// image of the sound, read by 16 learnt filters into one 32-bit word per 0.124 s). Two files with
// the same soundtrack give words that agree in most bits where they overlap, whatever the codec;
// unrelated sound agrees in about half. Sightline stores one per item (kind "chromaprint"):
// `sync --case` uses it to find candidate pairs among hundreds of clips without decoding them, and
// it is there for Match to recognise re-uploads with the same sound.
//
// Thread safety: a FingerprintBuilder is used by one thread; distinct builders may run at once.
#ifndef SIGHTLINE_SIGNALS_AUDIO_FINGERPRINT_H_
#define SIGHTLINE_SIGNALS_AUDIO_FINGERPRINT_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"

namespace sightline::signals::audio {

// Format version of the stored fingerprint (kind "chromaprint"); bump when what is stored or how
// it is computed changes.
constexpr int kChromaprintFormatVersion = 1;

struct AudioFingerprint {
  std::vector<std::uint32_t> words;  // Chromaprint's raw fingerprint, one word per item
  int algorithm = 1;                 // Chromaprint's algorithm id (1 = the default, "TEST2")
  int sample_rate = 0;               // of the PCM fed
  double item_s = 0;                 // time between words (4096/3 samples at 11025 Hz, 0.1238 s)
  double delay_s = 0;                // time of the first word's start from the first sample fed
  double start_s = 0;                // time of the first sample fed on the file's clock
  double duration_s = 0;
};

// Feeds mono float PCM to Chromaprint (converted to 16 bits). Chromaprint works at 11025 Hz:
// feeding that rate avoids its own resampler.
class FingerprintBuilder {
 public:
  explicit FingerprintBuilder(int sample_rate);
  ~FingerprintBuilder();
  FingerprintBuilder(const FingerprintBuilder&) = delete;
  FingerprintBuilder& operator=(const FingerprintBuilder&) = delete;

  Status Feed(const float* samples, std::int64_t n);
  Result<AudioFingerprint> Finish(double start_s);

 private:
  struct Context;
  std::unique_ptr<Context> ctx_;
  int sample_rate_;
  std::int64_t fed_ = 0;
  std::vector<std::int16_t> buf_;
};

// Decodes the sound of `path` (11025 Hz mono, the rate Chromaprint works at) and fingerprints it,
// computing nothing else (sync_features.h computes it together with what sync needs). Fails,
// naming the file, when it has no audio or none decodes, or after `deadline`.
Result<AudioFingerprint> FingerprintFile(
    const std::string& path, std::chrono::milliseconds deadline = std::chrono::hours(6));

// Chromaprint's compressed, URL-safe base64 text of a fingerprint (what fpcalc prints and AcoustID
// takes), and back.
Result<std::string> EncodeFingerprint(const AudioFingerprint& fp);
Result<std::vector<std::uint32_t>> DecodeFingerprint(const std::string& text, int* algorithm);

// The JSON stored per item and read back:
// {"file","algorithm","sample_rate","item_s","delay_s","start_s","duration_s","words","chromaprint"}
// where "chromaprint" is the compressed text.
nlohmann::ordered_json FingerprintJson(const AudioFingerprint& fp, const std::string& file);
Result<AudioFingerprint> FingerprintFromJson(const nlohmann::json& j);

// The parameters part of the stored signal's key.
std::string FingerprintParamsJson();

}  // namespace sightline::signals::audio

#endif  // SIGHTLINE_SIGNALS_AUDIO_FINGERPRINT_H_
