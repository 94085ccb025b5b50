#include "server/keyframe_cache.h"

#include <cmath>

#include "base/file.h"
#include "media/image_writer.h"
#include "report/item_pictures.h"
#include "signals/visual/keyframes.h"

namespace sightline::server {

namespace {

constexpr int kMaxKeyframes = 24;  // as `sightline keyframes`
constexpr int kPictureSide = 640;
// Written into index.json; an entry of another version is computed again. 2: photos are turned
// upright by their EXIF orientation (media/orientation.h), so pictures cached before are sideways.
constexpr int kCacheVersion = 2;

std::string JpegName(std::int64_t index) { return std::to_string(index) + ".jpg"; }

}  // namespace

KeyframeCache::KeyframeCache(std::string case_dir)
    : root_(JoinPath(JoinPath(JoinPath(case_dir, "workbench"), "cache"), "keyframes")) {}

std::string KeyframeCache::DirFor(const std::string& sha256) const {
  return JoinPath(root_, sha256);
}

Result<nlohmann::json> KeyframeCache::Compute(const std::string& dir,
                                              const std::string& object_path,
                                              const std::string& kind) {
  SL_RETURN_IF_ERROR(MakeDirs(dir, 0700));
  nlohmann::json list = nlohmann::json::array();
  std::size_t shots = 0;
  if (kind == "image") {
    SL_ASSIGN_OR_RETURN(media::Image picture, report::FrameAt(object_path, 0, kPictureSide));
    SL_RETURN_IF_ERROR(media::WriteJpeg(JoinPath(dir, JpegName(0)), picture, {.quality = 85}));
    list.push_back({{"index", 0}, {"t", 0.0}, {"shot", 0}});
  } else if (kind == "video") {
    signals::visual::KeyframeOptions options;
    options.max_count = kMaxKeyframes;
    SL_ASSIGN_OR_RETURN(signals::visual::KeyframeChoice choice,
                        signals::visual::ChooseKeyframes(object_path, options,
                                                         /*middle_if_none=*/true));
    shots = choice.shots;
    const std::vector<signals::visual::Keyframe>& chosen = choice.chosen;
    std::vector<std::int64_t> numbers;
    for (const auto& k : chosen) numbers.push_back(k.frame);
    SL_ASSIGN_OR_RETURN(auto pictures,
                        signals::visual::ReadFramePictures(object_path, numbers, kPictureSide));
    for (std::size_t i = 0; i < chosen.size() && i < pictures.size(); ++i) {
      SL_RETURN_IF_ERROR(media::WriteJpeg(JoinPath(dir, JpegName(static_cast<std::int64_t>(i))),
                                          pictures[i], {.quality = 85}));
      list.push_back(
          {{"index", i}, {"t", std::round(chosen[i].t * 1e6) / 1e6}, {"shot", chosen[i].shot}});
    }
  }
  nlohmann::json index = {{"version", kCacheVersion}, {"shots", shots}, {"keyframes", list}};
  SL_RETURN_IF_ERROR(WriteFileAtomic(JoinPath(dir, "index.json"), index.dump() + "\n", 0600));
  return index;
}

Result<nlohmann::json> KeyframeCache::Index(const std::string& sha256,
                                            const std::string& object_path,
                                            const std::string& kind) {
  std::shared_ptr<std::mutex> item_mu;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto& m = item_mu_[sha256];
    if (!m) m = std::make_shared<std::mutex>();
    item_mu = m;
  }
  std::lock_guard<std::mutex> lock(*item_mu);
  const std::string dir = DirFor(sha256);
  auto text = ReadFileToString(JoinPath(dir, "index.json"), 16 << 20);
  if (text.ok()) {
    nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_object() && j.contains("keyframes") && j.value("version", 0) == kCacheVersion)
      return j;
  }
  return Compute(dir, object_path, kind);
}

Result<std::string> KeyframeCache::PicturePath(const std::string& sha256,
                                               const std::string& object_path,
                                               const std::string& kind, std::int64_t index) {
  SL_ASSIGN_OR_RETURN(nlohmann::json j, Index(sha256, object_path, kind));
  if (index < 0 || index >= static_cast<std::int64_t>(j["keyframes"].size())) {
    return NotFound("no keyframe " + std::to_string(index));
  }
  return JoinPath(DirFor(sha256), JpegName(index));
}

}  // namespace sightline::server
