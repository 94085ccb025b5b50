// sightline scene: placeholder registered so the command table is stable while it is written.
#include <cstdio>

#include "cli/command.h"

namespace sightline::cli {
namespace {

constexpr char kUsage[] = "usage: sightline scene ... (not implemented yet)\n";

int Run(const Args&) {
  std::fprintf(stderr, "sightline scene: not implemented yet\n");
  return kExitUsage;
}

}  // namespace

extern const Command kSceneCommand = {
    "scene", "whether two images or videos show the same place", kUsage, {{"json"}, {}, {}}, Run};

}  // namespace sightline::cli
