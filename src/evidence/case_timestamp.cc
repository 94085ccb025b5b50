#include "evidence/case_timestamp.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

namespace sightline::evidence {

namespace {

constexpr char kTimestampAction[] = "timestamp";

Result<Digest256> DigestFromHex(const std::string& hex) {
  SL_ASSIGN_OR_RETURN(std::string bytes, FromHex(hex));
  if (bytes.size() != 32) return Corrupt("not a SHA-256 hash: " + hex);
  Digest256 d;
  std::copy(bytes.begin(), bytes.end(), d.begin());
  return d;
}

// What a "timestamp" custody entry recorded about the token it stored (see TimestampCase).
struct Recorded {
  std::int64_t log_seq = 0;
  std::string log_head;
  std::string tsa_url;
  std::string gen_time;
  std::string tsa_name;
  std::string serial;
};

std::optional<Recorded> ReadRecorded(const CustodyEntry& e) {
  nlohmann::json d = nlohmann::json::parse(e.details, nullptr, false);
  if (!d.is_object()) return std::nullopt;
  auto text = [&](const char* key) {
    auto it = d.find(key);
    return it != d.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto seq = d.find("log_seq");
  if (seq == d.end() || !seq->is_number_integer()) return std::nullopt;
  Recorded r;
  r.log_seq = seq->get<std::int64_t>();
  r.log_head = text("log_head");
  r.tsa_url = text("tsa_url");
  r.gen_time = text("gen_time");
  r.tsa_name = text("tsa_name");
  r.serial = text("serial");
  return r;
}

// Checks the stored timestamp against the log: the entry it stamps still has the stamped hash, and
// the entry that recorded it says the same. Fills `token` for VerifyTimestamp, including what the
// signed record says of the token (signer and serial), which VerifyTimestamp then checks against
// the token itself. Returns the problem, or "" when there is none.
std::string CheckAgainstLog(const StoredTimestamp& t,
                            const std::map<std::int64_t, const CustodyEntry*>& by_seq,
                            TimestampToken* token) {
  std::string stamped = "the log entry it timestamps (" + std::to_string(t.log_seq) + ")";
  auto it = by_seq.find(t.log_seq);
  if (it == by_seq.end()) return stamped + " is missing";
  if (it->second->entry_hash != t.log_head) {
    return stamped + " no longer has the hash that was stamped: the log was rewritten";
  }
  std::string recording = "custody entry " + std::to_string(t.custody_seq);
  it = by_seq.find(t.custody_seq);
  if (it == by_seq.end()) return recording + ", which recorded it, is missing";
  if (it->second->action != kTimestampAction) {
    return recording + ", said to record it, is a \"" + it->second->action +
           "\" entry, not a \"timestamp\" one";
  }
  std::optional<Recorded> rec = ReadRecorded(*it->second);
  if (!rec) return recording + ", which recorded it, has unreadable details";
  struct Field {
    const char* name;
    std::string recorded, stored;
  };
  const Field fields[] = {{"log_seq", std::to_string(rec->log_seq), std::to_string(t.log_seq)},
                          {"log_head", rec->log_head, t.log_head},
                          {"tsa_url", rec->tsa_url, t.tsa_url},
                          {"gen_time", rec->gen_time, t.gen_time}};
  for (const Field& f : fields) {
    if (f.recorded != f.stored) {
      return std::string("the stored ") + f.name + " \"" + f.stored + "\" differs from \"" +
             f.recorded + "\" recorded by " + recording;
    }
  }
  token->response_der = t.response_der;
  token->chain_pem = t.chain_pem;
  token->gen_time = t.gen_time;
  token->tsa_name = rec->tsa_name;
  token->serial_hex = rec->serial;
  return "";
}

}  // namespace

Result<CaseTimestampResult> TimestampCase(Case& c, const Identity& who, const std::string& tsa_url,
                                          int timeout_seconds, const std::string& extra_chain_pem) {
  SL_ASSIGN_OR_RETURN(std::optional<CustodyEntry> head, c.log().Head());
  if (!head) return NotFound("the case has no custody log to timestamp");
  // The token covers the 32 bytes of the head's entry_hash itself (not a hash of its hex).
  SL_ASSIGN_OR_RETURN(Digest256 digest, DigestFromHex(head->entry_hash));
  // No write transaction is open during the network exchange: the case stays usable meanwhile,
  // and entries appended meanwhile are simply not covered by this token.
  SL_ASSIGN_OR_RETURN(TimestampToken token,
                      RequestTimestamp(tsa_url, digest, timeout_seconds, extra_chain_pem));
  CaseTimestampResult result;
  StoredTimestamp& t = result.stored;
  t.log_seq = head->seq;
  t.log_head = head->entry_hash;
  t.tsa_url = tsa_url;
  t.response_der = token.response_der;
  t.chain_pem = token.chain_pem;
  t.gen_time = token.gen_time;
  SL_ASSIGN_OR_RETURN(
      CustodyEntry entry, c.Write(who, [&](Case::WriteContext& ctx) -> Result<CustodyRecord> {
        t.custody_seq = ctx.seq;
        SL_RETURN_IF_ERROR(ctx.catalog.InsertTimestamp(t));
        nlohmann::json details = {{"log_seq", t.log_seq},       {"log_head", t.log_head},
                                  {"tsa_url", tsa_url},         {"gen_time", token.gen_time},
                                  {"tsa_name", token.tsa_name}, {"serial", token.serial_hex}};
        return CustodyRecord{kTimestampAction, "", details.dump()};
      }));
  (void)entry;
  result.token = std::move(token);
  return result;
}

std::vector<TimestampStatus> CheckCaseTimestamps(const std::vector<StoredTimestamp>& stored,
                                                 const std::vector<CustodyEntry>& entries,
                                                 const std::string& trusted_ca_pem) {
  std::map<std::int64_t, const CustodyEntry*> by_seq;
  for (const CustodyEntry& e : entries) by_seq[e.seq] = &e;
  std::vector<TimestampStatus> out;
  std::set<std::int64_t> recorded_by;
  for (const StoredTimestamp& t : stored) {
    recorded_by.insert(t.custody_seq);
    TimestampStatus s{t, {}};
    TimestampToken token;
    Result<Digest256> digest = DigestFromHex(t.log_head);
    s.check.problem = CheckAgainstLog(t, by_seq, &token);
    if (s.check.problem.empty() && !digest.ok()) s.check.problem = digest.status().message();
    if (s.check.problem.empty()) s.check = VerifyTimestamp(token, *digest, trusted_ca_pem);
    out.push_back(std::move(s));
  }
  // A token the log says was stored must still be there.
  for (const CustodyEntry& e : entries) {
    if (e.action != kTimestampAction || recorded_by.count(e.seq)) continue;
    TimestampStatus s;
    s.stored.custody_seq = e.seq;
    if (std::optional<Recorded> rec = ReadRecorded(e)) {
      s.stored.log_seq = rec->log_seq;
      s.stored.log_head = rec->log_head;
      s.stored.tsa_url = rec->tsa_url;
      s.stored.gen_time = rec->gen_time;
    }
    s.check.problem = "recorded by custody entry " + std::to_string(e.seq) +
                      " but missing from the catalogue (table timestamps)";
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace sightline::evidence
