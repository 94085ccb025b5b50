// sightline sun: placeholder registered so the command table is stable while it is written.
#include <cstdio>

#include "cli/command.h"

namespace sightline::cli {
namespace {

constexpr char kUsage[] = "usage: sightline sun ... (not implemented yet)\n";

int Run(const Args&) {
  std::fprintf(stderr, "sightline sun: not implemented yet\n");
  return kExitUsage;
}

}  // namespace

extern const Command kSunCommand = {
    "sun", "sun position (NREL SPA) at a place and time", kUsage, {{"json"}, {}, {}}, Run};

}  // namespace sightline::cli
