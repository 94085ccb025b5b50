// Writing a built report (case_report.h) to a directory: report.json and report.html, the map
// drawn over the bundled world map when the report places anything (a location, a file's GPS, a
// GPS track). Used by `sightline report` and the workbench's report export.
//
// Thread safety: pure function of its arguments and the files it writes.
#ifndef SIGHTLINE_REPORT_REPORT_FILES_H_
#define SIGHTLINE_REPORT_REPORT_FILES_H_

#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"

namespace sightline::report {

struct WrittenReport {
  std::string html_path, json_path;
  // Why the page has no map although the report places something (the map data could not be
  // loaded); empty otherwise.
  std::string map_note;
};

// Creates `dir` (with `dir_mode`) and writes both files atomically. Fails naming the file that
// could not be written.
Result<WrittenReport> WriteReportFiles(const nlohmann::json& report, const std::string& dir,
                                       unsigned dir_mode = 0755);

}  // namespace sightline::report

#endif  // SIGHTLINE_REPORT_REPORT_FILES_H_
