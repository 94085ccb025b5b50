// sightline verify: check that a case (or an exported bundle) is intact.
#include <cstdio>

#include "base/file.h"
#include "cli/case_access.h"
#include "cli/command.h"
#include "cli/output.h"
#include "evidence/verify.h"

namespace sightline::cli {

namespace {

constexpr char kUsage[] =
    "Usage: sightline verify --case DIR [--json]\n"
    "\n"
    "Re-hashes every original, checks the custody chain and every signature, and compares the\n"
    "catalogue with the objects and with the log. Names each problem: a modified object (by its\n"
    "hash), a missing object, a stray file in objects/, an edited, dropped or re-ordered custody\n"
    "entry (by seq), a bad signature. Read-only; safe while another process ingests.\n"
    "\n"
    "  --json   {\"ok\", \"items\", \"entries\", \"bytes_hashed\", \"log_head\",\n"
    "           \"problems\": [{\"code\", \"message\", \"object_sha256\", \"seq\", \"path\"}],\n"
    "           \"notes\": [...]}\n"
    "\n"
    "Exit status: 0 the case is intact, 1 a problem was found (or the case cannot be read),\n"
    "2 usage error.\n";

int VerifyCaseDir(const std::string& dir, bool json) {
  auto c = OpenCase("verify", dir, evidence::Case::Access::kRead);
  if (!c) return kExitFailed;
  evidence::VerifyReport report;
  {
    ProgressMeter progress("verify", 0, 0);
    report = evidence::VerifyCase(*c, [&](std::uint64_t n) { progress.AddBytes(n); });
  }
  if (json) {
    nlohmann::json problems = nlohmann::json::array();
    for (const auto& p : report.problems) {
      problems.push_back(
          {{"code", p.code},
           {"message", p.message},
           {"object_sha256",
            p.object_sha256.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.object_sha256)},
           {"seq", p.seq ? nlohmann::json(p.seq) : nlohmann::json(nullptr)},
           {"path",
            p.path.empty() ? nlohmann::json(nullptr) : nlohmann::json(DisplayPath(p.path))}});
    }
    PrintJson({{"case", DisplayPath(dir)},
               {"case_id", c->case_id()},
               {"ok", report.ok()},
               {"items", report.items},
               {"entries", report.entries},
               {"bytes_hashed", report.bytes_hashed},
               {"log_head", report.log_head},
               {"problems", problems},
               {"notes", report.notes}});
  } else {
    for (const auto& p : report.problems)
      std::printf("PROBLEM %s: %s\n", p.code.c_str(), p.message.c_str());
    for (const auto& n : report.notes) std::printf("note: %s\n", n.c_str());
    if (report.ok()) {
      std::printf(
          "case OK: %lld items (%s re-hashed), %lld custody entries, chain intact, "
          "every signature valid\nlog head %s\n",
          static_cast<long long>(report.items), HumanSize(report.bytes_hashed).c_str(),
          static_cast<long long>(report.entries), report.log_head.c_str());
    } else {
      std::printf("case FAILED verification: %zu problem%s\n", report.problems.size(),
                  report.problems.size() == 1 ? "" : "s");
    }
  }
  return report.ok() ? kExitOk : kExitFailed;
}

int Run(const Args& args) {
  std::string dir = args.Get("case");
  if (dir.empty()) return UsageError("verify", "give --case DIR");
  if (!args.positional().empty()) return UsageError("verify", "unexpected argument");
  return VerifyCaseDir(dir, args.Has("json"));
}

}  // namespace

extern const Command kVerifyCommand = {
    "verify", "check a case: hashes, custody chain, signatures, strays",
    kUsage,   {{"json"}, {"case"}, {}},
    Run,
};

}  // namespace sightline::cli
