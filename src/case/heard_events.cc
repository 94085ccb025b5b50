#include "case/heard_events.h"

#include "base/parallel.h"
#include "case/item_signals.h"
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
  const ev::EventOptions event_options;
  const evidence::SignalKey key = EventsKey(event_options);
  // Items with nothing to hear are done with.
  auto has_sound = [&](const evidence::Item& item) -> Result<bool> {
    if (item.media_kind != "video" && item.media_kind != "audio") return false;
    return ItemHasSound(c, item.id);
  };
  SL_ASSIGN_OR_RETURN(std::vector<const evidence::Item*> to_scan,
                      ItemsToDo(c, items, key, has_sound, &out));

  std::vector<Result<signals::EventsAnalysis>> scans(to_scan.size(), Internal("not scanned"));
  signals::SerialProgress progress(options.progress);
  progress.Begin(to_scan.size());
  ParallelFor(to_scan.size(), options.threads, [&](std::size_t k) {
    Result<std::string> original = c.objects().OriginalPath(to_scan[k]->sha256);
    if (!original.ok()) {
      scans[k] = original.status();
      progress.FileDone();
      return;
    }
    scans[k] = signals::AnalyseEvents(*original, event_options,
                                      [&](double seconds) { progress.Decoded(seconds); });
    progress.FileDone();
  });
  progress.End();

  for (std::size_t k = 0; k < to_scan.size(); ++k) {
    Result<nlohmann::ordered_json> data = scans[k].ok()
                                              ? Result<nlohmann::ordered_json>(signals::EventsJson(
                                                    to_scan[k]->name, *scans[k], event_options))
                                              : Result<nlohmann::ordered_json>(scans[k].status());
    nlohmann::json summary;
    if (data.ok()) {
      summary = {{"events", (*data)["events"].size()},
                 {"speech", (*data)["speech"].size()},
                 {"duration_s", (*data)["duration_s"]}};
    }
    StoreItemSignal(c, who, *to_scan[k], key, data, summary, "events", &out);
  }
  out.new_items = out.run.items.size();
  return out;
}

Result<std::optional<nlohmann::json>> StoredHeardEvents(evidence::Case& c, std::int64_t item_id) {
  return StoredItemSignal(c, item_id, EventsKey(ev::EventOptions()));
}

}  // namespace sightline::investigation
