#include <cstdio>

#include "cli/command.h"

namespace sightline::cli {

static int Run(const Args&) {
  std::fprintf(stderr, "sightline ingest: not implemented yet\n");
  return kExitFailed;
}

extern const Command kIngestCommand = {
    "ingest", "(not implemented yet)", "Usage: sightline ingest\n", {}, Run,
};

}  // namespace sightline::cli
