#include "analysis/match/soundtrack.h"

#include <cmath>

#include "analysis/sync/fingerprint_match.h"

namespace sightline::analysis::match {

double ChangingWords(const signals::audio::AudioFingerprint& fp) {
  if (fp.words.size() < 2) return 0;
  std::size_t changes = 0;
  for (std::size_t i = 1; i < fp.words.size(); ++i) changes += fp.words[i] != fp.words[i - 1];
  return static_cast<double>(changes) / static_cast<double>(fp.words.size() - 1);
}

std::optional<SoundtrackMatch> MatchSoundtracks(const signals::audio::AudioFingerprint& a,
                                                const signals::audio::AudioFingerprint& b,
                                                const SoundtrackOptions& o) {
  if (ChangingWords(a) < o.min_changing_words || ChangingWords(b) < o.min_changing_words) {
    return std::nullopt;
  }
  sync::FingerprintMatchOptions fo;
  fo.min_overlap_s = o.min_overlap_s;
  fo.min_score = o.min_score;
  fo.max_bit_error = o.max_bit_error;
  fo.max_hits = 1;
  const auto hits = sync::MatchFingerprints(a, b, fo);
  if (hits.empty() || hits[0].overlap_s < o.min_overlap_s) return std::nullopt;
  SoundtrackMatch m;
  m.offset_s = hits[0].offset_s;
  m.bit_error = hits[0].bit_error;
  m.score = hits[0].score;
  m.overlap_s = hits[0].overlap_s;
  return m;
}

bool SoundAgrees(const SoundtrackMatch& sound, const Segment& segment, double tolerance_s) {
  // The soundtrack's line has slope 1: a segment at another speed has another pitch as well,
  // which Chromaprint would not have matched; its start is what is compared.
  return std::fabs(segment.b_start - (segment.a_start - sound.offset_s)) <= tolerance_s;
}

}  // namespace sightline::analysis::match
