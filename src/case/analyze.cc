#include "case/analyze.h"

#include <chrono>

#include "case/gps_tracks.h"
#include "case/heard_events.h"
#include "case/moments.h"
#include "case/picture_text.h"
#include "case/places.h"
#include "case/same_events.h"

namespace sightline::investigation {

bool AnalyzeReport::failed() const {
  for (const StageReport& s : stages) {
    if (!s.status.ok() || s.outcome.failed) return true;
  }
  return false;
}

namespace {

// Runs one stage and records its run; the report says how it went.
template <typename Stage>
StageReport RunStage(evidence::Case& c, const evidence::Identity& who, const std::string& name,
                     const AnalyzeOptions& options, Stage stage) {
  StageReport report;
  report.stage = name;
  if (options.on_stage) options.on_stage(name);
  const auto start = std::chrono::steady_clock::now();
  struct Timer {
    StageReport& report;
    std::chrono::steady_clock::time_point start;
    ~Timer() {
      report.seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
  } timer{report, start};
  Result<StageOutcome> outcome = stage();
  if (!outcome.ok()) {
    report.status = outcome.status();
    return report;
  }
  report.outcome = std::move(*outcome);
  Result<int> recorded = RecordRun(c, who, report.outcome.run);
  if (!recorded.ok()) {
    report.status =
        Status(recorded.status().code(), "findings not recorded: " + recorded.status().message());
  } else {
    report.new_findings = *recorded;
  }
  return report;
}

}  // namespace

AnalyzeReport AnalyzeCase(evidence::Case& c, const evidence::Identity& who,
                          const AnalyzeOptions& options) {
  AnalyzeReport report;
  report.stages.push_back(RunStage(c, who, "footage", options, [&] {
    FootageOptions fo;
    fo.threads = options.threads;
    fo.sound = options.sound;
    fo.progress = options.progress;
    return FindSameFootage(c, who, fo);
  }));
  if (options.moments) {
    report.stages.push_back(RunStage(c, who, "moment", options, [&] {
      MomentOptions mo;
      mo.threads = options.threads;
      // Decoding items whose stored signals are missing is the slow part: shown as files.
      mo.on_progress = [&options](const MomentProgress& p) {
        if (!options.progress || p.stage != MomentProgress::Stage::kFingerprinting) return;
        if (p.event == MomentProgress::Event::kStageStarted) options.progress->Begin(p.units);
        if (p.event == MomentProgress::Event::kUnitDone) options.progress->FileDone();
        if (p.event == MomentProgress::Event::kStageFinished) options.progress->End();
      };
      return FindSameMomentsStage(c, who, mo);
    }));
  }
  if (options.sounds) {
    report.stages.push_back(RunStage(c, who, "sounds", options, [&] {
      HeardEventsOptions ho;
      ho.threads = options.threads;
      ho.progress = options.progress;
      return FindHeardEvents(c, who, ho);
    }));
  }
  if (options.text) {
    report.stages.push_back(RunStage(c, who, "text", options, [&] {
      PictureTextOptions to;
      to.threads = options.threads;
      to.progress = options.progress;
      return FindPictureText(c, who, to);
    }));
  }
  if (options.gps) {
    report.stages.push_back(
        RunStage(c, who, "gps", options, [&] { return FindGpsTracks(c, who); }));
  }
  if (options.places) {
    report.stages.push_back(RunStage(c, who, "place", options, [&] {
      PlaceOptions po;
      po.threads = options.threads;
      return FindSamePlaces(c, who, po);
    }));
  }
  if (options.events) {
    report.stages.push_back(
        RunStage(c, who, "event", options, [&] { return FindSameEvents(c, SameEventOptions()); }));
  }
  return report;
}

}  // namespace sightline::investigation
