// A ProgressMeter (cli/output.h) fed by the library's extraction progress
// (signals/match_input.h): seconds of media decoded, files done.
#ifndef SIGHTLINE_CLI_EXTRACTION_METER_H_
#define SIGHTLINE_CLI_EXTRACTION_METER_H_

#include <memory>
#include <string>

#include "cli/output.h"
#include "signals/match_input.h"

namespace sightline::cli {

class ExtractionMeter : public signals::ExtractionProgress {
 public:
  explicit ExtractionMeter(std::string label) : label_(std::move(label)) {}
  void set_label(std::string label) { label_ = std::move(label); }
  void Begin(std::size_t files) override {
    meter_ = std::make_unique<ProgressMeter>(label_, 0, files, ProgressMeter::Unit::kMediaSeconds);
  }
  void Decoded(double media_seconds) override {
    if (meter_) meter_->Add(media_seconds);
  }
  void FileDone() override {
    if (meter_) meter_->FileDone();
  }
  void End() override {
    if (meter_) meter_->Clear();
    meter_.reset();
  }

 private:
  std::string label_;
  std::unique_ptr<ProgressMeter> meter_;
};

}  // namespace sightline::cli

#endif  // SIGHTLINE_CLI_EXTRACTION_METER_H_
