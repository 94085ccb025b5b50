// What `sightline events` and `sightline spectrogram` share: their options, one decoding pass of a
// file's audio into the event scanner (with an optional tap for other consumers of the same
// samples), and the events' JSON.
#ifndef SIGHTLINE_CLI_EVENTS_COMMON_H_
#define SIGHTLINE_CLI_EVENTS_COMMON_H_

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analysis/events/events.h"
#include "base/status.h"
#include "cli/args.h"
#include "media/audio_source.h"

namespace sightline::cli {

// The rate events are analysed at: a crack's N-wave lasts a few hundred microseconds.
inline constexpr int kEventsSampleRate = 48000;

struct EventsAnalysis {
  analysis::events::EventsResult result;
  double start_s = 0, duration_s = 0;
  std::vector<std::string> warnings;
};

// --min-confidence, --temperature, --bullet-speed LO:HI, --no-speech.
Result<analysis::events::EventOptions> ParseEventOptions(const Args& args);

// A real number in [lo, hi]; false when `text` is not one.
bool ParseReal(const std::string& text, double lo, double hi, double* out);

// Decodes `path` (mono, kEventsSampleRate) into an EventScanner. `progress` receives seconds of
// media as they pass; `tap`, when given, sees every block too and may return false to stop
// decoding (what was decoded is analysed).
Result<EventsAnalysis> AnalyseEvents(
    const std::string& path, const analysis::events::EventOptions& options,
    const std::function<void(double)>& progress,
    const std::function<bool(const media::AudioBlock&)>& tap = nullptr);

nlohmann::ordered_json EventJson(const analysis::events::AudioEvent& e,
                                 const analysis::events::EventOptions& options);
nlohmann::ordered_json EventsJson(const std::string& file, const EventsAnalysis& a,
                                  const analysis::events::EventOptions& options);

}  // namespace sightline::cli

#endif  // SIGHTLINE_CLI_EVENTS_COMMON_H_
