#include "case/analyze.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "case/findings.h"
#include "case/footage.h"
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

Result<std::vector<StageWork>> PlanAnalysis(evidence::Case& c, const AnalyzeOptions& options) {
  struct Stage {
    const char* name;
    bool on;
    std::string analyzer;
    int version;
    bool video, audio, image;  // the kinds of item it reads
    double weight;
  };
  // Weights: each stage's wall time per media second over a decode's, from bench/analyze/run.sh
  // (2026-12-07: footage 0.8, text 3.8, place 4.9; moment, sounds and gps read little).
  const Stage stages[] = {
      {"footage", true, kFootageAnalyzer, FootageAnalyzerVersion(), true, false, true, 1.0},
      {"moment", options.moments, kSameMomentAnalyzer, kSameMomentVersion, true, true, false, 0.1},
      {"sounds", options.sounds, kHeardEventsAnalyzer, kHeardEventsVersion, true, true, false, 0.1},
      {"text", options.text, kPictureTextAnalyzer, kPictureTextVersion, true, false, true, 4.0},
      {"gps", options.gps, kGpsTrackAnalyzer, kGpsTrackVersion, true, false, false, 0.01},
      {"place", options.places, kPlaceAnalyzer, kPlaceAnalyzerVersion, true, false, true, 5.0},
  };
  SL_ASSIGN_OR_RETURN(std::vector<evidence::Item> items, c.catalog().ListItems());
  std::map<std::int64_t, double> duration;
  for (const evidence::Item& item : items) {
    if (item.media_kind == "image") {
      duration[item.id] = kStillMediaS;
      continue;
    }
    SL_ASSIGN_OR_RETURN(std::string text, c.catalog().Metadata(item.id));
    const nlohmann::json probe = nlohmann::json::parse(text, nullptr, false);
    const nlohmann::json container =
        probe.is_object() ? probe.value("container", nlohmann::json()) : nlohmann::json();
    duration[item.id] =
        container.is_object() && container.value("duration_s", nlohmann::json()).is_number()
            ? std::max(0.0, container["duration_s"].get<double>())
            : 0.0;
  }
  std::vector<StageWork> plan;
  for (const Stage& stage : stages) {
    if (!stage.on) continue;
    SL_ASSIGN_OR_RETURN(std::vector<std::int64_t> done,
                        AnalyzedItems(c, stage.analyzer, stage.version));
    const std::set<std::int64_t> analyzed(done.begin(), done.end());
    StageWork w;
    w.stage = stage.name;
    w.weight = stage.weight;
    for (const evidence::Item& item : items) {
      const bool reads = (item.media_kind == "video" && stage.video) ||
                         (item.media_kind == "audio" && stage.audio) ||
                         (item.media_kind == "image" && stage.image);
      if (!reads || analyzed.count(item.id)) continue;
      ++w.items;
      w.media_s += duration[item.id];
    }
    plan.push_back(w);
  }
  return plan;
}

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
      po.progress = options.progress;
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
