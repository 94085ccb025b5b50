// End-to-end: `sightline timestamp` and `sightline verify` with stored RFC 3161 tokens, through the
// real binary, against the local test TSA (tests/local_tsa.h). No internet needed.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <cctype>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/time.h"
#include "local_tsa.h"
#include "test_util.h"

namespace sightline {
namespace {

using testing::ClosedPort;
using testing::CommandResult;
using testing::LoopbackServer;
using testing::ScratchDir;
using testing::TestPki;
using testing::TsaHandler;

constexpr char kTsaName[] = "O=Sightline Tests,CN=Sightline Test TSA";

// Runs one statement on a case's catalogue with the SQLite C API; `blob`, when given, is bound to
// ?1 as a BLOB. Returns the number of rows changed, or -1 (with a test failure) on error.
int ExecSql(const std::string& db_path, const std::string& sql,
            const std::optional<std::string>& blob = std::nullopt) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << db_path << ": " << sqlite3_errmsg(db);
    sqlite3_close(db);
    return -1;
  }
  sqlite3_stmt* stmt = nullptr;
  int changed = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
      (!blob || sqlite3_bind_blob(stmt, 1, blob->data(), static_cast<int>(blob->size()),
                                  SQLITE_TRANSIENT) == SQLITE_OK) &&
      sqlite3_step(stmt) == SQLITE_DONE) {
    changed = sqlite3_changes(db);
  } else {
    ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return changed;
}

// The stored token (response_der) of timestamp `id`.
std::string ReadToken(const std::string& db_path, int id) {
  sqlite3* db = nullptr;
  std::string out;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT response_der FROM timestamps WHERE id = ?1", -1, &stmt,
                           nullptr) == SQLITE_OK &&
        sqlite3_bind_int(stmt, 1, id) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
      const void* p = sqlite3_column_blob(stmt, 0);
      out.assign(static_cast<const char*>(p),
                 static_cast<std::size_t>(sqlite3_column_bytes(stmt, 0)));
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  EXPECT_FALSE(out.empty()) << "no token " << id << " in " << db_path;
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The problems of a `verify --json` report with code `code` and a message containing `text`.
int CountProblems(const nlohmann::json& report, const std::string& code, const std::string& text) {
  int n = 0;
  for (const auto& p : report.value("problems", nlohmann::json::array())) {
    if (p.value("code", "") == code && p.value("message", "").find(text) != std::string::npos) ++n;
  }
  return n;
}

bool HasNote(const nlohmann::json& report, const std::vector<std::string>& parts) {
  for (const auto& note : report.value("notes", nlohmann::json::array())) {
    std::string s = note.get<std::string>();
    bool all = true;
    for (const auto& part : parts) all = all && s.find(part) != std::string::npos;
    if (all) return true;
  }
  return false;
}

