#include "case/records.h"

#include "evidence/schema.h"

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

Provenance ProvenanceAt(const evidence::SqliteStmt& s, int col) {
  return {s.Text(col), s.Text(col + 1), s.Int(col + 2)};
}

Result<bool> HasInvestigationTables(evidence::Case& c) {
  SL_ASSIGN_OR_RETURN(int version, evidence::StoredSchemaVersion(c.db()));
  return version >= kInvestigationSchema;
}

Result<bool> HasPublishedAt(evidence::Case& c) {
  SL_ASSIGN_OR_RETURN(int version, evidence::StoredSchemaVersion(c.db()));
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
  int n = 0;
  for (const auto& column : columns) {
    names += column.first + ", ";
    params += "?" + std::to_string(++n) + ", ";
  }
  names += kProvenanceColumns;
  params +=
      "?" + std::to_string(n + 1) + ", ?" + std::to_string(n + 2) + ", ?" + std::to_string(n + 3);
  std::string sql = "INSERT INTO " + table + " (" + names + ") VALUES (" + params + ")";
  std::int64_t id = 0;
  Provenance provenance;
  Result<evidence::CustodyEntry> entry =
      c.Write(who, [&](evidence::Case::WriteContext& ctx) -> Result<evidence::CustodyRecord> {
        SL_ASSIGN_OR_RETURN(evidence::SqliteStmt ins, c.db()->Prepare(sql));
        int i = 0;
        for (const auto& column : columns) {
          ++i;
          const SqlValue& v = column.second;
          if (std::holds_alternative<std::int64_t>(v)) {
            ins.Bind(i, std::get<std::int64_t>(v));
          } else if (std::holds_alternative<double>(v)) {
            ins.BindDouble(i, std::get<double>(v));
          } else if (std::holds_alternative<std::string>(v)) {
            ins.Bind(i, std::get<std::string>(v));
          } else {
            ins.BindNull(i);
          }
        }
        ins.Bind(i + 1, who.actor).Bind(i + 2, ctx.time).Bind(i + 3, ctx.seq);
        SL_RETURN_IF_ERROR(ins.Run());
        id = c.db()->LastInsertId();
        provenance = {who.actor, ctx.time, ctx.seq};
        details["id"] = id;
        return evidence::CustodyRecord{action, object_sha256, details.dump()};
      });
  if (!entry.ok()) return entry.status();
  return std::make_pair(id, provenance);
}

}  // namespace sightline::investigation
