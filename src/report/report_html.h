// The case report (case_report.h) as one HTML page that needs nothing else: styles and pictures
// are inside it, and opening it makes no network request (no script, no external URL).
//
// Thread safety: a pure function.
#ifndef SIGHTLINE_REPORT_REPORT_HTML_H_
#define SIGHTLINE_REPORT_REPORT_HTML_H_

#include <nlohmann/json.hpp>
#include <string>

#include "report/world_map.h"

namespace sightline::report {

struct HtmlOptions {
  const WorldMap* map = nullptr;  // land and borders under the locations; none: no map
  std::string map_note;           // shown instead of the map when there is none (why)
};

// The page for `report` as BuildCaseReport makes it. Every picture is an <img> with a data: URI
// carrying data-item="ID" (a picture of one item) or data-items="A,B" (a finding's match
// picture), so that redaction finds them all (doc/report.md).
std::string RenderReportHtml(const nlohmann::json& report, const HtmlOptions& options = {});

// `text` with &, <, >, " and ' escaped for HTML text and attribute values.
std::string HtmlEscape(const std::string& text);

}  // namespace sightline::report

#endif  // SIGHTLINE_REPORT_REPORT_HTML_H_
