#include <cstdio>

#include "cli/command.h"

namespace sightline::cli {

static int Run(const Args&) {
  std::fprintf(stderr, "sightline export: not implemented yet\n");
  return kExitFailed;
}

extern const Command kExportCommand = {
    "export", "(not implemented yet)", "Usage: sightline export\n", {}, Run,
};

}  // namespace sightline::cli
