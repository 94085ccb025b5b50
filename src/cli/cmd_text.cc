// sightline text: words in the picture (OCR on keyframes). Placeholder until the OCR stage lands.
#include "cli/command.h"

namespace sightline::cli {
namespace {

int RunText(const Args&) {
  std::fprintf(stderr, "sightline text: not built yet\n");
  return kExitFailed;
}

}  // namespace

extern const Command kTextCommand = {
    "text",
    "read text in the picture (OCR on keyframes)",
    "usage: sightline text [--json] FILE...\n",
    {},
    RunText,
};

}  // namespace sightline::cli
