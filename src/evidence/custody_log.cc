#include "evidence/custody_log.h"

namespace sightline::evidence {

namespace {

constexpr char kColumns[] =
    "seq, time, actor, action, object_sha256, details, prev_hash, public_key, entry_hash, "
    "signature";

CustodyEntry Row(const SqliteStmt& s) {
  CustodyEntry e;
  e.seq = s.Int(0);
  e.time = s.Text(1);
  e.actor = s.Text(2);
  e.action = s.Text(3);
  e.object_sha256 = s.Text(4);
  e.details = s.Text(5);
  e.prev_hash = s.Text(6);
  e.public_key = s.Text(7);
  e.entry_hash = s.Text(8);
  e.signature = s.Text(9);
  return e;
}

}  // namespace

Result<std::vector<CustodyEntry>> CustodyLog::Query(const std::string& where,
                                                    const std::string& arg) {
  SL_ASSIGN_OR_RETURN(SqliteStmt s, db_->Prepare(std::string("SELECT ") + kColumns +
                                                 " FROM custody_log " + where + " ORDER BY seq"));
  if (!arg.empty()) s.Bind(1, arg);
  std::vector<CustodyEntry> out;
  for (;;) {
    SL_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(Row(s));
  }
  return out;
}

Result<std::optional<CustodyEntry>> CustodyLog::Head() {
  SL_ASSIGN_OR_RETURN(SqliteStmt s, db_->Prepare(std::string("SELECT ") + kColumns +
                                                 " FROM custody_log ORDER BY seq DESC LIMIT 1"));
  SL_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<CustodyEntry>();
  return std::optional<CustodyEntry>(Row(s));
}

Result<CustodyEntry> CustodyLog::Get(std::int64_t seq) {
  SL_ASSIGN_OR_RETURN(SqliteStmt s, db_->Prepare(std::string("SELECT ") + kColumns +
                                                 " FROM custody_log WHERE seq = ?1"));
  s.Bind(1, seq);
  SL_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFound("custody entry " + std::to_string(seq) + " does not exist");
  return Row(s);
}

Result<std::vector<CustodyEntry>> CustodyLog::All() { return Query("", ""); }

Result<std::vector<CustodyEntry>> CustodyLog::ForObject(const std::string& sha256) {
  return Query("WHERE object_sha256 = ?1 OR instr(details, ?1) > 0", sha256);
}

Status CustodyLog::Append(const CustodyEntry& e) {
  SL_ASSIGN_OR_RETURN(SqliteStmt s,
                      db_->Prepare(std::string("INSERT INTO custody_log (") + kColumns +
                                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
  s.Bind(1, e.seq).Bind(2, e.time).Bind(3, e.actor).Bind(4, e.action).Bind(5, e.object_sha256);
  s.Bind(6, e.details).Bind(7, e.prev_hash).Bind(8, e.public_key).Bind(9, e.entry_hash);
  s.Bind(10, e.signature);
  return s.Run();
}

Result<bool> CustodyLog::IsSigner(const std::string& public_key_hex) {
  SL_ASSIGN_OR_RETURN(SqliteStmt s, db_->Prepare("SELECT 1 FROM signers WHERE public_key = ?1"));
  s.Bind(1, public_key_hex);
  return s.Step();
}

Status CustodyLog::AddSigner(const std::string& public_key_hex, const std::string& actor,
                             std::int64_t seq) {
  SL_ASSIGN_OR_RETURN(SqliteStmt s, db_->Prepare("INSERT INTO signers (public_key, actor, "
                                                 "first_seq) VALUES (?1, ?2, ?3)"));
  s.Bind(1, public_key_hex).Bind(2, actor).Bind(3, seq);
  return s.Run();
}

Result<std::vector<std::pair<std::string, std::int64_t>>> CustodyLog::Signers() {
  SL_ASSIGN_OR_RETURN(SqliteStmt s,
                      db_->Prepare("SELECT public_key, first_seq FROM signers ORDER BY first_seq"));
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (;;) {
    SL_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.emplace_back(s.Text(0), s.Int(1));
  }
  return out;
}

}  // namespace sightline::evidence
