// Audio events of one file: one decoding pass of its sound (mono, 48 kHz) into the event scanner
// (analysis/events/events.h), with an optional tap for other consumers of the same samples, and
// the events' JSON (doc/events.md). Shared by `sightline events`, `sightline spectrogram` and the
// events stage of `analyze`.
//
// Thread safety: the functions keep no state; distinct calls may run on distinct threads.
#ifndef SIGHTLINE_SIGNALS_AUDIO_AUDIO_EVENTS_H_
#define SIGHTLINE_SIGNALS_AUDIO_AUDIO_EVENTS_H_

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analysis/events/events.h"
#include "base/status.h"
#include "media/audio_source.h"

namespace sightline::signals {

// The rate events are analysed at: a crack's N-wave lasts a few hundred microseconds.
inline constexpr int kEventsSampleRate = 48000;

struct EventsAnalysis {
  analysis::events::EventsResult result;
  double start_s = 0, duration_s = 0;
  std::vector<std::string> warnings;
};

// Decodes `path` (mono, kEventsSampleRate) into an EventScanner. `progress` receives seconds of
// media as they pass; `tap`, when given, sees every block too and may return false to stop
// decoding (what was decoded is analysed). A file without sound fails like media::DecodeAudio.
Result<EventsAnalysis> AnalyseEvents(
    const std::string& path, const analysis::events::EventOptions& options,
    const std::function<void(double)>& progress,
    const std::function<bool(const media::AudioBlock&)>& tap = nullptr);

// One event, and a file's events and speech regions, as `sightline events --json` prints them.
nlohmann::ordered_json EventJson(const analysis::events::AudioEvent& e,
                                 const analysis::events::EventOptions& options);
nlohmann::ordered_json EventsJson(const std::string& file, const EventsAnalysis& a,
                                  const analysis::events::EventOptions& options);

}  // namespace sightline::signals

#endif  // SIGHTLINE_SIGNALS_AUDIO_AUDIO_EVENTS_H_
