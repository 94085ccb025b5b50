#include <cstdio>

#include "cli/command.h"

namespace sightline::cli {

static int Run(const Args&) {
  std::fprintf(stderr, "sightline timestamp: not implemented yet\n");
  return kExitFailed;
}

extern const Command kTimestampCommand = {
    "timestamp", "(not implemented yet)", "Usage: sightline timestamp\n", {}, Run,
};

}  // namespace sightline::cli