class TimestampCli : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = {"SIGHTLINE_KEY_DIR=" + (dir_ / "keys"), "SIGHTLINE_ACTOR=tester"};
    std::string video = dir_ / "clip.mp4";
    testing::MakeTestVideo(video, 0.5);
    CommandResult r = Sightline({"ingest", "--case", case_, video});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }

  CommandResult Sightline(const std::vector<std::string>& args) {
    return testing::RunSightline(args, env_);
  }

  nlohmann::json Json(const CommandResult& r) {
    nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_TRUE(j.is_object()) << r.out << r.err;
    return j.is_object() ? j : nlohmann::json::object();
  }

  // `sightline verify --case CASE --json EXTRA...`: its exit code and report.
  std::pair<int, nlohmann::json> Verify(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{"verify", "--case", case_, "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    CommandResult r = Sightline(args);
    return {r.exit_code, Json(r)};
  }

  CommandResult Timestamp(const std::string& url, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{"timestamp", "--case", case_, "--tsa", url, "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Sightline(args);
  }

  std::string db() const { return case_ + "/case.db"; }

  ScratchDir dir_;
  TestPki pki_;
  std::string case_ = dir_ / "case";
  std::vector<std::string> env_;
};

TEST_F(TimestampCli, StampsTheLogHeadAndVerifyChecksTheToken) {
  LoopbackServer tsa(TsaHandler(pki_, "tsa_full"));
  auto [before_code, before] = Verify();
  ASSERT_EQ(before_code, 0) << before.dump();
  EXPECT_EQ(before["timestamps"], 0);
  const std::int64_t entries = before["entries"].get<std::int64_t>();
  const std::string head = before["log_head"].get<std::string>();
  ASSERT_GE(entries, 2);  // case created, file ingested

  const std::string url = tsa.Url("/");
  CommandResult r = Timestamp(url);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(tsa.requests(), 1);
  nlohmann::json j = Json(r);
  for (const char* key : {"log_seq", "log_head", "gen_time", "custody_seq"}) {
    EXPECT_TRUE(j.contains(key)) << key << " missing from " << r.out;
  }
  EXPECT_EQ(j["log_seq"], entries);  // the head when the command ran
  EXPECT_EQ(j["log_head"], head);
  EXPECT_EQ(j["custody_seq"], entries + 1);  // recorded right after it, by the same signer
  EXPECT_EQ(j["tsa_url"], url);
  EXPECT_EQ(j["tsa_name"], kTsaName);
  EXPECT_EQ(j["policy"], testing::kTestTsaPolicy);
  const std::string gen_time = j.value("gen_time", "");
  std::optional<double> gen = ParseRfc3339(gen_time);
  ASSERT_TRUE(gen.has_value()) << gen_time;
  EXPECT_NEAR(*gen, static_cast<double>(std::time(nullptr)), 120.0) << gen_time;

  // verify checks the token offline and names its time, its TSA and the root it chains to.
  CommandResult fp =
      pki_.OpenSsl({"x509", "-in", pki_.path("root.crt"), "-noout", "-fingerprint", "-sha256"});
  ASSERT_EQ(fp.exit_code, 0) << fp.err;
  std::string root_sha256 = fp.out.substr(fp.out.find('=') + 1);
  std::erase(root_sha256, ':');
  std::erase(root_sha256, '\n');
  root_sha256 = Lower(root_sha256);
  auto [code, report] = Verify();
  EXPECT_EQ(code, 0) << report.dump(2);
  EXPECT_EQ(report["ok"], true);
  EXPECT_EQ(report["timestamps"], 1);
  EXPECT_EQ(report["entries"], entries + 1);
  EXPECT_TRUE(HasNote(
      report, {"existed no later than " + gen_time, kTsaName, "Sightline Test Root", root_sha256}))
      << report["notes"].dump(2);

  // Trusting the test root: still fine. Trusting only an unrelated root: the token is refused.
  auto [right_code, right] = Verify({"--tsa-ca", pki_.path("root.crt")});
  EXPECT_EQ(right_code, 0) << right.dump(2);
  auto [other_code, other] = Verify({"--tsa-ca", pki_.path("other_root.crt")});
  EXPECT_EQ(other_code, 1) << other.dump(2);
  EXPECT_EQ(other["ok"], false);
  EXPECT_EQ(CountProblems(other, "timestamp_invalid", "trusting only the given CA"), 1)
      << other.dump(2);

  // The log records the timestamp.
  CommandResult logged = testing::RunProgram(
      {"sqlite3", db(),
       "SELECT action, details FROM custody_log WHERE seq = " + std::to_string(entries + 1)});
  ASSERT_EQ(logged.exit_code, 0) << logged.err;
  EXPECT_EQ(logged.out.rfind("timestamp|", 0), 0u) << logged.out;
  EXPECT_NE(logged.out.find(gen_time), std::string::npos) << logged.out;
  EXPECT_NE(logged.out.find(head), std::string::npos) << logged.out;

  // The recipe doc/timestamps.md gives a third party: take the token out with the sqlite3 command
  // and check it with openssl against the TSA's root.
  std::string tsr = dir_ / "token.tsr", chain = dir_ / "chain.pem";
  CommandResult out =
      testing::RunProgram({"sqlite3", db(),
                           "SELECT writefile('" + tsr + "', response_der), writefile('" + chain +
                               "', chain_pem), log_head FROM timestamps WHERE id = 1"});
  ASSERT_EQ(out.exit_code, 0) << out.err;
  EXPECT_NE(out.out.find(head), std::string::npos) << out.out;
  CommandResult ok = pki_.OpenSsl({"ts", "-verify", "-digest", head, "-in", tsr, "-CAfile",
                                   pki_.path("root.crt"), "-untrusted", chain});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("Verification: OK"), std::string::npos) << ok.out;
}

TEST_F(TimestampCli, TamperingWithTheStoredTokenIsReported) {
  LoopbackServer tsa(TsaHandler(pki_, "tsa_full"));
  CommandResult r = Timestamp(tsa.Url("/"));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string gen_time = Json(r).value("gen_time", "");
  ASSERT_EQ(Verify().first, 0);

  // One byte of the token changed: its last byte belongs to the signature.
  const std::string token = ReadToken(db(), 1);
  ASSERT_GT(token.size(), 100u);
  std::string tampered = token;
  tampered.back() = static_cast<char>(tampered.back() ^ 0x01);
  ASSERT_EQ(ExecSql(db(), "UPDATE timestamps SET response_der = ?1 WHERE id = 1", tampered), 1);
  auto [code, report] = Verify();
  EXPECT_EQ(code, 1) << report.dump(2);
  EXPECT_EQ(CountProblems(report, "timestamp_invalid", "does not verify"), 1) << report.dump(2);

  // Put back, the case verifies again: the byte was the cause.
  ASSERT_EQ(ExecSql(db(), "UPDATE timestamps SET response_der = ?1 WHERE id = 1", token), 1);
  ASSERT_EQ(Verify().first, 0);

  // The readable copy of genTime must agree with the token and with the log.
  ASSERT_EQ(ExecSql(db(), "UPDATE timestamps SET gen_time = '2001-01-01T00:00:00Z' WHERE id = 1"),
            1);
  auto [edited_code, edited] = Verify();
  EXPECT_EQ(edited_code, 1) << edited.dump(2);
  EXPECT_EQ(CountProblems(edited, "timestamp_invalid", "gen_time"), 1) << edited.dump(2);
  ASSERT_EQ(ExecSql(db(), "UPDATE timestamps SET gen_time = '" + gen_time + "' WHERE id = 1"), 1);
  ASSERT_EQ(Verify().first, 0);

  // A token the log says was stored must not disappear unnoticed.
  ASSERT_EQ(ExecSql(db(), "DELETE FROM timestamps WHERE id = 1"), 1);
  auto [deleted_code, deleted] = Verify();
  EXPECT_EQ(deleted_code, 1) << deleted.dump(2);
  EXPECT_EQ(CountProblems(deleted, "timestamp_invalid", "missing from the catalogue"), 1)
      << deleted.dump(2);
}

