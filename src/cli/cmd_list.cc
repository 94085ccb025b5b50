#include <cstdio>

#include "cli/command.h"

namespace sightline::cli {

static int Run(const Args&) {
  std::fprintf(stderr, "sightline list: not implemented yet\n");
  return kExitFailed;
}

extern const Command kListCommand = {
    "list", "(not implemented yet)", "Usage: sightline list\n", {}, Run,
};

}  // namespace sightline::cli
