// The PostgreSQL back-end of SqlConnection, over libpqxx (Debian's libpqxx-dev, 6.x).
//
// Parameters travel as text (blobs in bytea's hex form, "\x…"), so one dynamic parameter list
// carries every SqlValue; results come back as text and are converted by column type (OID).
#include <pqxx/pqxx>

#include <optional>

#include "base/sha256.h"
#include "evidence/sql.h"

namespace sightline::evidence {

namespace {

// Type OIDs of the built-in types (PostgreSQL's pg_type.dat; stable across versions).
constexpr pqxx::oid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26,
                    kFloat4 = 700, kFloat8 = 701, kNumeric = 1700;

std::string Unhex(std::string_view hex) {
  std::string out;
  out.reserve(hex.size() / 2);
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return 0;
  };
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
  }
  return out;
}

// The URL without a password, for messages.
std::string Redacted(const std::string& url) {
  std::size_t scheme = url.find("://");
  std::size_t at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos) return url;
  std::size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon) + ":***" + url.substr(at);
}

class PostgresConnection : public SqlConnection {
 public:
  explicit PostgresConnection(std::string url) : url_(std::move(url)), shown_(Redacted(url_)) {}

  SqlDialect dialect() const override { return SqlDialect::kPostgres; }
  const std::string& description() const override { return shown_; }

  Status Connect() {
    try {
      conn_ = std::make_unique<pqxx::connection>(url_);
      lost_ = false;
      // libpqxx restores variables set this way when it reconnects by itself.
      if (read_only_) conn_->set_variable("default_transaction_read_only", "on");
      return Status::Ok();
    } catch (const std::exception& e) {
      conn_.reset();
      lost_ = true;
      return Status(StatusCode::kBusy, shown_ + ": cannot connect: " + Trimmed(e.what()));
    }
  }

  Result<SqlRows> Query(std::string_view sql, const std::vector<SqlValue>& params) override {
    if (!conn_) return Status(StatusCode::kBusy, shown_ + ": not connected");
    std::vector<std::optional<std::string>> text;
    text.reserve(params.size());
    for (const SqlValue& v : params) text.push_back(AsParam(v));
    try {
      pqxx::result r;
      if (work_) {
        r = work_->exec_params(std::string(sql), pqxx::prepare::make_dynamic_params(text));
      } else {
        pqxx::nontransaction once(*conn_);
        r = once.exec_params(std::string(sql), pqxx::prepare::make_dynamic_params(text));
      }
      return Convert(r);
    } catch (const std::exception& e) {
      return Failure(e, sql);
    }
  }

  Status ExecScript(std::string_view sql) override {
    if (!conn_) return Status(StatusCode::kBusy, shown_ + ": not connected");
    try {
      if (work_) {
        work_->exec(std::string(sql));
      } else {
        pqxx::nontransaction once(*conn_);
        once.exec(std::string(sql));
      }
      return Status::Ok();
    } catch (const std::exception& e) {
      return Failure(e, sql);
    }
  }

  Status Begin() override {
    if (!conn_) return Status(StatusCode::kBusy, shown_ + ": not connected");
    if (work_) return Internal(shown_ + ": a transaction is open already");
    try {
      work_ = std::make_unique<pqxx::work>(*conn_);
      failed_ = false;
      return Status::Ok();
    } catch (const std::exception& e) {
      return Failure(e, "BEGIN");
    }
  }

  Status BeginRead() override {
    if (!conn_) return Status(StatusCode::kBusy, shown_ + ": not connected");
    if (work_) return Internal(shown_ + ": a transaction is open already");
    try {
      work_ = std::make_unique<pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>>(*conn_);
      failed_ = false;
      return Status::Ok();
    } catch (const std::exception& e) {
      return Failure(e, "BEGIN ISOLATION LEVEL REPEATABLE READ");
    }
  }

  Status Commit() override {
    if (!work_) return Internal(shown_ + ": COMMIT without a transaction");
    if (failed_) {
      // PostgreSQL has aborted the transaction at the failure; COMMIT would roll it back and
      // might still be reported as done.
      work_.reset();
      return IoError(shown_ + ": a statement of this transaction failed; nothing was committed");
    }
    try {
      work_->commit();
      work_.reset();
      return Status::Ok();
    } catch (const std::exception& e) {
      work_.reset();
      return Failure(e, "COMMIT");
    }
  }

  void Rollback() override {
    try {
      work_.reset();  // pqxx aborts a transaction destroyed before commit
    } catch (...) {
    }
  }

