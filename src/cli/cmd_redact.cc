// sightline redact: blurs faces and chosen regions in every picture of an exported report
// (report.html and report.json), writing a redacted copy; the case is never read or touched.
#include <limits.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <tuple>

#include "base/file.h"
#include "cli/command.h"
#include "cli/output.h"
#include "report/redact.h"

namespace sightline::cli {

namespace {

using Json = nlohmann::json;

constexpr char kUsage[] =
    "Usage: sightline redact REPORT_DIR -o OUT_DIR [--region ITEM:X,Y,W,H]... [--no-faces]\n"
    "                        [--cascades DIR] [--threads N] [--json]\n"
    "       sightline redact REPORT_DIR --in-place [...]\n"
    "\n"
    "Writes a redacted copy of a report made by `sightline report` (REPORT_DIR/report.html and\n"
    "report.json) to OUT_DIR: in every picture of both files, faces are found and blurred\n"
    "beyond recognition, and so are the regions given with --region. Each picture is re-encoded\n"
    "from its pixels (dropping any metadata it carried); nothing else in the files changes. The\n"
    "case and its originals are not read or touched. Other files in REPORT_DIR are not copied.\n"
    "\n"
    "Face detection (OpenCV's frontal and profile cascades, Debian package opencv-data) finds\n"
    "most upright faces seen from the front or the side, down to about 10 pixels across; it\n"
    "misses faces turned away, tilted, covered, blurred or in the dark. It is an aid: look at\n"
    "every redacted picture before publishing, and add --region boxes for what it missed.\n"
    "\n"
    "A picture that cannot be decoded is replaced by a grey placeholder (exit status 1): no\n"
    "picture is ever passed through unredacted.\n"
    "\n"
    "  -o OUT_DIR          where to write report.html and report.json (created if needed);\n"
    "                      refused when it is REPORT_DIR, unless --in-place\n"
    "  --in-place          replace REPORT_DIR's own files (each written atomically)\n"
    "  --region ITEM:X,Y,W,H\n"
    "                      also blur this box in every picture of item ITEM (its id in\n"
    "                      `sightline list`), or of every picture with all:X,Y,W,H; X, Y\n"
    "                      (top-left corner), W, H are fractions 0..1 of the picture's width\n"
    "                      and height. Repeatable. A region that matches no picture is an error\n"
    "                      (exit status 1): the item has no picture the report ties to it\n"
    "  --no-faces          do not look for faces (blur only the regions); needs no cascades\n"
    "  --cascades DIR      where OpenCV's haarcascade_*.xml files are (default: Debian's\n"
    "                      /usr/share/opencv4/haarcascades)\n"
    "  --threads N         pictures redacted at once (default: the number of cores)\n"
    "  --json              {\"html\", \"json\", \"pictures\": [{\"items\", \"places\", "
    "\"format\",\n"
    "                      \"width\", \"height\", \"faces\": [{\"x\", \"y\", \"width\", "
    "\"height\",\n"
    "                      \"view\", \"hits\"}], \"regions\", \"error\"}], \"summary\",\n"
    "                      \"unmatched_regions\", \"left_unredacted\", \"notice\"} "
    "(doc/redact.md)\n"
    "\n"
    "Exit status: 0 every picture redacted; 1 a picture replaced by a placeholder, a region\n"
    "that matched no picture, or another report file left unredacted in the output; 2 usage.\n";

constexpr char kNotice[] =
    "Face detection misses faces (turned away, tilted, small, covered, blurred, dark): look at "
    "every picture before publishing.";

std::string RealPath(const std::string& path) {
  char buf[PATH_MAX];
  if (realpath(path.c_str(), buf) == nullptr) return "";
  return buf;
}

// Files named report.* other than the two redacted ones (a PDF print, a screenshot): they may
// show the pictures.
std::vector<std::string> OtherReportFiles(const std::string& dir) {
  std::vector<std::string> found;
  auto names = ListDirectory(dir);
  if (!names.ok()) return found;
  for (const std::string& n : *names) {
    if (n.rfind("report.", 0) == 0 && n != "report.html" && n != "report.json" &&
        n.find(".tmp") == std::string::npos) {
      found.push_back(JoinPath(dir, n));
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

std::string ItemsText(const std::vector<std::int64_t>& items) {
  if (items.empty()) return "-";
  std::string s;
  for (std::int64_t id : items) s += (s.empty() ? "item " : ",") + std::to_string(id);
  return s;
}

int Run(const Args& args) {
  if (args.positional().size() != 1) {
    return UsageError("redact",
                      "one REPORT_DIR is needed (the directory `sightline report` wrote)");
  }
  const std::string in = args.positional()[0];
  const bool in_place = args.Has("in-place");
  std::string out = args.Get("output");
  if (out.empty() && !in_place) {
    return UsageError("redact", "-o OUT_DIR (or --in-place) is required");
  }
  if (!IsDirectory(in)) {
    Warn("redact", DisplayPath(in) + " is not a directory");
    return kExitFailed;
  }
  const std::string in_real = RealPath(in);
  if (in_place) {
    if (!out.empty() && RealPath(out) != in_real) {
      return UsageError("redact", "--in-place writes into REPORT_DIR; -o names another directory");
    }
    out = in;
  } else if (!in_real.empty() && RealPath(out) == in_real) {
    return UsageError("redact",
                      "OUT_DIR is REPORT_DIR: the unredacted report would be replaced; pass "
                      "--in-place to do that on purpose");
  }
  if (PathExists(out) && !IsDirectory(out)) {
    Warn("redact", DisplayPath(out) + " exists and is not a directory");
    return kExitFailed;
  }
  report::RedactOptions options;
  for (const std::string& spec : args.GetAll("region")) {
    auto region = report::ParseRedactRegion(spec);
    if (!region.ok()) return UsageError("redact", region.status().message());
    options.regions.push_back(*region);
  }
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (args.Has("threads") && !ParseWholeNumber(args.Get("threads"), 1, 64, &threads)) {
    return UsageError("redact", "--threads takes a whole number from 1 to 64");
  }
  options.threads = threads;

  const std::string html_in = JoinPath(in, "report.html"), json_in = JoinPath(in, "report.json");
  const bool has_html = PathExists(html_in), has_json = PathExists(json_in);
  if (!has_html && !has_json) {
    Warn("redact", DisplayPath(in) +
                       " holds no report.html or report.json (make one with "
                       "`sightline report --case DIR -o OUT`)");
    return kExitFailed;
  }
  std::string html, json;
  for (const auto& [has, path, text] :
       {std::tuple{has_html, html_in, &html}, std::tuple{has_json, json_in, &json}}) {
    if (!has) continue;
    auto read = ReadFileToString(path);
    if (!read.ok()) return FailWith("redact", read.status());
    *text = std::move(*read);
  }

  std::optional<report::FaceDetector> detector;
  if (!args.Has("no-faces")) {
    auto dir = report::FindCascadeDirectory(args.Get("cascades"));
    if (!dir.ok()) {
      Warn("redact", dir.status().message() + "; or pass --no-faces to blur only --region boxes");
      return kExitFailed;
    }
    auto loaded = report::FaceDetector::Load(*dir);
    if (!loaded.ok()) return FailWith("redact", loaded.status());
    detector = std::move(*loaded);
    options.faces = &*detector;
  }

  Status made = MakeDirs(out);
  if (!made.ok()) return FailWith("redact", made);
  options.scratch_parent = out;
  std::unique_ptr<ProgressMeter> meter;
  options.progress = [&](std::size_t done, std::size_t total) {
    if (!meter) meter = std::make_unique<ProgressMeter>("redacting", total, total);
    meter->Add(1);
    meter->FileDone();
    (void)done;
  };
  auto redacted = report::RedactReport(html, json, options);
  if (meter) meter->Clear();
  meter.reset();
  if (!redacted.ok()) return FailWith("redact", redacted.status());

  const std::string html_out = JoinPath(out, "report.html"),
                    json_out = JoinPath(out, "report.json");
  Status written = Status::Ok();
  if (has_json) written = WriteFileAtomic(json_out, redacted->json);
  if (written.ok() && has_html) written = WriteFileAtomic(html_out, redacted->html);
  if (!written.ok()) {
    Warn("redact", written.message() + (in_place ? " (REPORT_DIR may now hold one redacted and "
                                                   "one unredacted file)"
                                                 : ""));
    return kExitFailed;
  }

  int exit_code = kExitOk;
  std::size_t faces = 0, with_faces = 0, regions = 0, placeholders = 0;
  for (const auto& p : redacted->pictures) {
    faces += p.faces.size();
    with_faces += p.faces.empty() ? 0 : 1;
    regions += p.regions.size();
    if (!p.error.empty()) {
      ++placeholders;
      exit_code = kExitFailed;
      Warn("redact", ItemsText(p.items) + " (" + p.places.front() +
                         "): replaced by a grey placeholder: " + p.error);
    }
  }
  for (const std::string& spec : redacted->unmatched_regions) {
    exit_code = kExitFailed;
    Warn("redact", "--region " + spec +
                       ": matched no picture (no picture in the report is tied to that item)");
  }
  const std::vector<std::string> left = OtherReportFiles(out);
  for (const std::string& path : left) {
    exit_code = kExitFailed;
    Warn("redact", DisplayPath(path) +
                       ": left as it was, and it may show unredacted pictures: remove it, or "
                       "make it again from the redacted report.html");
  }
  if (!in_place) {
    for (const std::string& path : OtherReportFiles(in)) {
      Warn("redact", DisplayPath(path) +
                         ": not copied (only report.html and report.json are "
                         "redacted)");
    }
  }
  if (!has_html || !has_json) {
    Warn("redact", "no " + std::string(has_html ? "report.json" : "report.html") + " in " +
                       DisplayPath(in) + "; redacted the other");
  }

  if (args.Has("json")) {
    Json pictures = Json::array();
    for (const auto& p : redacted->pictures) {
      Json fj = Json::array();
      for (const auto& f : p.faces) {
        fj.push_back({{"x", f.box.x},
                      {"y", f.box.y},
                      {"width", f.box.width},
                      {"height", f.box.height},
                      {"view", f.view},
                      {"hits", f.hits}});
      }
      pictures.push_back({{"items", p.items},
                          {"places", p.places},
                          {"format", p.format},
                          {"width", p.width},
                          {"height", p.height},
                          {"faces", fj},
                          {"regions", p.regions},
                          {"error", p.error.empty() ? Json(nullptr) : Json(p.error)}});
    }
    Json left_json = Json::array();
    for (const std::string& path : left) left_json.push_back(DisplayPath(path));
    PrintJson({{"html", has_html ? Json(DisplayPath(html_out)) : Json(nullptr)},
               {"json", has_json ? Json(DisplayPath(json_out)) : Json(nullptr)},
               {"face_detection", detector.has_value()},
               {"pictures", pictures},
               {"summary",
                {{"pictures", redacted->pictures.size()},
                 {"faces", faces},
                 {"pictures_with_faces", with_faces},
                 {"regions_applied", regions},
                 {"placeholders", placeholders}}},
               {"unmatched_regions", redacted->unmatched_regions},
               {"left_unredacted", left_json},
               {"notice", kNotice}});
    return exit_code;
  }
  for (const auto& p : redacted->pictures) {
    std::string what;
    if (!p.error.empty()) {
      what = "REPLACED by a grey placeholder: " + p.error;
    } else {
      if (detector) {
        what = p.faces.empty() ? "no face found"
                               : std::to_string(p.faces.size()) +
                                     (p.faces.size() == 1 ? " face" : " faces") + " blurred";
      }
      for (const std::string& r : p.regions) what += (what.empty() ? "" : ", ") + ("region " + r);
      if (what.empty()) what = "re-encoded";
    }
    std::printf("%-14s %5dx%-5d %-4s  %s\n", ItemsText(p.items).c_str(), p.width, p.height,
                p.format.c_str(), what.c_str());
  }
  std::printf(
      "wrote %s%s%s: %zu pictures; faces blurred: %zu (in %zu pictures); regions applied: %zu; "
      "replaced by a placeholder: %zu\n",
      has_html ? DisplayPath(html_out).c_str() : "", has_html && has_json ? " and " : "",
      has_json ? DisplayPath(json_out).c_str() : "", redacted->pictures.size(), faces, with_faces,
      regions, placeholders);
  if (detector) std::printf("%s\n", kNotice);
  return exit_code;
}

}  // namespace

extern const Command kRedactCommand = {
    "redact", "blur faces and chosen regions in an exported report",
    kUsage,   {{"json", "no-faces", "in-place"}, {"output", "cascades", "threads"}, {"region"}},
    Run,
};

}  // namespace sightline::cli
