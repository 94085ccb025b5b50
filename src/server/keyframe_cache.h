// Keyframes of a case's items for the workbench: a video's keyframes chosen as `sightline
// keyframes` chooses them (signals/visual/keyframes.h), an image's own picture, written once as
// JPEGs under DIR/workbench/cache/keyframes/SHA256/ with an index.json, and read from there
// afterwards. The cache is rebuildable and is not evidence (it is not in the case's catalogue or
// custody log); it is keyed by the original's hash, so it can never describe other bytes, and
// carries a version, so that pictures made by an older way of making them are made again.
//
// Thread safety: may be used from several threads; one item is computed by one thread at a time
// (others asking for it wait), different items in parallel.
#ifndef SIGHTLINE_SERVER_KEYFRAME_CACHE_H_
#define SIGHTLINE_SERVER_KEYFRAME_CACHE_H_

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"

namespace sightline::server {

class KeyframeCache {
 public:
  explicit KeyframeCache(std::string case_dir);
  // {"shots", "keyframes": [{"index", "t", "shot"}]} for the original at `object_path` with
  // hash `sha256` and media kind `kind` ("video", "image", …); computed on first use.
  Result<nlohmann::json> Index(const std::string& sha256, const std::string& object_path,
                               const std::string& kind);
  // The path of keyframe `index`'s JPEG (Index must have succeeded); kNotFound when there is none.
  Result<std::string> PicturePath(const std::string& sha256, const std::string& object_path,
                                  const std::string& kind, std::int64_t index);

 private:
  std::string DirFor(const std::string& sha256) const;
  Result<nlohmann::json> Compute(const std::string& dir, const std::string& object_path,
                                 const std::string& kind);
  std::string root_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<std::mutex>> item_mu_;
};

}  // namespace sightline::server

#endif  // SIGHTLINE_SERVER_KEYFRAME_CACHE_H_