  Status SetReadOnly() override {
    read_only_ = true;
    if (!conn_) return Status(StatusCode::kBusy, shown_ + ": not connected");
    try {
      conn_->set_variable("default_transaction_read_only", "on");
      return Status::Ok();
    } catch (const std::exception& e) {
      return Failure(e, "SET default_transaction_read_only");
    }
  }

  bool connection_lost() const override { return lost_; }

  Status Reconnect() override {
    work_.reset();
    conn_.reset();
    return Connect();
  }

 private:
  static std::string Trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
  }

  static std::optional<std::string> AsParam(const SqlValue& v) {
    if (const auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
    if (const auto* d = std::get_if<double>(&v)) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", *d);
      return std::string(buf);
    }
    if (const auto* t = std::get_if<std::string>(&v)) return *t;
    if (const auto* b = std::get_if<SqlBlob>(&v)) {
      return "\\x" + ToHex(reinterpret_cast<const std::uint8_t*>(b->bytes.data()), b->bytes.size());
    }
    return std::nullopt;
  }

  static SqlRows Convert(const pqxx::result& r) {
    SqlRows rows;
    const int columns = static_cast<int>(r.columns());
    std::vector<pqxx::oid> types;
    for (int c = 0; c < columns; ++c) types.push_back(r.column_type(c));
    for (const auto& row : r) {
      std::vector<SqlValue> values;
      values.reserve(static_cast<std::size_t>(columns));
      for (int c = 0; c < columns; ++c) {
        const pqxx::field f = row[c];
        if (f.is_null()) {
          values.emplace_back(std::monostate{});
          continue;
        }
        std::string_view s(f.c_str(), f.size());
        switch (types[static_cast<std::size_t>(c)]) {
          case kInt2:
          case kInt4:
          case kInt8:
          case kOid:
            values.emplace_back(static_cast<std::int64_t>(std::strtoll(f.c_str(), nullptr, 10)));
            break;
          case kBool:
            values.emplace_back(static_cast<std::int64_t>(s == "t" ? 1 : 0));
            break;
          case kFloat4:
          case kFloat8:
          case kNumeric:
            values.emplace_back(std::strtod(f.c_str(), nullptr));
            break;
          case kBytea:
            values.emplace_back(
                SqlBlob{s.rfind("\\x", 0) == 0 ? Unhex(s.substr(2)) : std::string(s)});
            break;
          default:
            values.emplace_back(std::string(s));
        }
      }
      rows.Add(std::move(values));
    }
    return rows;
  }

  Status Failure(const std::exception& e, std::string_view sql) {
    failed_ = work_ != nullptr;
    std::string what = Trimmed(e.what());
    std::string head(sql.substr(0, 60));
    if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
      lost_ = true;
      work_.reset();
      return Status(StatusCode::kBusy,
                    shown_ + ": connection lost (" + what + "); the server may be restarting");
    }
    if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
      lost_ = true;
      work_.reset();
      return IoError(shown_ +
                     ": connection lost during COMMIT; the transaction may or may not "
                     "have been applied: " +
                     what);
    }
    if (const auto* se = dynamic_cast<const pqxx::sql_error*>(&e)) {
      const std::string state = se->sqlstate();
      // Class 08: connection exceptions; 57P01..03: the server is shutting down or starting.
      if (state.rfind("08", 0) == 0 || state.rfind("57P0", 0) == 0) lost_ = true;
      if (lost_) work_.reset();
      std::string msg = shown_ + ": " + what + " [" + head + "]";
      if (lost_) return Status(StatusCode::kBusy, msg);
      if (state.rfind("23", 0) == 0) return Status(StatusCode::kAlreadyExists, msg);
      if (state == "53100") return Status(StatusCode::kNoSpace, msg);
      if (state == "40001" || state == "40P01" || state == "55P03") {
        return Status(StatusCode::kBusy, msg);
      }
      return IoError(msg);
    }
    if (conn_ && !conn_->is_open()) {
      lost_ = true;
      work_.reset();
      return Status(StatusCode::kBusy, shown_ + ": connection lost (" + what + ")");
    }
    return IoError(shown_ + ": " + what + " [" + head + "]");
  }

  std::string url_;
  std::string shown_;
  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<pqxx::transaction_base> work_;
  bool lost_ = false;
  bool read_only_ = false;
  bool failed_ = false;  // a statement of the open transaction failed
};

}  // namespace

Result<std::unique_ptr<SqlConnection>> OpenPostgres(const std::string& url) {
  auto c = std::make_unique<PostgresConnection>(url);
  SL_RETURN_IF_ERROR(c->Connect());
  return std::unique_ptr<SqlConnection>(std::move(c));
}

}  // namespace sightline::evidence
