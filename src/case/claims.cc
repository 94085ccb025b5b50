#include "case/claims.h"

#include <cstdlib>

namespace sightline::investigation {

const char* const kConfidenceLevels[] = {"confirmed", "likely", "unconfirmed", "false", nullptr};
const char* const kEvidenceKinds[] = {"item",     "finding", "observation", "location",
                                      "relation", "source",  nullptr};

namespace {

// The table each kind of evidence reference names.
std::string TableOf(const std::string& ref_kind) {
  if (ref_kind == "item") return "items";
  if (ref_kind == "finding") return "findings";
  if (ref_kind == "observation") return "observations";
  if (ref_kind == "location") return "locations";
  if (ref_kind == "relation") return "relations";
  return "sources";
}

Status CheckReference(evidence::Case& c, const ClaimEvidence& e) {
  if (!IsOneOf(kEvidenceKinds, e.ref_kind)) {
    return InvalidArgument("unknown evidence kind \"" + e.ref_kind + "\" (" +
                           Alternatives(kEvidenceKinds) + ")");
  }
  SL_ASSIGN_OR_RETURN(
      evidence::SqlRows s,
      c.sql()->Query("SELECT 1 FROM " + TableOf(e.ref_kind) + " WHERE id = $1", {e.ref_id}));
  if (s.empty()) {
    return NotFound("no " + e.ref_kind + " #" + std::to_string(e.ref_id) + " in this case");
  }
  return Status::Ok();
}

Status CheckLevel(const std::string& confidence) {
  if (IsOneOf(kConfidenceLevels, confidence)) return Status::Ok();
  return InvalidArgument("unknown confidence \"" + confidence + "\" (" +
                         Alternatives(kConfidenceLevels) + ")");
}

Result<std::vector<ClaimEvidence>> EvidenceOf(evidence::Case& c, std::int64_t claim_id) {
  SL_ASSIGN_OR_RETURN(evidence::SqlRows s,
                      c.sql()->Query(std::string("SELECT id, claim_id, role, ref_kind, ref_id, "
                                                 "note, ") +
                                         kProvenanceColumns +
                                         " FROM claim_evidence WHERE claim_id = $1 ORDER BY id",
                                     {claim_id}));
  std::vector<ClaimEvidence> out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    ClaimEvidence e;
    e.id = s.Int(i, 0);
    e.claim_id = s.Int(i, 1);
    e.supports = s.Text(i, 2) == "supports";
    e.ref_kind = s.Text(i, 3);
    e.ref_id = s.Int(i, 4);
    e.note = s.Text(i, 5);
    e.provenance = ProvenanceAt(s, i, 6);
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<Claim>> Query(evidence::Case& c, const std::string& where, std::int64_t arg) {
  SL_ASSIGN_OR_RETURN(bool has_tables, HasInvestigationTables(c));
  if (!has_tables) return std::vector<Claim>();
  SL_ASSIGN_OR_RETURN(
      evidence::SqlRows s,
      c.sql()->Query(
          std::string("SELECT id, statement, confidence, reason, "
                      "COALESCE(decided_by, actor), "
                      "COALESCE(decided_at, created_at), ") +
              kProvenanceColumns + " FROM claims " + where + " ORDER BY id",
          arg != 0 ? std::vector<evidence::SqlValue>{arg} : std::vector<evidence::SqlValue>{}));
  std::vector<Claim> out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    Claim cl;
    cl.id = s.Int(i, 0);
    cl.statement = s.Text(i, 1);
    cl.confidence = s.Text(i, 2);
    cl.reason = s.Text(i, 3);
    cl.decided_by = s.Text(i, 4);
    cl.decided_at = s.Text(i, 5);
    cl.provenance = ProvenanceAt(s, i, 6);
    out.push_back(std::move(cl));
  }
  for (Claim& cl : out) {
    SL_ASSIGN_OR_RETURN(cl.evidence, EvidenceOf(c, cl.id));
  }
  return out;
}

nlohmann::json EvidenceJson(const ClaimEvidence& e) {
  nlohmann::json j = {{"id", e.id},
                      {"role", e.supports ? "supports" : "contradicts"},
                      {"ref", e.ref_kind + ":" + std::to_string(e.ref_id)},
                      {"note", e.note}};
  if (e.provenance.custody_seq != 0) AddProvenanceJson(e.provenance, &j);
  return j;
}

}  // namespace

Result<ClaimEvidence> ParseEvidenceRef(const std::string& text) {
  std::size_t colon = text.find(':');
  ClaimEvidence e;
  if (colon != std::string::npos) {
    e.ref_kind = text.substr(0, colon);
    std::string id = text.substr(colon + 1);
    char* end = nullptr;
    long long v = std::strtoll(id.c_str(), &end, 10);
    if (!id.empty() && *end == '\0' && v > 0) {
      e.ref_id = v;
      if (IsOneOf(kEvidenceKinds, e.ref_kind)) return e;
    }
  }
  return InvalidArgument("evidence is KIND:ID with KIND one of " + Alternatives(kEvidenceKinds) +
                         " (e.g. finding:12), not \"" + text + "\"");
}

Result<Claim> AddClaim(evidence::Case& c, const evidence::Identity& who, Claim claim) {
  if (claim.statement.empty()) return InvalidArgument("a claim needs a statement");
  SL_RETURN_IF_ERROR(CheckLevel(claim.confidence));
  for (const ClaimEvidence& e : claim.evidence) SL_RETURN_IF_ERROR(CheckReference(c, e));
  nlohmann::json details = {
      {"statement", claim.statement}, {"confidence", claim.confidence}, {"reason", claim.reason}};
  SL_ASSIGN_OR_RETURN(auto added, InsertRecord(c, who, "claims",
                                               {
                                                   {"statement", claim.statement},
                                                   {"confidence", claim.confidence},
                                                   {"reason", OptionalText(claim.reason)},
                                               },
                                               "claim_added", "", details));
  std::vector<ClaimEvidence> pieces = std::move(claim.evidence);
  claim.evidence.clear();
  for (ClaimEvidence& e : pieces) {
    e.claim_id = added.first;
    SL_ASSIGN_OR_RETURN(ClaimEvidence stored, AddClaimEvidence(c, who, e));
    claim.evidence.push_back(std::move(stored));
  }
  return GetClaim(c, added.first);
}

Result<ClaimEvidence> AddClaimEvidence(evidence::Case& c, const evidence::Identity& who,
                                       ClaimEvidence e) {
  SL_RETURN_IF_ERROR(GetClaim(c, e.claim_id).status());
  SL_RETURN_IF_ERROR(CheckReference(c, e));
  e.id = 0;
  nlohmann::json details = EvidenceJson(e);
  details.erase("id");
  details["claim"] = e.claim_id;
  SL_ASSIGN_OR_RETURN(auto added, InsertRecord(c, who, "claim_evidence",
                                               {{"claim_id", e.claim_id},
                                                {"role", e.supports ? "supports" : "contradicts"},
                                                {"ref_kind", e.ref_kind},
                                                {"ref_id", e.ref_id},
                                                {"note", OptionalText(e.note)}},
                                               "claim_evidence_added", "", details));
  e.id = added.first;
  e.provenance = added.second;
  return e;
}

Result<Claim> SetConfidence(evidence::Case& c, const evidence::Identity& who, std::int64_t id,
                            const std::string& confidence, const std::string& reason) {
  SL_RETURN_IF_ERROR(CheckLevel(confidence));
  if (reason.empty()) return InvalidArgument("say why the confidence changes (--reason TEXT)");
  Result<evidence::CustodyEntry> entry =
      c.Write(who, [&](evidence::Case::WriteContext& ctx) -> Result<evidence::CustodyRecord> {
        SL_ASSIGN_OR_RETURN(Claim before, GetClaim(c, id));
        SL_RETURN_IF_ERROR(c.sql()
                               ->Query("UPDATE claims SET confidence = $1, reason = $2, "
                                       "decided_by = $3, decided_at = $4 WHERE id = $5",
                                       {confidence, reason, who.actor, ctx.time, id})
                               .status());
        nlohmann::json details = {{"claim", id},
                                  {"confidence", confidence},
                                  {"was", before.confidence},
                                  {"was_reason", before.reason},
                                  {"reason", reason}};
        return evidence::CustodyRecord{"claim_confidence_set", "", details.dump()};
      });
  if (!entry.ok()) return entry.status();
  return GetClaim(c, id);
}

Result<std::vector<Claim>> ListClaims(evidence::Case& c) { return Query(c, "", 0); }

Result<Claim> GetClaim(evidence::Case& c, std::int64_t id) {
  SL_ASSIGN_OR_RETURN(std::vector<Claim> found, Query(c, "WHERE id = $1", id));
  if (found.empty()) {
    return NotFound("no claim #" + std::to_string(id) +
                    " in this case (see `sightline claim list`)");
  }
  return found.front();
}

nlohmann::json ClaimJson(const Claim& cl) {
  nlohmann::json evidence = nlohmann::json::array();
  for (const ClaimEvidence& e : cl.evidence) evidence.push_back(EvidenceJson(e));
  nlohmann::json j = {
      {"id", cl.id},         {"statement", cl.statement},   {"confidence", cl.confidence},
      {"reason", cl.reason}, {"decided_by", cl.decided_by}, {"decided_at", cl.decided_at},
      {"evidence", evidence}};
  AddProvenanceJson(cl.provenance, &j);
  return j;
}

}  // namespace sightline::investigation
