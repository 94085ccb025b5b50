// ProbeResult as JSON: the format printed by `sightline probe --json` and stored with an item in
// a case. Documented field by field in doc/probe.md; fields are only ever added, never renamed.
// Keys keep a fixed, reader-friendly order (nlohmann::ordered_json). Strings are valid UTF-8
// (probe cleans every value it reads; see CleanText).
#ifndef SIGHTLINE_MEDIA_PROBE_JSON_H_
#define SIGHTLINE_MEDIA_PROBE_JSON_H_

#include <nlohmann/json.hpp>

#include "media/probe.h"

namespace sightline::media {

inline constexpr int kProbeJsonVersion = 1;

struct ProbeJsonOptions {
  bool include_tags = false;  // add "tags" (every tag) and "times_all" (every time found)
};

// {"file", "size", "ok", "error", "kind", "times", "device", "gps", "software", "container",
//  "streams", "warnings"[, "times_all", "tags"]}. Anomalies are added by the caller.
nlohmann::ordered_json ProbeToJson(const ProbeResult& r, const ProbeJsonOptions& options = {});

// One Timestamp: {"local", "zone", "utc", "source", "raw"} (zone and utc null when unknown).
nlohmann::ordered_json TimestampToJson(const Timestamp& t);

}  // namespace sightline::media

#endif  // SIGHTLINE_MEDIA_PROBE_JSON_H_
