#include "signals/audio/audio_events.h"

#include <algorithm>
#include <cmath>
#include <memory>

namespace sightline::signals {

namespace ev = analysis::events;

namespace {

double Round(double v, double unit) { return std::round(v / unit) * unit; }

const char kStopped[] = "sightline: decoding stopped by the caller";

class ScanConsumer : public media::AudioConsumer {
 public:
  ScanConsumer(const ev::EventOptions& options, const std::function<void(double)>& progress,
               const std::function<bool(const media::AudioBlock&)>& tap)
      : options_(options), progress_(progress), tap_(tap) {}

  Status OnAudio(const media::AudioBlock& block) override {
    if (!scanner_) {
      start_ = block.t;
      scanner_ = std::make_unique<ev::EventScanner>(block.sample_rate, options_, block.t);
      last_t_ = block.t;
    }
    scanner_->Push(block.data, static_cast<std::size_t>(block.frames));
    const double end = block.t + static_cast<double>(block.frames) / block.sample_rate;
    if (progress_) progress_(std::max(0.0, end - last_t_));
    last_t_ = end;
    if (tap_ && !tap_(block)) return Status(StatusCode::kInternal, kStopped);
    return Status::Ok();
  }

  std::unique_ptr<ev::EventScanner> scanner_;
  double start_ = 0, last_t_ = 0;

 private:
  const ev::EventOptions& options_;
  const std::function<void(double)>& progress_;
  const std::function<bool(const media::AudioBlock&)>& tap_;
};

}  // namespace

Result<EventsAnalysis> AnalyseEvents(const std::string& path, const ev::EventOptions& options,
                                     const std::function<void(double)>& progress,
                                     const std::function<bool(const media::AudioBlock&)>& tap) {
  media::AudioSourceOptions ao;
  ao.sample_rate = kEventsSampleRate;
  ao.mono = true;
  ScanConsumer consumer(options, progress, tap);
  auto summary = media::DecodeAudio(path, ao, consumer);
  EventsAnalysis a;
  if (!summary.ok()) {
    if (summary.status().message() != kStopped) return summary.status();
  } else {
    a.warnings = summary->warnings;
  }
  if (!consumer.scanner_) {
    // No samples at all (an empty stream): nothing to find.
    a.start_s = summary.ok() ? summary->start_s : 0;
    return a;
  }
  a.result = consumer.scanner_->Finish();
  a.start_s = consumer.start_;
  a.duration_s = std::max(0.0, consumer.last_t_ - consumer.start_);
  return a;
}

nlohmann::ordered_json EventJson(const ev::AudioEvent& e, const ev::EventOptions& options) {
  nlohmann::ordered_json j;
  j["t"] = Round(e.t, 1e-4);
  j["end"] = Round(e.end, 1e-4);
  j["kind"] = ev::KindName(e.kind);
  j["peak_dbfs"] = Round(e.peak_dbfs, 0.1);
  j["confidence"] = Round(e.confidence, 0.01);
  if (e.kind == ev::EventKind::kBurst) j["count"] = e.count;
  if (e.crack_thump) {
    const auto& ct = *e.crack_thump;
    const auto& d = options.distance;
    j["crack_t"] = Round(ct.crack_t, 1e-4);
    j["thump_t"] = Round(ct.thump_t, 1e-4);
    j["interval_s"] = Round(ct.interval_s, 1e-4);
    j["distance_m"] = {Round(ct.distance_lo_m, 1), Round(ct.distance_hi_m, 1)};
    j["assumptions"] = {
        {"temperature_c", d.temperature_c},
        {"speed_of_sound_m_s", Round(ev::SpeedOfSound(d.temperature_c), 0.1)},
        {"bullet_speed_m_s", {d.bullet_speed_lo, d.bullet_speed_hi}},
        {"timing_tolerance_s", d.timing_tolerance_s},
        {"formula", "d = interval * c * v / (v - c)"},
        {"geometry",
         "shot aimed at or near the microphone; for an oblique shot the weapon is farther than "
         "the range"}};
  }
  return j;
}

nlohmann::ordered_json EventsJson(const std::string& file, const EventsAnalysis& a,
                                  const ev::EventOptions& options) {
  nlohmann::ordered_json j;
  j["file"] = file;
  j["duration_s"] = Round(a.duration_s, 1e-3);
  j["events"] = nlohmann::ordered_json::array();
  for (const auto& e : a.result.events) j["events"].push_back(EventJson(e, options));
  j["speech"] = nlohmann::ordered_json::array();
  for (const auto& s : a.result.speech)
    j["speech"].push_back({{"start", Round(s.start, 1e-3)}, {"end", Round(s.end, 1e-3)}});
  j["warnings"] = a.warnings;
  return j;
}

}  // namespace sightline::signals
