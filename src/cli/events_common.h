// What `sightline events` and `sightline spectrogram` share: their options. The decoding pass and
// the events' JSON are in signals/audio/audio_events.h.
#ifndef SIGHTLINE_CLI_EVENTS_COMMON_H_
#define SIGHTLINE_CLI_EVENTS_COMMON_H_

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analysis/events/events.h"
#include "base/status.h"
#include "cli/args.h"
#include "signals/audio/audio_events.h"

namespace sightline::cli {

// --min-confidence, --temperature, --bullet-speed LO:HI, --no-speech.
Result<analysis::events::EventOptions> ParseEventOptions(const Args& args);

// A real number in [lo, hi]; false when `text` is not one.
bool ParseReal(const std::string& text, double lo, double hi, double* out);

}  // namespace sightline::cli

#endif  // SIGHTLINE_CLI_EVENTS_COMMON_H_
