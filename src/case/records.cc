#include "case/records.h"

namespace sightline::investigation {

namespace {
constexpr int kInvestigationSchema = 3;  // evidence/schema.cc: migration 2 -> 3
constexpr int kPublishedAtSchema = 5;    // evidence/schema.cc: migration 4 -> 5
}  // namespace

void AddProvenanceJson(const Provenance& p, nlohmann::json* j) {
  (*j)["actor"] = p.actor;
  (*j)["created_at"] = p.created_at;
  (*j)["custody_seq"] = p.custody_seq;
}

bool IsOneOf(const char* const* names, const std::string& value) {
  for (const char* const* n = names; *n != nullptr; ++n) {
    if (value == *n) return true;
  }
  return false;
}

std::string Alternatives(const char* const* names) {
  std::string out;
  for (const char* const* n = names; *n != nullptr; ++n) {
    if (!out.empty()) out += n[1] == nullptr ? " or " : ", ";
    out += *n;
  }
  return out;
}

Provenance ProvenanceAt(const evidence::SqlRows& r, std::size_t row, int col) {
  return {r.Text(row, col), r.Text(row, col + 1), r.Int(row, col + 2)};
}

Result<bool> HasInvestigationTables(evidence::Case& c) {
  SL_ASSIGN_OR_RETURN(int version, c.SchemaVersion());
  return version >= kInvestigationSchema;
}

Result<bool> HasPublishedAt(evidence::Case& c) {
  SL_ASSIGN_OR_RETURN(int version, c.SchemaVersion());
  return version >= kPublishedAtSchema;
}

Result<evidence::Item> ItemById(evidence::Case& c, std::int64_t id) {
  SL_ASSIGN_OR_RETURN(std::vector<evidence::Item> items, c.catalog().Resolve(std::to_string(id)));
  for (const evidence::Item& item : items) {
    if (item.id == id) return item;
  }
  return NotFound("no item #" + std::to_string(id) + " in this case (see `sightline list`)");
}

Result<std::pair<std::int64_t, Provenance>> InsertRecord(
    evidence::Case& c, const evidence::Identity& who, const std::string& table,
    const Columns& columns, const std::string& action, const std::string& object_sha256,
    nlohmann::json details) {
  std::string names, params;
  std::vector<SqlValue> values;
  for (const auto& column : columns) {
    names += column.first + ", ";
    values.push_back(column.second);
    params += "$" + std::to_string(values.size()) + ", ";
  }
  names += kProvenanceColumns;
  const std::size_t n = values.size();
  params +=
      "$" + std::to_string(n + 1) + ", $" + std::to_string(n + 2) + ", $" + std::to_string(n + 3);
  std::string sql =
      "INSERT INTO " + table + " (" + names + ") VALUES (" + params + ") RETURNING id";
  std::int64_t id = 0;
  Provenance provenance;
  Result<evidence::CustodyEntry> entry =
      c.Write(who, [&](evidence::Case::WriteContext& ctx) -> Result<evidence::CustodyRecord> {
        values.resize(n);
        values.emplace_back(who.actor);
        values.emplace_back(ctx.time);
        values.emplace_back(ctx.seq);
        SL_ASSIGN_OR_RETURN(evidence::SqlRows inserted, c.sql()->Query(sql, values));
        if (inserted.empty()) return Internal("INSERT INTO " + table + " returned no id");
        id = inserted.Int(0, 0);
        provenance = {who.actor, ctx.time, ctx.seq};
        details["id"] = id;
        return evidence::CustodyRecord{action, object_sha256, details.dump()};
      });
  if (!entry.ok()) return entry.status();
  return std::make_pair(id, provenance);
}

}  // namespace sightline::investigation
