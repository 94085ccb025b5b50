// sightline findings / accept / reject: what the analyses suggest, and a person's decision on it.
#include <cstdio>
#include <map>

#include "case/case_json.h"
#include "case/findings.h"
#include "cli/case_access.h"
#include "cli/command.h"
#include "cli/output.h"

namespace sightline::cli {

namespace {

namespace inv = investigation;

constexpr char kFindingsUsage[] =
    "Usage: sightline findings --case DIR [--json] [--kind KIND] [--status STATUS]\n"
    "                          [--item ITEM] [--min-score X]\n"
    "\n"
    "Lists the relations the analyses suggest between the items of a case (`sightline analyze`),\n"
    "each with its score, the evidence behind it and the decisions taken on it. A finding stays\n"
    "a suggestion until a person accepts or rejects it (`sightline accept`, `sightline reject`).\n"
    "\n"
    "  --kind KIND     same_footage, same_moment, same_place or same_event\n"
    "  --status S      suggested, accepted or rejected (the last decision)\n"
    "  --item ITEM     findings naming this item (id, file name or hash prefix)\n"
    "  --min-score X   findings scored at least X (0..1)\n"
    "  --json          {\"case\", \"findings\": [{\"id\", \"kind\", \"a\", \"b\", \"score\", "
    "\"status\",\n"
    "                  \"analyzer\", \"version\", \"evidence\", \"created_at\", \"decisions\": "
    "[{\"status\",\n"
    "                  \"reason\", \"actor\", \"time\", \"custody_seq\"}]}]}; a and b are item ids "
    "(see\n"
    "                  `sightline list`). doc/findings.md describes each kind's evidence.\n";

constexpr char kAcceptUsage[] =
    "Usage: sightline accept --case DIR [--reason TEXT] [--json] FINDING...\n"
    "\n"
    "Records that you accept each FINDING (an id from `sightline findings`): a signed custody\n"
    "entry names you, the time, the finding, its status before, and the reason. Deciding again\n"
    "later is allowed; every decision is kept.\n"
    "\n"
    "  --json   {\"case\", \"decisions\": [{\"finding\", \"status\", \"reason\", \"actor\", "
    "\"time\",\n"
    "           \"custody_seq\"}], \"failed\": [{\"finding\", \"error\"}]}\n";

constexpr char kRejectUsage[] =
    "Usage: sightline reject --case DIR --reason TEXT [--json] FINDING...\n"
    "\n"
    "Records that you reject each FINDING (an id from `sightline findings`), and why: the reason\n"
    "is required, so that whoever reads the case later knows what was wrong with it. The finding\n"
    "is kept, marked rejected. Output as for `sightline accept`.\n";

// A short readable form of a finding's evidence: the first shared segment on both time lines
// ("a 1.00-5.00 s = b 0.00-4.00 s (+1 more)") and the flags that are set, or else its scalar
// fields ("offset_s=4.25").
std::string EvidenceSummary(const std::string& evidence) {
  nlohmann::json j = nlohmann::json::parse(evidence, nullptr, false);
  if (!j.is_object()) return "";
  std::string out;
  const nlohmann::json& segments = j.value("segments", nlohmann::json::array());
  if (segments.is_array() && !segments.empty() && segments[0].is_object()) {
    const nlohmann::json& s = segments[0];
    char buf[160];
    std::snprintf(buf, sizeof buf, "a %.2f-%.2f s = b %.2f-%.2f s", s.value("a_start", 0.0),
                  s.value("a_end", 0.0), s.value("b_start", 0.0), s.value("b_end", 0.0));
    out = buf;
    if (segments.size() > 1) out += " (+" + std::to_string(segments.size() - 1) + " more)";
    for (const char* flag : {"mirrored", "static"}) {
      if (j.value(flag, false)) out += std::string(", ") + flag;
    }
    if (j.contains("sound") && j["sound"].is_object()) out += ", same sound";
    return out;
  }
  if (j.contains("inliers") && j.contains("model")) {  // same_place (doc/scene.md)
    char buf[160];
    std::snprintf(buf, sizeof buf, "%d inliers, %s, %s", j.value("inliers", 0),
                  j.value("model", std::string()).c_str(),
                  j.value("method", std::string()).c_str());
    out = buf;
    if (j.value("mirrored", false)) out += ", mirrored";
    if (!j.value("a_still", true) || !j.value("b_still", true)) {
      std::snprintf(buf, sizeof buf, "; a at %.1f s, b at %.1f s", j.value("a_time", 0.0),
                    j.value("b_time", 0.0));
      out += buf;
    }
    return out;
  }
  for (const auto& [key, value] : j.items()) {
    if (value.is_structured() || value.is_null() || key == "score") continue;
    std::string v = value.is_string() ? value.get<std::string>() : value.dump();
    if (value.is_number_float()) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.3g", value.get<double>());
      v = buf;
    }
    if (out.size() + key.size() + v.size() > 70) break;
    out += (out.empty() ? "" : " ") + key + "=" + v;
  }
  return out;
}

// "#3 name", cut to the column's width; `names` holds every item's first name by id.
std::string ItemLabel(const std::map<std::int64_t, std::string>& names, std::int64_t id) {
  std::string label = "#" + std::to_string(id);
  if (auto it = names.find(id); it != names.end()) label += " " + it->second;
  return label.size() > 28 ? label.substr(0, 27) + "…" : label;
}

int RunFindings(const Args& args) {
  std::string dir = args.Get("case");
  if (dir.empty()) return UsageError("findings", "--case DIR is required");
  if (!args.positional().empty()) return UsageError("findings", "unexpected argument");
  inv::FindingFilter filter;
  if (args.Has("kind")) {
    filter.kind = inv::ParseFindingKind(args.Get("kind"));
    if (!filter.kind) {
      return UsageError("findings",
                        "--kind is same_footage, same_moment, same_place or same_event");
    }
  }
  if (args.Has("status")) {
    filter.status = inv::ParseFindingStatus(args.Get("status"));
    if (!filter.status)
      return UsageError("findings", "--status is suggested, accepted or rejected");
  }
  if (args.Has("min-score")) {
    if (!ParseNumber(args.Get("min-score"), 0, 1, &filter.min_score)) {
      return UsageError("findings", "--min-score is a number from 0 to 1");
    }
  }
  auto c = OpenCase("findings", dir, evidence::Case::Access::kRead);
  if (!c) return kExitFailed;
  if (args.Has("item")) {
    auto item = ResolveItem(*c, args.Get("item"));
    if (!item.ok()) {
      Warn("findings", item.status().message());
      return kExitFailed;
    }
    filter.item = item->id;
  }
  auto findings = inv::ListFindings(*c, filter);
  if (!findings.ok()) {
    Warn("findings", findings.status().message());
    return kExitFailed;
  }
  if (args.Has("json")) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& f : *findings) list.push_back(inv::FindingJson(f));
    PrintJson({{"case", DisplayPath(dir)}, {"findings", list}});
    return kExitOk;
  }
  if (findings->empty()) {
    std::printf("no findings%s (run `sightline analyze --case %s`)\n",
                filter.kind || filter.status || filter.item || filter.min_score > 0
                    ? " match these filters"
                    : "",
                DisplayPath(dir).c_str());
    return kExitOk;
  }
  auto items = c->catalog().ListItems();
  if (!items.ok()) return FailWith("findings", items.status());
  std::map<std::int64_t, std::string> names;
  for (const evidence::Item& item : *items) names[item.id] = item.name;
  std::printf("%-4s %-13s %-28s %-28s %5s  %-9s %s\n", "ID", "KIND", "A", "B", "SCORE", "STATUS",
              "EVIDENCE");
  for (const auto& f : *findings) {
    std::printf("%-4lld %-13s %-28s %-28s %5.2f  %-9s %s\n", static_cast<long long>(f.id),
                inv::FindingKindName(f.suggestion.kind),
                ItemLabel(names, f.suggestion.item_a).c_str(),
                ItemLabel(names, f.suggestion.item_b).c_str(), f.suggestion.score,
                inv::FindingStatusName(f.status), EvidenceSummary(f.suggestion.evidence).c_str());
    if (!f.decisions.empty()) {
      const inv::Decision& d = f.decisions.back();
      std::printf("     %s by %s at %s%s%s\n", inv::FindingStatusName(d.status), d.actor.c_str(),
                  d.time.c_str(), d.reason.empty() ? "" : ": ", d.reason.c_str());
    }
  }
  std::printf("%zu findings\n", findings->size());
  return kExitOk;
}