TEST_F(TimestampCli, UnreachableTsaLeavesTheCaseUnchanged) {
  auto [before_code, before] = Verify();
  ASSERT_EQ(before_code, 0);
  ClosedPort closed;
  ASSERT_GT(closed.port(), 0);
  const std::string url = "http://127.0.0.1:" + std::to_string(closed.port()) + "/";

  CommandResult r = Timestamp(url, {"--timeout", "5"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("cannot connect to " + url + ": connection refused"), std::string::npos)
      << r.err;
  EXPECT_EQ(r.out, "");  // no JSON for a timestamp that was not made

  auto [after_code, after] = Verify();
  EXPECT_EQ(after_code, 0) << after.dump(2);
  EXPECT_EQ(after["entries"], before["entries"]);
  EXPECT_EQ(after["log_head"], before["log_head"]);
  EXPECT_EQ(after["timestamps"], 0);
}

TEST_F(TimestampCli, TsaAnswersThatFailAreNotStored) {
  // A TSA that refuses SHA-256 imprints.
  {
    LoopbackServer refusing(TsaHandler(pki_, "tsa_sha1_only"));
    CommandResult r = Timestamp(refusing.Url("/"));
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("TSA at " + refusing.Url("/") + " refused: status rejection"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(refusing.requests(), 1);
  }
  // A TSA that sends only its own certificate: refused without its root, fine with --tsa-chain.
  LoopbackServer leaf_only(TsaHandler(pki_, "tsa_leaf_only"));
  CommandResult no_chain = Timestamp(leaf_only.Url("/"));
  EXPECT_EQ(no_chain.exit_code, 1) << no_chain.out << no_chain.err;
  EXPECT_NE(no_chain.err.find("without the TSA's root certificate"), std::string::npos)
      << no_chain.err;
  auto [code, report] = Verify();
  EXPECT_EQ(code, 0) << report.dump(2);
  EXPECT_EQ(report["timestamps"], 0);

  CommandResult with_chain = Timestamp(leaf_only.Url("/"), {"--tsa-chain", pki_.path("root.crt")});
  EXPECT_EQ(with_chain.exit_code, 0) << with_chain.out << with_chain.err;
  auto [after_code, after] = Verify({"--tsa-ca", pki_.path("root.crt")});
  EXPECT_EQ(after_code, 0) << after.dump(2);
  EXPECT_EQ(after["timestamps"], 1);
}

TEST_F(TimestampCli, UsageErrors) {
  auto [before_code, before] = Verify();
  ASSERT_EQ(before_code, 0);
  const std::string url = "http://127.0.0.1:9/";
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const Case cases[] = {
      {{"timestamp", "--case", case_}, "--tsa URL is required"},
      {{"timestamp", "--case", case_, "--json"}, "--tsa URL is required"},
      {{"timestamp", "--tsa", url}, "--case DIR is required"},
      {{"timestamp", "--case", case_, "--tsa", url, "--timeout", "0"}, "--timeout"},
      {{"timestamp", "--case", case_, "--tsa", url, "--timeout", "ten"}, "--timeout"},
      {{"timestamp", "--case", case_, "--tsa", "ftp://127.0.0.1/tsa"}, "http:// or https://"},
      {{"timestamp", "--case", case_, "--tsa", "http://user:secret@127.0.0.1/tsa"},
       "user name or password"},
      {{"timestamp", "--case", case_, "--tsa", url, "extra"}, "unexpected argument 'extra'"},
  };
  for (const Case& c : cases) {
    CommandResult r = Sightline(c.args);
    EXPECT_EQ(r.exit_code, 2) << ::testing::PrintToString(c.args) << "\n" << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << ::testing::PrintToString(c.args) << "\n"
                                                        << r.err;
  }
  auto [after_code, after] = Verify();
  EXPECT_EQ(after_code, 0);
  EXPECT_EQ(after["entries"], before["entries"]);
}

TEST_F(TimestampCli, MissingCaseCreatesNoSigningKey) {
  ScratchDir other;
  CommandResult r =
      testing::RunSightline({"timestamp", "--case", other / "no-such-case", "--tsa", "http://x/"},
                            {"SIGHTLINE_KEY_DIR=" + (other / "keys"), "SIGHTLINE_ACTOR=tester"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("no-such-case"), std::string::npos) << r.err;
  struct stat st;
  EXPECT_NE(stat((other / "keys").c_str(), &st), 0) << "a signing key directory was created";
}

}  // namespace
}  // namespace sightline
