#include "case/heard_events.h"

#include <mutex>
#include <set>

#include "base/file.h"
#include "base/parallel.h"
#include "case/findings.h"
#include "evidence/signal_store.h"
#include "signals/audio/audio_events.h"

namespace sightline::investigation {

namespace ev = analysis::events;

namespace {

evidence::SignalKey EventsKey(const ev::EventOptions& options) {
  const nlohmann::json params = {{"min_confidence", options.min_confidence},
                                 {"speech", options.speech},
                                 {"temperature_c", options.distance.temperature_c}};
  return {"audio_events", kHeardEventsVersion, params.dump()};
}

// Serialises the progress calls of the decoding threads.
class SerialProgress {
 public:
  explicit SerialProgress(signals::ExtractionProgress* p) : p_(p) {}
  template <typename F>
  void operator()(F&& f) {
    if (!p_) return;
    std::lock_guard<std::mutex> lock(mu_);
    f(*p_);
  }

 private:
  signals::ExtractionProgress* p_;
  std::mutex mu_;
};

}  // namespace

Result<bool> ItemHasSound(evidence::Case& c, std::int64_t item_id) {
  SL_ASSIGN_OR_RETURN(std::string text, c.catalog().Metadata(item_id));
  const nlohmann::json probe = nlohmann::json::parse(text, nullptr, false);
  if (!probe.is_object() || !probe.value("streams", nlohmann::json()).is_array()) return true;
  for (const nlohmann::json& st : probe["streams"]) {
    if (st.value("type", "") == "audio") return true;
  }
  return false;
}

Result<StageOutcome> FindHeardEvents(evidence::Case& c, const evidence::Identity& who,
                                     const HeardEventsOptions& options) {
  StageOutcome out;
  out.run.analyzer = kHeardEventsAnalyzer;
  out.run.version = kHeardEventsVersion;
  SL_ASSIGN_OR_RETURN(std::vector<evidence::Item> items, c.catalog().ListItems());
  SL_ASSIGN_OR_RETURN(std::vector<std::int64_t> done,
                      AnalyzedItems(c, out.run.analyzer, out.run.version));
  const std::set<std::int64_t> analyzed(done.begin(), done.end());
  out.items = items.size();
  const ev::EventOptions event_options;
  const evidence::SignalKey key = EventsKey(event_options);

  std::vector<const evidence::Item*> to_scan;
  for (const evidence::Item& item : items) {
    if (analyzed.count(item.id)) continue;
    const bool may_have_sound = item.media_kind == "video" || item.media_kind == "audio";
    SL_ASSIGN_OR_RETURN(bool sound,
                        may_have_sound ? ItemHasSound(c, item.id) : Result<bool>(false));
    if (!sound) {
      out.run.items.push_back(item.id);  // nothing to hear: done with
      continue;
    }
    SL_ASSIGN_OR_RETURN(std::optional<evidence::StoredSignal> stored,
                        evidence::FindSignal(c, item.id, key));
    if (stored) {  // stored by a run killed before it was recorded
      ++out.reused;
      out.run.items.push_back(item.id);
      continue;
    }
    to_scan.push_back(&item);
  }

  std::vector<Result<signals::EventsAnalysis>> scans(to_scan.size(), Internal("not scanned"));
  SerialProgress progress(options.progress);
  progress([&](auto& p) { p.Begin(to_scan.size()); });
  ParallelFor(to_scan.size(), options.threads, [&](std::size_t k) {
    Result<std::string> original = c.objects().OriginalPath(to_scan[k]->sha256);
    if (!original.ok()) {
      scans[k] = original.status();
      progress([](auto& p) { p.FileDone(); });
      return;
    }
    scans[k] = signals::AnalyseEvents(*original, event_options, [&](double seconds) {
      progress([&](auto& p) { p.Decoded(seconds); });
    });
    progress([](auto& p) { p.FileDone(); });
  });
  progress([](auto& p) { p.End(); });

  for (std::size_t k = 0; k < to_scan.size(); ++k) {
    const evidence::Item& item = *to_scan[k];
    const std::string who_item = "#" + std::to_string(item.id) + " " + item.name;
    if (!scans[k].ok()) {
      out.warnings.push_back(who_item + ": " + scans[k].status().message());
      out.failed = true;
      continue;
    }
    const nlohmann::ordered_json data = signals::EventsJson(item.name, *scans[k], event_options);
    const nlohmann::json summary = {{"events", data["events"].size()},
                                    {"speech", data["speech"].size()},
                                    {"duration_s", data["duration_s"]}};
    auto stored = evidence::StoreSignal(c, who, item, key, data.dump(1) + "\n", summary.dump(), {});
    if (!stored.ok()) {
      out.warnings.push_back(who_item + ": events not stored: " + stored.status().message());
      out.failed = true;
      continue;
    }
    ++out.extracted;
    out.run.items.push_back(item.id);
  }
  out.new_items = out.run.items.size();
  return out;
}

Result<std::optional<nlohmann::json>> StoredHeardEvents(evidence::Case& c, std::int64_t item_id) {
  SL_ASSIGN_OR_RETURN(std::optional<evidence::StoredSignal> stored,
                      evidence::FindSignal(c, item_id, EventsKey(ev::EventOptions())));
  if (!stored) return std::optional<nlohmann::json>();
  SL_ASSIGN_OR_RETURN(std::string text, ReadFileToString(c.dir() + "/" + stored->path, 1ull << 30));
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return Corrupt(stored->path + ": not JSON");
  return std::optional<nlohmann::json>(std::move(j));
}

}  // namespace sightline::investigation
