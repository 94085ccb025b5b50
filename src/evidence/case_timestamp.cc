#include "evidence/case_timestamp.h"

#include <map>
#include <nlohmann/json.hpp>

namespace sightline::evidence {

namespace {

Result<Digest256> DigestFromHex(const std::string& hex) {
  SL_ASSIGN_OR_RETURN(std::string bytes, FromHex(hex));
  if (bytes.size() != 32) return Corrupt("not a SHA-256 hash: " + hex);
  Digest256 d;
  std::copy(bytes.begin(), bytes.end(), d.begin());
  return d;
}

}  // namespace

Result<CaseTimestampResult> TimestampCase(Case& c, const Identity& who, const std::string& tsa_url,
                                          int timeout_seconds, const std::string& extra_chain_pem) {
  SL_ASSIGN_OR_RETURN(std::optional<CustodyEntry> head, c.log().Head());
  if (!head) return NotFound("the case has no custody log to timestamp");
  // The token covers the 32 bytes of the head's entry_hash itself (not a hash of its hex).
  SL_ASSIGN_OR_RETURN(Digest256 digest, DigestFromHex(head->entry_hash));
  SL_ASSIGN_OR_RETURN(TimestampToken token,
                      RequestTimestamp(tsa_url, digest, timeout_seconds, extra_chain_pem));
  CaseTimestampResult result;
  result.token = token;
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
        return CustodyRecord{"timestamp", "", details.dump()};
      }));
  (void)entry;
  return result;
}

std::vector<TimestampStatus> CheckCaseTimestamps(const std::vector<StoredTimestamp>& stored,
                                                 const std::vector<CustodyEntry>& entries,
                                                 const std::string& trusted_ca_pem) {
  std::map<std::int64_t, const CustodyEntry*> by_seq;
  for (const CustodyEntry& e : entries) by_seq[e.seq] = &e;
  std::vector<TimestampStatus> out;
  for (const StoredTimestamp& t : stored) {
    TimestampStatus s{t, {}};
    auto it = by_seq.find(t.log_seq);
    Result<Digest256> digest = DigestFromHex(t.log_head);
    if (it == by_seq.end()) {
      s.check.problem =
          "the log entry it timestamps (" + std::to_string(t.log_seq) + ") is missing";
    } else if (it->second->entry_hash != t.log_head) {
      s.check.problem = "the log entry it timestamps (" + std::to_string(t.log_seq) +
                        ") no longer has the hash that was stamped: the log was rewritten";
    } else if (!digest.ok()) {
      s.check.problem = digest.status().message();
    } else {
      TimestampToken token;
      token.response_der = t.response_der;
      token.chain_pem = t.chain_pem;
      token.gen_time = t.gen_time;
      s.check = VerifyTimestamp(token, *digest, trusted_ca_pem);
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace sightline::evidence
