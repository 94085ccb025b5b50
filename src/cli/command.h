// The shape every subcommand shares. A command parses nothing itself: it receives parsed Args,
// calls the library, and prints. Exit codes are the same everywhere (see ExitCode).
#ifndef SIGHTLINE_CLI_COMMAND_H_
#define SIGHTLINE_CLI_COMMAND_H_

#include <cstdio>
#include <string>

#include "cli/args.h"

namespace sightline::cli {

enum ExitCode : int {
  kExitOk = 0,      // everything went well
  kExitFailed = 1,  // some input failed or a check found a problem
  kExitUsage = 2,   // the command line was wrong
};

struct Command {
  const char* name;
  const char* summary;  // one line for `sightline help`
  const char* usage;    // the full text for `sightline CMD --help`
  OptionSpec options;
  int (*run)(const Args& args);
};

// Prints "sightline CMD: message" and a hint to stderr; returns kExitUsage.
int UsageError(const char* command, const std::string& message);

// Prints "sightline CMD: message" for a failed library call; returns kExitUsage when the library
// refused what was typed (kInvalidArgument), else kExitFailed.
int FailWith(const char* command, const Status& status);

// All commands, in the order `help` lists them; ends with a null name.
extern const Command* const kCommands[];

}  // namespace sightline::cli

#endif  // SIGHTLINE_CLI_COMMAND_H_
