#include "cli/keyframe_pictures.h"

#include <algorithm>
#include <filesystem>

#include "base/file.h"
#include "cli/output.h"
#include "media/probe.h"

namespace sightline::cli {

Result<KeyframePictures> ReadKeyframePictures(const char* command, const std::string& file,
                                              int max_count, int max_side, bool middle_if_none) {
  // Progress in bytes of the file: the shot pass reads it once, the picture pass again.
  std::error_code ec;
  const double bytes = static_cast<double>(std::filesystem::file_size(file, ec));
  const double duration = media::ProbeFile(file).container.duration_s.value_or(0);
  ProgressMeter progress(command, ec ? 0 : static_cast<std::uint64_t>(2 * bytes), 1);
  double reported = 0;
  auto on_frame = [&](double t) {
    if (ec || duration <= 0) return;
    const double want = bytes * std::min(1.0, t / duration);
    if (want > reported) {
      progress.AddBytes(static_cast<std::uint64_t>(want - reported));
      reported = want;
    }
  };
  auto analysis = signals::visual::AnalyzeShots(file, {}, on_frame);
  if (!analysis.ok()) {
    progress.Clear();
    Warn(command, analysis.status().message());
    return analysis.status();
  }
  KeyframePictures out;
  out.shots = analysis->list.shots.size();
  signals::visual::KeyframeOptions options;
  options.max_count = max_count;
  out.chosen = signals::visual::SelectKeyframes(
      analysis->list, analysis->frames, analysis->thumb_width, analysis->thumb_height, options);
  if (out.chosen.empty() && middle_if_none && !analysis->frames.empty()) {
    const std::size_t middle = analysis->frames.size() / 2;
    out.chosen.push_back({analysis->frames[middle].t, static_cast<std::int64_t>(middle), 0});
  }
  std::vector<std::int64_t> numbers;
  for (const auto& k : out.chosen) numbers.push_back(k.frame);
  auto pictures = signals::visual::ReadFramePictures(file, numbers, max_side);
  progress.Clear();
  if (!pictures.ok()) {
    Warn(command, pictures.status().message());
    return pictures.status();
  }
  out.pictures = std::move(pictures).value();
  return out;
}

}  // namespace sightline::cli