int RunDecide(const char* command, inv::FindingStatus status, const Args& args) {
  std::string dir = args.Get("case");
  if (dir.empty()) return UsageError(command, "--case DIR is required");
  if (args.positional().empty()) return UsageError(command, "give the FINDING ids");
  std::string reason = args.Get("reason");
  if (status == inv::FindingStatus::kRejected && reason.empty()) {
    return UsageError(command, "--reason TEXT is required: say what is wrong with the finding");
  }
  std::vector<std::int64_t> ids;
  for (const std::string& p : args.positional()) {
    std::int64_t id = 0;
    if (!ParseRecordId(p, &id)) return UsageError(command, "'" + p + "' is not a finding id");
    ids.push_back(id);
  }
  auto opened = OpenCaseToWrite(command, dir);
  if (!opened) return kExitFailed;
  nlohmann::json decisions = nlohmann::json::array(), failed = nlohmann::json::array();
  for (std::int64_t id : ids) {
    auto d = inv::Decide(*opened->c, opened->who, id, status, reason);
    if (!d.ok()) {
      failed.push_back({{"finding", id}, {"error", d.status().message()}});
      Warn(command, "finding " + std::to_string(id) + ": " + d.status().message());
      continue;
    }
    decisions.push_back(inv::DecisionJson(id, *d));
    if (!args.Has("json")) {
      std::printf("finding %lld %s by %s (custody entry %lld)\n", static_cast<long long>(id),
                  inv::FindingStatusName(d->status), d->actor.c_str(),
                  static_cast<long long>(d->custody_seq));
    }
  }
  if (args.Has("json")) {
    PrintJson({{"case", DisplayPath(dir)}, {"decisions", decisions}, {"failed", failed}});
  }
  return failed.empty() ? kExitOk : kExitFailed;
}

int RunAccept(const Args& args) { return RunDecide("accept", inv::FindingStatus::kAccepted, args); }
int RunReject(const Args& args) { return RunDecide("reject", inv::FindingStatus::kRejected, args); }

}  // namespace

extern const Command kFindingsCommand = {
    "findings",     "list the relations the analyses suggest, with evidence and decisions",
    kFindingsUsage, {{"json"}, {"case", "kind", "status", "item", "min-score"}, {}},
    RunFindings,
};
extern const Command kAcceptCommand = {
    "accept",     "accept findings (recorded in custody with your name)",
    kAcceptUsage, {{"json"}, {"case", "reason"}, {}},
    RunAccept,
};
extern const Command kRejectCommand = {
    "reject",  "reject findings, with the reason", kRejectUsage, {{"json"}, {"case", "reason"}, {}},
    RunReject,
};

}  // namespace sightline::cli
