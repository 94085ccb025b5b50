// A file's scene features (compare.h, FileFeatures) as bytes, so that analyze's place stage can
// keep them as a derived signal and compare a new item with the old ones without decoding the old
// ones again. Frame pixels are not kept (a clip's frames would weigh megabytes each): decoded
// features have each frame's time and stillness but an empty picture, and a comparison that needs
// the pixels (the affine-simulated views, compare.h) must get them again (ReadSceneFrames).
//
// Descriptors are kept as IEEE half floats: RootSIFT values lie in [0, 1], where half precision
// errs by under 0.05 %, and a clip's features take half the room. QuantizeDescriptors rounds
// fresh features the same way, so that features used straight after extraction and features read
// back compare identically.
//
// Format (little-endian): "SLSF", u32 version (1), u8 still, i32 max_side, i32 max_keypoints,
// f64 contrast, u32 frames; per frame: f64 t, u8 still, i32 width, i32 height, f64 scale,
// u32 keypoints, per keypoint f32 x, y, size, angle, response and i32 view, u32 descriptor
// columns (0 or 128), then keypoints × columns half floats. See doc/findings.md.
//
// Thread safety: pure functions.
#ifndef SIGHTLINE_ANALYSIS_SCENE_FEATURE_STORE_H_
#define SIGHTLINE_ANALYSIS_SCENE_FEATURE_STORE_H_

#include <string>
#include <string_view>

#include "analysis/scene/compare.h"
#include "base/status.h"

namespace sightline::analysis::scene {

// Rounds the descriptors of `f` (own and affine) to half precision, in place.
void QuantizeDescriptors(FileFeatures& f);

// The bytes of `f`'s features (not its pixels, not its affine views).
std::string EncodeFileFeatures(const FileFeatures& f);

// Reads EncodeFileFeatures' bytes back. kCorrupt when they are malformed or truncated.
Result<FileFeatures> DecodeFileFeatures(std::string_view data);

// Whether every frame of `f` still has its picture (false after DecodeFileFeatures).
bool HasPixels(const FileFeatures& f);

}  // namespace sightline::analysis::scene

#endif  // SIGHTLINE_ANALYSIS_SCENE_FEATURE_STORE_H_
