// The report of a case: what a desk publishes or hands over. One JSON document
// (doc/report.md) holding the summary, the claims with their confidence and evidence, the
// timeline, the findings with the decisions on them, the locations, and per item its
// picture, metadata, sources and observations; and the same content as one self-contained
// HTML page (report_html.h).
//
// Thread safety: reads only; one thread per Case.
#ifndef SIGHTLINE_REPORT_CASE_REPORT_H_
#define SIGHTLINE_REPORT_CASE_REPORT_H_

#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"
#include "evidence/case.h"

namespace sightline::report {

struct CaseReportOptions {
  int thumbnail_side = 320;    // pixels; 0: no pictures, sheets, match pictures or waveforms
  int sheet_frames = 6;        // frames on each video's keyframe sheet; 0: no sheet
  int match_height = 240;      // pixels, of a finding's two frames side by side; 0: none
  double waveform_max_s = 60;  // longest stretch of a same_moment waveform figure; 0: none
  std::string generated_at;    // RFC 3339; now when empty
};

// The report's content. Items whose picture cannot be made are reported without one, with the
// reason ("thumbnail_error", "keyframes_error"); likewise findings ("picture_error",
// "waveform_error"). Every picture is a string field whose key ends in "_jpeg_base64", inside
// the object of the item or finding it shows (doc/report.md). Fails only when the case cannot be
// read.
Result<nlohmann::json> BuildCaseReport(evidence::Case& c, const CaseReportOptions& options);

}  // namespace sightline::report

#endif  // SIGHTLINE_REPORT_CASE_REPORT_H_
