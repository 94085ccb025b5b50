#include <cstdio>

#include "cli/command.h"

namespace sightline::cli {

static int Run(const Args&) {
  std::fprintf(stderr, "sightline verify: not implemented yet\n");
  return kExitFailed;
}

extern const Command kVerifyCommand = {
    "verify", "(not implemented yet)", "Usage: sightline verify\n", {}, Run,
};

}  // namespace sightline::cli
