// The GoPro telemetry track of an MP4/MOV file: the raw GPMF payloads of the 'gpmd' data stream,
// each with its presentation time and duration on the file's clock. Decoding the payloads is
// signals/geo/gpmf.h's job; this file only demuxes (libavformat), so nothing above media/ touches
// FFmpeg.
//
// GoPro writes one payload per second or so (the spec's "MP4 Implementation": a 'meta' track whose
// sample description is 'gpmd', timed by stts like any other track). A packet without a duration
// gets the gap to the next packet; the last one, the median duration of the others (or the rest
// of the clip).
//
// Bounds: the Demuxer's deadline applies; at most `max_payloads` payloads and `max_total_bytes`
// bytes are kept (an error beyond that, not a silent cut).
//
// Thread safety: pure function (its own Demuxer).
#ifndef SIGHTLINE_MEDIA_GPMF_TRACK_H_
#define SIGHTLINE_MEDIA_GPMF_TRACK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace sightline::media {

struct GpmfPayload {
  double start_s = 0;     // presentation time on the file's clock
  double duration_s = 0;  // the time its samples span
  std::vector<std::uint8_t> bytes;
};

struct GpmfTrack {
  int stream_index = -1;
  double clip_duration_s = 0;  // the container's duration (0 when unknown)
  std::string creation_time;   // the container's creation_time tag, as written ("" when absent)
  std::vector<GpmfPayload> payloads;
};

struct GpmfTrackLimits {
  std::size_t max_payloads = 1'000'000;
  std::uint64_t max_total_bytes = 512ull << 20;
};

// Reads every payload of the first 'gpmd' stream. Errors: kNotFound when the file has no GPMF
// track ("no GoPro telemetry ('gpmd') track"), the Demuxer's errors for unreadable files,
// kInvalidArgument past the limits.
Result<GpmfTrack> ReadGpmfTrack(const std::string& path, const GpmfTrackLimits& limits = {});

}  // namespace sightline::media

#endif  // SIGHTLINE_MEDIA_GPMF_TRACK_H_
