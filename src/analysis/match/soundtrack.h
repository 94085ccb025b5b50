// Same soundtrack: two files whose sound is one recording (a re-upload, a copy that kept its
// audio), told from their Chromaprint fingerprints (signals/audio/fingerprint.h). Match uses it
// three ways: pairs with the same soundtrack are compared even when their pictures share no
// similar frame (heavy edits); a pair of shared footage whose sound agrees at the same offset
// carries that as evidence; and a same-soundtrack pair whose pictures do not match is reported
// apart, never as shared footage (one trending song under two different videos, or one sound
// bed re-used by an editor, is not shared footage).
//
// Measured on real recordings (doc/match.md): copies of one soundtrack differ in 1-8 % of the
// fingerprint bits at the right lag (re-encoded to Vorbis/Opus/MP3, recorded off one broadcast);
// unrelated sound in 37-49 %; a neighbouring lag of a true match in about 29 %.
//
// Thread safety: pure functions.
#ifndef SIGHTLINE_ANALYSIS_MATCH_SOUNDTRACK_H_
#define SIGHTLINE_ANALYSIS_MATCH_SOUNDTRACK_H_

#include <optional>

#include "analysis/match/match.h"
#include "signals/audio/fingerprint.h"

namespace sightline::analysis::match {

struct SoundtrackOptions {
  double max_bit_error = 0.2;  // well below chance (0.5) and a neighbouring lag (~0.29)
  double min_score = 8.0;      // robust z of the lag among all lags (analysis/sync)
  double min_overlap_s = 3.0;  // the shortest excerpt Match promises to find
  // A fingerprint where fewer than this fraction of consecutive words differ is mostly
  // silence or a steady tone: nothing to recognise a recording by.
  double min_changing_words = 0.5;
};

struct SoundtrackMatch {
  double offset_s = 0;   // time in A at which B's time 0 falls (to about 0.12 s)
  double bit_error = 0;  // fraction of differing bits over the overlap
  double score = 0;      // robust z of the lag
  double overlap_s = 0;  // how long the two sound tracks overlap at that offset
};

// The fraction of consecutive fingerprint words that differ (0 for fewer than two words).
double ChangingWords(const signals::audio::AudioFingerprint& fp);

// The offset at which A and B carry the same sound, or nullopt when they do not (or either
// fingerprint has too little in it to tell).
std::optional<SoundtrackMatch> MatchSoundtracks(const signals::audio::AudioFingerprint& a,
                                                const signals::audio::AudioFingerprint& b,
                                                const SoundtrackOptions& options = {});

// Whether a segment of shared footage lies on the soundtrack's time line: at its start, B's time
// is A's time minus the offset, within `tolerance_s` (a couple of fingerprint items).
bool SoundAgrees(const SoundtrackMatch& sound, const Segment& segment, double tolerance_s = 0.3);

}  // namespace sightline::analysis::match

#endif  // SIGHTLINE_ANALYSIS_MATCH_SOUNDTRACK_H_
