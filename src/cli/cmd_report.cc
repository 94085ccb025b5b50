// sightline report: the case as a self-contained HTML page and the same content as JSON.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "base/file.h"
#include "cli/case_access.h"
#include "cli/command.h"
#include "cli/output.h"
#include "report/case_report.h"
#include "report/chromium.h"
#include "report/report_files.h"

namespace sightline::cli {

namespace {

constexpr char kUsage[] =
    "Usage: sightline report --case DIR -o OUT [--no-pictures] [--pdf] [--json]\n"
    "\n"
    "Writes the case's report to the directory OUT (created if needed):\n"
    "  OUT/report.html  one self-contained page: the summary, the claims with their confidence\n"
    "                   and evidence, the timeline with its conflicts, the findings and the\n"
    "                   decisions on them with match pictures and synced waveforms, a map\n"
    "                   of the locations, and each item with its picture, keyframes, hash,\n"
    "                   metadata, custody, relations, sources, events and transcripts.\n"
    "                   Styles and pictures are inside it; opening it makes no network\n"
    "                   request.\n"
    "  OUT/report.json  the same content (doc/report.md), the pictures as base64 JPEG\n"
    "  OUT/report.pdf   with --pdf: the page printed by headless Chromium (offline)\n"
    "Existing report files in OUT are replaced; the case is only read.\n"
    "\n"
    "  --no-pictures  leave the pictures out (no decoding; a smaller report)\n"
    "  --pdf          also print OUT/report.pdf with Chromium (Debian package chromium, or\n"
    "                 $SIGHTLINE_CHROMIUM); without it: exit 1, the HTML and JSON still written\n"
    "  --json         {\"html\", \"json\", \"pdf\", \"items\", \"findings\", \"claims\"}: the\n"
    "                 paths written (pdf null without --pdf or when it failed)\n"
    "                 and what the report holds\n"
    "Map data: third_party/naturalearth/world_50m.txt beside the build directory or in the\n"
    "source tree, or $SIGHTLINE_MAP_DATA; without it the report has no map (a warning).\n"
    "\n"
    "Exit status: 0 written whole; 1 the case could not be read, the files not written, the\n"
    "PDF not printed, or an item's picture could not be made (the report is written without\n"
    "it: run `sightline verify`); 2 usage.\n";

// Prints OUT/report.html to OUT/report.pdf: Chromium works in a scratch directory (profile,
// HOME) removed after, and writes beside the target first so that a failed print leaves no
// half PDF under the final name.
Status PrintReportPdf(const std::string& html_path, const std::string& pdf_path) {
  SL_ASSIGN_OR_RETURN(std::string chromium, report::FindChromium());
  const char* tmp = std::getenv("TMPDIR");
  std::string work =
      JoinPath(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "sightline-pdf-XXXXXX");
  if (::mkdtemp(work.data()) == nullptr) {
    return ErrnoStatus(work, "cannot create Chromium's work directory", errno);
  }
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
  } cleanup{work};
  report::ChromiumOptions o;
  o.binary = chromium;
  o.work_dir = work;
  const std::string partial = pdf_path + ".partial";
  Status printed = report::PrintPdf(html_path, partial, o);
  if (printed.ok() && std::rename(partial.c_str(), pdf_path.c_str()) != 0) {
    printed = ErrnoStatus(pdf_path, "cannot rename the printed PDF to", errno);
  }
  if (!printed.ok()) std::remove(partial.c_str());
  return printed;
}

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
  // An item whose picture could not be made (its original unreadable or not what was stored)
  // makes the exit status 1: the report is written, but it lacks something.
  bool incomplete = false;
  for (const auto& item : (*r)["items"]) {
    if (item.contains("thumbnail_error")) {
      incomplete = true;
      Warn("report", "#" + item["id"].dump() + " " + item["name"].get<std::string>() +
                         ": no picture: " + item["thumbnail_error"].get<std::string>());
    }
  }
  for (const auto& f : (*r)["findings"]) {
    for (const char* key : {"picture_error", "waveform_error"}) {
      if (f.contains(key)) {
        Warn("report", "finding " + f["id"].dump() + ": no " +
                           std::string(key).substr(0, std::string(key).find('_')) + ": " +
                           f[key].get<std::string>());
      }
    }
  }
  Result<report::WrittenReport> written = report::WriteReportFiles(*r, out);
  if (!written.ok()) {
    Warn("report", written.status().message());
    return kExitFailed;
  }
  if (!written->map_note.empty()) Warn("report", "no map: " + written->map_note);
  const std::string& html_path = written->html_path;
  const std::string& json_path = written->json_path;
  const std::string pdf_path = JoinPath(out, "report.pdf");
  bool pdf_ok = false;
  if (args.Has("pdf")) {
    Status printed = PrintReportPdf(html_path, pdf_path);
    if (printed.ok()) {
      pdf_ok = true;
    } else {
      Warn("report", "no PDF: " + printed.message());
    }
  }
  if (args.Has("json")) {
    PrintJson({{"html", DisplayPath(html_path)},
               {"json", DisplayPath(json_path)},
               {"pdf", pdf_ok ? nlohmann::json(DisplayPath(pdf_path)) : nlohmann::json()},
               {"items", (*r)["items"].size()},
               {"findings", (*r)["findings"].size()},
               {"claims", (*r)["claims"].size()}});
  } else {
    std::printf("report of %zu items, %zu findings, %zu claims:\n  %s\n  %s\n",
                (*r)["items"].size(), (*r)["findings"].size(), (*r)["claims"].size(),
                DisplayPath(html_path).c_str(), DisplayPath(json_path).c_str());
    if (pdf_ok) std::printf("  %s\n", DisplayPath(pdf_path).c_str());
  }
  return (args.Has("pdf") && !pdf_ok) || incomplete ? kExitFailed : kExitOk;
}

}  // namespace

extern const Command kReportCommand = {
    "report", "the case as a self-contained HTML report and JSON",
    kUsage,   {{"json", "no-pictures", "pdf"}, {"case", "output"}, {}},
    Run,
};

}  // namespace sightline::cli
