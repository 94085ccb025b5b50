// sightline sheet: a contact sheet of a video's keyframes. Thin: shots from
// signals/visual/shots.h, the choice from signals/visual/keyframes.h, the grid from
// report/contact_sheet.h.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "base/file.h"
#include "cli/command.h"
#include "cli/output.h"
#include "media/probe.h"
#include "report/contact_sheet.h"
#include "signals/visual/keyframes.h"

namespace sightline::cli {
namespace {

constexpr int kTileWidth = 240;

int Run(const Args& args) {
  if (args.positional().empty()) return UsageError("sheet", "no FILE given");
  if (args.positional().size() > 1) return UsageError("sheet", "give one FILE");
  const std::string out = args.Get("output");
  if (out.empty()) return UsageError("sheet", "no output file given (-o sheet.jpg)");
  int max_count = 24;
  if (args.Has("max")) {
    const std::string v = args.Get("max");
    char* end = nullptr;
    errno = 0;
    long n = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || errno || *end || n < 1 || n > 200) {
      return UsageError("sheet", "--max needs a whole number from 1 to 200");
    }
    max_count = static_cast<int>(n);
  }
  const std::string& file = args.positional()[0];

  std::error_code ec;
  const double bytes = static_cast<double>(std::filesystem::file_size(file, ec));
  const double duration = media::ProbeFile(file).container.duration_s.value_or(0);
  ProgressMeter progress("sheet", ec ? 0 : static_cast<std::uint64_t>(2 * bytes), 1);
  double reported = 0;
  auto on_frame = [&](double t) {
    if (ec || duration <= 0) return;
    const double want = bytes * std::min(1.0, t / duration);
    if (want > reported) {
      progress.AddBytes(static_cast<std::uint64_t>(want - reported));
      reported = want;
    }
  };
  auto a = signals::visual::AnalyzeShots(file, {}, on_frame);
  if (!a.ok()) {
    progress.Clear();
    Warn("sheet", a.status().message());
    return kExitFailed;
  }
  signals::visual::KeyframeOptions ko;
  ko.max_count = max_count;
  auto chosen =
      signals::visual::SelectKeyframes(a->list, a->frames, a->thumb_width, a->thumb_height, ko);
  if (chosen.empty() && !a->list.shots.empty()) {
    // A clip of one colour: show its middle frame rather than nothing.
    chosen.push_back(
        {a->frames[a->frames.size() / 2].t, static_cast<std::int64_t>(a->frames.size() / 2), 0});
  }
  std::vector<std::int64_t> numbers;
  for (const auto& k : chosen) numbers.push_back(k.frame);
  auto pictures = signals::visual::ReadFramePictures(file, numbers, kTileWidth);
  progress.Clear();
  if (!pictures.ok()) {
    Warn("sheet", pictures.status().message());
    return kExitFailed;
  }
  std::vector<report::SheetTile> tiles;
  for (std::size_t i = 0; i < pictures->size() && i < chosen.size(); ++i) {
    tiles.push_back({std::move((*pictures)[i]), chosen[i].t});
  }
  if (tiles.empty()) {
    Warn("sheet", DisplayPath(file) + ": no frame could be decoded for the sheet");
    return kExitFailed;
  }
  auto sheet = report::ComposeContactSheet(tiles, {.tile_width = kTileWidth});
  if (!sheet.ok()) {
    Warn("sheet", sheet.status().message());
    return kExitFailed;
  }
  if (Status s = media::WriteJpeg(out, *sheet, {.quality = 88}); !s.ok()) {
    Warn("sheet", s.message());
    return kExitFailed;
  }
  std::printf("wrote %s (%zu frames of %zu shots, %dx%d)\n", DisplayPath(out).c_str(), tiles.size(),
              a->list.shots.size(), sheet->width, sheet->height);
  return kExitOk;
}

}  // namespace

extern const Command kSheetCommand = {
    "sheet",
    "make a contact sheet (JPEG grid of keyframes with times) of a video",
    "Usage: sightline sheet [--max N] FILE -o SHEET.jpg\n"
    "\n"
    "Finds the shots of FILE and writes one JPEG showing their keyframes in a grid, each with\n"
    "its time (MM:SS.mmm) under it. Keyframes are chosen as 'sightline keyframes' does: one per\n"
    "shot, spread over the whole clip, near-identical frames left out.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE  the JPEG to write\n"
    "  --max N            at most N pictures (default 24, at most 200)\n"
    "\n"
    "Exit status: 0 written, 1 the file could not be read as video or the sheet could not be\n"
    "written, 2 usage error.\n",
    {.flags = {}, .values = {"output", "max"}, .multi = {}},
    Run,
};

}  // namespace sightline::cli
