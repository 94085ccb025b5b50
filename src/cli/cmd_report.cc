// sightline report: the case as a self-contained HTML page and the same content as JSON.
#include <cstdio>

#include "base/file.h"
#include "cli/case_access.h"
#include "cli/command.h"
#include "cli/output.h"
#include "report/case_report.h"
#include "report/report_html.h"

namespace sightline::cli {

namespace {

constexpr char kUsage[] =
    "Usage: sightline report --case DIR -o OUT [--no-pictures] [--json]\n"
    "\n"
    "Writes the case's report to the directory OUT (created if needed):\n"
    "  OUT/report.html  one self-contained page: the summary, the claims with their confidence\n"
    "                   and evidence, the timeline with its conflicts, the findings and the\n"
    "                   decisions on them, the locations, and each item with its picture,\n"
    "                   hash, metadata, sources and observations. Styles and pictures are\n"
    "                   inside it; opening it makes no network request.\n"
    "  OUT/report.json  the same content (doc/report.md), the pictures as base64 JPEG\n"
    "Existing report files in OUT are replaced; the case is only read.\n"
    "\n"
    "  --no-pictures  leave the item pictures out (no decoding; a smaller report)\n"
    "  --json         {\"html\", \"json\", \"items\", \"findings\", \"claims\"}: the paths "
    "written\n"
    "                 and what the report holds\n";

int Run(const Args& args) {
  std::string dir = args.Get("case"), out = args.Get("output");
  if (dir.empty()) return UsageError("report", "--case DIR is required");
  if (out.empty()) return UsageError("report", "-o OUT (a directory) is required");
  if (!args.positional().empty()) return UsageError("report", "unexpected argument");
  if (PathExists(out) && !IsDirectory(out)) {
    Warn("report", DisplayPath(out) + " exists and is not a directory");
    return kExitFailed;
  }
  auto c = OpenCase("report", dir, evidence::Case::Access::kRead);
  if (!c) return kExitFailed;
  report::CaseReportOptions options;
  if (args.Has("no-pictures")) options.thumbnail_side = 0;
  auto r = report::BuildCaseReport(*c, options);
  if (!r.ok()) {
    Warn("report", r.status().message());
    return kExitFailed;
  }
  for (const auto& item : (*r)["items"]) {
    if (item.contains("thumbnail_error")) {
      Warn("report", "#" + item["id"].dump() + " " + item["name"].get<std::string>() +
                         ": no picture: " + item["thumbnail_error"].get<std::string>());
    }
  }
  const std::string html_path = JoinPath(out, "report.html");
  const std::string json_path = JoinPath(out, "report.json");
  Status written = MakeDirs(out);
  if (written.ok()) written = WriteFileAtomic(json_path, r->dump(1) + "\n");
  if (written.ok()) written = WriteFileAtomic(html_path, report::RenderReportHtml(*r));
  if (!written.ok()) {
    Warn("report", written.message());
    return kExitFailed;
  }
  if (args.Has("json")) {
    PrintJson({{"html", DisplayPath(html_path)},
               {"json", DisplayPath(json_path)},
               {"items", (*r)["items"].size()},
               {"findings", (*r)["findings"].size()},
               {"claims", (*r)["claims"].size()}});
  } else {
    std::printf("report of %zu items, %zu findings, %zu claims:\n  %s\n  %s\n",
                (*r)["items"].size(), (*r)["findings"].size(), (*r)["claims"].size(),
                DisplayPath(html_path).c_str(), DisplayPath(json_path).c_str());
  }
  return kExitOk;
}

}  // namespace

extern const Command kReportCommand = {
    "report", "the case as a self-contained HTML report and JSON",
    kUsage,   {{"json", "no-pictures"}, {"case", "output"}, {}},
    Run,
};

}  // namespace sightline::cli
