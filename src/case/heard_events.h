// The events stage of `analyze`: what each recording's sound holds (gunshot-like shots, bursts of
// automatic fire, blasts, speech; analysis/events/events.h, doc/events.md), stored per item as a
// derived signal so that `report` and `timeline` show it without decoding again. One decode of
// each item's sound per algorithm version; a video without sound is done with quietly.
//
// These are per-item facts, not relations: the stage records its run (so a re-run decodes
// nothing) but suggests no finding. Recordings of one moment are found by the moment stage.
//
// Thread safety: one thread per Case; decodes `threads` files at once itself.
#ifndef SIGHTLINE_CASE_HEARD_EVENTS_H_
#define SIGHTLINE_CASE_HEARD_EVENTS_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>

#include "base/status.h"
#include "case/footage.h"  // StageOutcome
#include "evidence/case.h"
#include "evidence/identity.h"
#include "signals/match_input.h"  // ExtractionProgress

namespace sightline::investigation {

inline constexpr char kHeardEventsAnalyzer[] = "events";
// Bump when a change to analysis/events changes what is found in a recording.
inline constexpr int kHeardEventsVersion = 1;

struct HeardEventsOptions {
  int threads = 2;
  signals::ExtractionProgress* progress = nullptr;  // not owned; may be null
};

// Scans every audio or video item not scanned at this version and stores its events (the JSON of
// `sightline events --json` for one file) as the signal "audio_events". Fails only when the case
// cannot be read; an item that cannot be decoded is a warning and marks the outcome failed.
Result<StageOutcome> FindHeardEvents(evidence::Case& c, const evidence::Identity& who,
                                     const HeardEventsOptions& options);

// The events stored for `item_id` at this version ({"file","duration_s","events":[…],
// "speech":[…],"warnings"}), or nullopt when the item has not been scanned.
Result<std::optional<nlohmann::json>> StoredHeardEvents(evidence::Case& c, std::int64_t item_id);

// Whether the item's stored probe lists an audio stream; true when there is no probe to tell.
Result<bool> ItemHasSound(evidence::Case& c, std::int64_t item_id);

}  // namespace sightline::investigation

#endif  // SIGHTLINE_CASE_HEARD_EVENTS_H_
