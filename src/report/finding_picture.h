// The match picture of a finding: the two frames it compares, side by side (item a left, item b
// right), as the report shows them: same_footage at its first evidence frame (else its first
// segment's start), same_moment at the start of the stretch both recorded (from offset_s), the
// other kinds at the evidence's a_time/b_time; a same_place finding's matched points are joined
// by lines. Used by the report and the workbench (GET /api/findings/{id}/picture.jpg).
//
// Thread safety: pure function of the files.
#ifndef SIGHTLINE_REPORT_FINDING_PICTURE_H_
#define SIGHTLINE_REPORT_FINDING_PICTURE_H_

#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "base/status.h"

namespace sightline::report {

// The times (seconds into a, into b) of the two frames for a finding of `kind` with `evidence`.
std::pair<double, double> FindingPictureTimes(const std::string& kind,
                                              const nlohmann::json& evidence);

// JPEG bytes of the two frames side by side, `height` pixels high. Fails when either file
// yields no picture.
Result<std::string> FindingPictureJpeg(const std::string& kind, const nlohmann::json& evidence,
                                       const std::string& path_a, const std::string& path_b,
                                       int height);

}  // namespace sightline::report

#endif  // SIGHTLINE_REPORT_FINDING_PICTURE_H_
