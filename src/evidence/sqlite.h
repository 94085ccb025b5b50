// A thin RAII layer over SQLite's C API: a connection and prepared statements whose failures come
// back as Status values naming the database and the statement.
//
// Thread safety: one SqliteDb per thread (SQLite serialises writers between processes itself).
#ifndef SIGHTLINE_EVIDENCE_SQLITE_H_
#define SIGHTLINE_EVIDENCE_SQLITE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace sightline::evidence {

class SqliteStmt;
class SqlConnection;

class SqliteDb {
 public:
  enum class Mode { kReadOnly, kReadWrite, kCreate };
  // Opens `path`; sets WAL, foreign keys and a busy timeout so that concurrent writers wait
  // rather than fail.
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path, Mode mode);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs one or more statements without results.
  Status Exec(std::string_view sql);
  Result<SqliteStmt> Prepare(std::string_view sql);
  std::int64_t LastInsertId() const;
  // Rows changed by the last INSERT, UPDATE or DELETE (0 for an INSERT OR IGNORE that ignored).
  int Changes() const;
  const std::string& path() const { return path_; }
  sqlite3* handle() { return db_; }

 private:
  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
};

// A prepared statement. Bind parameters are 1-based, columns 0-based, as in SQLite.
class SqliteStmt {
 public:
  SqliteStmt(SqliteStmt&& o) noexcept;
  SqliteStmt& operator=(SqliteStmt&& o) noexcept;
  ~SqliteStmt();

  SqliteStmt& Bind(int index, std::int64_t v);
  SqliteStmt& Bind(int index, std::string_view v);  // as TEXT
  SqliteStmt& Bind(int index, const std::string& v) { return Bind(index, std::string_view(v)); }
  SqliteStmt& Bind(int index, const char* v) { return Bind(index, std::string_view(v)); }
  SqliteStmt& Bind(int index, const std::optional<std::string>& v);  // NULL when empty
  SqliteStmt& BindBlob(int index, std::string_view v);
  SqliteStmt& BindDouble(int index, double v);
  SqliteStmt& BindNull(int index);

  // Advances to the next row: true when a row is available, false when done.
  Result<bool> Step();
  // Steps a statement that returns no rows.
  Status Run();
  Status Reset();

  // The index of the parameter named `name` ("$1", ":x"), 0 when the statement has none.
  int ParamIndex(const char* name) const;
  int ColumnCount() const;
  // SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL of the current row.
  int ColumnType(int col) const;
  bool IsNull(int col) const;
  std::int64_t Int(int col) const;
  double Double(int col) const;
  std::string Text(int col) const;  // "" for NULL
  std::optional<std::string> OptText(int col) const;

 private:
  friend class SqliteDb;
  SqliteStmt(sqlite3_stmt* s, SqliteDb* db) : stmt_(s), db_(db) {}
  sqlite3_stmt* stmt_;
  SqliteDb* db_;
  Status bind_error_;
};

// RAII transaction. Begin() takes the write lock at once (BEGIN IMMEDIATE) so that the reads made
// inside see the state the writes will be based on. Rolls back unless Commit() succeeded.
class SqliteTransaction {
 public:
  static Result<std::unique_ptr<SqliteTransaction>> Begin(SqliteDb* db);
  ~SqliteTransaction();
  Status Commit();

 private:
  explicit SqliteTransaction(SqliteDb* db) : db_(db) {}
  SqliteDb* db_;
  bool done_ = false;
};

// RAII read snapshot: every query between construction and destruction sees the same state of
// the database, even while another process commits (WAL).
class SqliteReadSnapshot {
 public:
  explicit SqliteReadSnapshot(SqliteDb* db) : db_(db), status_(db->Exec("BEGIN")) {}
  ~SqliteReadSnapshot() {
    if (status_.ok()) (void)db_->Exec("COMMIT");
  }
  SqliteReadSnapshot(const SqliteReadSnapshot&) = delete;
  SqliteReadSnapshot& operator=(const SqliteReadSnapshot&) = delete;
  const Status& status() const { return status_; }

 private:
  SqliteDb* db_;
  Status status_;
};

// The SqlConnection (evidence/sql.h) over an open database, which it owns from then on.
std::unique_ptr<SqlConnection> SqliteConnectionOver(std::unique_ptr<SqliteDb> db);

}  // namespace sightline::evidence

#endif  // SIGHTLINE_EVIDENCE_SQLITE_H_
