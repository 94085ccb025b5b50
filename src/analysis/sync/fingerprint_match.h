// Candidate offsets between two clips from their stored Chromaprint fingerprints
// (signals/audio/fingerprint.h), without decoding either: for every lag (in fingerprint items,
// 0.124 s) at which they overlap by at least min_overlap_s, the fraction of differing bits over
// the overlap. Unrelated sound differs in about half the bits; the same sound in fewer. Each lag
// is scored like the envelope search (robust z over all lags), and lags standing out are returned.
// Used by `sync --case` to pick, among hundreds of clips, the pairs worth a sample-level look.
//
// Cost: one popcount per pair of items (a one-minute pair: 0.2 million), no allocation per lag.
//
// Thread safety: a pure function.
#ifndef SIGHTLINE_ANALYSIS_SYNC_FINGERPRINT_MATCH_H_
#define SIGHTLINE_ANALYSIS_SYNC_FINGERPRINT_MATCH_H_

#include <vector>

#include "signals/audio/fingerprint.h"

namespace sightline::analysis::sync {

struct FingerprintHit {
  double offset_s = 0;     // time in a at which b's time 0 falls (to about a tenth of a second)
  double bit_error = 0.5;  // fraction of differing bits over the overlap
  double score = 0;        // robust z of the lag
  double overlap_s = 0;
};

struct FingerprintMatchOptions {
  double min_overlap_s = 2.0;
  double min_score = 6.0;  // robust z
  double max_bit_error = 0.42;
  int max_hits = 3;
};

// Hits, best first (empty when nothing stands out).
std::vector<FingerprintHit> MatchFingerprints(const signals::audio::AudioFingerprint& a,
                                              const signals::audio::AudioFingerprint& b,
                                              const FingerprintMatchOptions& options = {});

}  // namespace sightline::analysis::sync

#endif  // SIGHTLINE_ANALYSIS_SYNC_FINGERPRINT_MATCH_H_
