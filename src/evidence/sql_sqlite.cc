// The SQLite back-end of SqlConnection, over SqliteDb (WAL, busy timeout, synchronous=FULL).
#include <sqlite3.h>

#include "evidence/sql.h"
#include "evidence/sqlite.h"

namespace sightline::evidence {

namespace {

class SqliteConnection : public SqlConnection {
 public:
  explicit SqliteConnection(std::unique_ptr<SqliteDb> db) : db_(std::move(db)) {}

  SqlDialect dialect() const override { return SqlDialect::kSqlite; }
  const std::string& description() const override { return db_->path(); }

  Result<SqlRows> Query(std::string_view sql, const std::vector<SqlValue>& params) override {
    SL_ASSIGN_OR_RETURN(SqliteStmt stmt, db_->Prepare(sql));
    for (std::size_t i = 0; i < params.size(); ++i) {
      std::string name = "$" + std::to_string(i + 1);
      int index = stmt.ParamIndex(name.c_str());
      if (index == 0) continue;  // a parameter the statement does not use
      const SqlValue& v = params[i];
      if (const auto* n = std::get_if<std::int64_t>(&v)) {
        stmt.Bind(index, *n);
      } else if (const auto* d = std::get_if<double>(&v)) {
        stmt.BindDouble(index, *d);
      } else if (const auto* t = std::get_if<std::string>(&v)) {
        stmt.Bind(index, std::string_view(*t));
      } else if (const auto* b = std::get_if<SqlBlob>(&v)) {
        stmt.BindBlob(index, b->bytes);
      } else {
        stmt.BindNull(index);
      }
    }
    SqlRows rows;
    for (;;) {
      SL_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      std::vector<SqlValue> values;
      int n = stmt.ColumnCount();
      values.reserve(static_cast<std::size_t>(n));
      for (int c = 0; c < n; ++c) {
        switch (stmt.ColumnType(c)) {
          case SQLITE_INTEGER:
            values.emplace_back(stmt.Int(c));
            break;
          case SQLITE_FLOAT:
            values.emplace_back(stmt.Double(c));
            break;
          case SQLITE_TEXT:
            values.emplace_back(stmt.Text(c));
            break;
          case SQLITE_BLOB:
            values.emplace_back(SqlBlob{stmt.Text(c)});
            break;
          default:
            values.emplace_back(std::monostate{});
        }
      }
      rows.Add(std::move(values));
    }
    return rows;
  }

  Status ExecScript(std::string_view sql) override { return db_->Exec(sql); }
  Status Begin() override { return db_->Exec("BEGIN IMMEDIATE"); }
  Status BeginRead() override { return db_->Exec("BEGIN"); }
  Status Commit() override { return db_->Exec("COMMIT"); }
  void Rollback() override { (void)db_->Exec("ROLLBACK"); }
  Status SetReadOnly() override { return db_->Exec("PRAGMA query_only = ON"); }
  bool connection_lost() const override { return false; }
  Status Reconnect() override { return Status::Ok(); }

 private:
  std::unique_ptr<SqliteDb> db_;
};

}  // namespace

std::unique_ptr<SqlConnection> SqliteConnectionOver(std::unique_ptr<SqliteDb> db) {
  return std::unique_ptr<SqlConnection>(new SqliteConnection(std::move(db)));
}

Result<std::unique_ptr<SqlConnection>> OpenSqlite(const std::string& path) {
  SL_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, SqliteDb::Open(path, SqliteDb::Mode::kCreate));
  return SqliteConnectionOver(std::move(db));
}

}  // namespace sightline::evidence
