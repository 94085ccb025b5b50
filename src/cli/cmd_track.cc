// sightline track: placeholder registered so the command table is stable while it is written.
#include <cstdio>

#include "cli/command.h"

namespace sightline::cli {
namespace {

constexpr char kUsage[] = "usage: sightline track ... (not implemented yet)\n";

int Run(const Args&) {
  std::fprintf(stderr, "sightline track: not implemented yet\n");
  return kExitUsage;
}

}  // namespace

extern const Command kTrackCommand = {
    "track",
    "GPS track of a clip (GoPro GPMF, GPX) and the position at a time",
    kUsage,
    {{"json"}, {}, {}},
    Run};

}  // namespace sightline::cli
