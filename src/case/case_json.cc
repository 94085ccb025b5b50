#include "case/case_json.h"

#include "case/findings.h"
#include "case/locations.h"
#include "case/observations.h"
#include "case/sources.h"
#include "evidence/record_json.h"

namespace sightline::investigation {

Result<nlohmann::json> ItemListJson(evidence::Case& c) {
  SL_ASSIGN_OR_RETURN(std::vector<evidence::Item> items, c.catalog().ListItems());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& item : items) {
    SL_ASSIGN_OR_RETURN(nlohmann::json j, evidence::ItemJson(c, item));
    out.push_back(std::move(j));
  }
  return out;
}

nlohmann::json SidecarJson(const evidence::Sidecar& s) {
  nlohmann::json summary = nlohmann::json::parse(s.summary, nullptr, false);
  return {{"id", s.id},
          {"kind", s.kind},
          {"name", s.name},
          {"sha256", s.sha256},
          {"size", s.size},
          {"path", s.path},
          {"summary", summary.is_discarded() ? nlohmann::json() : summary},
          {"actor", s.actor},
          {"created_at", s.created_at},
          {"custody_seq", s.custody_seq}};
}

Result<nlohmann::json> ItemDetailJson(evidence::Case& c, const evidence::Item& item) {
  SL_ASSIGN_OR_RETURN(auto names, c.catalog().NamesOf(item.id));
  SL_ASSIGN_OR_RETURN(auto history, c.log().ForObject(item.sha256));
  SL_ASSIGN_OR_RETURN(std::string metadata, c.catalog().Metadata(item.id));
  SL_ASSIGN_OR_RETURN(nlohmann::json item_json, evidence::ItemJson(c, item));
  nlohmann::json meta =
      metadata.empty() ? nlohmann::json(nullptr) : nlohmann::json::parse(metadata, nullptr, false);
  FindingFilter of_item;
  of_item.item = item.id;
  SL_ASSIGN_OR_RETURN(auto findings, ListFindings(c, of_item));
  SL_ASSIGN_OR_RETURN(auto sources, ListItemSources(c, item.id));
  SL_ASSIGN_OR_RETURN(auto observations, ListObservations(c, item.id));
  SL_ASSIGN_OR_RETURN(auto locations, ListLocations(c, item.id));
  SL_ASSIGN_OR_RETURN(auto sidecars, evidence::ListSidecars(c, item.id));
  nlohmann::json jnames = nlohmann::json::array(), jhistory = nlohmann::json::array();
  for (const auto& n : names) jnames.push_back(evidence::NameJson(n));
  for (const auto& e : history) jhistory.push_back(evidence::EntryJson(e));
  nlohmann::json jfindings = nlohmann::json::array(), jsources = nlohmann::json::array(),
                 jobs = nlohmann::json::array(), jlocations = nlohmann::json::array(),
                 jsidecars = nlohmann::json::array();
  for (const auto& f : findings) jfindings.push_back(FindingJson(f));
  for (const auto& l : sources) jsources.push_back(ItemSourceJson(l));
  for (const auto& o : observations) jobs.push_back(ObservationJson(o));
  for (const auto& l : locations) jlocations.push_back(LocationJson(l));
  for (const auto& sc : sidecars) jsidecars.push_back(SidecarJson(sc));
  return nlohmann::json{{"item", item_json},    {"names", jnames},         {"metadata", meta},
                        {"custody", jhistory},  {"findings", jfindings},   {"sources", jsources},
                        {"observations", jobs}, {"locations", jlocations}, {"sidecars", jsidecars}};
}

nlohmann::json DecisionJson(std::int64_t finding_id, const Decision& d) {
  return {{"finding", finding_id}, {"status", FindingStatusName(d.status)},
          {"reason", d.reason},    {"actor", d.actor},
          {"time", d.time},        {"custody_seq", d.custody_seq}};
}

Result<nlohmann::json> SourceListJson(evidence::Case& c) {
  SL_ASSIGN_OR_RETURN(auto sources, ListSources(c));
  SL_ASSIGN_OR_RETURN(auto links, ListItemSources(c, 0));
  nlohmann::json list = nlohmann::json::array();
  for (const auto& s : sources) {
    nlohmann::json j = SourceJson(s), items = nlohmann::json::array();
    for (const auto& l : links) {
      if (l.source_id == s.id) items.push_back(ItemSourceJson(l));
    }
    j["items"] = items;
    list.push_back(j);
  }
  return list;
}

}  // namespace sightline::investigation
