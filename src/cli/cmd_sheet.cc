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
#include "cli/keyframe_pictures.h"
#include "cli/output.h"
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
  if (args.Has("max") && !ParseWholeNumber(args.Get("max"), 1, 200, &max_count)) {
    return UsageError("sheet", "--max needs a whole number from 1 to 200");
  }
  const std::string& file = args.positional()[0];

  auto keyframes = ReadKeyframePictures("sheet", file, max_count, kTileWidth, true);
  if (!keyframes.ok()) return kExitFailed;
  const auto& chosen = keyframes->chosen;
  auto* pictures = &keyframes->pictures;
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
              keyframes->shots, sheet->width, sheet->height);
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
