// The JSON shapes of items and custody entries, shared by list, show, export and bundle verification so that the
// same thing always prints the same way. Documented in doc/json-output.md.
#ifndef SIGHTLINE_EVIDENCE_RECORD_JSON_H_
#define SIGHTLINE_EVIDENCE_RECORD_JSON_H_

#include <nlohmann/json.hpp>

#include "evidence/case.h"

namespace sightline::evidence {

// {"id","name","sha256","size","kind","media_problem","ingested_at","other_names":[…]}
Result<nlohmann::json> ItemJson(Case& c, const Item& item);
nlohmann::json NameJson(const ItemName& n);
// {"seq","time","actor","action","object_sha256","details","prev_hash","entry_hash","public_key",
//  "signature"}: details stay the exact text that was hashed.
nlohmann::json EntryJson(const CustodyEntry& e);
// The inverse of EntryJson; fails on a missing or mistyped field.
Result<CustodyEntry> EntryFromJson(const nlohmann::json& j);

}  // namespace sightline::evidence

#endif  // SIGHTLINE_EVIDENCE_RECORD_JSON_H_
