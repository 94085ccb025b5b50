// sightline keyframes: write a video's keyframes as JPEGs. Thin: shots come from
// signals/visual/shots.h, the choice from signals/visual/keyframes.h, the JPEGs from
// media/image_writer.h.
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

// "t000012.480.jpg" for 12.48 s.
std::string NameFor(double t) {
  const long long ms = std::llround(std::max(0.0, t) * 1000.0);
  char buf[64];
  std::snprintf(buf, sizeof buf, "t%06lld.%03lld.jpg", ms / 1000, ms % 1000);
  return buf;
}

int Run(const Args& args) {
  if (args.positional().empty()) return UsageError("keyframes", "no FILE given");
  if (args.positional().size() > 1) return UsageError("keyframes", "give one FILE");
  const std::string dir = args.Get("output");
  if (dir.empty()) return UsageError("keyframes", "no output directory given (-o DIR)");
  int max_count = 24, size = 640;
  if (args.Has("max") && !ParseWholeNumber(args.Get("max"), 1, 1000, &max_count)) {
    return UsageError("keyframes", "--max needs a whole number from 1 to 1000");
  }
  if (args.Has("size") && !ParseWholeNumber(args.Get("size"), 16, 8192, &size)) {
    return UsageError("keyframes", "--size needs a whole number of pixels from 16 to 8192");
  }
  const bool json = args.Has("json");
  const std::string& file = args.positional()[0];

  auto keyframes = ReadKeyframePictures("keyframes", file, max_count, size, false);
  if (!keyframes.ok()) return kExitFailed;
  const auto& chosen = keyframes->chosen;
  const auto* pictures = &keyframes->pictures;
  if (chosen.empty()) {
    Warn("keyframes",
         DisplayPath(file) + ": no keyframe: every frame is a single colour (black or white)");
  }
  if (Status s = MakeDirs(dir); !s.ok()) {
    Warn("keyframes", s.message());
    return kExitFailed;
  }
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  int failures = 0;
  for (std::size_t i = 0; i < chosen.size() && i < pictures->size(); ++i) {
    const std::string path = JoinPath(dir, NameFor(chosen[i].t));
    if (Status s = media::WriteJpeg(path, (*pictures)[i], {.quality = 90}); !s.ok()) {
      ++failures;
      Warn("keyframes", s.message());
      continue;
    }
    const double t = std::round(chosen[i].t * 1e6) / 1e6;
    if (json) {
      list.push_back({{"t", t}, {"shot", chosen[i].shot}, {"path", DisplayPath(path)}});
    } else {
      std::printf("wrote %s  (shot %d, %s)\n", DisplayPath(path).c_str(), chosen[i].shot + 1,
                  report::Timecode(t).c_str());
    }
  }
  if (pictures->size() < chosen.size()) {
    ++failures;
    Warn("keyframes", DisplayPath(file) + ": " + std::to_string(chosen.size() - pictures->size()) +
                          " keyframe(s) could not be decoded a second time");
  }
  if (json) {
    PrintJson(nlohmann::ordered_json{
        {"file", DisplayPath(file)}, {"shots", keyframes->shots}, {"keyframes", list}});
  }
  return failures ? kExitFailed : kExitOk;
}

}  // namespace

extern const Command kKeyframesCommand = {
    "keyframes",
    "write a video's keyframes (one per shot, spread over the clip) as JPEGs",
    "Usage: sightline keyframes [--max N] [--size PX] [--json] FILE -o DIR\n"
    "\n"
    "Finds the shots of FILE (as 'sightline shots' does) and writes one keyframe per shot, the\n"
    "sharpest typical frame, to DIR (created if missing) as JPEGs named by time, e.g.\n"
    "t000012.480.jpg for 12.480 s. With more shots than N, the frames are spread over the whole\n"
    "clip; with fewer, long shots give more frames. Near-identical frames are left out.\n"
    "The file is decoded twice: once small for the shots, once for the chosen pictures.\n"
    "\n"
    "Options:\n"
    "  -o, --output DIR  where to write the JPEGs\n"
    "  --max N           at most N keyframes (default 24)\n"
    "  --size PX         longest side of the JPEGs in pixels (default 640; never enlarged)\n"
    "  --json            print {\"file\", \"shots\": count, \"keyframes\": [{\"t\", \"shot\", "
    "\"path\"}]}\n"
    "\n"
    "Exit status: 0 written, 1 the file could not be read as video or a JPEG could not be\n"
    "written, 2 usage error.\n",
    {.flags = {"json"}, .values = {"output", "max", "size"}, .multi = {}},
    Run,
};

}  // namespace sightline::cli
