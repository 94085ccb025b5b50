// sightline redact: blurs faces and chosen regions in the pictures of an exported report.
// (Placeholder until the redaction lands: it refuses, so nothing is half-done.)
#include "cli/command.h"

namespace sightline::cli {

namespace {

constexpr char kUsage[] =
    "Usage: sightline redact REPORT_DIR\n"
    "\n"
    "Not available yet in this build.\n";

int Run(const Args&) { return UsageError("redact", "not available yet in this build"); }

}  // namespace

extern const Command kRedactCommand = {
    "redact", "blur faces and chosen regions in an exported report", kUsage, {{}, {}, {}}, Run,
};

}  // namespace sightline::cli
