// sightline shots: shot boundaries of video files. Thin: the detector is
// signals/visual/shots.h; this file decodes each file, shows progress and prints.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "base/file.h"
#include "cli/command.h"
#include "cli/output.h"
#include "media/probe.h"
#include "report/contact_sheet.h"
#include "signals/visual/shots.h"

namespace sightline::cli {
namespace {

using signals::visual::ShotAnalysis;
using signals::visual::TransitionKindName;

double Round6(double v) { return std::round(v * 1e6) / 1e6; }

nlohmann::ordered_json ToJson(const std::string& file, const ShotAnalysis& a) {
  nlohmann::ordered_json j;
  j["file"] = DisplayPath(file);
  j["shots"] = nlohmann::ordered_json::array();
  for (const auto& s : a.list.shots) {
    j["shots"].push_back(
        {{"start", Round6(s.start)}, {"end", Round6(s.end)}, {"keyframe_t", Round6(s.keyframe_t)}});
  }
  j["transitions"] = nlohmann::ordered_json::array();
  for (const auto& t : a.list.transitions) {
    j["transitions"].push_back(
        {{"kind", TransitionKindName(t.kind)}, {"start", Round6(t.start)}, {"end", Round6(t.end)}});
  }
  return j;
}

void PrintText(const std::string& file, const ShotAnalysis& a) {
  using report::Timecode;
  std::printf("== %s\n", DisplayPath(file).c_str());
  const double end = a.list.shots.empty() ? 0 : a.list.shots.back().end;
  std::printf("%zu shot(s), %zu transition(s), %lld frames, %s\n", a.list.shots.size(),
              a.list.transitions.size(), static_cast<long long>(a.list.frames),
              Timecode(end).c_str());
  for (std::size_t k = 0; k < a.list.shots.size(); ++k) {
    const auto& s = a.list.shots[k];
    std::printf("  shot %-4zu %s - %s   keyframe %s\n", k + 1, Timecode(s.start).c_str(),
                Timecode(s.end).c_str(), Timecode(s.keyframe_t).c_str());
    if (k < a.list.transitions.size()) {
      const auto& t = a.list.transitions[k];
      if (t.kind == signals::visual::TransitionKind::kCut) {
        std::printf("    %-8s %s\n", TransitionKindName(t.kind), Timecode(t.start).c_str());
      } else {
        std::printf("    %-8s %s - %s\n", TransitionKindName(t.kind), Timecode(t.start).c_str(),
                    Timecode(t.end).c_str());
      }
    }
  }
  for (const std::string& w : a.decode.warnings) std::printf("  warning: %s\n", w.c_str());
  std::printf("\n");
}

int Run(const Args& args) {
  if (args.positional().empty()) return UsageError("shots", "no FILE given");
  const bool json = args.Has("json");
  const auto& files = args.positional();
  std::uint64_t total = 0;
  std::vector<double> durations;
  for (const std::string& f : files) {
    std::error_code ec;
    auto size = std::filesystem::file_size(f, ec);
    total += ec ? 0 : size;
    media::ProbeResult p = media::ProbeFile(f);
    durations.push_back(p.container.duration_s.value_or(0));
  }
  ProgressMeter progress("shots", total, files.size());
  std::size_t failures = 0;
  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < files.size(); ++i) {
    const std::string& f = files[i];
    std::error_code ec;
    const double size = static_cast<double>(std::filesystem::file_size(f, ec));
    double reported = 0;
    auto on_frame = [&](double t) {
      if (ec || durations[i] <= 0) return;
      const double want = size * std::min(1.0, t / durations[i]);
      if (want > reported) {
        progress.AddBytes(static_cast<std::uint64_t>(want - reported));
        reported = want;
      }
    };
    auto a = signals::visual::AnalyzeShots(f, {}, on_frame);
    if (!ec && size > reported) progress.AddBytes(static_cast<std::uint64_t>(size - reported));
    progress.FileDone();
    progress.Clear();
    if (!a.ok()) {
      ++failures;
      Warn("shots", a.status().message());
      if (json) array.push_back({{"file", DisplayPath(f)}, {"error", a.status().message()}});
      continue;
    }
    if (json) {
      array.push_back(ToJson(f, *a));
    } else {
      PrintText(f, *a);
      std::fflush(stdout);
    }
  }
  if (json) PrintJson(files.size() == 1 && failures == 0 ? array[0] : array);
  return failures > 0 ? kExitFailed : kExitOk;
}

}  // namespace

extern const Command kShotsCommand = {
    "shots",
    "find the shots of videos: cuts, dissolves and fades, with a keyframe per shot",
    "Usage: sightline shots [--json] FILE...\n"
    "\n"
    "Decodes every frame (small) and finds shot boundaries: hard cuts, dissolves and fades to or\n"
    "from black or white, with times in seconds from the frames' own timestamps. Camera motion,\n"
    "muzzle flashes, explosions and camera flashes (a picture that returns after a few frames)\n"
    "are not boundaries. Each shot gets a keyframe: its sharpest typical frame.\n"
    "Method and limits: doc/shots.md.\n"
    "\n"
    "Options:\n"
    "  --json   print JSON: for one FILE an object\n"
    "             {\"file\", \"shots\": [{\"start\", \"end\", \"keyframe_t\"}],\n"
    "              \"transitions\": [{\"kind\": \"cut|dissolve|fade\", \"start\", \"end\"}]}\n"
    "           (a cut has start = end = the time of the first frame of the new shot); for\n"
    "           several files an array of them, with {\"file\", \"error\"} for files that failed\n"
    "\n"
    "Exit status: 0 every file was read, 1 some file could not be read as video (the others are\n"
    "still done), 2 usage error.\n",
    {.flags = {"json"}, .values = {}, .multi = {}},
    Run,
};

}  // namespace sightline::cli
