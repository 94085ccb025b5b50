#include "analysis/events/events.h"

#include <cmath>

#include "analysis/events/impulses.h"
#include "analysis/events/speech.h"

namespace sightline::analysis::events {

const char* KindName(EventKind kind) {
  switch (kind) {
    case EventKind::kShot:
      return "shot";
    case EventKind::kBurst:
      return "burst";
    case EventKind::kBlast:
      return "blast";
  }
  return "shot";
}

EventScanner::EventScanner(int sample_rate, const EventOptions& options, double t0)
    : options_(options),
      impulses_(std::make_unique<ImpulseChunker>(sample_rate, t0, options.chunk_s)) {
  if (options.speech) speech_ = std::make_unique<SpeechDetector>(sample_rate, t0);
}

EventScanner::~EventScanner() = default;

void EventScanner::Push(const float* samples, std::size_t n) {
  // Decoders deliver finite samples; anything else (a damaged float WAV) is read as silence
  // rather than poisoning every level after it.
  bool finite = true;
  for (std::size_t i = 0; i < n && finite; ++i) finite = std::isfinite(samples[i]);
  if (!finite) {
    clean_.assign(samples, samples + n);
    for (float& v : clean_)
      if (!std::isfinite(v)) v = 0;
    samples = clean_.data();
  }
  impulses_->Push(samples, n);
  if (speech_) speech_->Push(samples, n);
}

EventsResult EventScanner::Finish() {
  EventsResult r;
  r.events = GroupImpulses(impulses_->Finish(), options_);
  if (speech_) r.speech = speech_->Finish();
  return r;
}

EventsResult DetectEvents(std::span<const float> samples, int sample_rate,
                          const EventOptions& options, double t0) {
  EventScanner scanner(sample_rate, options, t0);
  scanner.Push(samples.data(), samples.size());
  return scanner.Finish();
}

}  // namespace sightline::analysis::events
