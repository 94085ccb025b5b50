// One progress line over a whole `analyze` run: which stage of how many, the files of that stage,
// and the share of the run's estimated work done with an ETA. The work is the plan's
// (investigation::PlanAnalysis): each stage's media seconds weighted by what a second costs it;
// within a stage, the share of its files done.
#ifndef SIGHTLINE_CLI_ANALYZE_METER_H_
#define SIGHTLINE_CLI_ANALYZE_METER_H_

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "case/analyze.h"
#include "cli/output.h"
#include "signals/match_input.h"

namespace sightline::cli {

class AnalyzeMeter : public signals::ExtractionProgress {
 public:
  // `stage_count`: the stages the run has (those in `plan` and those that read nothing).
  AnalyzeMeter(std::vector<investigation::StageWork> plan, int stage_count)
      : plan_(std::move(plan)), stage_count_(stage_count) {
    for (const auto& s : plan_) total_ += s.work();
  }

  // A stage starts: the work of the ones before it is done, whatever they did.
  void StageStarted(const std::string& stage) {
    ++stage_number_;
    base_ = 0;
    current_ = 0;
    for (const auto& s : plan_) {
      if (s.stage == stage) {
        current_ = s.work();
        break;
      }
      base_ += s.work();
    }
    files_done_ = files_total_ = 0;
    label_ = "analyze " + std::to_string(stage_number_) + "/" + std::to_string(stage_count_) + " " +
             stage;
    if (meter_) {
      meter_->set_label(label_);
      Show();
    }
  }
  // The stage's decoding phases: its files count up (a stage may have two phases: pictures, then
  // sounds; the share of its work is capped at all of it).
  void Begin(std::size_t files) override {
    if (!meter_ && total_ > 0) {
      meter_ = std::make_unique<ProgressMeter>(label_, 1000, 0, ProgressMeter::Unit::kWork);
    }
    files_total_ += files;
    Show();
  }
  void Decoded(double) override {}
  void FileDone() override {
    ++files_done_;
    Show();
  }
  void End() override { Show(); }
  // Clears the line before results are printed.
  void Clear() {
    if (meter_) meter_->Clear();
  }

 private:
  void Show() {
    if (!meter_) return;
    const double share =
        files_total_ > 0 ? std::min(1.0, static_cast<double>(files_done_) / files_total_) : 0;
    const double done = total_ > 0 ? (base_ + current_ * share) / total_ : 0;
    const double per_mille = std::clamp(done * 1000, 0.0, 1000.0);
    meter_->Add(per_mille - shown_);
    shown_ = per_mille;
    meter_->SetFiles(files_done_, files_total_);
  }

  std::vector<investigation::StageWork> plan_;
  int stage_count_;
  int stage_number_ = 0;
  double total_ = 0, base_ = 0, current_ = 0, shown_ = 0;
  std::size_t files_done_ = 0, files_total_ = 0;
  std::string label_ = "analyze";
  std::unique_ptr<ProgressMeter> meter_;
};

}  // namespace sightline::cli

#endif  // SIGHTLINE_CLI_ANALYZE_METER_H_
