// `sightline user`: the workbench's accounts (issue 8). Thin: accounts are server/accounts.h.
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "base/file.h"
#include "cli/command.h"
#include "cli/output.h"
#include "evidence/case.h"
#include "server/accounts.h"

namespace sightline::cli {
namespace {

const char kUsage[] =
    "usage: sightline user add --case DIR --role viewer|editor|admin [--password-file FILE] NAME\n"
    "       sightline user list --case DIR [--json]\n"
    "       sightline user remove --case DIR NAME\n"
    "\n"
    "Accounts of the workbench (`sightline serve`). A viewer reads the case; an editor also\n"
    "decides findings, annotates, uploads and edits sources and claims; an admin also manages\n"
    "accounts. Passwords are hashed with Argon2id. Accounts live in "
    "DIR/workbench/accounts.sqlite,\n"
    "apart from the evidence (doc/serve.md).\n"
    "\n"
    "  --password-file FILE  read the password from the first line of FILE; otherwise it is read\n"
    "                        from stdin (one line) when stdin is not a terminal, or asked for\n"
    "                        twice without echo\n"
    "  --json                list: {\"users\": [{\"user\", \"role\", \"created_at\"}]}\n";

// One line from `in`, without its line ending.
std::string ReadLine(std::istream& in) {
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string AskHidden(const char* prompt) {
  std::fprintf(stderr, "%s", prompt);
  termios old{};
  const bool tty = tcgetattr(STDIN_FILENO, &old) == 0;
  if (tty) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line = ReadLine(std::cin);
  if (tty) tcsetattr(STDIN_FILENO, TCSANOW, &old);
  std::fprintf(stderr, "\n");
  return line;
}

Result<std::string> ReadPassword(const Args& args) {
  if (args.Has("password-file")) {
    std::ifstream in(args.Get("password-file"));
    if (!in) return NotFound("cannot read " + args.Get("password-file"));
    return ReadLine(in);
  }
  if (!isatty(STDIN_FILENO)) return ReadLine(std::cin);
  std::string first = AskHidden("password: ");
  std::string again = AskHidden("password again: ");
  if (first != again) return InvalidArgument("the two passwords differ");
  return first;
}

int Run(const Args& args) {
  const auto& pos = args.positional();
  if (pos.empty()) return UsageError("user", "give add, list or remove");
  const std::string dir = args.Get("case");
  if (dir.empty()) return UsageError("user", "--case DIR is required");
  const std::string& verb = pos[0];
  if (verb != "add" && verb != "list" && verb != "remove") {
    return UsageError("user", "unknown action '" + verb + "' (add, list or remove)");
  }
  if (verb == "list" ? pos.size() != 1 : pos.size() != 2) {
    return UsageError("user", verb == "list" ? "list takes no argument" : "give the account NAME");
  }
  std::optional<server::Role> role;
  if (verb == "add") {
    role = server::ParseRole(args.Get("role"));
    if (!role) return UsageError("user", "--role is viewer, editor or admin");
    if (!server::IsValidAccountName(pos[1])) {
      return UsageError("user", "'" + pos[1] + "': a NAME is 1 to 64 of A-Z a-z 0-9 . _ @ -");
    }
  }
  if (!evidence::Case::Exists(dir)) {
    Warn("user", DisplayPath(dir) + " is not a Sightline case");
    return kExitFailed;
  }
  auto store = server::AccountStore::Open(dir);
  if (!store.ok()) return FailWith("user", store.status());
  if (verb == "add") {
    auto password = ReadPassword(args);
    if (!password.ok()) return FailWith("user", password.status());
    auto added = (*store)->Add(pos[1], *password, *role);
    if (!added.ok()) return FailWith("user", added.status());
    std::printf("account %s (%s) added\n", added->name.c_str(), server::RoleName(added->role));
    return kExitOk;
  }
  if (verb == "remove") {
    Status removed = (*store)->Remove(pos[1]);
    if (!removed.ok()) return FailWith("user", removed);
    std::printf("account %s removed (a running `serve` ends its sessions when they expire)\n",
                pos[1].c_str());
    return kExitOk;
  }
  auto accounts = (*store)->List();
  if (!accounts.ok()) return FailWith("user", accounts.status());
  if (args.Has("json")) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& a : *accounts) {
      list.push_back(
          {{"user", a.name}, {"role", server::RoleName(a.role)}, {"created_at", a.created_at}});
    }
    PrintJson({{"users", list}});
    return kExitOk;
  }
  for (const auto& a : *accounts) {
    std::printf("%-24s %-7s %s\n", a.name.c_str(), server::RoleName(a.role), a.created_at.c_str());
  }
  std::printf("%zu accounts\n", accounts->size());
  return kExitOk;
}

}  // namespace

extern const Command kUserCommand = {
    "user", "workbench accounts: add, list, remove (for sightline serve)",
    kUsage, {{"json"}, {"case", "role", "password-file"}, {}},
    Run,
};

}  // namespace sightline::cli
