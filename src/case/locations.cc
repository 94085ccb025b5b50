#include "case/locations.h"

#include <cmath>

#include "case/observations.h"

namespace sightline::investigation {

const char* const kLocationMethods[] = {"gps_metadata",     "telemetry", "scene_match", "landmarks",
                                        "source_statement", "other",     nullptr};

bool IsLocationMethod(const std::string& method) { return IsOneOf(kLocationMethods, method); }

Result<Location> SetLocation(evidence::Case& c, const evidence::Identity& who, Location loc) {
  if (!std::isfinite(loc.lat) || !std::isfinite(loc.lon) || std::fabs(loc.lat) > 90 ||
      std::fabs(loc.lon) > 180) {
    return InvalidArgument("coordinates must be latitude -90..90 and longitude -180..180");
  }
  if (!std::isfinite(loc.radius_m) || loc.radius_m < 0) {
    return InvalidArgument("the uncertainty radius must be a distance >= 0 m");
  }
  if (!IsLocationMethod(loc.method)) {
    return InvalidArgument("unknown method \"" + loc.method +
                           "\" (gps_metadata, telemetry, scene_match, landmarks, "
                           "source_statement or other)");
  }
  if (loc.observation_id != 0) {
    SL_ASSIGN_OR_RETURN(Observation o, GetObservation(c, loc.observation_id));
    if (loc.item_id != 0 && loc.item_id != o.item_id) {
      return InvalidArgument("observation #" + std::to_string(o.id) + " is on item #" +
                             std::to_string(o.item_id) + ", not #" + std::to_string(loc.item_id));
    }
    loc.item_id = o.item_id;
  }
  if (loc.item_id == 0) return InvalidArgument("say which item or observation is located");
  SL_ASSIGN_OR_RETURN(evidence::Item item, ItemById(c, loc.item_id));
  loc.id = 0;
  nlohmann::json details = LocationJson(loc);
  details.erase("id");
  SL_ASSIGN_OR_RETURN(
      auto added,
      InsertRecord(
          c, who, "locations",
          {{"item_id", loc.item_id},
           {"observation_id", loc.observation_id != 0 ? SqlValue(loc.observation_id) : SqlValue()},
           {"lat", loc.lat},
           {"lon", loc.lon},
           {"radius_m", loc.radius_m},
           {"method", loc.method},
           {"note", OptionalText(loc.note)}},
          "location_set", item.sha256, details));
  loc.id = added.first;
  loc.provenance = added.second;
  return loc;
}

Result<std::vector<Location>> ListLocations(evidence::Case& c, std::int64_t item_id) {
  SL_ASSIGN_OR_RETURN(bool has_tables, HasInvestigationTables(c));
  if (!has_tables) return std::vector<Location>();
  SL_ASSIGN_OR_RETURN(
      evidence::SqlRows s,
      c.sql()->Query(std::string("SELECT id, item_id, observation_id, lat, lon, radius_m, "
                                 "method, note, ") +
                         kProvenanceColumns +
                         " FROM locations WHERE CAST($1 AS BIGINT) = 0 OR item_id = $1 ORDER BY id",
                     {item_id}));
  std::vector<Location> out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    Location l;
    l.id = s.Int(i, 0);
    l.item_id = s.Int(i, 1);
    l.observation_id = s.Int(i, 2);
    l.lat = s.Double(i, 3);
    l.lon = s.Double(i, 4);
    l.radius_m = s.Double(i, 5);
    l.method = s.Text(i, 6);
    l.note = s.Text(i, 7);
    l.provenance = ProvenanceAt(s, i, 8);
    out.push_back(std::move(l));
  }
  return out;
}

nlohmann::json LocationJson(const Location& l) {
  nlohmann::json j = {{"id", l.id},         {"item", l.item_id}, {"observation", nullptr},
                      {"lat", l.lat},       {"lon", l.lon},      {"radius_m", l.radius_m},
                      {"method", l.method}, {"note", l.note}};
  if (l.observation_id != 0) j["observation"] = l.observation_id;
  if (l.provenance.custody_seq != 0) AddProvenanceJson(l.provenance, &j);
  return j;
}

}  // namespace sightline::investigation
