#include "case/gps_tracks.h"

#include <cmath>

#include "case/item_signals.h"
#include "signals/geo/track_json.h"

namespace sightline::investigation {

namespace geo = signals::geo;

namespace {

evidence::SignalKey TrackKey() {
  const nlohmann::json params = {{"period_s", kStoredTrackPeriodS}};
  return {"gps_track", kGpsTrackVersion, params.dump()};
}

// Whether the stored probe lists a GoPro telemetry ('gpmd') stream; for a video without a probe,
// true (reading the container tells).
Result<bool> HasTelemetry(evidence::Case& c, const evidence::Item& item) {
  if (item.media_kind != "video") return false;
  SL_ASSIGN_OR_RETURN(std::string text, c.catalog().Metadata(item.id));
  const nlohmann::json probe = nlohmann::json::parse(text, nullptr, false);
  if (!probe.is_object() || !probe.value("streams", nlohmann::json()).is_array()) return true;
  for (const nlohmann::json& st : probe["streams"]) {
    if (st.value("codec_tag", nlohmann::json()) == "gpmd") return true;
  }
  return false;
}

}  // namespace

Result<StageOutcome> FindGpsTracks(evidence::Case& c, const evidence::Identity& who) {
  StageOutcome out;
  out.run.analyzer = kGpsTrackAnalyzer;
  out.run.version = kGpsTrackVersion;
  SL_ASSIGN_OR_RETURN(std::vector<evidence::Item> items, c.catalog().ListItems());
  const evidence::SignalKey key = TrackKey();
  SL_ASSIGN_OR_RETURN(
      std::vector<const evidence::Item*> to_read,
      ItemsToDo(
          c, items, key, [&](const evidence::Item& item) { return HasTelemetry(c, item); }, &out));
  for (const evidence::Item* item : to_read) {
    Result<std::string> original = c.objects().OriginalPath(item->sha256);
    Result<geo::Track> track =
        original.ok() ? geo::ReadGpmfGpsTrack(*original) : Result<geo::Track>(original.status());
    if (!track.ok() && track.status().code() == StatusCode::kNotFound) {
      out.run.items.push_back(item->id);  // telemetry without GPS (or none after all)
      continue;
    }
    Result<nlohmann::ordered_json> data =
        track.ok() ? Result<nlohmann::ordered_json>(
                         geo::TrackJson(geo::ThinTrack(*track, kStoredTrackPeriodS)))
                   : Result<nlohmann::ordered_json>(track.status());
    nlohmann::json summary;
    if (data.ok()) summary = (*data)["summary"];
    StoreItemSignal(c, who, *item, key, data, summary, "GPS track", &out);
  }
  out.new_items = out.run.items.size();
  return out;
}

Result<std::optional<geo::Track>> StoredGpsTrack(evidence::Case& c, std::int64_t item_id) {
  SL_ASSIGN_OR_RETURN(std::optional<nlohmann::json> stored,
                      StoredItemSignal(c, item_id, TrackKey()));
  if (!stored) return std::optional<geo::Track>();
  SL_ASSIGN_OR_RETURN(geo::Track track, geo::TrackFromJson(*stored));
  return std::optional<geo::Track>(std::move(track));
}

std::optional<double> GpsStartUtc(const geo::Track& track) {
  for (const geo::TrackPoint& p : track.points) {
    if (std::isfinite(p.utc_s) && std::isfinite(p.t) && !geo::IsBadFix(p)) return p.utc_s - p.t;
  }
  return std::nullopt;
}

}  // namespace sightline::investigation
