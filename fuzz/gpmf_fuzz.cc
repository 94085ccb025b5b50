// GoPro telemetry payloads (signals/geo/gpmf.h): KLV nests, SCAL/TYPE, GPS5/GPS9/GPRI samples,
// with and without per-stream error recovery; and the GPSU time text.
#include <span>
#include <string_view>
#include <vector>

#include "signals/geo/gpmf.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace geo = sightline::signals::geo;
  std::span<const std::uint8_t> payload(data, size);
  (void)geo::ParseGpmfGps(payload);
  std::vector<sightline::Status> stream_errors;
  (void)geo::ParseGpmfGps(payload, {}, &stream_errors);
  (void)geo::ParseGpmfUtc(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
