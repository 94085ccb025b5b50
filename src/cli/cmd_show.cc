#include <cstdio>

#include "cli/command.h"

namespace sightline::cli {

static int Run(const Args&) {
  std::fprintf(stderr, "sightline show: not implemented yet\n");
  return kExitFailed;
}

extern const Command kShowCommand = {
    "show", "(not implemented yet)", "Usage: sightline show\n", {}, Run,
};

}  // namespace sightline::cli
