#include "report/case_report.h"

#include <sodium.h>

#include <map>

#include "base/time.h"
#include "case/claims.h"
#include "case/findings.h"
#include "case/locations.h"
#include "case/observations.h"
#include "case/relations.h"
#include "case/sources.h"
#include "case/timeline.h"
#include "report/thumbnail.h"
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

template <typename T, typename F>
nlohmann::json Array(const std::vector<T>& v, F to_json) {
  nlohmann::json out = nlohmann::json::array();
  for (const T& x : v) out.push_back(to_json(x));
  return out;
}

}  // namespace

Result<nlohmann::json> BuildCaseReport(evidence::Case& c, const CaseReportOptions& options) {
  evidence::SqliteReadSnapshot snapshot(c.db());
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
  r["findings"] = Array(findings, inv::FindingJson);
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
    SL_ASSIGN_OR_RETURN(std::string probe, c.catalog().Metadata(item.id));
    j["metadata"] = MetadataSummary(probe);
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
    j["thumbnail_jpeg_base64"] = nullptr;
    if (options.thumbnail_side > 0 && (item.media_kind == "video" || item.media_kind == "image")) {
      Result<std::string> jpeg =
          Thumbnail(c.objects().PathFor(item.sha256), item.media_kind, options.thumbnail_side);
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
