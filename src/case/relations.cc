#include "case/relations.h"

#include <cmath>

namespace sightline::investigation {

const char* const kRelationKinds[] = {"same_footage", "same_moment", "same_place",
                                      "same_event",   "before",      nullptr};

bool IsRelationKind(const std::string& kind) { return IsOneOf(kRelationKinds, kind); }

Result<Relation> AddRelation(evidence::Case& c, const evidence::Identity& who, Relation r) {
  if (!IsRelationKind(r.kind)) {
    return InvalidArgument("unknown relation \"" + r.kind +
                           "\" (same_footage, same_moment, same_place, same_event or before)");
  }
  if (r.item_a == r.item_b) return InvalidArgument("a relation needs two different items");
  if (r.offset_s && (r.kind != "same_moment" || !std::isfinite(*r.offset_s))) {
    return InvalidArgument("an offset is given only for same_moment, in seconds");
  }
  SL_ASSIGN_OR_RETURN(evidence::Item a, ItemById(c, r.item_a));
  SL_RETURN_IF_ERROR(ItemById(c, r.item_b).status());
  r.id = 0;
  nlohmann::json details = RelationJson(r);
  details.erase("id");
  SL_ASSIGN_OR_RETURN(auto added, InsertRecord(c, who, "relations",
                                               {{"kind", r.kind},
                                                {"item_a", r.item_a},
                                                {"item_b", r.item_b},
                                                {"offset_s", OptionalReal(r.offset_s)},
                                                {"note", OptionalText(r.note)}},
                                               "relation_added", a.sha256, details));
  r.id = added.first;
  r.provenance = added.second;
  return r;
}

Result<std::vector<Relation>> ListRelations(evidence::Case& c, std::int64_t item_id) {
  SL_ASSIGN_OR_RETURN(bool has_tables, HasInvestigationTables(c));
  if (!has_tables) return std::vector<Relation>();
  SL_ASSIGN_OR_RETURN(
      evidence::SqlRows s,
      c.sql()->Query(std::string("SELECT id, kind, item_a, item_b, offset_s, note, ") +
                         kProvenanceColumns +
                         " FROM relations WHERE CAST($1 AS BIGINT) = 0 OR item_a = $1 OR item_b = "
                         "$1 ORDER BY id",
                     {item_id}));
  std::vector<Relation> out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    Relation r;
    r.id = s.Int(i, 0);
    r.kind = s.Text(i, 1);
    r.item_a = s.Int(i, 2);
    r.item_b = s.Int(i, 3);
    if (!s.IsNull(i, 4)) r.offset_s = s.Double(i, 4);
    r.note = s.Text(i, 5);
    r.provenance = ProvenanceAt(s, i, 6);
    out.push_back(std::move(r));
  }
  return out;
}

nlohmann::json RelationJson(const Relation& r) {
  nlohmann::json j = {{"id", r.id},    {"kind", r.kind},      {"a", r.item_a},
                      {"b", r.item_b}, {"offset_s", nullptr}, {"note", r.note}};
  if (r.offset_s) j["offset_s"] = *r.offset_s;
  if (r.provenance.custody_seq != 0) AddProvenanceJson(r.provenance, &j);
  return j;
}

}  // namespace sightline::investigation
