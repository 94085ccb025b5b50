// The custody log as stored in the catalogue (table custody_log). Append-only: triggers refuse
// UPDATE and DELETE, and entries are appended only by Case::Write inside the transaction that
// makes the change they record.
#ifndef SIGHTLINE_EVIDENCE_CUSTODY_LOG_H_
#define SIGHTLINE_EVIDENCE_CUSTODY_LOG_H_

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "evidence/custody.h"
#include "evidence/sql.h"

namespace sightline::evidence {

class CustodyLog {
 public:
  explicit CustodyLog(SqlConnection* db) : db_(db) {}

  // The last entry, or nullopt for an empty log.
  Result<std::optional<CustodyEntry>> Head();
  Result<CustodyEntry> Get(std::int64_t seq);
  // Every entry in seq order.
  Result<std::vector<CustodyEntry>> All();
  // The entries whose object is `sha256`, or whose details mention it, in seq order.
  Result<std::vector<CustodyEntry>> ForObject(const std::string& sha256);
  Status Append(const CustodyEntry& e);

  Result<bool> IsSigner(const std::string& public_key_hex);
  Status AddSigner(const std::string& public_key_hex, const std::string& actor, std::int64_t seq);
  // public key -> seq of the entry that introduced it.
  Result<std::vector<std::pair<std::string, std::int64_t>>> Signers();

 private:
  Result<std::vector<CustodyEntry>> Query(const std::string& where, const std::string& arg);
  SqlConnection* db_;
};

}  // namespace sightline::evidence

#endif  // SIGHTLINE_EVIDENCE_CUSTODY_LOG_H_
