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
#include "cli/output.h"
#include "media/probe.h"
#include "report/contact_sheet.h"
#include "signals/visual/keyframes.h"

namespace sightline::cli {
namespace {

bool ParseCount(const std::string& s, int lo, int hi, int* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  long v = std::strtol(s.c_str(), &end, 10);
  if (errno || *end || v < lo || v > hi) return false;
  *out = static_cast<int>(v);
  return true;
}

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
  if (args.Has("max") && !ParseCount(args.Get("max"), 1, 1000, &max_count)) {
    return UsageError("keyframes", "--max needs a whole number from 1 to 1000");
  }
  if (args.Has("size") && !ParseCount(args.Get("size"), 16, 8192, &size)) {
    return UsageError("keyframes", "--size needs a whole number of pixels from 16 to 8192");
  }
  const bool json = args.Has("json");
  const std::string& file = args.positional()[0];

  std::error_code ec;
  const double bytes = static_cast<double>(std::filesystem::file_size(file, ec));
  const double duration = media::ProbeFile(file).container.duration_s.value_or(0);
  ProgressMeter progress("keyframes", ec ? 0 : static_cast<std::uint64_t>(2 * bytes), 1);
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
    Warn("keyframes", a.status().message());
    return kExitFailed;
  }
  signals::visual::KeyframeOptions ko;
  ko.max_count = max_count;
  auto chosen =
      signals::visual::SelectKeyframes(a->list, a->frames, a->thumb_width, a->thumb_height, ko);
  std::vector<std::int64_t> numbers;
  for (const auto& k : chosen) numbers.push_back(k.frame);
  auto pictures = signals::visual::ReadFramePictures(file, numbers, size);
  progress.Clear();
  if (!pictures.ok()) {
    Warn("keyframes", pictures.status().message());
    return kExitFailed;
  }
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
        {"file", DisplayPath(file)}, {"shots", a->list.shots.size()}, {"keyframes", list}});
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
