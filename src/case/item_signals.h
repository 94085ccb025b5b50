// What the per-item stages of `analyze` (sounds, text) share: which items still need the stage's
// work, storing one item's result as a derived signal (evidence/signal_store.h), and reading it
// back. Their results are facts about one item, not relations, so they are stored as signals and
// the stage's run records the items done (case/findings.h, AnalysisRun) without suggestions.
//
// Thread safety: one thread per Case.
#ifndef SIGHTLINE_CASE_ITEM_SIGNALS_H_
#define SIGHTLINE_CASE_ITEM_SIGNALS_H_

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "case/footage.h"  // StageOutcome
#include "evidence/case.h"
#include "evidence/identity.h"
#include "evidence/signal_store.h"

namespace sightline::investigation {

// The items of `items` that out->run's analyzer, at its version, has not done and that need the
// work. An item `needs_work` says no to (nothing to hear, no picture) is done with at once; one
// whose signal `key` is stored already (by a run killed before it was recorded) is counted in
// out->reused and done with too. Both go to out->run.items. Sets out->items. The pointers are
// into `items`, which the caller keeps.
Result<std::vector<const evidence::Item*>> ItemsToDo(
    evidence::Case& c, const std::vector<evidence::Item>& items, const evidence::SignalKey& key,
    const std::function<Result<bool>(const evidence::Item&)>& needs_work, StageOutcome* out);

// Stores `result` for `item` as signal `key` and records the item as done (out->extracted,
// out->run.items); when the work failed or the signal cannot be stored, records why in
// out->warnings ("#ID name: …", `what` naming the result) and marks out->failed instead.
void StoreItemSignal(evidence::Case& c, const evidence::Identity& who, const evidence::Item& item,
                     const evidence::SignalKey& key, const Result<nlohmann::ordered_json>& result,
                     const nlohmann::json& summary, const std::string& what, StageOutcome* out);

// The stored JSON of signal `key` for `item_id`, or nullopt when none is stored.
Result<std::optional<nlohmann::json>> StoredItemSignal(evidence::Case& c, std::int64_t item_id,
                                                       const evidence::SignalKey& key);

}  // namespace sightline::investigation

#endif  // SIGHTLINE_CASE_ITEM_SIGNALS_H_
