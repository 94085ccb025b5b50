// sightline text: words in the picture (OCR on sampled frames). Thin: the method is
// analysis/text/ (Tesseract with sparse-text segmentation, readings merged over time;
// doc/text.md); this file reads the options, shows progress and prints.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "analysis/text/file_text.h"
#include "analysis/text/file_text_json.h"
#include "analysis/text/place_words.h"
#include "base/file.h"
#include "cli/command.h"
#include "cli/output.h"
#include "media/probe.h"
#include "report/contact_sheet.h"

namespace sightline::cli {
namespace {

namespace tx = analysis::text;

constexpr char kUsage[] =
    "Usage: sightline text [--json] [--lang eng+rus+ukr] [--every S] [--min-confidence N]\n"
    "                      [--adaptive] FILE...\n"
    "\n"
    "Reads the text in photos and videos (captions, shop signs, street plates, number plates)\n"
    "with Tesseract's LSTM engine: words anywhere in the picture, each with its box, confidence\n"
    "and language. Videos are sampled every S seconds; a frame that did not change is not read\n"
    "again, and the same text in successive frames is one entry with its first and last time.\n"
    "Words Tesseract is unsure of are dropped. Method, settings and limits: doc/text.md.\n"
    "\n"
    "Options:\n"
    "  --lang L            Tesseract languages joined by '+' (default eng+rus+ukr); each needs\n"
    "                      its traineddata (Debian: tesseract-ocr-LANG; TESSDATA_PREFIX=DIR to\n"
    "                      use another directory)\n"
    "  --every S           video sampling period in seconds (default 1): times are accurate to S\n"
    "  --min-confidence N  drop words Tesseract is less sure of, 0..100 (default 60)\n"
    "  --adaptive          also read with locally adaptive thresholds: finds white captions\n"
    "                      in a dark box over a light scene, at several times the cost on\n"
    "                      textured scenes and with more misreadings there\n"
    "  --json              for one FILE an object, for several an array of them:\n"
    "      {\"file\", \"kind\": \"photo\"|\"video\", \"width\", \"height\", \"duration\",\n"
    "       \"frames_sampled\", \"frames_read\",\n"
    "       \"text\": [{\"t\", \"end\", \"text\", \"confidence\", \"box\": [x, y, w, h], "
    "\"lang\",\n"
    "                 \"frames\"}],\n"
    "       \"place_words\": [...], \"warnings\": [...]}\n"
    "    t and end: seconds of the first and last sampled frame showing the text (null for a\n"
    "    photo; the text may last until the next sample, up to S later); confidence 0..100;\n"
    "    box in pixels of the upright picture (x right, y down); lang the traineddata that read\n"
    "    most of it (\"eng\", \"ukr\", \"rus\"); frames how many samples showed it;\n"
    "    place_words the normalised words `locate` compares (lower case, Cyrillic kept).\n"
    "    A file that cannot be read: {\"file\", \"error\"}.\n"
    "\n"
    "Exit status: 0 every file was read (finding no text is a result), 1 some file could not be\n"
    "read (the others are still done) or the OCR data is missing, 2 usage error.\n";

bool ParsePeriod(const std::string& text, double* out) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v) || v < 0.04 ||
      v > 3600) {
    return false;
  }
  *out = v;
  return true;
}

void PrintReadable(const std::string& file, const tx::FileText& ft, double every) {
  std::printf("== %s\n", DisplayPath(file).c_str());
  if (ft.still) {
    std::printf("photo %dx%d: %zu line(s) of text\n", ft.width, ft.height, ft.entries.size());
  } else {
    std::printf("video %dx%d, %s: %zu line(s) of text; %lld frames sampled every %g s, %lld read\n",
                ft.width, ft.height, report::Timecode(ft.duration_s).c_str(), ft.entries.size(),
                static_cast<long long>(ft.frames_sampled), every,
                static_cast<long long>(ft.frames_read));
  }
  for (const tx::TextEntry& e : ft.entries) {
    std::string when = "photo";
    if (!ft.still) when = report::Timecode(e.t) + " - " + report::Timecode(e.end);
    char box[64];
    std::snprintf(box, sizeof box, "%d,%d %dx%d", e.box.x, e.box.y, e.box.w, e.box.h);
    std::printf("  %s  %-20s %3.0f%%  %-3s  %s\n", when.c_str(), box, e.confidence,
                e.lang.empty() ? "?" : e.lang.c_str(), e.text.c_str());
  }
  const std::vector<std::string> words = tx::PlaceWordsOf(ft);
  if (!words.empty()) {
    std::string joined;
    for (const std::string& w : words) joined += (joined.empty() ? "" : " ") + w;
    std::printf("  place words: %s\n", joined.c_str());
  }
  for (const std::string& w : ft.warnings) std::printf("  warning: %s\n", w.c_str());
  std::printf("\n");
}

int Run(const Args& args) {
  if (args.positional().empty()) return UsageError("text", "no FILE given");
  tx::OcrOptions ocr;
  ocr.languages = args.Get("lang", ocr.languages);
  if (args.Has("min-confidence") &&
      !ParseWholeNumber(args.Get("min-confidence"), 0, 100, &ocr.min_confidence)) {
    return UsageError("text", "--min-confidence takes a whole number 0..100");
  }
  ocr.adaptive_pass = args.Has("adaptive");
  tx::FileTextOptions options;
  if (args.Has("every") && !ParsePeriod(args.Get("every"), &options.every_s)) {
    return UsageError(
        "text", "--every takes seconds between 0.04 and 3600 (got \"" + args.Get("every") + "\")");
  }
  auto reader = tx::TextReader::Create(ocr);
  if (!reader.ok()) {
    if (reader.status().code() == StatusCode::kInvalidArgument) {
      return UsageError("text", reader.status().message());
    }
    Warn("text", reader.status().message());
    return kExitFailed;
  }
  const bool json = args.Has("json");
  const auto& files = args.positional();
  std::vector<double> durations;
  double total = 0;
  for (const std::string& f : files) {
    media::ProbeResult p = media::ProbeFile(f);
    durations.push_back(p.container.duration_s.value_or(0));
    total += durations.back();
  }
  ProgressMeter progress("text", static_cast<std::uint64_t>(std::ceil(total)), files.size(),
                         ProgressMeter::Unit::kMediaSeconds);
  std::size_t failures = 0;
  nlohmann::ordered_json all = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string& f = files[i];
    double reported = 0;
    auto on_frame = [&](double t) {
      const double want = std::min(t, durations[i]);
      if (want > reported) progress.Add(want - reported), reported = want;
    };
    auto ft = tx::ReadTextInFile(f, options, **reader, on_frame);
    if (durations[i] > reported) progress.Add(durations[i] - reported);
    progress.FileDone();
    progress.Clear();
    if (!ft.ok()) {
      ++failures;
      Warn("text", ft.status().message());
      if (json) all.push_back({{"file", DisplayPath(f)}, {"error", ft.status().message()}});
      continue;
    }
    if (json) {
      all.push_back(tx::FileTextJson(DisplayPath(f), *ft));
    } else {
      PrintReadable(f, *ft, options.every_s);
      std::fflush(stdout);
    }
  }
  if (json) PrintOrderedJson(all.size() == 1 ? all[0] : all);
  return failures > 0 ? kExitFailed : kExitOk;
}

}  // namespace

extern const Command kTextCommand = {
    "text",
    "read text in the picture (OCR): captions, signs, plates, with boxes and times",
    kUsage,
    {.flags = {"json", "adaptive"}, .values = {"lang", "every", "min-confidence"}, .multi = {}},
    Run,
};

}  // namespace sightline::cli
