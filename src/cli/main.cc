// sightline: the command-line face of the Sightline library. Thin by design: each subcommand in
// cmd_*.cc turns arguments into library calls and prints the result.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "cli/archive_commands.h"
#include "cli/command.h"
#include "cli/output.h"
#include "media/probe.h"
#include "version.h"

namespace sightline::cli {

int UsageError(const char* command, const std::string& message) {
  std::fprintf(stderr, "sightline %s: %s\nTry 'sightline %s --help'.\n", command, message.c_str(),
               command);
  return kExitUsage;
}

int FailWith(const char* command, const Status& status) {
  Warn(command, status.message());
  return status.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailed;
}

static const Command* Find(const std::string& name) {
  for (const Command* const* c = kCommands; *c; ++c) {
    if (name == (*c)->name) return *c;
  }
  return nullptr;
}

static void PrintOverview(FILE* out) {
  std::fprintf(out,
               "Sightline %s: verify user-generated video, offline.\n\n"
               "Usage: sightline COMMAND [OPTIONS] [ARGS]\n\nCommands:\n",
               kSightlineVersion);
  for (const Command* const* c = kCommands; *c; ++c) {
    std::fprintf(out, "  %-11s %s\n", (*c)->name, (*c)->summary);
  }
  std::fprintf(
      out,
      "  %-11s %s\n\n"
      "Run 'sightline help COMMAND' or 'sightline COMMAND --help' for details.\n"
      "Exit status: 0 all went well, 1 some input failed or a check failed, 2 usage error.\n",
      "help", "show this overview or a command's help");
}

static int Main(int argc, char** argv) {
  std::vector<std::string> rest(argv + 1, argv + argc);
  if (rest.empty()) {
    PrintOverview(stderr);
    return kExitUsage;
  }
  const std::string& first = rest[0];
  if (first == "--version" || first == "version") {
    std::printf("sightline %s\n", kSightlineVersion);
    return kExitOk;
  }
  if (first == "help" || first == "--help" || first == "-h") {
    if (rest.size() > 1) {
      const Command* c = Find(rest[1]);
      if (!c) return UsageError("help", "no command named '" + rest[1] + "'");
      std::fputs(c->usage, stdout);
      return kExitOk;
    }
    PrintOverview(stdout);
    return kExitOk;
  }
  const Command* c = Find(first);
  if (!c) {
    std::fprintf(stderr, "sightline: '%s' is not a command. See 'sightline help'.\n",
                 first.c_str());
    return kExitUsage;
  }
  rest.erase(rest.begin());
  // `archive shard` is a long-running process with options of its own (cmd_archive_shard.cc).
  if (std::string(c->name) == "archive" && !rest.empty() && rest[0] == "shard") {
    return RunArchiveShard(std::vector<std::string>(rest.begin() + 1, rest.end()));
  }
  Result<Args> args = Args::Parse(rest, c->options);
  if (!args.ok()) return UsageError(c->name, args.status().message());
  if (args->Has("help")) {
    std::fputs(c->usage, stdout);
    return kExitOk;
  }
  return c->run(*args);
}

}  // namespace sightline::cli

int main(int argc, char** argv) {
  // A write past a file-size limit must fail with EFBIG, reported like a full disk, rather than
  // kill the process halfway through a batch.
  std::signal(SIGXFSZ, SIG_IGN);
  // FFmpeg and exiv2 log to stderr; their errors reach the user as messages naming the file.
  sightline::media::SilenceMediaLibraryLogs();
  try {
    return sightline::cli::Main(argc, argv);
  } catch (const std::bad_alloc&) {
    // Under a memory cap (SIGHTLINE_MEMORY_MB, ulimit -v) a file can need more than allowed.
    // Every write to a case is one transaction, so what was being written is rolled back whole.
    std::fputs(
        "sightline: out of memory: this input needs more than the process may use "
        "(SIGHTLINE_MEMORY_MB or ulimit -v); nothing half-written was kept (doc/limits.md)\n",
        stderr);
    return sightline::cli::kExitFailed;
  }
}
