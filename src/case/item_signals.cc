#include "case/item_signals.h"

#include <set>

#include "case/findings.h"

namespace sightline::investigation {

Result<std::vector<const evidence::Item*>> ItemsToDo(
    evidence::Case& c, const std::vector<evidence::Item>& items, const evidence::SignalKey& key,
    const std::function<Result<bool>(const evidence::Item&)>& needs_work, StageOutcome* out) {
  SL_ASSIGN_OR_RETURN(std::vector<std::int64_t> done,
                      AnalyzedItems(c, out->run.analyzer, out->run.version));
  const std::set<std::int64_t> analyzed(done.begin(), done.end());
  out->items = items.size();
  std::vector<const evidence::Item*> to_do;
  for (const evidence::Item& item : items) {
    if (analyzed.count(item.id)) continue;
    SL_ASSIGN_OR_RETURN(bool needed, needs_work(item));
    if (!needed) {
      out->run.items.push_back(item.id);
      continue;
    }
    SL_ASSIGN_OR_RETURN(std::optional<evidence::StoredSignal> stored,
                        evidence::FindSignal(c, item.id, key));
    if (stored) {
      ++out->reused;
      out->run.items.push_back(item.id);
      continue;
    }
    to_do.push_back(&item);
  }
  return to_do;
}

void StoreItemSignal(evidence::Case& c, const evidence::Identity& who, const evidence::Item& item,
                     const evidence::SignalKey& key, const Result<nlohmann::ordered_json>& result,
                     const nlohmann::json& summary, const std::string& what, StageOutcome* out) {
  const std::string name = "#" + std::to_string(item.id) + " " + item.name;
  if (!result.ok()) {
    out->warnings.push_back(name + ": " + result.status().message());
    out->failed = true;
    return;
  }
  auto stored =
      evidence::StoreSignal(c, who, item, key, result->dump(1) + "\n", summary.dump(), {});
  if (!stored.ok()) {
    out->warnings.push_back(name + ": " + what + " not stored: " + stored.status().message());
    out->failed = true;
    return;
  }
  ++out->extracted;
  out->run.items.push_back(item.id);
}

Result<std::optional<nlohmann::json>> StoredItemSignal(evidence::Case& c, std::int64_t item_id,
                                                       const evidence::SignalKey& key) {
  SL_ASSIGN_OR_RETURN(std::optional<evidence::StoredSignal> stored,
                      evidence::FindSignal(c, item_id, key));
  if (!stored) return std::optional<nlohmann::json>();
  SL_ASSIGN_OR_RETURN(nlohmann::json j, evidence::ReadSignalJson(c, *stored));
  return std::optional<nlohmann::json>(std::move(j));
}

}  // namespace sightline::investigation
