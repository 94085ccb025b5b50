// Relations between two items that a person states (as opposed to findings, which an analysis
// suggests): "same place", "same moment, b is 3.2 s behind a", "a was filmed before b" (the truck
// burning, then no longer on fire).
//
// Storage: table `relations` of case.db; each is one custody entry ("relation_added").
// Thread safety: as evidence::Case.
#ifndef SIGHTLINE_CASE_RELATIONS_H_
#define SIGHTLINE_CASE_RELATIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "case/records.h"

namespace sightline::investigation {

struct Relation {
  std::int64_t id = 0;
  std::string kind;  // one of kRelationKinds
  std::int64_t item_a = 0;
  std::int64_t item_b = 0;
  // same_moment: the time in a at which b's time 0 falls (negative: b started first), as
  // `sync` reports it.
  std::optional<double> offset_s;
  std::string note;
  Provenance provenance;
};

// "same_footage", "same_moment", "same_place", "same_event" (as findings), and "before" (a was
// filmed before b).
extern const char* const kRelationKinds[];
bool IsRelationKind(const std::string& kind);

// Adds a relation; fills id and provenance. Fails on an unknown kind or item, a pair naming one
// item twice, or an offset on another kind than same_moment.
Result<Relation> AddRelation(evidence::Case& c, const evidence::Identity& who, Relation r);
// Every relation, or those naming one item (item_id != 0), by id.
Result<std::vector<Relation>> ListRelations(evidence::Case& c, std::int64_t item_id);

nlohmann::json RelationJson(const Relation& r);

}  // namespace sightline::investigation

#endif  // SIGHTLINE_CASE_RELATIONS_H_
