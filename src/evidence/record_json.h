// The JSON shapes of items and custody entries, shared by list, show and export so that the
// same thing always prints the same way. Documented in doc/json-output.md.
#ifndef SIGHTLINE_CLI_ITEM_JSON_H_
#define SIGHTLINE_CLI_ITEM_JSON_H_

#include <nlohmann/json.hpp>

#include "evidence/case.h"

namespace sightline::cli {

// {"id","name","sha256","size","kind","media_problem","ingested_at","other_names":[…]}
Result<nlohmann::json> ItemJson(evidence::Case& c, const evidence::Item& item);
nlohmann::json NameJson(const evidence::ItemName& n);
nlohmann::json EntryJson(const evidence::CustodyEntry& e);

}  // namespace sightline::cli

#endif  // SIGHTLINE_CLI_ITEM_JSON_H_
