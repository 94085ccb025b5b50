#include "cli/events_common.h"

#include <cmath>
#include <cstdlib>

namespace sightline::cli {

namespace ev = analysis::events;

bool ParseReal(const std::string& text, double lo, double hi, double* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (*end || !std::isfinite(v) || v < lo || v > hi) return false;
  *out = v;
  return true;
}

Result<ev::EventOptions> ParseEventOptions(const Args& args) {
  ev::EventOptions o;
  if (args.Has("min-confidence") && !ParseReal(args.Get("min-confidence"), 0, 1, &o.min_confidence))
    return InvalidArgument("--min-confidence must be a number from 0 to 1");
  if (args.Has("temperature") &&
      !ParseReal(args.Get("temperature"), -50, 60, &o.distance.temperature_c))
    return InvalidArgument("--temperature must be degrees Celsius from -50 to 60");
  if (args.Has("bullet-speed")) {
    const std::string v = args.Get("bullet-speed");
    const auto colon = v.find(':');
    const double c = ev::SpeedOfSound(o.distance.temperature_c);
    if (colon == std::string::npos ||
        !ParseReal(v.substr(0, colon), c + 1, 3000, &o.distance.bullet_speed_lo) ||
        !ParseReal(v.substr(colon + 1), c + 1, 3000, &o.distance.bullet_speed_hi) ||
        o.distance.bullet_speed_lo > o.distance.bullet_speed_hi) {
      return InvalidArgument(
          "--bullet-speed must be LO:HI in m/s, both above the speed of sound (e.g. 600:1000)");
    }
  }
  o.speech = !args.Has("no-speech");
  return o;
}

}  // namespace sightline::cli
