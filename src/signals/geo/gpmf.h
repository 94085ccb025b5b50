// GoPro Metadata Format (GPMF) payloads: the KLV telemetry GoPro cameras (and the Karma drone)
// store in the 'gpmd' track of their MP4 files. This file decodes the GPS content of one payload;
// media/gpmf_track.h extracts the payloads and their times from the container.
//
// Format (GoPro's published specification, github.com/gopro/gpmf-parser README, "KLV Design"):
// every entry is a 4-byte FourCC key, a 1-byte type character, a 1-byte structure size and a
// 16-bit big-endian repeat count, followed by size × repeat bytes of big-endian data padded to a
// multiple of 4. Type 0 means the data is itself a series of entries (DEVC devices hold STRM
// streams). Within one nest, SCAL (divisors) and TYPE (the layout of '?' structures) apply to the
// data entries that follow them. GPS streams used here:
//   GPS5  lat, lon (deg), altitude (m, WGS 84), 2D speed, 3D speed (m/s); with GPSU (UTC of the
//         payload, "yymmddhhmmss.sss"), GPSF (fix: 0 none, 2 2D, 3 3D) and GPSP (DOP × 100)
//   GPS9  (HERO11+) lat, lon, alt, 2D speed, 3D speed, days since 2000-01-01, seconds since
//         midnight, DOP, fix — per sample
//   GPRI  (Karma drone "GPS RAW", TYPE "JlllSSSSBB"): time, lat, lon, alt, eph, epv, speed,
//         course, fix, satellites — the MAVLink GPS_RAW_INT layout; its time is the drone's clock
//         since boot, mapped to UTC by the device's SYST stream ("System Time", TYPE "JJ": the
//         clock since boot and the Unix time at one instant)
// TSMP (total samples so far) and STMP (microsecond time stamp) are reported for timing checks.
//
// Robustness: every length is checked against the bytes that remain (sizes are computed in 64
// bits, so size × repeat cannot overflow), nesting is limited, keys must be printable ASCII, a
// divisor of zero or a SCAL/TYPE that does not fit its data is an error. A malformed payload yields
// a kCorrupt Status naming the byte offset and the problem; nothing is read out of bounds.
//
// Thread safety: pure functions.
#ifndef SIGHTLINE_SIGNALS_GEO_GPMF_H_
#define SIGHTLINE_SIGNALS_GEO_GPMF_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"

namespace sightline::signals::geo {

// One GPS sample, scaled to physical units. NaN marks a field the source does not carry.
struct GpmfGpsSample {
  double lat = 0;  // degrees, north positive
  double lon = 0;  // degrees, east positive
  double alt_m = 0;
  double speed2d_mps = 0;
  double speed3d_mps = 0;    // NaN for GPRI
  double utc_s = 0;          // Unix seconds of this sample (GPS9; GPRI through SYST); NaN otherwise
  double dop = 0;            // GPS9: DOP; GPRI: eph / 100; NaN otherwise
  int fix = -1;              // GPS9/GPRI: 0 none, 2 2D, 3 3D (-1: not in the sample)
  double device_time_s = 0;  // GPRI: the drone's clock, seconds since boot; NaN otherwise
};

// The GPS content of one stream (STRM) in one payload.
struct GpmfGpsBlock {
  std::string key;  // "GPS5", "GPS9" or "GPRI"
  std::uint32_t device_id = 0;
  std::string device_name;  // DVNM ("Camera", "GoPro Max", "Karma 1.0"…)
  std::vector<GpmfGpsSample> samples;
  std::optional<double> utc_s;  // GPSU as Unix seconds (UTC; the payload's first sample)
  std::optional<int> fix;       // GPSF
  std::optional<double> dop;    // GPSP / 100 (dilution of precision; under 5 is good)
  std::optional<std::uint64_t> total_samples;  // TSMP
  std::optional<std::uint64_t> timestamp_us;   // STMP
};

struct GpmfLimits {
  int max_depth = 8;  // DEVC/STRM need 2; GoPro's own parser stops at 16
  std::size_t max_payload_bytes = 64u << 20;
};

// Decodes the GPS streams in one payload. A payload without GPS gives an empty vector. Errors:
// kCorrupt ("GPMF offset 132: 'GPS5' claims 2000 bytes, 96 remain"), kInvalidArgument when the
// payload is larger than the limit.
//
// With `stream_errors`, a stream (STRM) whose contents are malformed is skipped and its error
// appended there, so damage in, say, the accelerometer stream does not cost the GPS of the same
// payload; the payload still fails when its device-level structure is broken.
Result<std::vector<GpmfGpsBlock>> ParseGpmfGps(std::span<const std::uint8_t> payload,
                                               const GpmfLimits& limits = {},
                                               std::vector<Status>* stream_errors = nullptr);

// "yymmddhhmmss.sss" (GPSU, type 'U') as Unix seconds; nullopt when malformed.
std::optional<double> ParseGpmfUtc(std::string_view text);

}  // namespace sightline::signals::geo

#endif  // SIGHTLINE_SIGNALS_GEO_GPMF_H_
