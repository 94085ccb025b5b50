// One SQL interface over the two catalogue back-ends: SQLite (a file, the default for one
// machine) and PostgreSQL (a server a desk or an archive shares). Code that must run on both
// writes its statements once, in the subset both accept:
//  - parameters are $1, $2, … (PostgreSQL's form; the SQLite side binds them by name);
//  - INSERT … ON CONFLICT … DO NOTHING / DO UPDATE, UPDATE … RETURNING, CTEs;
//  - column types from SqlTypes(dialect) where the two differ (ids, blobs);
//  - the time as SqlNow(dialect), in seconds since 1970 as a double.
// Anything else that differs (row locks: FOR UPDATE SKIP LOCKED) is chosen by dialect() at the
// one place that needs it.
//
// Thread safety: a SqlConnection is used by one thread at a time. Open one per thread or process.
#ifndef SIGHTLINE_EVIDENCE_SQL_H_
#define SIGHTLINE_EVIDENCE_SQL_H_

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/status.h"

namespace sightline::evidence {

enum class SqlDialect { kSqlite, kPostgres };

// Bytes bound as a BLOB (SQLite) or BYTEA (PostgreSQL), not as text.
struct SqlBlob {
  std::string bytes;
};

using SqlValue = std::variant<std::monostate, std::int64_t, double, std::string, SqlBlob>;

// The rows a statement returned, values converted to the types above (integers as int64,
// floating point as double, text as string, blobs as SqlBlob, NULL as monostate).
class SqlRows {
 public:
  std::size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  bool IsNull(std::size_t row, int col) const;
  // Conversions are lenient, as SQLite's are: a text column read as Int is parsed; NULL reads
  // as 0 / "".
  std::int64_t Int(std::size_t row, int col) const;
  double Double(std::size_t row, int col) const;
  std::string Text(std::size_t row, int col) const;  // blobs as their bytes
  const std::vector<SqlValue>& Row(std::size_t row) const { return rows_[row]; }

  void Add(std::vector<SqlValue> row) { rows_.push_back(std::move(row)); }

 private:
  std::vector<std::vector<SqlValue>> rows_;
};

// Status codes of failures: kUnavailable-like losses of the server come back as kBusy with
// `connection_lost()` true afterwards (Reconnect, then retry the transaction); constraint
// violations as kAlreadyExists; a full disk as kNoSpace; anything else as kIoError.
class SqlConnection {
 public:
  virtual ~SqlConnection() = default;

  virtual SqlDialect dialect() const = 0;
  // "postgresql://host/db" without any password, or the SQLite file's path: for messages.
  virtual const std::string& description() const = 0;

  // Runs one statement with parameters $1…$n and returns its rows (none for a statement that
  // returns none).
  virtual Result<SqlRows> Query(std::string_view sql, const std::vector<SqlValue>& params) = 0;
  Result<SqlRows> Query(std::string_view sql) { return Query(sql, {}); }
  // Runs several statements separated by ';', without parameters (schema scripts).
  virtual Status ExecScript(std::string_view sql) = 0;

  // A write transaction. SQLite takes the write lock at Begin (BEGIN IMMEDIATE), so that reads
  // inside see the state the writes build on; PostgreSQL runs at READ COMMITTED and callers lock
  // the rows they change. Rollback never fails (a lost connection has rolled back already).
  virtual Status Begin() = 0;
  // A read-only transaction in which every query sees the same committed state of the
  // database, however other connections commit meanwhile (SQLite: a deferred transaction over
  // WAL; PostgreSQL: REPEATABLE READ). Ended by Commit or Rollback.
  virtual Status BeginRead() = 0;
  virtual Status Commit() = 0;
  virtual void Rollback() = 0;

  // Makes every later transaction of this connection read-only, across reconnections.
  virtual Status SetReadOnly() = 0;

  // True after a failure that lost the connection (the server restarted or went away).
  virtual bool connection_lost() const = 0;
  // Connects again with the same parameters.
  virtual Status Reconnect() = 0;
};

// Opens a catalogue connection from a URL: "postgresql://…" or "postgres://…" (libpq's URI
// form; the password, if any, better in ~/.pgpass or PGPASSWORD than in the URL), "sqlite:PATH"
// or a plain path (a SQLite file, created when missing).
Result<std::unique_ptr<SqlConnection>> OpenSql(const std::string& url);
// True for a "postgresql://…" or "postgres://…" URL.
bool IsPostgresUrl(const std::string& url);

// Column types that differ between the dialects.
struct SqlTypes {
  const char* id_pk;  // an auto-numbered BIGINT primary key
  const char* blob;   // raw bytes
};
SqlTypes SqlTypesFor(SqlDialect d);
// An expression for "now" in seconds since 1970 (double), evaluated by the database server so
// that machines with different clocks agree on leases.
const char* SqlNow(SqlDialect d);

// Begin/Commit with rollback on scope exit unless committed.
class SqlTransaction {
 public:
  explicit SqlTransaction(SqlConnection* c) : c_(c) {}
  ~SqlTransaction() {
    if (open_) c_->Rollback();
  }
  SqlTransaction(const SqlTransaction&) = delete;
  SqlTransaction& operator=(const SqlTransaction&) = delete;
  Status Begin() {
    Status s = c_->Begin();
    open_ = s.ok();
    return s;
  }
  // A COMMIT that fails leaves the transaction to be rolled back on scope exit (SQLite keeps it
  // open after, e.g., a deferred foreign key violation).
  Status Commit() {
    Status s = c_->Commit();
    if (s.ok()) open_ = false;
    return s;
  }

 private:
  SqlConnection* c_;
  bool open_ = false;
};

// BeginRead/Commit over a scope: the queries made while it lives read one state of the database.
// A snapshot that could not begin leaves the queries reading as they come (status() says why).
class SqlReadSnapshot {
 public:
  explicit SqlReadSnapshot(SqlConnection* c) : c_(c), status_(c->BeginRead()) {}
  ~SqlReadSnapshot() {
    if (status_.ok()) (void)c_->Commit();
  }
  SqlReadSnapshot(const SqlReadSnapshot&) = delete;
  SqlReadSnapshot& operator=(const SqlReadSnapshot&) = delete;
  const Status& status() const { return status_; }

 private:
  SqlConnection* c_;
  Status status_;
};

// A text parameter that is NULL when empty (optional columns).
inline SqlValue SqlTextOrNull(const std::string& s) { return s.empty() ? SqlValue() : SqlValue(s); }

}  // namespace sightline::evidence

#endif  // SIGHTLINE_EVIDENCE_SQL_H_
