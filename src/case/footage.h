// The same_footage stage of `analyze`: which items of a case hold the same recording (copies,
// re-encodes, crops, excerpts, compilations), found by `match`'s method (analysis/match/) on the
// items' stored signatures (case/match_signals.h). Incremental: only items this version of the
// matcher has not compared yet are compared, each with every other picture item.
//
// Thread safety: one thread per Case; runs `threads` workers itself.
#ifndef SIGHTLINE_CASE_FOOTAGE_H_
#define SIGHTLINE_CASE_FOOTAGE_H_

#include <cstddef>
#include <string>
#include <vector>

#include "base/status.h"
#include "case/findings.h"
#include "evidence/case.h"
#include "evidence/identity.h"
#include "signals/match_input.h"

namespace sightline::investigation {

// The analyzer name and version same_footage findings carry.
inline constexpr char kFootageAnalyzer[] = "match";
int FootageAnalyzerVersion();

struct FootageOptions {
  int threads = 2;
  bool sound = true;                                // compare soundtracks too
  signals::ExtractionProgress* progress = nullptr;  // not owned; may be null
};

// What one stage of `analyze` did. `run` is to be recorded (RecordRun) by the caller.
struct StageOutcome {
  std::size_t items = 0;      // items the stage looked at
  std::size_t new_items = 0;  // of which compared for the first time at this version
  std::size_t reused = 0;     // signals read from the case
  std::size_t extracted = 0;  // signals computed (a decode each) and stored
  std::size_t compared = 0;   // pairs compared
  AnalysisRun run;
  std::vector<std::string> warnings;  // items that could not be read, signals not stored
  bool failed = false;                // some item could not be read or stored
};

// Suggests a same_footage finding for every pair of picture items that share footage, with the
// match's segments and evidence frames (analysis/match/match_json.h) as its evidence, `a` being
// the item with the lower id. Fails only when the case cannot be read.
Result<StageOutcome> FindSameFootage(evidence::Case& c, const evidence::Identity& who,
                                     const FootageOptions& options);

}  // namespace sightline::investigation

#endif  // SIGHTLINE_CASE_FOOTAGE_H_
