// Verification of a case: every object re-hashed, the custody chain and every signature checked,
// the catalogue compared with the objects and with the log. Read-only: safe while another process
// ingests (it reads one consistent snapshot of the catalogue).
#ifndef SIGHTLINE_EVIDENCE_VERIFY_H_
#define SIGHTLINE_EVIDENCE_VERIFY_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "evidence/case.h"

namespace sightline::evidence {

struct VerifyProblem {
  // Stable codes: object_modified, object_missing, stray_file, entry_modified, bad_signature,
  // malformed_entry, entry_missing, out_of_order, chain_broken, unknown_signer,
  // catalogue_mismatch, timestamp_invalid.
  std::string code;
  std::string message;        // for a person: names the object (hash) or entry (seq)
  std::string object_sha256;  // when it concerns an object
  std::int64_t seq = 0;       // when it concerns a custody entry
  std::string path;           // when it concerns a file in the case directory
};

struct VerifyReport {
  std::vector<VerifyProblem> problems;
  std::vector<std::string> notes;  // not failures: e.g. an ingest pending completion
  std::int64_t items = 0;
  std::int64_t entries = 0;
  std::int64_t timestamps = 0;
  std::uint64_t bytes_hashed = 0;
  std::string log_head;  // entry_hash of the last entry
  bool ok() const { return problems.empty(); }
};

// `on_bytes` is told of bytes re-hashed, for progress. Stored RFC 3161 tokens are checked offline,
// trusting the roots in `trusted_tsa_pem` when not empty, else the root stored with each token
// (whose subject and fingerprint are then reported in the notes for a person to compare).
VerifyReport VerifyCase(Case& c, const std::function<void(std::uint64_t)>& on_bytes = {},
                        const std::string& trusted_tsa_pem = "");

}  // namespace sightline::evidence

#endif  // SIGHTLINE_EVIDENCE_VERIFY_H_
