// The JSON of a pair's match: its segments on both time lines, the frames that show it and the
// soundtrack they share, as `sightline match --json` prints it and as a same_footage finding
// stores it (doc/match.md documents every field). Times are rounded to milliseconds.
#ifndef SIGHTLINE_ANALYSIS_MATCH_MATCH_JSON_H_
#define SIGHTLINE_ANALYSIS_MATCH_MATCH_JSON_H_

#include <nlohmann/json.hpp>

#include "analysis/match/match.h"
#include "analysis/match/soundtrack.h"

namespace sightline::analysis::match {

// {"offset_s","bit_error","overlap_s"}
nlohmann::ordered_json SoundtrackJson(const SoundtrackMatch& s);

// Whether every segment of footage lies on the soundtrack's time line.
bool SoundAgreesWithFootage(const SoundtrackMatch& sound, const PairMatch& m);

// {"score","mirrored","static","segments":[…],"evidence":[…],"sound":{…,"agrees"}|null};
// `sound` may be null (the pair does not carry one soundtrack).
nlohmann::ordered_json PairMatchJson(const PairMatch& m, const SoundtrackMatch* sound);

}  // namespace sightline::analysis::match

#endif  // SIGHTLINE_ANALYSIS_MATCH_MATCH_JSON_H_
