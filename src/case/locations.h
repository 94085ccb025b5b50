// Locations: where an item was filmed, or where an observed event happened, as coordinates with
// an uncertainty radius and how the place was established. An item or event may have several
// (two candidate places, or a camera position and the place it looks at); an event may have none.
//
// Storage: table `locations` of case.db; each is one custody entry ("location_set").
// Thread safety: as evidence::Case.
#ifndef SIGHTLINE_CASE_LOCATIONS_H_
#define SIGHTLINE_CASE_LOCATIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "case/records.h"

namespace sightline::investigation {

struct Location {
  std::int64_t id = 0;
  std::int64_t item_id = 0;         // the item filmed there; 0 when it locates an observation
  std::int64_t observation_id = 0;  // the observed event; 0 when it locates an item
  double lat = 0, lon = 0;          // WGS 84 decimal degrees
  double radius_m = 0;              // uncertainty: the place is within this distance
  std::string method;               // one of kLocationMethods
  std::string note;                 // e.g. "church tower and shop sign match street view"
  Provenance provenance;
};

// "gps_metadata" (the file's own GPS), "telemetry" (a GPS track), "scene_match" (matched to a
// located picture), "landmarks" (identified by a person), "source_statement", "other".
extern const char* const kLocationMethods[];
bool IsLocationMethod(const std::string& method);

// Adds a location; fills id and provenance. An observation's location is also recorded against
// the observation's item. Fails on coordinates outside the globe, a negative radius, an unknown
// method, item or observation, or when neither is given.
Result<Location> SetLocation(evidence::Case& c, const evidence::Identity& who, Location loc);
// Every location, or those of one item (item_id != 0, including its observations'), by id.
Result<std::vector<Location>> ListLocations(evidence::Case& c, std::int64_t item_id);

nlohmann::json LocationJson(const Location& l);

}  // namespace sightline::investigation

#endif  // SIGHTLINE_CASE_LOCATIONS_H_
