#include "report/case_report.h"

#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "base/time.h"
#include "case/claims.h"
#include "case/findings.h"
#include "case/gps_tracks.h"
#include "case/heard_events.h"
#include "case/locations.h"
#include "case/observations.h"
#include "case/picture_text.h"
#include "case/place_groups.h"
#include "case/relations.h"
#include "case/sources.h"
#include "case/timeline.h"
#include "media/image_writer.h"
#include "report/finding_picture.h"
#include "report/item_pictures.h"
#include "report/thumbnail.h"
#include "report/waveform.h"
#include "signals/geo/track_json.h"
#include "version.h"

namespace sightline::report {

namespace inv = investigation;

namespace {

std::string Base64(const std::string& bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

// What the stored probe says that a reader of the report checks first.
nlohmann::json MetadataSummary(const std::string& probe_text) {
  const nlohmann::json probe = nlohmann::json::parse(probe_text, nullptr, false);
  if (!probe.is_object()) return nullptr;
  nlohmann::json out;
  const nlohmann::json times = probe.value("times", nlohmann::json::object());
  const nlohmann::json created =
      times.is_object() ? times.value("created", nlohmann::json()) : nlohmann::json();
  out["created"] = created.is_object() ? created : nlohmann::json();
  out["device"] = probe.value("device", nlohmann::json());
  out["gps"] = probe.value("gps", nlohmann::json());
  const nlohmann::json container = probe.value("container", nlohmann::json::object());
  out["duration_s"] =
      container.is_object() ? container.value("duration_s", nlohmann::json()) : nlohmann::json();
  out["anomalies"] = probe.value("anomalies", nlohmann::json::array());
  return out;
}

double Seconds(const nlohmann::json& j) { return j.is_number() ? j.get<double>() : -1; }

// The ingest entry of an item's object and how many entries concern it after that.
Result<nlohmann::json> CustodySummary(evidence::Case& c, const std::string& sha256) {
  SL_ASSIGN_OR_RETURN(std::vector<evidence::CustodyEntry> entries, c.log().ForObject(sha256));
  nlohmann::json out = {{"entries", entries.size()}, {"ingest", nullptr}, {"later_entries", 0}};
  for (std::size_t k = 0; k < entries.size(); ++k) {
    const evidence::CustodyEntry& e = entries[k];
    if (e.action.rfind("ingest", 0) != 0) continue;
    out["ingest"] = {{"seq", e.seq},
                     {"time", e.time},
                     {"actor", e.actor},
                     {"action", e.action},
                     {"entry_hash", e.entry_hash}};
    out["later_entries"] = entries.size() - k - 1;
    break;
  }
  if (!entries.empty()) {
    out["last"] = {{"seq", entries.back().seq},
                   {"time", entries.back().time},
                   {"action", entries.back().action}};
  }
  return out;
}

struct ItemFacts {
  std::string path, kind, name;
  double duration_s = 0;
  nlohmann::json metadata;  // MetadataSummary
};

// The two frames a finding compares, side by side: same_footage at its first evidence frame
// (else its first segment's start), same_place at the frames the scene test matched.
void MatchPicture(const nlohmann::json& evidence, const ItemFacts& a, const ItemFacts& b,
                  const std::string& kind, int height, nlohmann::json* f) {
  const auto [ta, tb] = FindingPictureTimes(kind, evidence);
  Result<std::string> jpeg = FindingPictureJpeg(kind, evidence, a.path, b.path, height);
  if (!jpeg.ok()) {
    (*f)["picture_error"] = jpeg.status().message();
    return;
  }
  (*f)["picture_jpeg_base64"] = Base64(*jpeg);
  (*f)["picture_times"] = {{"a_s", ta}, {"b_s", tb}};
}

// Both soundtracks' levels over the stretch they share (at most max_s of it, from its start), on
// a's clock: a-time = offset_s + b-time.
void Waveform(const nlohmann::json& evidence, const ItemFacts& a, const ItemFacts& b, double max_s,
              nlohmann::json* f) {
  if (!evidence.contains("offset_s") || !evidence["offset_s"].is_number()) return;
  const double offset = evidence["offset_s"].get<double>();
  const double lo = std::max(0.0, offset);
  double hi = lo + std::max(0.0, Seconds(evidence.value("overlap_s", nlohmann::json())));
  if (a.duration_s > 0) hi = std::min(a.duration_s, b.duration_s > 0 ? offset + b.duration_s : hi);
  if (!(hi > lo)) hi = lo + max_s;  // the overlap unknown: the levels show where sound ends
  hi = std::min(hi, lo + max_s);
  constexpr int kBins = 300;
  Result<std::vector<double>> la = SoundLevels(a.path, lo, hi, kBins);
  Result<std::vector<double>> lb =
      la.ok() ? SoundLevels(b.path, lo - offset, hi - offset, kBins) : la;
  if (!lb.ok()) {
    (*f)["waveform_error"] = lb.status().message();
    return;
  }
  (*f)["waveform"] = {{"clock", "a"},       {"from_s", lo},    {"to_s", hi},
                      {"offset_s", offset}, {"a_levels", *la}, {"b_levels", *lb}};
}

template <typename T, typename F>
nlohmann::json Array(const std::vector<T>& v, F to_json) {
  nlohmann::json out = nlohmann::json::array();
  for (const T& x : v) out.push_back(to_json(x));
  return out;
}

// A report draws at most this many points of a track.
constexpr std::size_t kMaxMapPathPoints = 500;

// What `analyze` stored about the item itself: "heard" {"events", "speech"} from the sounds
// stage, "text_read" (the lines OCR read) from the text stage and "gps_track" {"source",
// "start_utc", "distance_m", "path": [[lat, lon]…]} from the gps stage; null when the stage has not
// run on it or its derived file is gone (derived data is rebuildable, not evidence).
void AddAnalysedFacts(evidence::Case& c, std::int64_t item_id, nlohmann::json* j) {
  (*j)["heard"] = nullptr;
  (*j)["text_read"] = nullptr;
  auto heard = inv::StoredHeardEvents(c, item_id);
  if (heard.ok() && heard->has_value()) {
    (*j)["heard"] = {{"events", (**heard).value("events", nlohmann::json::array())},
                     {"speech", (**heard).value("speech", nlohmann::json::array())}};
  }
  auto text = inv::StoredPictureText(c, item_id);
  if (text.ok() && text->has_value()) {
    (*j)["text_read"] = (**text).value("text", nlohmann::json::array());
  }
  // The GPS track from the gps stage, thinned further for the map: the file's own statement.
  (*j)["gps_track"] = nullptr;
  auto track = inv::StoredGpsTrack(c, item_id);
  if (track.ok() && track->has_value()) {
    const signals::geo::Track& t = **track;
    const signals::geo::TrackSummary s = signals::geo::Summarize(t);
    nlohmann::json path = nlohmann::json::array();
    const std::size_t step = std::max<std::size_t>(1, t.points.size() / kMaxMapPathPoints);
    for (std::size_t i = 0; i < t.points.size(); ++i) {
      if (i % step != 0 && i + 1 != t.points.size()) continue;
      if (signals::geo::IsBadFix(t.points[i])) continue;
      path.push_back({t.points[i].lat, t.points[i].lon});
    }
    const std::optional<double> start = inv::GpsStartUtc(t);
    (*j)["gps_track"] = {
        {"source", t.source},
        {"start_utc", start ? nlohmann::json(signals::geo::UtcText(*start)) : nlohmann::json()},
        {"distance_m",
         std::isfinite(s.distance_m) ? nlohmann::json(std::round(s.distance_m)) : nlohmann::json()},
        {"path", std::move(path)}};
  }
}

}  // namespace

Result<nlohmann::json> BuildCaseReport(evidence::Case& c, const CaseReportOptions& options) {
  evidence::SqlReadSnapshot snapshot(c.sql());
  SL_RETURN_IF_ERROR(snapshot.status());
  SL_ASSIGN_OR_RETURN(std::vector<evidence::Item> items, c.catalog().ListItems());
  SL_ASSIGN_OR_RETURN(std::vector<inv::Finding> findings, inv::ListFindings(c, {}));
  SL_ASSIGN_OR_RETURN(std::vector<inv::Claim> claims, inv::ListClaims(c));
  SL_ASSIGN_OR_RETURN(std::vector<inv::Source> sources, inv::ListSources(c));
  SL_ASSIGN_OR_RETURN(std::vector<inv::ItemSource> links, inv::ListItemSources(c, 0));
  SL_ASSIGN_OR_RETURN(std::vector<inv::Observation> observations, inv::ListObservations(c, 0));
  SL_ASSIGN_OR_RETURN(std::vector<inv::Location> locations, inv::ListLocations(c, 0));
  SL_ASSIGN_OR_RETURN(std::vector<inv::Relation> relations, inv::ListRelations(c, 0));
  SL_ASSIGN_OR_RETURN(inv::Timeline timeline, inv::BuildTimeline(c));
  SL_ASSIGN_OR_RETURN(std::optional<evidence::CustodyEntry> head, c.log().Head());

  nlohmann::json r;
  r["report"] = {
      {"format", "sightline-report-v1"},
      {"generator", std::string("sightline ") + kSightlineVersion},
      {"generated_at", options.generated_at.empty() ? UtcNowRfc3339() : options.generated_at}};
  r["case"] = {{"case_id", c.case_id()},
               {"custody_entries", head ? head->seq : 0},
               {"custody_head", head ? head->entry_hash : ""},
               {"verify", "sightline verify --case DIR checks every object and the signed log"}};

  std::map<std::string, int> by_status, by_confidence;
  for (const inv::Finding& f : findings) ++by_status[inv::FindingStatusName(f.status)];
  for (const inv::Claim& cl : claims) ++by_confidence[cl.confidence];
  r["summary"] = {{"items", items.size()},
                  {"findings", by_status},
                  {"claims", by_confidence},
                  {"conflicts", timeline.conflicts.size()}};

  r["claims"] = Array(claims, inv::ClaimJson);
  r["timeline"] = inv::TimelineJson(timeline);
  std::map<std::int64_t, ItemFacts> facts;
  for (const evidence::Item& item : items) {
    SL_ASSIGN_OR_RETURN(std::string probe, c.catalog().Metadata(item.id));
    const nlohmann::json meta = MetadataSummary(probe);
    // Pictures and sound levels are read from the stored original only when it is what was
    // stored (evidence/object_store.h); otherwise they fail, and the item says why.
    Result<std::string> original = c.objects().OriginalPath(item.sha256);
    facts[item.id] = {original.ok() ? *original : std::string(), item.media_kind, item.name,
                      meta.is_object() ? Seconds(meta["duration_s"]) : 0, meta};
  }
  const bool pictures = options.thumbnail_side > 0;
  nlohmann::json jfindings = nlohmann::json::array();
  for (const inv::Finding& f : findings) {
    nlohmann::json j = inv::FindingJson(f);
    const std::string kind = inv::FindingKindName(f.suggestion.kind);
    const nlohmann::json evidence = j.value("evidence", nlohmann::json::object());
    const auto a = facts.find(f.suggestion.item_a), b = facts.find(f.suggestion.item_b);
    if (pictures && a != facts.end() && b != facts.end() && evidence.is_object()) {
      if ((kind == "same_footage" || kind == "same_place") && options.match_height > 0) {
        MatchPicture(evidence, a->second, b->second, kind, options.match_height, &j);
      } else if (kind == "same_moment" && options.waveform_max_s > 0) {
        Waveform(evidence, a->second, b->second, options.waveform_max_s, &j);
      }
    }
    jfindings.push_back(std::move(j));
  }
  r["findings"] = jfindings;
  r["place_groups"] =
      Array(inv::GroupPlaces(inv::PlaceLinks(findings, relations)), inv::PlaceGroupJson);
  r["relations"] = Array(relations, inv::RelationJson);
  r["locations"] = Array(locations, inv::LocationJson);
  r["sources"] = Array(sources, inv::SourceJson);

  nlohmann::json jitems = nlohmann::json::array();
  for (const evidence::Item& item : items) {
    nlohmann::json j = {
        {"id", item.id},
        {"name", item.name},
        {"sha256", item.sha256},
        {"size", item.size},
        {"kind", item.media_kind.empty() ? nlohmann::json() : nlohmann::json(item.media_kind)},
        {"media_problem", item.media_problem},
        {"ingested_at", item.ingested_at}};
    j["metadata"] = facts[item.id].metadata;
    nlohmann::json item_sources = nlohmann::json::array();
    for (const inv::ItemSource& l : links) {
      if (l.item_id == item.id) item_sources.push_back(inv::ItemSourceJson(l));
    }
    j["sources"] = item_sources;
    nlohmann::json item_obs = nlohmann::json::array();
    for (const inv::Observation& o : observations) {
      if (o.item_id == item.id) item_obs.push_back(inv::ObservationJson(o));
    }
    j["observations"] = item_obs;
    AddAnalysedFacts(c, item.id, &j);
    SL_ASSIGN_OR_RETURN(j["custody"], CustodySummary(c, item.sha256));
    j["thumbnail_jpeg_base64"] = nullptr;
    j["keyframes_jpeg_base64"] = nullptr;
    if (options.thumbnail_side > 0 && options.sheet_frames > 0 && item.media_kind == "video") {
      Result<std::string> original = c.objects().OriginalPath(item.sha256);
      Result<std::string> sheet =
          original.ok()
              ? KeyframeSheetJpeg(*original, facts[item.id].duration_s, options.sheet_frames)
              : Result<std::string>(original.status());
      if (sheet.ok()) {
        j["keyframes_jpeg_base64"] = Base64(*sheet);
      } else {
        j["keyframes_error"] = sheet.status().message();
      }
    }
    if (options.thumbnail_side > 0 && (item.media_kind == "video" || item.media_kind == "image")) {
      Result<std::string> original = c.objects().OriginalPath(item.sha256);
      Result<std::string> jpeg = original.ok()
                                     ? Thumbnail(*original, item.media_kind, options.thumbnail_side)
                                     : Result<std::string>(original.status());
      if (jpeg.ok()) {
        j["thumbnail_jpeg_base64"] = Base64(*jpeg);
      } else {
        j["thumbnail_error"] = jpeg.status().message();
      }
    }
    jitems.push_back(std::move(j));
  }
  r["items"] = jitems;
  return r;
}

}  // namespace sightline::report
