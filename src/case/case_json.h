// The JSON documents that describe a case's items and sources as a whole: what `sightline list`,
// `show` and `source list` print with --json, and what the workbench API (src/server) answers,
// built here once so that the two faces never differ (doc/api.md).
//
// Thread safety: reads only; as evidence::Case (one thread per Case object).
#ifndef SIGHTLINE_CASE_CASE_JSON_H_
#define SIGHTLINE_CASE_CASE_JSON_H_

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "case/findings.h"
#include "evidence/case.h"
#include "evidence/sidecar_store.h"

namespace sightline::investigation {

// Every item of the case, as evidence::ItemJson, in id order.
Result<nlohmann::json> ItemListJson(evidence::Case& c);

// One item with everything known about it: {"item", "names", "metadata" (the probe JSON stored
// at ingest, or null), "custody", "findings", "sources", "observations", "locations",
// "sidecars"} (the shape of `sightline show --json`).
Result<nlohmann::json> ItemDetailJson(evidence::Case& c, const evidence::Item& item);

// {"id","kind","name","sha256","size","path","summary","actor","created_at","custody_seq"}.
nlohmann::json SidecarJson(const evidence::Sidecar& s);

// A decision taken on finding `finding_id`: {"finding","status","reason","actor","time",
// "custody_seq"} (the entries of `sightline accept --json`).
nlohmann::json DecisionJson(std::int64_t finding_id, const Decision& d);

// Every source (SourceJson) with the items linked to it under "items" (ItemSourceJson).
Result<nlohmann::json> SourceListJson(evidence::Case& c);

}  // namespace sightline::investigation

#endif  // SIGHTLINE_CASE_CASE_JSON_H_
