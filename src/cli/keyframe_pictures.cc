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
  signals::visual::KeyframeOptions options;
  options.max_count = max_count;
  auto choice = signals::visual::ChooseKeyframes(file, options, middle_if_none, on_frame);
  if (!choice.ok()) {
    progress.Clear();
    Warn(command, choice.status().message());
    return choice.status();
  }
  KeyframePictures out;
  out.shots = choice->shots;
  out.chosen = std::move(choice->chosen);
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
