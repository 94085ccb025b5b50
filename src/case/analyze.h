// `analyze`: every analysis over every item of a case, its results recorded as findings
// (case/findings.h). Stages, each incremental (stored signals are reused; an analyzer compares
// only the items it has not compared at its current version) and recorded as soon as it ends, so
// that a killed run loses at most the stage it was in and a re-run resumes there:
//
//   footage   same_footage findings from `match` (case/footage.h)
//   moment    same_moment findings from `sync` (case/moments.h): recordings of one moment,
//             lined up by their sound
//   sounds    per item: shots, bursts, blasts and speech heard in its sound, from `events`
//             (case/heard_events.h); stored for the report and timeline, no finding
//   text      per item: the words in its pictures, from `text` (case/picture_text.h); stored
//             for the report, no finding
//   gps       per item: the GPS track a camera recorded beside its video (case/gps_tracks.h),
//             stored for the timeline and the report; reads the telemetry only, no finding
//   place     same_place findings from `scene` (case/places.h), after footage: copies are
//             not suggested as one place
//   event     same_event findings (case/same_events.h): one place at about the same time,
//             from the findings, statements and timeline the case holds; decodes nothing
//
// Thread safety: one thread per Case; stages run worker threads themselves.
#ifndef SIGHTLINE_CASE_ANALYZE_H_
#define SIGHTLINE_CASE_ANALYZE_H_

#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "case/footage.h"
#include "evidence/case.h"
#include "evidence/identity.h"
#include "signals/match_input.h"

namespace sightline::investigation {

struct AnalyzeOptions {
  int threads = 2;
  bool sound = true;                                // compare soundtracks in the footage stage
  bool moments = true;                              // run the moment stage
  bool sounds = true;                               // run the sounds stage
  bool text = true;                                 // run the text stage
  bool gps = true;                                  // run the gps stage
  bool places = true;                               // run the place stage
  bool events = true;                               // run the event stage
  signals::ExtractionProgress* progress = nullptr;  // not owned; may be null
  // Called when a stage starts (its name), for a progress line; may be empty.
  std::function<void(const std::string& stage)> on_stage;
};

struct StageReport {
  std::string stage;  // "footage"
  Status status;      // the stage could not run, or its results could not be recorded
  StageOutcome outcome;
  int new_findings = 0;
  double seconds = 0;  // wall time the stage took, recording included
};

struct AnalyzeReport {
  std::vector<StageReport> stages;
  // Whether some stage failed or some item could not be read.
  bool failed() const;
};

// What a run has before it, for one progress line over the whole run: per stage that decodes,
// the items it has not done at its current version and their media duration. An estimate: an
// item whose signals are stored already (by `match --case`, or a killed run) costs less.
struct StageWork {
  std::string stage;
  std::size_t items = 0;
  double media_s = 0;  // total duration of those items; a photo counts as kStillMediaS
  // Relative cost of the stage per media second (decoding alone is about 1), measured with
  // bench/analyze/run.sh: what makes a text or place second weigh more than a footage second.
  double weight = 0;
  double work() const { return media_s * weight; }
};
inline constexpr double kStillMediaS = 2.0;

// The stages `options` runs that read items, in order. Fails only when the case cannot be read.
Result<std::vector<StageWork>> PlanAnalysis(evidence::Case& c, const AnalyzeOptions& options);

// Runs the stages in order. A stage that fails is reported and the others still run.
AnalyzeReport AnalyzeCase(evidence::Case& c, const evidence::Identity& who,
                          const AnalyzeOptions& options);

}  // namespace sightline::investigation

#endif  // SIGHTLINE_CASE_ANALYZE_H_
