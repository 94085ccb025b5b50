// `sightline serve`: the workbench web app over a case (issue 8). Placeholder until the server
// lands; owned by the serve work.
#include "cli/command.h"

namespace sightline::cli {
namespace {

const char kUsage[] =
    "usage: sightline serve --case DIR [--listen 127.0.0.1:PORT]\n"
    "\n"
    "Not built yet.\n";

int Run(const Args&) {
  std::fprintf(stderr, "sightline serve: not built yet\n");
  return kExitFailed;
}

}  // namespace

extern const Command kServeCommand = {
    "serve", "the workbench web app for a case (not built yet)", kUsage, {{}, {"case", "listen"}, {}},
    Run,
};

}  // namespace sightline::cli
