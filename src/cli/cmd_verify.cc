// sightline verify: check that a case (or an exported bundle) is intact.
#include <cstdio>

#include "base/file.h"
#include "cli/case_access.h"
#include "cli/command.h"
#include "cli/output.h"
#include "evidence/bundle.h"
#include "evidence/verify.h"

namespace sightline::cli {

namespace {

constexpr char kUsage[] =
    "Usage: sightline verify --case DIR [--tsa-ca PEM] [--json]\n"
    "       sightline verify --bundle BUNDLE.zip [--json]\n"
    "\n"
    "Re-hashes every original, checks the custody chain and every signature, and compares the\n"
    "catalogue with the objects and with the log. Names each problem: a modified object (by its\n"
    "hash), a missing object, a stray file in objects/, an edited, dropped or re-ordered custody\n"
    "entry (by seq), a bad signature. Checks stored RFC 3161 timestamps offline. Read-only;\n"
    "safe while another process ingests.\n"
    "\n"
    "With --bundle, checks an exported bundle with no case present: every file against the\n"
    "signed manifest, nothing added, every custody entry's hash and signature.\n"
    "\n"
    "  --tsa-ca PEM  trust only these roots for timestamps (default: the root stored with each\n"
    "                token, whose fingerprint is shown for you to compare with the TSA's)\n"
    "  --json   {\"ok\", \"items\", \"entries\", \"bytes_hashed\", \"log_head\",\n"
    "           \"problems\": [{\"code\", \"message\", \"object_sha256\", \"seq\", \"path\"}],\n"
    "           \"notes\": [...]}\n"
    "\n"
    "Exit status: 0 the case is intact, 1 a problem was found (or the case cannot be read),\n"
    "2 usage error.\n";

nlohmann::json OrNull(const std::string& s) {
  return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

int VerifyCaseDir(const std::string& dir, const std::string& tsa_ca, bool json) {
  auto c = OpenCase("verify", dir, evidence::Case::Access::kRead);
  if (!c) return kExitFailed;
  evidence::VerifyReport report;
  {
    ProgressMeter progress("verify", 0, 0);
    report = evidence::VerifyCase(
        *c, [&](std::uint64_t n) { progress.AddBytes(n); }, tsa_ca);
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
               {"timestamps", report.timestamps},
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

int VerifyBundleFile(const std::string& path, bool json) {
  evidence::BundleReport report;
  {
    ProgressMeter progress("verify", 0, 0);
    report = evidence::VerifyBundle(path, [&](std::uint64_t n) { progress.AddBytes(n); });
  }
  if (json) {
    nlohmann::json problems = nlohmann::json::array();
    for (const auto& p : report.problems) {
      problems.push_back({{"code", p.code}, {"message", p.message}});
    }
    PrintJson({{"bundle", DisplayPath(path)},
               {"ok", report.ok()},
               {"case_id", OrNull(report.case_id)},
               {"exported_at", OrNull(report.exported_at)},
               {"exported_by", OrNull(report.exported_by)},
               {"complete", report.complete},
               {"items", report.items},
               {"entries", report.entries},
               {"bytes_hashed", report.bytes_hashed},
               {"problems", problems},
               {"notes", report.notes}});
  } else {
    for (const auto& p : report.problems) {
      std::printf("PROBLEM %s: %s\n", p.code.c_str(), p.message.c_str());
    }
    for (const auto& n : report.notes) std::printf("note: %s\n", n.c_str());
    if (report.ok()) {
      std::printf(
          "bundle OK: %zu items (%s re-hashed), %zu custody entries, manifest signed by "
          "%s at %s; case %s\n",
          report.items, HumanSize(report.bytes_hashed).c_str(), report.entries,
          report.exported_by.c_str(), report.exported_at.c_str(), report.case_id.c_str());
    } else {
      std::printf("bundle FAILED verification: %zu problem%s\n", report.problems.size(),
                  report.problems.size() == 1 ? "" : "s");
    }
  }
  return report.ok() ? kExitOk : kExitFailed;
}

int Run(const Args& args) {
  std::string dir = args.Get("case"), bundle = args.Get("bundle");
  if (dir.empty() == bundle.empty())
    return UsageError("verify", "give --case DIR or --bundle FILE");
  if (!args.positional().empty()) return UsageError("verify", "unexpected argument");
  if (!bundle.empty()) return VerifyBundleFile(bundle, args.Has("json"));
  std::string tsa_ca;
  if (args.Has("tsa-ca")) {
    auto pem = ReadFileToString(args.Get("tsa-ca"), 1 << 20);
    if (!pem.ok()) {
      Warn("verify", pem.status().message());
      return kExitFailed;
    }
    tsa_ca = *pem;
  }
  return VerifyCaseDir(dir, tsa_ca, args.Has("json"));
}

}  // namespace

extern const Command kVerifyCommand = {
    "verify", "check a case or a bundle: hashes, custody chain, signatures",
    kUsage,   {{"json"}, {"case", "bundle", "tsa-ca"}, {}},
    Run,
};

}  // namespace sightline::cli
