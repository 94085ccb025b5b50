// Findings: relations between two items that an analysis suggests (same footage, same moment,
// same place, same event), each with a score and the evidence behind it, and the decisions people
// take on them. A finding stays a suggestion until a person accepts or rejects it; a decision can
// be taken again (a person may change their mind), and every decision is kept.
//
// Storage: tables `findings` and `decisions` of case.db (doc/case-format.md). Every write is one
// Case::Write, so it is recorded in the custody log in the same transaction.
//
// Thread safety: as evidence::Case (one thread per Case object).
#ifndef SIGHTLINE_CASE_FINDINGS_H_
#define SIGHTLINE_CASE_FINDINGS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "case/records.h"
#include "evidence/case.h"
#include "evidence/identity.h"

namespace sightline::investigation {

enum class FindingKind { kSameFootage, kSameMoment, kSamePlace, kSameEvent };
// "same_footage", "same_moment", "same_place", "same_event".
const char* FindingKindName(FindingKind kind);
std::optional<FindingKind> ParseFindingKind(const std::string& name);

enum class FindingStatus { kSuggested, kAccepted, kRejected };
// "suggested", "accepted", "rejected".
const char* FindingStatusName(FindingStatus status);
std::optional<FindingStatus> ParseFindingStatus(const std::string& name);

// What an analysis proposes. The pair is unordered: (a, b) and (b, a) are the same finding,
// stored with a < b, and the evidence is swapped by the caller if it names sides.
struct Suggestion {
  FindingKind kind = FindingKind::kSameFootage;
  std::int64_t item_a = 0;
  std::int64_t item_b = 0;
  std::string analyzer;  // e.g. "match"
  int version = 0;       // of the analyzer's algorithm: a new version suggests anew
  double score = 0;      // 0..1, the analyzer's strength of evidence
  std::string evidence;  // compact JSON object: offsets, segments, frames, pictures, …
};

struct Decision {
  std::int64_t id = 0;
  FindingStatus status = FindingStatus::kAccepted;  // accepted or rejected
  std::string reason;
  std::string actor;
  std::string time;
  std::int64_t custody_seq = 0;
};

struct Finding {
  std::int64_t id = 0;
  Suggestion suggestion;
  Provenance provenance;                             // the analysis run that suggested it
  FindingStatus status = FindingStatus::kSuggested;  // that of the last decision
  std::vector<Decision> decisions;                   // oldest first
};

// One run of an analyzer over a case: the items it compared with every item it had compared
// before (at this version), and what it suggests.
struct AnalysisRun {
  std::string analyzer;
  int version = 0;
  std::vector<std::int64_t> items;  // the items now compared; may be empty
  std::vector<Suggestion> suggestions;
};

// Records a run in one custody entry ("findings_suggested": analyzer, version, new finding ids,
// items). A suggestion already stored (same kind, pair, analyzer and version) is skipped, so
// re-running an analysis adds nothing; a run with no new suggestion and no item writes nothing.
// Returns how many suggestions were new. Fails, writing nothing, when an item id is unknown or a
// pair names one item twice.
Result<int> RecordRun(evidence::Case& c, const evidence::Identity& who, const AnalysisRun& run);
// RecordRun of suggestions alone (the analyzer and version of the first).
Result<int> RecordSuggestions(evidence::Case& c, const evidence::Identity& who,
                              const std::vector<Suggestion>& suggestions);
// The items `analyzer` at `version` has compared with the rest (RecordRun's items).
Result<std::vector<std::int64_t>> AnalyzedItems(evidence::Case& c, const std::string& analyzer,
                                                int version);

struct FindingFilter {
  std::optional<FindingKind> kind;
  std::optional<FindingStatus> status;
  std::int64_t item = 0;  // findings naming this item; 0 for all
  double min_score = 0;
};

// The findings matching `filter`, by id. Where one analyzer suggested the same pair at several
// versions, only the newest version is listed (older ones and their decisions stay stored).
Result<std::vector<Finding>> ListFindings(evidence::Case& c, const FindingFilter& filter);
Result<Finding> GetFinding(evidence::Case& c, std::int64_t id);

// Records a person's decision on finding `id` (kAccepted or kRejected; kSuggested is refused):
// a "finding_decided" custody entry naming the finding, the decision, the status before, and the
// reason. A reason is required for a rejection.
Result<Decision> Decide(evidence::Case& c, const evidence::Identity& who, std::int64_t id,
                        FindingStatus status, const std::string& reason);

// {"id","kind","a","b","score","status","analyzer","version","evidence":{…},"created_at",
//  "decisions":[{"status","reason","actor","time","custody_seq"}]}
nlohmann::json FindingJson(const Finding& f);

}  // namespace sightline::investigation

#endif  // SIGHTLINE_CASE_FINDINGS_H_
