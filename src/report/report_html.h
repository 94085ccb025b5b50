// The case report (case_report.h) as one HTML page that needs nothing else: styles and pictures
// are inside it, and opening it makes no network request (no script, no external URL).
//
// Thread safety: a pure function.
#ifndef SIGHTLINE_REPORT_REPORT_HTML_H_
#define SIGHTLINE_REPORT_REPORT_HTML_H_

#include <nlohmann/json.hpp>
#include <string>

namespace sightline::report {

// The page for `report` as BuildCaseReport makes it.
std::string RenderReportHtml(const nlohmann::json& report);

// `text` with &, <, >, " and ' escaped for HTML text and attribute values.
std::string HtmlEscape(const std::string& text);

}  // namespace sightline::report

#endif  // SIGHTLINE_REPORT_REPORT_HTML_H_
