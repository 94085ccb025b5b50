// Matching a set of clips against each other: which pairs are worth comparing (shortlist.h, plus
// every pair that shares a soundtrack), and the match of each (match.h). The one computation
// behind `sightline match` and the same_footage stage of `sightline analyze`; printing and
// storage are the callers'.
//
// Thread safety: a pure function of its inputs; runs `threads` worker threads itself.
#ifndef SIGHTLINE_ANALYSIS_MATCH_MATCH_SET_H_
#define SIGHTLINE_ANALYSIS_MATCH_MATCH_SET_H_

#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "analysis/match/match.h"
#include "analysis/match/shortlist.h"
#include "analysis/match/soundtrack.h"
#include "signals/audio/fingerprint.h"
#include "signals/visual/match_signature.h"

namespace sightline::analysis::match {

// The version of what matching finds, for stored findings: bump it when a change to matching
// (match.h, shortlist.h, soundtrack.h) changes which pairs match or their segments.
inline constexpr int kMatchAlgorithmVersion = 1;

struct MatchSetOptions {
  bool all_pairs = false;  // compare every pair, not only the shortlist's
  // Lookup: only pairs with a clip whose flag is set (files looked up against a case, items new
  // to it) are in scope. Empty: every pair is.
  std::vector<bool> queries;
  int threads = 1;
  bool trace = false;  // keep each pair's explanation (MatchOptions::trace)
};

struct ComparedPair {
  int a = 0, b = 0;  // positions in the input, a < b
  PairMatch match;
  std::vector<std::string> trace;
};

struct MatchSet {
  ShortlistStats stats;  // pairs_total counts only the pairs in scope (see queries)
  std::vector<std::pair<int, int>> compared;  // the pairs compared, (a, b) with a < b
  std::size_t by_sound = 0;                   // pairs in scope that share a soundtrack
  // Every compared pair with its match (matched or not), ordered by b, then as compared.
  std::vector<ComparedPair> pairs;
  // The pairs in scope that share a soundtrack, whatever their pictures.
  std::map<std::pair<int, int>, SoundtrackMatch> sound;
};

// Matches `sigs` (one per readable clip, none null; the caller keeps them alive) against each
// other. `sounds[i]` is
// clip i's soundtrack fingerprint or null (no sound, or not compared); it may be empty.
MatchSet MatchAll(const std::vector<const signals::visual::MatchSignature*>& sigs,
                  const std::vector<const signals::audio::AudioFingerprint*>& sounds,
                  const MatchSetOptions& options);

}  // namespace sightline::analysis::match

#endif  // SIGHTLINE_ANALYSIS_MATCH_MATCH_SET_H_
