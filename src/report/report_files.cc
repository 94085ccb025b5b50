#include "report/report_files.h"

#include "base/file.h"
#include "report/report_html.h"
#include "report/world_map.h"

namespace sightline::report {

namespace {

// Whether the report has anything to put on a map.
bool PlacesAnything(const nlohmann::json& report) {
  if (!report.value("locations", nlohmann::json::array()).empty()) return true;
  for (const auto& item : report.value("items", nlohmann::json::array())) {
    const nlohmann::json metadata = item.value("metadata", nlohmann::json());
    if (metadata.is_object() && metadata.value("gps", nlohmann::json()).is_object()) return true;
    if (item.value("gps_track", nlohmann::json()).is_object()) return true;
  }
  return false;
}

}  // namespace

Result<WrittenReport> WriteReportFiles(const nlohmann::json& report, const std::string& dir,
                                       unsigned dir_mode) {
  WrittenReport out;
  HtmlOptions html;
  Result<WorldMap> map = WorldMap{};
  if (PlacesAnything(report)) {
    map = LoadWorldMap();
    if (map.ok()) {
      html.map = &*map;
    } else {
      html.map_note = out.map_note = map.status().message();
    }
  }
  out.html_path = JoinPath(dir, "report.html");
  out.json_path = JoinPath(dir, "report.json");
  SL_RETURN_IF_ERROR(MakeDirs(dir, dir_mode));
  SL_RETURN_IF_ERROR(WriteFileAtomic(out.json_path, report.dump(1) + "\n"));
  SL_RETURN_IF_ERROR(WriteFileAtomic(out.html_path, RenderReportHtml(report, html)));
  return out;
}

}  // namespace sightline::report
