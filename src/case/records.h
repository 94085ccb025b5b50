// What every record a person or an analysis adds to the investigation shares: who added it, when,
// and the custody entry that recorded it; and the one way such a record is written (a row and its
// custody entry in one Case::Write). Used by findings, sources, observations, locations,
// relations and claims (case/*.h).
#ifndef SIGHTLINE_CASE_RECORDS_H_
#define SIGHTLINE_CASE_RECORDS_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "evidence/case.h"
#include "evidence/identity.h"

namespace sightline::investigation {

struct Provenance {
  std::string actor;             // who added the record
  std::string created_at;        // RFC 3339 UTC, the time of its custody entry
  std::int64_t custody_seq = 0;  // the custody entry that recorded it
};

// {"actor","created_at","custody_seq"} merged into `j`.
void AddProvenanceJson(const Provenance& p, nlohmann::json* j);

// Reads the three provenance columns "actor, created_at, custody_seq" of `row` starting at `col`.
Provenance ProvenanceAt(const evidence::SqlRows& r, std::size_t row, int col);
inline constexpr char kProvenanceColumns[] = "actor, created_at, custody_seq";

// True when `value` is one of `names` (a null-terminated list of names).
bool IsOneOf(const char* const* names, const std::string& value);
// "a, b, c or d": the names, for an error message.
std::string Alternatives(const char* const* names);

// False for a case written before the investigation tables existed (schema < 3) and opened
// read-only: it has no findings, sources or claims yet, and reading them returns nothing.
Result<bool> HasInvestigationTables(evidence::Case& c);
// False for a case older than schema 5 opened read-only: no sidecars, no item_sources.published_at.
Result<bool> HasPublishedAt(evidence::Case& c);

// The item with this id, or a NotFound naming it.
Result<evidence::Item> ItemById(evidence::Case& c, std::int64_t id);

// A column value: NULL, an integer, a real or a text.
using SqlValue = evidence::SqlValue;
using Columns = std::vector<std::pair<std::string, SqlValue>>;
inline SqlValue OptionalText(const std::string& s) { return s.empty() ? SqlValue() : SqlValue(s); }
inline SqlValue OptionalReal(const std::optional<double>& v) {
  return v ? SqlValue(*v) : SqlValue();
}

// Inserts one row into `table` with `columns` plus actor, created_at and custody_seq, and
// records it with a custody entry `action` whose details are `details` plus {"id": new row id}.
// `object_sha256` names the item concerned ("" for none). Returns the new id and provenance.
Result<std::pair<std::int64_t, Provenance>> InsertRecord(
    evidence::Case& c, const evidence::Identity& who, const std::string& table,
    const Columns& columns, const std::string& action, const std::string& object_sha256,
    nlohmann::json details);

}  // namespace sightline::investigation

#endif  // SIGHTLINE_CASE_RECORDS_H_
