// sightline claim add|list|set|evidence: statements with a confidence and their evidence.
#include <cstdio>

#include "case/claims.h"
#include "cli/case_access.h"
#include "cli/command.h"
#include "cli/output.h"

namespace sightline::cli {

namespace {

namespace inv = investigation;

constexpr char kUsage[] =
    "Usage: sightline claim add --case DIR --confidence LEVEL [--reason TEXT]\n"
    "                           [--supports REF]... [--contradicts REF]... [--json] STATEMENT\n"
    "       sightline claim set --case DIR --confidence LEVEL --reason TEXT [--json] CLAIM\n"
    "       sightline claim evidence --case DIR (--supports REF | --contradicts REF)\n"
    "                                [--note TEXT] [--json] CLAIM\n"
    "       sightline claim list --case DIR [--json]\n"
    "\n"
    "A claim is a statement the desk may publish (\"the trucks in clips 3 and 7 are the same\"),\n"
    "with a confidence level, the evidence for and against it, and who decided the level, when\n"
    "and why. Every change is a signed custody entry; `set` keeps the earlier level in it.\n"
    "\n"
    "  --confidence LEVEL  confirmed, likely, unconfirmed or false\n"
    "  --supports REF      evidence for it; REF is KIND:ID with KIND item, finding, observation,\n"
    "  --contradicts REF   location, relation or source (e.g. finding:12, item:3)\n"
    "  --json              the claim {\"id\", \"statement\", \"confidence\", \"reason\", "
    "\"decided_by\",\n"
    "                      \"decided_at\", \"actor\", \"created_at\", \"custody_seq\", "
    "\"evidence\":\n"
    "                      [{\"id\", \"role\", \"ref\", \"note\", …}]}; list: {\"case\", "
    "\"claims\": […]}\n";

void PrintClaim(const inv::Claim& cl) {
  std::printf("claim %lld [%s] %s\n", static_cast<long long>(cl.id), cl.confidence.c_str(),
              cl.statement.c_str());
  std::printf("  decided by %s at %s%s%s\n", cl.decided_by.c_str(), cl.decided_at.c_str(),
              cl.reason.empty() ? "" : ": ", cl.reason.c_str());
  for (const auto& e : cl.evidence) {
    std::printf("  %-11s %s:%lld%s%s\n", e.supports ? "supports" : "contradicts",
                e.ref_kind.c_str(), static_cast<long long>(e.ref_id), e.note.empty() ? "" : "  ",
                e.note.c_str());
  }
}

int Print(const Args& args, const Result<inv::Claim>& cl) {
  if (!cl.ok()) return FailWith("claim", cl.status());
  if (args.Has("json")) {
    PrintJson(inv::ClaimJson(*cl));
  } else {
    PrintClaim(*cl);
  }
  return kExitOk;
}

// The --supports and --contradicts references, parsed.
Result<std::vector<inv::ClaimEvidence>> EvidenceArgs(const Args& args) {
  std::vector<inv::ClaimEvidence> out;
  for (const char* role : {"supports", "contradicts"}) {
    for (const std::string& ref : args.GetAll(role)) {
      SL_ASSIGN_OR_RETURN(inv::ClaimEvidence e, inv::ParseEvidenceRef(ref));
      e.supports = std::string(role) == "supports";
      e.note = args.Get("note");
      out.push_back(std::move(e));
    }
  }
  return out;
}

int Run(const Args& args) {
  std::string dir = args.Get("case");
  const auto& pos = args.positional();
  if (pos.empty()) return UsageError("claim", "give add, set, evidence or list");
  if (dir.empty()) return UsageError("claim", "--case DIR is required");
  const std::string& verb = pos[0];
  if (verb == "list") {
    if (pos.size() != 1) return UsageError("claim", "list takes no argument");
    auto c = OpenCase("claim", dir, evidence::Case::Access::kRead);
    if (!c) return kExitFailed;
    auto claims = inv::ListClaims(*c);
    if (!claims.ok()) return FailWith("claim", claims.status());
    if (args.Has("json")) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& cl : *claims) list.push_back(inv::ClaimJson(cl));
      PrintJson({{"case", DisplayPath(dir)}, {"claims", list}});
    } else {
      for (const auto& cl : *claims) PrintClaim(cl);
      std::printf("%zu claims\n", claims->size());
    }
    return kExitOk;
  }
  if (verb != "add" && verb != "set" && verb != "evidence") {
    return UsageError("claim", "unknown action '" + verb + "' (add, set, evidence or list)");
  }
  if (pos.size() != 2) {
    return UsageError("claim",
                      verb == "add" ? "give the STATEMENT (quote it)" : "give the CLAIM id");
  }
  auto evidence = EvidenceArgs(args);
  if (!evidence.ok()) return UsageError("claim", evidence.status().message());
  std::int64_t id = 0;
  if (verb != "add" && !ParseRecordId(pos[1], &id)) {
    return UsageError("claim", "'" + pos[1] + "' is not a claim id");
  }
  if (verb != "evidence" && !args.Has("confidence")) {
    return UsageError("claim", "--confidence is " + inv::Alternatives(inv::kConfidenceLevels));
  }
  if (verb == "set" && args.Get("reason").empty()) {
    return UsageError("claim", "--reason TEXT is required: say why the confidence changes");
  }
  if (verb == "evidence" && evidence->size() != 1) {
    return UsageError("claim", "give one --supports REF or --contradicts REF");
  }
  auto opened = OpenCaseToWrite("claim", dir);
  if (!opened) return kExitFailed;
  evidence::Case& c = *opened->c;
  if (verb == "add") {
    inv::Claim claim;
    claim.statement = pos[1];
    claim.confidence = args.Get("confidence");
    claim.reason = args.Get("reason");
    claim.evidence = std::move(*evidence);
    return Print(args, inv::AddClaim(c, opened->who, claim));
  }
  if (verb == "set") {
    return Print(
        args, inv::SetConfidence(c, opened->who, id, args.Get("confidence"), args.Get("reason")));
  }
  inv::ClaimEvidence e = evidence->front();
  e.claim_id = id;
  auto added = inv::AddClaimEvidence(c, opened->who, e);
  if (!added.ok()) return FailWith("claim", added.status());
  return Print(args, inv::GetClaim(c, id));
}

}  // namespace

extern const Command kClaimCommand = {
    "claim", "statements with a confidence level and their evidence (add, set, evidence, list)",
    kUsage,  {{"json"}, {"case", "confidence", "reason", "note"}, {"supports", "contradicts"}},
    Run,
};

}  // namespace sightline::cli
