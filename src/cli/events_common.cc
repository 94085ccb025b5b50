#include "cli/events_common.h"

#include <cmath>
#include <cstdlib>
#include <memory>

namespace sightline::cli {

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

bool ParseReal(const std::string& text, double lo, double hi, double* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (*end || !std::isfinite(v) || v < lo || v > hi) return false;
  *out = v;
  return true;
}

Result<ev::EventOptions> ParseEventOptions(const Args& args) {
  ev::EventOptions o;
  if (args.Has("min-confidence") && !ParseReal(args.Get("min-confidence"), 0, 1, &o.min_confidence))
    return InvalidArgument("--min-confidence must be a number from 0 to 1");
  if (args.Has("temperature") &&
      !ParseReal(args.Get("temperature"), -50, 60, &o.distance.temperature_c))
    return InvalidArgument("--temperature must be degrees Celsius from -50 to 60");
  if (args.Has("bullet-speed")) {
    const std::string v = args.Get("bullet-speed");
    const auto colon = v.find(':');
    const double c = ev::SpeedOfSound(o.distance.temperature_c);
    if (colon == std::string::npos ||
        !ParseReal(v.substr(0, colon), c + 1, 3000, &o.distance.bullet_speed_lo) ||
        !ParseReal(v.substr(colon + 1), c + 1, 3000, &o.distance.bullet_speed_hi) ||
        o.distance.bullet_speed_lo > o.distance.bullet_speed_hi) {
      return InvalidArgument(
          "--bullet-speed must be LO:HI in m/s, both above the speed of sound (e.g. 600:1000)");
    }
  }
  o.speech = !args.Has("no-speech");
  return o;
}

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

}  // namespace sightline::cli
