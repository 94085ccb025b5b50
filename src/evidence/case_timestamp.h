// Trusted time for a case: an RFC 3161 token over the current head of its custody log, stored in
// the case and recorded in the log, and the offline check of every stored token.
#ifndef SIGHTLINE_EVIDENCE_CASE_TIMESTAMP_H_
#define SIGHTLINE_EVIDENCE_CASE_TIMESTAMP_H_

#include <string>
#include <vector>

#include "evidence/case.h"
#include "evidence/timestamp.h"

namespace sightline::evidence {

struct CaseTimestampResult {
  StoredTimestamp stored;
  TimestampToken token;
};

// Asks the TSA at `tsa_url` to timestamp the current log head, then stores the token (with its
// certificate chain) and appends a "timestamp" entry. The network is used only here.
Result<CaseTimestampResult> TimestampCase(Case& c, const Identity& who, const std::string& tsa_url,
                                          int timeout_seconds,
                                          const std::string& extra_chain_pem = "");

struct TimestampStatus {
  StoredTimestamp stored;
  TimestampCheck check;  // check.ok false: check.problem says why
};

// Checks every stored token offline: that the hash it covers is the entry hash at its log_seq in
// `entries`; that the "timestamp" entry at its custody_seq recorded it (same log_seq, log_head,
// tsa_url and gen_time, and the token's signer and serial); and the token itself
// (VerifyTimestamp, trusting `trusted_ca_pem` when not empty). A "timestamp" entry whose token is
// no longer stored yields a status with check.ok false, stored.id 0 and the other stored fields
// taken from the entry.
std::vector<TimestampStatus> CheckCaseTimestamps(const std::vector<StoredTimestamp>& stored,
                                                 const std::vector<CustodyEntry>& entries,
                                                 const std::string& trusted_ca_pem = "");

}  // namespace sightline::evidence

#endif  // SIGHTLINE_EVIDENCE_CASE_TIMESTAMP_H_
