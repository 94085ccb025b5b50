// sightline timestamp: RFC 3161 trusted time over the head of a case's custody log.
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/file.h"
#include "cli/case_access.h"
#include "cli/command.h"
#include "cli/output.h"
#include "evidence/case_timestamp.h"

namespace sightline::cli {

namespace {

constexpr char kUsage[] =
    "Usage: sightline timestamp --case DIR --tsa URL [--tsa-chain PEM] [--timeout SECONDS] "
    "[--json]\n"
    "\n"
    "Asks a time-stamping authority (RFC 3161) to sign the hash of the custody log's last entry,\n"
    "proving that everything recorded so far existed no later than the time it signs. The token\n"
    "and the TSA's certificate chain are stored in the case and the request is itself recorded in\n"
    "the log. This is the only command that uses the network, and only the URL you give.\n"
    "'sightline verify' checks stored tokens offline.\n"
    "\n"
    "  --tsa URL          the TSA's http:// or https:// address\n"
    "  --tsa-chain PEM    the TSA's CA certificates, for a TSA that does not send its root\n"
    "  --timeout SECONDS  give up after this long (default 30)\n"
    "  --json             {\"log_seq\", \"log_head\", \"gen_time\", \"tsa_url\", \"tsa_name\",\n"
    "                     \"serial\", \"policy\", \"custody_seq\"}\n"
    "\n"
    "Exit status: 0 the token was stored, 1 it was not (the TSA could not be reached, refused,\n"
    "or its answer failed a check: then nothing is stored or recorded), 2 usage error.\n";

bool HasHttpScheme(const std::string& url) {
  std::size_t colon = url.find("://");
  if (colon == std::string::npos) return false;
  std::string scheme = url.substr(0, colon);
  for (char& ch : scheme) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return scheme == "http" || scheme == "https";
}

// True when the URL's authority carries "user:password@": the URL is stored in the case and in
// its signed log, where credentials must never go.
bool HasUserInfo(const std::string& url) {
  std::size_t start = url.find("://");
  if (start == std::string::npos) return false;
  start += 3;
  std::size_t end = url.find_first_of("/?#", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start).find('@') !=
         std::string::npos;
}

int Run(const Args& args) {
  std::string dir = args.Get("case"), url = args.Get("tsa");
  if (dir.empty()) return UsageError("timestamp", "--case DIR is required");
  if (url.empty()) return UsageError("timestamp", "--tsa URL is required");
  if (!args.positional().empty()) {
    return UsageError("timestamp", "unexpected argument '" + args.positional().front() + "'");
  }
  if (!HasHttpScheme(url)) {
    return UsageError("timestamp", "--tsa " + url + ": give an http:// or https:// URL");
  }
  if (HasUserInfo(url)) {
    return UsageError("timestamp",
                      "--tsa: the URL holds a user name or password; it would be "
                      "stored in the case and its log, so give it without them");
  }
  char* end = nullptr;
  std::string timeout_text = args.Get("timeout", "30");
  long timeout = std::strtol(timeout_text.c_str(), &end, 10);
  if (*end || timeout <= 0 || timeout > 3600) {
    return UsageError("timestamp", "--timeout must be a number of seconds between 1 and 3600");
  }
  std::string chain;
  if (args.Has("tsa-chain")) {
    auto pem = ReadFileToString(args.Get("tsa-chain"), 1 << 20);
    if (!pem.ok()) {
      Warn("timestamp", pem.status().message());
      return kExitFailed;
    }
    chain = *pem;
  }
  // The case first: a mistyped case path must not leave a new signing key behind.
  auto c = OpenCase("timestamp", dir, evidence::Case::Access::kWrite);
  if (!c) return kExitFailed;
  auto who = evidence::DefaultIdentity();
  if (!who.ok()) {
    Warn("timestamp", "cannot load the signing key: " + who.status().message());
    return kExitFailed;
  }
  auto r = evidence::TimestampCase(*c, *who, url, static_cast<int>(timeout), chain);
  if (!r.ok()) {
    Warn("timestamp", r.status().message() + "; no timestamp was stored");
    return kExitFailed;
  }
  const auto& t = r->stored;
  if (args.Has("json")) {
    PrintJson({{"log_seq", t.log_seq},
               {"log_head", t.log_head},
               {"gen_time", t.gen_time},
               {"tsa_url", t.tsa_url},
               {"tsa_name", r->token.tsa_name},
               {"serial", r->token.serial_hex},
               {"policy", r->token.policy_oid},
               {"custody_seq", t.custody_seq}});
  } else {
    std::printf(
        "custody log up to entry %lld (head %s)\nexisted no later than %s\n"
        "according to %s (%s), serial %s\nstored and recorded as custody entry %lld\n",
        static_cast<long long>(t.log_seq), t.log_head.c_str(), t.gen_time.c_str(),
        r->token.tsa_name.c_str(), t.tsa_url.c_str(), r->token.serial_hex.c_str(),
        static_cast<long long>(t.custody_seq));
  }
  return kExitOk;
}

}  // namespace

extern const Command kTimestampCommand = {
    "timestamp", "get an RFC 3161 trusted timestamp over the custody log",
    kUsage,      {{"json"}, {"case", "tsa", "tsa-chain", "timeout"}, {}},
    Run,
};

}  // namespace sightline::cli
