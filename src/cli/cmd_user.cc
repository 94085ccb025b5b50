// `sightline user`: accounts of the workbench (issue 8). Placeholder until the server lands;
// owned by the serve work.
#include "cli/command.h"

namespace sightline::cli {
namespace {

const char kUsage[] =
    "usage: sightline user add --case DIR NAME --role viewer|editor|admin\n"
    "\n"
    "Not built yet.\n";

int Run(const Args&) {
  std::fprintf(stderr, "sightline user: not built yet\n");
  return kExitFailed;
}

}  // namespace

extern const Command kUserCommand = {
    "user", "workbench accounts (not built yet)", kUsage, {{}, {"case", "role"}, {}}, Run,
};

}  // namespace sightline::cli
