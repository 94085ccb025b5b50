#include "evidence/custody_log.h"

namespace sightline::evidence {

namespace {

constexpr char kColumns[] =
    "seq, time, actor, action, object_sha256, details, prev_hash, public_key, entry_hash, "
    "signature";

CustodyEntry Row(const SqlRows& r, std::size_t i) {
  CustodyEntry e;
  e.seq = r.Int(i, 0);
  e.time = r.Text(i, 1);
  e.actor = r.Text(i, 2);
  e.action = r.Text(i, 3);
  e.object_sha256 = r.Text(i, 4);
  e.details = r.Text(i, 5);
  e.prev_hash = r.Text(i, 6);
  e.public_key = r.Text(i, 7);
  e.entry_hash = r.Text(i, 8);
  e.signature = r.Text(i, 9);
  return e;
}

}  // namespace

Result<std::vector<CustodyEntry>> CustodyLog::Query(const std::string& where,
                                                    const std::string& arg) {
  std::vector<SqlValue> params;
  if (!arg.empty()) params.push_back(arg);
  SL_ASSIGN_OR_RETURN(SqlRows r, db_->Query(std::string("SELECT ") + kColumns +
                                                " FROM custody_log " + where + " ORDER BY seq",
                                            params));
  std::vector<CustodyEntry> out;
  for (std::size_t i = 0; i < r.size(); ++i) out.push_back(Row(r, i));
  return out;
}

Result<std::optional<CustodyEntry>> CustodyLog::Head() {
  SL_ASSIGN_OR_RETURN(SqlRows r, db_->Query(std::string("SELECT ") + kColumns +
                                            " FROM custody_log ORDER BY seq DESC LIMIT 1"));
  if (r.empty()) return std::optional<CustodyEntry>();
  return std::optional<CustodyEntry>(Row(r, 0));
}

Result<CustodyEntry> CustodyLog::Get(std::int64_t seq) {
  SL_ASSIGN_OR_RETURN(
      SqlRows r,
      db_->Query(std::string("SELECT ") + kColumns + " FROM custody_log WHERE seq = $1", {seq}));
  if (r.empty()) return NotFound("custody entry " + std::to_string(seq) + " does not exist");
  return Row(r, 0);
}

Result<std::vector<CustodyEntry>> CustodyLog::All() { return Query("", ""); }

Result<std::vector<CustodyEntry>> CustodyLog::ForObject(const std::string& sha256) {
  // A SHA-256 in hex holds no LIKE wildcards.
  return Query("WHERE object_sha256 = $1 OR details LIKE '%' || $1 || '%'", sha256);
}

Status CustodyLog::Append(const CustodyEntry& e) {
  return db_
      ->Query(std::string("INSERT INTO custody_log (") + kColumns +
                  ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
              {e.seq, e.time, e.actor, e.action, e.object_sha256, e.details, e.prev_hash,
               e.public_key, e.entry_hash, e.signature})
      .status();
}

Result<bool> CustodyLog::IsSigner(const std::string& public_key_hex) {
  SL_ASSIGN_OR_RETURN(SqlRows r,
                      db_->Query("SELECT 1 FROM signers WHERE public_key = $1", {public_key_hex}));
  return !r.empty();
}

Status CustodyLog::AddSigner(const std::string& public_key_hex, const std::string& actor,
                             std::int64_t seq) {
  return db_
      ->Query("INSERT INTO signers (public_key, actor, first_seq) VALUES ($1, $2, $3)",
              {public_key_hex, actor, seq})
      .status();
}

Result<std::vector<std::pair<std::string, std::int64_t>>> CustodyLog::Signers() {
  SL_ASSIGN_OR_RETURN(SqlRows r,
                      db_->Query("SELECT public_key, first_seq FROM signers ORDER BY first_seq"));
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (std::size_t i = 0; i < r.size(); ++i) out.emplace_back(r.Text(i, 0), r.Int(i, 1));
  return out;
}

}  // namespace sightline::evidence
