// sightline locate: placeholder registered so the command table is stable while it is written.
#include <cstdio>

#include "cli/command.h"

namespace sightline::cli {
namespace {

constexpr char kUsage[] = "usage: sightline locate ... (not implemented yet)\n";

int Run(const Args&) {
  std::fprintf(stderr, "sightline locate: not implemented yet\n");
  return kExitUsage;
}

}  // namespace

extern const Command kLocateCommand = {
    "locate", "reference images ranked by same-place evidence", kUsage, {{"json"}, {}, {}}, Run};

}  // namespace sightline::cli
