#include "archive/archive_catalog.h"

#include <cstring>

namespace sightline::archive {

namespace {

using evidence::SqlBlob;
using evidence::SqlDialect;
using evidence::SqlRows;
using evidence::SqlTransaction;
using evidence::SqlValue;

std::string Schema(SqlDialect d) {
  const evidence::SqlTypes t = evidence::SqlTypesFor(d);
  const std::string id = t.id_pk, blob = t.blob;
  return "CREATE TABLE IF NOT EXISTS archive_items (id " + id +
         ", sha256 TEXT NOT NULL UNIQUE, size BIGINT NOT NULL, media_kind TEXT NOT NULL DEFAULT "
         "'', name TEXT NOT NULL DEFAULT '', added_at DOUBLE PRECISION NOT NULL);"
         "CREATE TABLE IF NOT EXISTS archive_cases (case_id TEXT PRIMARY KEY, path TEXT NOT NULL, "
         "head_seq BIGINT NOT NULL, head_hash TEXT NOT NULL, recorded_at DOUBLE PRECISION NOT "
         "NULL);"
         "CREATE TABLE IF NOT EXISTS archive_case_items (case_id TEXT NOT NULL, item_id BIGINT NOT "
         "NULL, PRIMARY KEY (case_id, item_id));"
         "CREATE TABLE IF NOT EXISTS archive_signals (item_id BIGINT NOT NULL, kind TEXT NOT NULL, "
         "version TEXT NOT NULL, data " +
         blob +
         " NOT NULL, created_at DOUBLE PRECISION NOT "
         "NULL, PRIMARY KEY (item_id, kind, version));"
         "CREATE TABLE IF NOT EXISTS archive_findings (a_item BIGINT NOT NULL, b_item BIGINT NOT "
         "NULL, kind TEXT NOT NULL, version TEXT NOT NULL, score DOUBLE PRECISION NOT NULL, "
         "evidence TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (a_item, "
         "b_item, kind, version));"
         "CREATE TABLE IF NOT EXISTS archive_frame_hashes (id " +
         id + ", item_id BIGINT NOT NULL, t DOUBLE PRECISION NOT NULL, hash " + blob +
         " NOT NULL);"
         "CREATE INDEX IF NOT EXISTS archive_frame_hashes_item ON archive_frame_hashes (item_id);"
         "CREATE TABLE IF NOT EXISTS archive_jobs (id " +
         id +
         ", kind TEXT NOT NULL, subject TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'queued', "
         "attempts INTEGER NOT NULL DEFAULT 0, max_attempts INTEGER NOT NULL DEFAULT 3, "
         "lease_until DOUBLE PRECISION NOT NULL DEFAULT 0, worker TEXT NOT NULL DEFAULT '', "
         "last_error TEXT NOT NULL DEFAULT '', created_at DOUBLE PRECISION NOT NULL, updated_at "
         "DOUBLE PRECISION NOT NULL, UNIQUE (kind, subject));"
         "CREATE INDEX IF NOT EXISTS archive_jobs_state ON archive_jobs (state, id);"
         // Claims look only at the few live jobs, never through the done ones before them.
         "CREATE INDEX IF NOT EXISTS archive_jobs_live ON archive_jobs (id) WHERE state IN "
         "('queued', 'running');"
         "CREATE TABLE IF NOT EXISTS archive_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);";
}

ArchiveItem ItemFrom(const SqlRows& r, std::size_t i) {
  ArchiveItem item;
  item.id = r.Int(i, 0);
  item.sha256 = r.Text(i, 1);
  item.size = static_cast<std::uint64_t>(r.Int(i, 2));
  item.media_kind = r.Text(i, 3);
  item.name = r.Text(i, 4);
  item.added_at = r.Double(i, 5);
  return item;
}

constexpr const char* kItemColumns = "id, sha256, size, media_kind, name, added_at";

}  // namespace

Status ArchiveCatalog::CreateSchema() {
  SqlTransaction tx(db_);
  SL_RETURN_IF_ERROR(tx.Begin());
  // PostgreSQL's CREATE … IF NOT EXISTS is not safe against a concurrent creation of the same
  // table (both see it missing; one fails on pg_type): workers starting together take turns.
  if (db_->dialect() == SqlDialect::kPostgres) {
    SL_RETURN_IF_ERROR(db_->Query("SELECT pg_advisory_xact_lock(7301730173)").status());
  }
  SL_RETURN_IF_ERROR(db_->ExecScript(Schema(db_->dialect())));
  SL_RETURN_IF_ERROR(db_->Query("INSERT INTO archive_meta (key, value) VALUES ('schema', '1') "
                                "ON CONFLICT (key) DO NOTHING")
                         .status());
  return tx.Commit();
}

Result<std::int64_t> ArchiveCatalog::AddItem(const ArchiveItem& item, bool* added) {
  const std::string now = evidence::SqlNow(db_->dialect());
  SL_ASSIGN_OR_RETURN(
      SqlRows ins,
      db_->Query("INSERT INTO archive_items (sha256, size, media_kind, name, added_at) VALUES "
                 "($1, $2, $3, $4, " +
                     now + ") ON CONFLICT (sha256) DO NOTHING RETURNING id",
                 {item.sha256, static_cast<std::int64_t>(item.size), item.media_kind, item.name}));
  if (added) *added = !ins.empty();
  if (!ins.empty()) return ins.Int(0, 0);
  SL_ASSIGN_OR_RETURN(SqlRows found,
                      db_->Query("SELECT id FROM archive_items WHERE sha256 = $1", {item.sha256}));
  if (found.empty()) return Internal("archive item " + item.sha256 + " vanished while added");
  return found.Int(0, 0);
}

Result<std::optional<ArchiveItem>> ArchiveCatalog::FindItem(const std::string& sha256) {
  SL_ASSIGN_OR_RETURN(SqlRows r, db_->Query(std::string("SELECT ") + kItemColumns +
                                                " FROM archive_items WHERE sha256 = $1",
                                            {sha256}));
  if (r.empty()) return std::optional<ArchiveItem>();
  return std::optional<ArchiveItem>(ItemFrom(r, 0));
}

Result<std::optional<ArchiveItem>> ArchiveCatalog::ItemById(std::int64_t id) {
  SL_ASSIGN_OR_RETURN(SqlRows r, db_->Query(std::string("SELECT ") + kItemColumns +
                                                " FROM archive_items WHERE id = $1",
                                            {id}));
  if (r.empty()) return std::optional<ArchiveItem>();
  return std::optional<ArchiveItem>(ItemFrom(r, 0));
}

Result<std::vector<ArchiveItem>> ArchiveCatalog::Resolve(const std::string& ref) {
  std::vector<ArchiveItem> out;
  bool hex = ref.size() >= 4 && ref.size() <= 64 &&
             ref.find_first_not_of("0123456789abcdef") == std::string::npos;
  SL_ASSIGN_OR_RETURN(
      SqlRows r,
      db_->Query(std::string("SELECT ") + kItemColumns +
                     " FROM archive_items WHERE name = $1 OR ($2 = 1 AND substr(sha256, 1, $3) = "
                     "$1) ORDER BY id",
                 {ref, std::int64_t{hex ? 1 : 0}, static_cast<std::int64_t>(ref.size())}));
  for (std::size_t i = 0; i < r.size(); ++i) out.push_back(ItemFrom(r, i));
  return out;
}

Status ArchiveCatalog::RecordCase(const std::string& case_id, const std::string& path,
                                  std::int64_t head_seq, const std::string& head_hash,
                                  const std::vector<std::int64_t>& item_ids) {
  const std::string now = evidence::SqlNow(db_->dialect());
  SqlTransaction tx(db_);
  SL_RETURN_IF_ERROR(tx.Begin());
  SL_RETURN_IF_ERROR(
      db_->Query("INSERT INTO archive_cases (case_id, path, head_seq, head_hash, recorded_at) "
                 "VALUES ($1, $2, $3, $4, " +
                     now +
                     ") ON CONFLICT (case_id) DO UPDATE SET "
                     "path = excluded.path, head_seq = excluded.head_seq, head_hash = "
                     "excluded.head_hash, recorded_at = excluded.recorded_at",
                 {case_id, path, head_seq, head_hash})
          .status());
  for (std::int64_t id : item_ids) {
    SL_RETURN_IF_ERROR(db_->Query("INSERT INTO archive_case_items (case_id, item_id) VALUES ($1, "
                                  "$2) ON CONFLICT DO NOTHING",
                                  {case_id, id})
                           .status());
  }
  return tx.Commit();
}

Result<bool> ArchiveCatalog::PutSignal(std::int64_t item_id, const std::string& kind,
                                       const std::string& version, const std::string& data,
                                       const std::vector<analysis::match::HashFrame>& frames) {
  const std::string now = evidence::SqlNow(db_->dialect());
  SL_ASSIGN_OR_RETURN(SqlRows ins,
                      db_->Query("INSERT INTO archive_signals (item_id, kind, version, data, "
                                 "created_at) VALUES ($1, $2, $3, $4, " +
                                     now + ") ON CONFLICT DO NOTHING RETURNING item_id",
                                 {item_id, kind, version, SqlBlob{data}}));
  if (ins.empty()) return false;
  for (const analysis::match::HashFrame& f : frames) {
    SL_RETURN_IF_ERROR(
        db_->Query(
               "INSERT INTO archive_frame_hashes (item_id, t, hash) VALUES ($1, $2, $3)",
               {item_id, f.t,
                SqlBlob{std::string(reinterpret_cast<const char*>(f.hash.data()), f.hash.size())}})
            .status());
  }
  return true;
}

Result<std::optional<std::string>> ArchiveCatalog::Signal(std::int64_t item_id,
                                                          const std::string& kind,
                                                          const std::string& version) {
  SL_ASSIGN_OR_RETURN(SqlRows r, db_->Query("SELECT data FROM archive_signals WHERE item_id = $1 "
                                            "AND kind = $2 AND version = $3",
                                            {item_id, kind, version}));
  if (r.empty()) return std::optional<std::string>();
  return std::optional<std::string>(r.Text(0, 0));
}

Result<bool> ArchiveCatalog::PutFinding(const ArchiveFinding& f) {
  const std::string now = evidence::SqlNow(db_->dialect());
  SL_ASSIGN_OR_RETURN(
      SqlRows ins,
      db_->Query("INSERT INTO archive_findings (a_item, b_item, kind, version, score, evidence, "
                 "created_at) VALUES ($1, $2, $3, $4, $5, $6, " +
                     now + ") ON CONFLICT DO NOTHING RETURNING a_item",
                 {f.a_item, f.b_item, f.kind, f.version, f.score, f.evidence_json}));
  return !ins.empty();
}

Result<std::vector<ArchiveFinding>> ArchiveCatalog::Findings(std::int64_t item_id) {
  SL_ASSIGN_OR_RETURN(SqlRows r,
                      db_->Query("SELECT a_item, b_item, kind, version, score, evidence FROM "
                                 "archive_findings WHERE $1 = 0 OR a_item = $1 OR b_item = $1 "
                                 "ORDER BY score DESC, a_item, b_item",
                                 {item_id}));
  std::vector<ArchiveFinding> out;
  for (std::size_t i = 0; i < r.size(); ++i) {
    out.push_back(
        {r.Int(i, 0), r.Int(i, 1), r.Text(i, 2), r.Text(i, 3), r.Double(i, 4), r.Text(i, 5)});
  }
  return out;
}

Result<std::vector<ArchiveCatalog::HashRow>> ArchiveCatalog::HashRowsAfter(std::int64_t after_id,
                                                                           std::size_t limit) {
  SL_ASSIGN_OR_RETURN(SqlRows r, db_->Query("SELECT id, item_id, t, hash FROM archive_frame_hashes "
                                            "WHERE id > $1 ORDER BY id LIMIT $2",
                                            {after_id, static_cast<std::int64_t>(limit)}));
  std::vector<HashRow> out;
  out.reserve(r.size());
  for (std::size_t i = 0; i < r.size(); ++i) {
    HashRow row;
    row.id = r.Int(i, 0);
    row.item_id = r.Int(i, 1);
    row.t = r.Double(i, 2);
    std::string bytes = r.Text(i, 3);
    if (bytes.size() != row.hash.size()) {
      return Corrupt(db_->description() + ": frame hash row " + std::to_string(row.id) + " has " +
                     std::to_string(bytes.size()) + " bytes, not 32");
    }
    std::memcpy(row.hash.data(), bytes.data(), bytes.size());
    out.push_back(row);
  }
  return out;
}

Result<ArchiveCounts> ArchiveCatalog::Counts() {
  SL_ASSIGN_OR_RETURN(
      SqlRows r,
      db_->Query("SELECT (SELECT count(*) FROM archive_items), (SELECT count(*) FROM "
                 "archive_cases), (SELECT count(*) FROM archive_signals), (SELECT count(*) FROM "
                 "archive_findings), (SELECT count(*) FROM archive_frame_hashes)"));
  return ArchiveCounts{r.Int(0, 0), r.Int(0, 1), r.Int(0, 2), r.Int(0, 3), r.Int(0, 4)};
}

}  // namespace sightline::archive
