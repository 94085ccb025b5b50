#include <cstdio>

#include "cli/command.h"

namespace sightline::cli {

static int Run(const Args&) {
  std::fprintf(stderr, "sightline probe: not implemented yet\n");
  return kExitFailed;
}

extern const Command kProbeCommand = {
    "probe", "(not implemented yet)", "Usage: sightline probe\n", {}, Run,
};

}  // namespace sightline::cli
