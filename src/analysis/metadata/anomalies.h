// Metadata anomalies: what in a file's own metadata an investigator should check before trusting
// it (stripped metadata, an editor's name, times that contradict each other, re-encoding). A pure
// function of a ProbeResult: no I/O, deterministic, thread-safe.
//
// Codes are stable and documented in doc/probe.md; a code is never renamed or reused. Messages
// are for a person: they say what was found, where, and what to do about it.
#ifndef SIGHTLINE_ANALYSIS_METADATA_ANOMALIES_H_
#define SIGHTLINE_ANALYSIS_METADATA_ANOMALIES_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "media/probe.h"

namespace sightline::analysis::metadata {

// The codes (see doc/probe.md for when each is raised).
inline constexpr char kMetadataStripped[] = "metadata_stripped";
inline constexpr char kEditedBySoftware[] = "edited_by_software";
inline constexpr char kTimeInconsistent[] = "time_inconsistent";
inline constexpr char kReencoded[] = "reencoded";
inline constexpr char kTimeZero[] = "time_zero";
inline constexpr char kTimeZoneMismatch[] = "time_zone_mismatch";
inline constexpr char kGpsZero[] = "gps_zero";
inline constexpr char kGpsConflict[] = "gps_conflict";
inline constexpr char kGpsXmpOnly[] = "gps_xmp_only";
inline constexpr char kGpsTrackNotRead[] = "gps_track_not_read";
inline constexpr char kDimensionsMismatch[] = "dimensions_mismatch";
inline constexpr char kTruncated[] = "truncated";

struct Anomaly {
  std::string code;
  std::string message;
};

// Every anomaly in `r`, in the order of the list above. Empty for a file that failed to probe.
std::vector<Anomaly> FindAnomalies(const media::ProbeResult& r);

// [{"code": …, "message": …}, …]
nlohmann::ordered_json AnomaliesToJson(const std::vector<Anomaly>& anomalies);

}  // namespace sightline::analysis::metadata

#endif  // SIGHTLINE_ANALYSIS_METADATA_ANOMALIES_H_
