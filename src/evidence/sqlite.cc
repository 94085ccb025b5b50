#include "evidence/sqlite.h"

#include <sqlite3.h>

#include <utility>

#include "base/file.h"

namespace sightline::evidence {

namespace {

Status SqliteError(sqlite3* db, const std::string& path, int rc, std::string_view what) {
  std::string msg = DisplayPath(path) + ": " + std::string(what) + ": " +
                    (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  int primary = rc & 0xff;
  if (primary == SQLITE_FULL) return Status(StatusCode::kNoSpace, msg);
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return Status(StatusCode::kBusy, msg);
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) return Corrupt(msg);
  if (primary == SQLITE_CANTOPEN) return NotFound(msg);
  if (primary == SQLITE_CONSTRAINT) return Status(StatusCode::kAlreadyExists, msg);
  return IoError(msg);
}

}  // namespace

Result<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path, Mode mode) {
  int flags = SQLITE_OPEN_NOMUTEX;
  switch (mode) {
    case Mode::kReadOnly:
      flags |= SQLITE_OPEN_READONLY;
      break;
    case Mode::kReadWrite:
      flags |= SQLITE_OPEN_READWRITE;
      break;
    case Mode::kCreate:
      flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
      break;
  }
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  std::unique_ptr<SqliteDb> db(new SqliteDb(raw, path));
  if (rc != SQLITE_OK) return SqliteError(raw, path, rc, "cannot open database");
  sqlite3_busy_timeout(raw, 60000);
  sqlite3_extended_result_codes(raw, 1);
  // WAL lets readers (verify, list) run while an ingest writes; synchronous=FULL makes every
  // committed transaction durable, which an acknowledged ingest promises.
  if (mode != Mode::kReadOnly) SL_RETURN_IF_ERROR(db->Exec("PRAGMA journal_mode=WAL"));
  SL_RETURN_IF_ERROR(db->Exec("PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL"));
  return db;
}

SqliteDb::~SqliteDb() { sqlite3_close_v2(db_); }

Status SqliteDb::Exec(std::string_view sql) {
  char* err = nullptr;
  std::string s(sql);
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    Status st = SqliteError(nullptr, path_, rc, "statement failed");
    return Status(st.code(), DisplayPath(path_) + ": " + msg);
  }
  return Status::Ok();
}

Result<SqliteStmt> SqliteDb::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, path_, rc, "cannot prepare statement");
  return SqliteStmt(stmt, this);
}

std::int64_t SqliteDb::LastInsertId() const { return sqlite3_last_insert_rowid(db_); }

int SqliteDb::Changes() const { return sqlite3_changes(db_); }

SqliteStmt::SqliteStmt(SqliteStmt&& o) noexcept
    : stmt_(std::exchange(o.stmt_, nullptr)), db_(o.db_), bind_error_(std::move(o.bind_error_)) {}

SqliteStmt& SqliteStmt::operator=(SqliteStmt&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(o.stmt_, nullptr);
    db_ = o.db_;
    bind_error_ = std::move(o.bind_error_);
  }
  return *this;
}

SqliteStmt::~SqliteStmt() { sqlite3_finalize(stmt_); }

SqliteStmt& SqliteStmt::Bind(int index, std::int64_t v) {
  int rc = sqlite3_bind_int64(stmt_, index, v);
  if (rc != SQLITE_OK) bind_error_ = SqliteError(db_->handle(), db_->path(), rc, "bind failed");
  return *this;
}

SqliteStmt& SqliteStmt::Bind(int index, std::string_view v) {
  int rc = sqlite3_bind_text64(stmt_, index, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) bind_error_ = SqliteError(db_->handle(), db_->path(), rc, "bind failed");
  return *this;
}

SqliteStmt& SqliteStmt::Bind(int index, const std::optional<std::string>& v) {
  return v ? Bind(index, std::string_view(*v)) : BindNull(index);
}

SqliteStmt& SqliteStmt::BindBlob(int index, std::string_view v) {
  int rc = sqlite3_bind_blob64(stmt_, index, v.data(), v.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) bind_error_ = SqliteError(db_->handle(), db_->path(), rc, "bind failed");
  return *this;
}

SqliteStmt& SqliteStmt::BindDouble(int index, double v) {
  int rc = sqlite3_bind_double(stmt_, index, v);
  if (rc != SQLITE_OK) bind_error_ = SqliteError(db_->handle(), db_->path(), rc, "bind failed");
  return *this;
}

SqliteStmt& SqliteStmt::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Result<bool> SqliteStmt::Step() {
  if (!bind_error_.ok()) return bind_error_;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(db_->handle(), db_->path(), rc, "query failed");
}

Status SqliteStmt::Run() {
  Result<bool> r = Step();
  return r.ok() ? Status::Ok() : r.status();
}

Status SqliteStmt::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = Status::Ok();
  return Status::Ok();
}

int SqliteStmt::ParamIndex(const char* name) const {
  return sqlite3_bind_parameter_index(stmt_, name);
}

int SqliteStmt::ColumnCount() const { return sqlite3_column_count(stmt_); }

int SqliteStmt::ColumnType(int col) const { return sqlite3_column_type(stmt_, col); }

bool SqliteStmt::IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

std::int64_t SqliteStmt::Int(int col) const { return sqlite3_column_int64(stmt_, col); }

double SqliteStmt::Double(int col) const { return sqlite3_column_double(stmt_, col); }

std::string SqliteStmt::Text(int col) const {
  const void* p = sqlite3_column_blob(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
}

std::optional<std::string> SqliteStmt::OptText(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Text(col);
}

Result<std::unique_ptr<SqliteTransaction>> SqliteTransaction::Begin(SqliteDb* db) {
  SL_RETURN_IF_ERROR(db->Exec("BEGIN IMMEDIATE"));
  return std::unique_ptr<SqliteTransaction>(new SqliteTransaction(db));
}

SqliteTransaction::~SqliteTransaction() {
  if (!done_) (void)db_->Exec("ROLLBACK");
}

Status SqliteTransaction::Commit() {
  Status s = db_->Exec("COMMIT");
  if (s.ok()) done_ = true;
  return s;
}

}  // namespace sightline::evidence
