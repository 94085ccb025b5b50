#include "signals/match_input.h"

#include <algorithm>
#include <mutex>

#include "base/parallel.h"

namespace sightline::signals {

std::optional<audio::AudioFingerprint> FingerprintSound(const std::string& path) {
  auto f = audio::FingerprintFile(path);
  if (!f.ok()) return std::nullopt;
  return std::move(*f);
}

void ExtractMatchInputs(std::vector<MatchInput>* inputs, const std::vector<std::size_t>& which,
                        int threads, bool sound, ExtractionProgress* progress) {
  if (which.empty()) return;
  std::mutex mu;
  if (progress) progress->Begin(which.size());
  ParallelFor(which.size(), threads, [&](std::size_t n) {
    MatchInput& in = (*inputs)[which[n]];
    double last_t = 0;
    visual::MatchSignatureOptions o;
    o.threads = 1;
    in.sig = visual::ExtractMatchSignature(in.path, o, [&](double t) {
      std::lock_guard<std::mutex> lock(mu);
      if (progress) progress->Decoded(std::max(0.0, t - last_t));
      last_t = t;
    });
    if (!in.sig.ok() && in.item_id != 0) {
      in.sig = Status(in.sig.status().code(), in.name + ": " + in.sig.status().message());
    }
    if (sound && in.sig.ok() && !in.sig->still) in.sound = FingerprintSound(in.path);
    std::lock_guard<std::mutex> lock(mu);
    if (progress) progress->FileDone();
  });
  if (progress) progress->End();
}

}  // namespace sightline::signals
