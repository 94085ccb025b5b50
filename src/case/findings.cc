#include "case/findings.h"

#include <algorithm>
#include <array>
#include <map>
#include <utility>

namespace sightline::investigation {

namespace {

constexpr std::array<std::pair<FindingKind, const char*>, 4> kKindNames = {{
    {FindingKind::kSameFootage, "same_footage"},
    {FindingKind::kSameMoment, "same_moment"},
    {FindingKind::kSamePlace, "same_place"},
    {FindingKind::kSameEvent, "same_event"},
}};
constexpr std::array<std::pair<FindingStatus, const char*>, 3> kStatusNames = {{
    {FindingStatus::kSuggested, "suggested"},
    {FindingStatus::kAccepted, "accepted"},
    {FindingStatus::kRejected, "rejected"},
}};

template <typename E, std::size_t N>
const char* NameOf(const std::array<std::pair<E, const char*>, N>& names, E value) {
  for (const auto& [v, name] : names) {
    if (v == value) return name;
  }
  return "";
}

template <typename E, std::size_t N>
std::optional<E> ValueOf(const std::array<std::pair<E, const char*>, N>& names,
                         const std::string& text) {
  for (const auto& [v, name] : names) {
    if (text == name) return v;
  }
  return std::nullopt;
}

constexpr char kFindingSelect[] =
    "SELECT f.id, f.kind, f.item_a, f.item_b, f.analyzer, f.version, f.score, f.evidence, "
    "f.created_at, f.custody_seq, (SELECT actor FROM custody_log WHERE seq = f.custody_seq) "
    "FROM findings f ";

// Keeps only the newest version of each (kind, pair, analyzer).
constexpr char kNewestVersion[] =
    "NOT EXISTS (SELECT 1 FROM findings g WHERE g.kind = f.kind AND g.item_a = f.item_a AND "
    "g.item_b = f.item_b AND g.analyzer = f.analyzer AND g.version > f.version)";

// The decisions on each finding (`finding_id` 0: on every finding), oldest first.
Result<std::map<std::int64_t, std::vector<Decision>>> DecisionsOf(evidence::Case& c,
                                                                  std::int64_t finding_id) {
  SL_ASSIGN_OR_RETURN(
      evidence::SqlRows s,
      c.sql()->Query("SELECT id, status, reason, actor, time, custody_seq, "
                     "finding_id FROM decisions WHERE CAST($1 AS BIGINT) = 0 OR finding_id = $1 "
                     "ORDER BY id",
                     {finding_id}));
  std::map<std::int64_t, std::vector<Decision>> out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    Decision d;
    d.id = s.Int(i, 0);
    d.status = ParseFindingStatus(s.Text(i, 1)).value_or(FindingStatus::kSuggested);
    d.reason = s.Text(i, 2);
    d.actor = s.Text(i, 3);
    d.time = s.Text(i, 4);
    d.custody_seq = s.Int(i, 5);
    out[s.Int(i, 6)].push_back(std::move(d));
  }
  return out;
}

Result<std::vector<Finding>> QueryFindings(evidence::Case& c, const std::string& where,
                                           const FindingFilter& filter, std::int64_t id) {
  SL_ASSIGN_OR_RETURN(bool has_tables, HasInvestigationTables(c));
  if (!has_tables) return std::vector<Finding>();
  SL_ASSIGN_OR_RETURN(evidence::SqlRows s,
                      c.sql()->Query(kFindingSelect + where + " ORDER BY f.id",
                                     id != 0 ? std::vector<evidence::SqlValue>{id}
                                             : std::vector<evidence::SqlValue>{}));
  SL_ASSIGN_OR_RETURN(auto decisions, DecisionsOf(c, id));
  std::vector<Finding> out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    Finding f;
    f.id = s.Int(i, 0);
    auto kind = ParseFindingKind(s.Text(i, 1));
    if (!kind)
      return Corrupt("finding #" + std::to_string(f.id) + " has unknown kind " + s.Text(i, 1));
    f.suggestion.kind = *kind;
    f.suggestion.item_a = s.Int(i, 2);
    f.suggestion.item_b = s.Int(i, 3);
    f.suggestion.analyzer = s.Text(i, 4);
    f.suggestion.version = static_cast<int>(s.Int(i, 5));
    f.suggestion.score = s.Double(i, 6);
    f.suggestion.evidence = s.Text(i, 7);
    f.provenance.created_at = s.Text(i, 8);
    f.provenance.custody_seq = s.Int(i, 9);
    f.provenance.actor = s.Text(i, 10);
    if (filter.kind && f.suggestion.kind != *filter.kind) continue;
    if (filter.item != 0 && f.suggestion.item_a != filter.item &&
        f.suggestion.item_b != filter.item) {
      continue;
    }
    if (f.suggestion.score < filter.min_score) continue;
    if (auto d = decisions.find(f.id); d != decisions.end()) f.decisions = std::move(d->second);
    if (!f.decisions.empty()) f.status = f.decisions.back().status;
    if (filter.status && f.status != *filter.status) continue;
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace

const char* FindingKindName(FindingKind kind) { return NameOf(kKindNames, kind); }
std::optional<FindingKind> ParseFindingKind(const std::string& name) {
  return ValueOf(kKindNames, name);
}
const char* FindingStatusName(FindingStatus status) { return NameOf(kStatusNames, status); }
std::optional<FindingStatus> ParseFindingStatus(const std::string& name) {
  return ValueOf(kStatusNames, name);
}

Result<int> RecordRun(evidence::Case& c, const evidence::Identity& who, const AnalysisRun& run) {
  if (run.suggestions.empty() && run.items.empty()) return 0;
  for (const Suggestion& s : run.suggestions) {
    if (s.item_a == s.item_b) {
      return InvalidArgument("a finding relates two items; #" + std::to_string(s.item_a) +
                             " was given twice");
    }
    SL_RETURN_IF_ERROR(ItemById(c, s.item_a).status());
    SL_RETURN_IF_ERROR(ItemById(c, s.item_b).status());
  }
  for (std::int64_t id : run.items) SL_RETURN_IF_ERROR(ItemById(c, id).status());
  int added = 0;
  Result<evidence::CustodyEntry> entry =
      c.Write(who, [&](evidence::Case::WriteContext& ctx) -> Result<evidence::CustodyRecord> {
        added = 0;
        nlohmann::json ids = nlohmann::json::array();
        for (const Suggestion& s : run.suggestions) {
          SL_ASSIGN_OR_RETURN(
              evidence::SqlRows ins,
              c.sql()->Query(
                  "INSERT INTO findings (kind, item_a, item_b, analyzer, version, "
                  "score, evidence, created_at, custody_seq) VALUES ($1, $2, $3, $4, "
                  "$5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING id",
                  {std::string(FindingKindName(s.kind)), std::min(s.item_a, s.item_b),
                   std::max(s.item_a, s.item_b), s.analyzer, std::int64_t{s.version}, s.score,
                   s.evidence.empty() ? std::string("{}") : s.evidence, ctx.time, ctx.seq}));
          if (!ins.empty()) {
            ++added;
            ids.push_back(ins.Int(0, 0));
          }
        }
        int marked = 0;
        for (std::int64_t id : run.items) {
          SL_ASSIGN_OR_RETURN(
              evidence::SqlRows mark,
              c.sql()->Query("INSERT INTO analyzed (item_id, analyzer, version, custody_seq) "
                             "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING item_id",
                             {id, run.analyzer, std::int64_t{run.version}, ctx.seq}));
          marked += static_cast<int>(mark.size());
        }
        if (added == 0 && marked == 0) return Status(StatusCode::kAlreadyExists, "nothing new");
        nlohmann::json details = {{"analyzer", run.analyzer},
                                  {"version", run.version},
                                  {"findings", ids},
                                  {"items", run.items}};
        return evidence::CustodyRecord{"findings_suggested", "", details.dump()};
      });
  if (!entry.ok()) {
    if (entry.status().code() == StatusCode::kAlreadyExists) return 0;
    return entry.status();
  }
  return added;
}

Result<int> RecordSuggestions(evidence::Case& c, const evidence::Identity& who,
                              const std::vector<Suggestion>& suggestions) {
  if (suggestions.empty()) return 0;
  return RecordRun(c, who,
                   {suggestions.front().analyzer, suggestions.front().version, {}, suggestions});
}

Result<std::vector<std::int64_t>> AnalyzedItems(evidence::Case& c, const std::string& analyzer,
                                                int version) {
  SL_ASSIGN_OR_RETURN(int schema, c.SchemaVersion());
  if (schema < 4) return std::vector<std::int64_t>();
  SL_ASSIGN_OR_RETURN(evidence::SqlRows s,
                      c.sql()->Query("SELECT item_id FROM analyzed WHERE analyzer = $1 AND "
                                     "version = $2 ORDER BY item_id",
                                     {analyzer, std::int64_t{version}}));
  std::vector<std::int64_t> out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    out.push_back(s.Int(i, 0));
  }
  return out;
}

Result<std::vector<Finding>> ListFindings(evidence::Case& c, const FindingFilter& filter) {
  return QueryFindings(c, std::string("WHERE ") + kNewestVersion, filter, 0);
}

Result<Finding> GetFinding(evidence::Case& c, std::int64_t id) {
  SL_ASSIGN_OR_RETURN(std::vector<Finding> found,
                      QueryFindings(c, "WHERE f.id = $1", FindingFilter{}, id));
  if (found.empty()) {
    return NotFound("no finding #" + std::to_string(id) +
                    " in this case (see `sightline findings`)");
  }
  return found.front();
}

Result<Decision> Decide(evidence::Case& c, const evidence::Identity& who, std::int64_t id,
                        FindingStatus status, const std::string& reason) {
  if (status == FindingStatus::kSuggested) {
    return InvalidArgument("a decision accepts or rejects a finding");
  }
  if (status == FindingStatus::kRejected && reason.empty()) {
    return InvalidArgument("say why the finding is rejected (--reason TEXT)");
  }
  Decision d;
  d.status = status;
  d.reason = reason;
  d.actor = who.actor;
  Result<evidence::CustodyEntry> entry =
      c.Write(who, [&](evidence::Case::WriteContext& ctx) -> Result<evidence::CustodyRecord> {
        SL_ASSIGN_OR_RETURN(Finding f, GetFinding(c, id));
        SL_ASSIGN_OR_RETURN(
            evidence::SqlRows ins,
            c.sql()->Query("INSERT INTO decisions (finding_id, status, reason, actor, time, "
                           "custody_seq) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                           {id, std::string(FindingStatusName(status)), reason, who.actor, ctx.time,
                            ctx.seq}));
        if (ins.empty()) return Internal("INSERT INTO decisions returned no id");
        d.id = ins.Int(0, 0);
        d.time = ctx.time;
        d.custody_seq = ctx.seq;
        nlohmann::json details = {{"finding", id},
                                  {"kind", FindingKindName(f.suggestion.kind)},
                                  {"a", f.suggestion.item_a},
                                  {"b", f.suggestion.item_b},
                                  {"status", FindingStatusName(status)},
                                  {"was", FindingStatusName(f.status)},
                                  {"reason", reason}};
        return evidence::CustodyRecord{"finding_decided", "", details.dump()};
      });
  if (!entry.ok()) return entry.status();
  return d;
}

nlohmann::json FindingJson(const Finding& f) {
  nlohmann::json decisions = nlohmann::json::array();
  for (const Decision& d : f.decisions) {
    decisions.push_back({{"status", FindingStatusName(d.status)},
                         {"reason", d.reason},
                         {"actor", d.actor},
                         {"time", d.time},
                         {"custody_seq", d.custody_seq}});
  }
  nlohmann::json evidence = nlohmann::json::parse(f.suggestion.evidence, nullptr, false);
  if (evidence.is_discarded()) evidence = f.suggestion.evidence;
  return {{"id", f.id},
          {"kind", FindingKindName(f.suggestion.kind)},
          {"a", f.suggestion.item_a},
          {"b", f.suggestion.item_b},
          {"score", f.suggestion.score},
          {"status", FindingStatusName(f.status)},
          {"analyzer", f.suggestion.analyzer},
          {"version", f.suggestion.version},
          {"evidence", evidence},
          {"created_at", f.provenance.created_at},
          {"decisions", decisions}};
}

}  // namespace sightline::investigation
