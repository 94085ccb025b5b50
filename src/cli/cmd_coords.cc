// sightline coords: placeholder registered so the command table is stable while it is written.
#include <cstdio>

#include "cli/command.h"

namespace sightline::cli {
namespace {

constexpr char kUsage[] = "usage: sightline coords ... (not implemented yet)\n";

int Run(const Args&) {
  std::fprintf(stderr, "sightline coords: not implemented yet\n");
  return kExitUsage;
}

}  // namespace

extern const Command kCoordsCommand = {
    "coords",
    "parse and convert coordinates (decimal, DMS, ISO 6709, UTM, MGRS)",
    kUsage,
    {{"json"}, {}, {}},
    Run};

}  // namespace sightline::cli
