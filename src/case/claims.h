// Claims: the statements a desk publishes or holds back ("the trucks in clips 3 and 7 are the
// same"; "clip 5 was filmed on Khreshchatyk"), each with a confidence level, the evidence that
// supports or contradicts it, and who decided that level, when and why.
//
// Storage: tables `claims` and `claim_evidence` of case.db. Adding a claim, adding evidence and
// changing a confidence are custody entries ("claim_added", "claim_evidence_added",
// "claim_confidence_set"); a confidence change keeps the earlier level in its entry, so the
// history of a claim is its custody entries. Thread safety: as evidence::Case.
#ifndef SIGHTLINE_CASE_CLAIMS_H_
#define SIGHTLINE_CASE_CLAIMS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "case/records.h"

namespace sightline::investigation {

// "confirmed", "likely", "unconfirmed", "false".
extern const char* const kConfidenceLevels[];
// "item", "finding", "observation", "location", "relation", "source".
extern const char* const kEvidenceKinds[];

struct ClaimEvidence {
  std::int64_t id = 0;
  std::int64_t claim_id = 0;
  bool supports = true;  // false: it contradicts the claim
  std::string ref_kind;  // one of kEvidenceKinds
  std::int64_t ref_id = 0;
  std::string note;
  Provenance provenance;
};

struct Claim {
  std::int64_t id = 0;
  std::string statement;
  std::string confidence;  // one of kConfidenceLevels
  std::string reason;      // why that level
  std::string decided_by;  // who set the current level, and when
  std::string decided_at;
  Provenance provenance;  // who added the claim
  std::vector<ClaimEvidence> evidence;
};

// Parses "KIND:ID" (e.g. "finding:12", "item:3") into ref_kind and ref_id.
Result<ClaimEvidence> ParseEvidenceRef(const std::string& text);

// Adds a claim with its evidence; fills ids and provenance. Every piece of evidence is checked to
// exist before anything is written. Fails on an empty statement or an unknown level.
Result<Claim> AddClaim(evidence::Case& c, const evidence::Identity& who, Claim claim);
// Adds one piece of evidence to claim `e.claim_id`.
Result<ClaimEvidence> AddClaimEvidence(evidence::Case& c, const evidence::Identity& who,
                                       ClaimEvidence e);
// Sets the confidence of claim `id`, recording the previous level and the reason (required).
Result<Claim> SetConfidence(evidence::Case& c, const evidence::Identity& who, std::int64_t id,
                            const std::string& confidence, const std::string& reason);
Result<std::vector<Claim>> ListClaims(evidence::Case& c);
Result<Claim> GetClaim(evidence::Case& c, std::int64_t id);

// {"id","statement","confidence","reason","decided_by","decided_at",…provenance,
//  "evidence":[{"id","role":"supports"|"contradicts","ref":"finding:12","note",…provenance}]}
nlohmann::json ClaimJson(const Claim& c);

}  // namespace sightline::investigation

#endif  // SIGHTLINE_CASE_CLAIMS_H_
