// sightline shadow: placeholder registered so the command table is stable while it is written.
#include <cstdio>

#include "cli/command.h"

namespace sightline::cli {
namespace {

constexpr char kUsage[] = "usage: sightline shadow ... (not implemented yet)\n";

int Run(const Args&) {
  std::fprintf(stderr, "sightline shadow: not implemented yet\n");
  return kExitUsage;
}

}  // namespace

extern const Command kShadowCommand = {"shadow",
                                       "times and places consistent with a measured shadow",
                                       kUsage,
                                       {{"json"}, {}, {}},
                                       Run};

}  // namespace sightline::cli
