// What `match` compares of one clip: its picture signature (signals/visual/match_signature.h)
// and the Chromaprint fingerprint of its sound (signals/audio/fingerprint.h), extracted from a
// file given on the command line or from a case item's original, several files at once.
//
// Thread safety: ExtractMatchInputs runs its own worker threads and serialises the calls it
// makes to the progress consumer.
#ifndef SIGHTLINE_SIGNALS_MATCH_INPUT_H_
#define SIGHTLINE_SIGNALS_MATCH_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "signals/audio/fingerprint.h"
#include "signals/visual/match_signature.h"

namespace sightline::signals {

struct MatchInput {
  std::string name;          // as printed: the path given, or "#ID name" for a case item
  std::string path;          // what is read: the file, or the case item's stored original
  std::int64_t item_id = 0;  // the case item; 0 for a file
  Result<visual::MatchSignature> sig = Internal("not read");
  // The sound's fingerprint; empty when there is no sound, it is silent, or it was not asked for.
  std::optional<audio::AudioFingerprint> sound;
};

// A narrow consumer of extraction progress, for a progress meter. Calls are serialised.
class ExtractionProgress {
 public:
  virtual ~ExtractionProgress() = default;
  virtual void Begin(std::size_t files) = 0;
  virtual void Decoded(double media_seconds) = 0;  // more of the current files decoded
  virtual void FileDone() = 0;
  virtual void End() = 0;
};

// Forwards to `inner` (not owned; may be null: then nothing happens) under a lock, for stages
// whose worker threads report their own progress.
class SerialProgress final : public ExtractionProgress {
 public:
  explicit SerialProgress(ExtractionProgress* inner) : inner_(inner) {}
  void Begin(std::size_t files) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (inner_) inner_->Begin(files);
  }
  void Decoded(double media_seconds) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (inner_) inner_->Decoded(media_seconds);
  }
  void FileDone() override {
    std::lock_guard<std::mutex> lock(mu_);
    if (inner_) inner_->FileDone();
  }
  void End() override {
    std::lock_guard<std::mutex> lock(mu_);
    if (inner_) inner_->End();
  }

 private:
  ExtractionProgress* inner_;
  std::mutex mu_;
};

// The Chromaprint fingerprint of a file's sound, or nullopt when it has none worth comparing.
std::optional<audio::AudioFingerprint> FingerprintSound(const std::string& path);

// Extracts the signatures of (*inputs)[k] for k in `which`, `threads` files at once; with
// `sound`, the fingerprints of the sound of those that are not stills too. A failure is left in
// the input's `sig`, named after the input when it is a case item. `progress` may be null.
void ExtractMatchInputs(std::vector<MatchInput>* inputs, const std::vector<std::size_t>& which,
                        int threads, bool sound, ExtractionProgress* progress);

}  // namespace sightline::signals

#endif  // SIGHTLINE_SIGNALS_MATCH_INPUT_H_
