#include "analysis/scene/feature_store.h"

#include <cstdint>
#include <cstring>
#include <opencv2/core.hpp>

#include "base/binary_io.h"

namespace sightline::analysis::scene {

namespace {

constexpr char kMagic[4] = {'S', 'L', 'S', 'F'};
constexpr std::uint32_t kFormatVersion = 1;
constexpr int kDescriptorColumns = 128;
// Bounds a malformed file cannot make us exceed.
constexpr std::uint32_t kMaxFrames = 10'000;
constexpr std::uint32_t kMaxKeypoints = 1'000'000;

void Quantize(cv::Mat& descriptors) {
  if (descriptors.empty() || descriptors.type() != CV_32F) return;
  cv::Mat half;
  descriptors.convertTo(half, CV_16F);
  half.convertTo(descriptors, CV_32F);
}

void PutFeatures(const SceneFeatures& s, BinaryWriter& w) {
  w.Put<std::int32_t>(s.width);
  w.Put<std::int32_t>(s.height);
  w.Put<double>(s.scale);
  w.Put<std::uint32_t>(static_cast<std::uint32_t>(s.keypoints.size()));
  for (const Keypoint& k : s.keypoints) {
    w.Put<float>(k.x);
    w.Put<float>(k.y);
    w.Put<float>(k.size);
    w.Put<float>(k.angle);
    w.Put<float>(k.response);
    w.Put<std::int32_t>(k.view);
  }
  const bool has = !s.descriptors.empty() && s.descriptors.cols == kDescriptorColumns &&
                   s.descriptors.rows == static_cast<int>(s.keypoints.size());
  w.Put<std::uint32_t>(has ? kDescriptorColumns : 0);
  if (!has) return;
  cv::Mat half;
  s.descriptors.convertTo(half, CV_16F);
  for (int r = 0; r < half.rows; ++r) w.Bytes(half.ptr(r), half.cols * half.elemSize());
}

bool GetFeatures(BinaryReader& r, SceneFeatures* s) {
  std::uint32_t n = 0, cols = 0;
  if (!r.Get(&s->width) || !r.Get(&s->height) || !r.Get(&s->scale) || !r.Get(&n) ||
      n > kMaxKeypoints || r.Left() < static_cast<std::size_t>(n) * 24) {
    return false;
  }
  s->keypoints.resize(n);
  for (Keypoint& k : s->keypoints) {
    if (!r.Get(&k.x) || !r.Get(&k.y) || !r.Get(&k.size) || !r.Get(&k.angle) ||
        !r.Get(&k.response) || !r.Get(&k.view)) {
      return false;
    }
  }
  if (!r.Get(&cols) || (cols != 0 && cols != kDescriptorColumns)) return false;
  if (cols == 0) {
    s->descriptors = cv::Mat();
    return true;
  }
  const std::size_t bytes = static_cast<std::size_t>(n) * cols * 2;
  if (r.Left() < bytes) return false;
  cv::Mat half(static_cast<int>(n), static_cast<int>(cols), CV_16F);
  if (n > 0 && !r.Bytes(half.data, bytes)) return false;
  half.convertTo(s->descriptors, CV_32F);
  return true;
}

}  // namespace

void QuantizeDescriptors(FileFeatures& f) {
  for (SceneFeatures& s : f.features) Quantize(s.descriptors);
  for (SceneFeatures& s : f.affine) Quantize(s.descriptors);
}

std::string EncodeFileFeatures(const FileFeatures& f) {
  BinaryWriter w;
  w.Bytes(kMagic, sizeof kMagic);
  w.Put<std::uint32_t>(kFormatVersion);
  w.Put<std::uint8_t>(f.still ? 1 : 0);
  w.Put<std::int32_t>(f.options.max_side);
  w.Put<std::int32_t>(f.options.max_keypoints);
  w.Put<double>(f.options.contrast);
  w.Put<std::uint32_t>(static_cast<std::uint32_t>(f.features.size()));
  for (std::size_t i = 0; i < f.features.size(); ++i) {
    const bool has_frame = i < f.frames.size();
    w.Put<double>(has_frame ? f.frames[i].t : 0.0);
    w.Put<std::uint8_t>(has_frame && f.frames[i].still ? 1 : 0);
    PutFeatures(f.features[i], w);
  }
  return w.Take();
}

Result<FileFeatures> DecodeFileFeatures(std::string_view data) {
  const auto corrupt = [] {
    return Status(StatusCode::kCorrupt, "stored scene features are malformed or truncated");
  };
  BinaryReader r(data);
  char magic[4];
  std::uint32_t version = 0, frames = 0;
  std::uint8_t still = 0;
  FileFeatures f;
  if (!r.Bytes(magic, sizeof magic) || std::memcmp(magic, kMagic, sizeof magic) != 0 ||
      !r.Get(&version) || version != kFormatVersion || !r.Get(&still) ||
      !r.Get(&f.options.max_side) || !r.Get(&f.options.max_keypoints) ||
      !r.Get(&f.options.contrast) || !r.Get(&frames) || frames > kMaxFrames) {
    return corrupt();
  }
  f.still = still != 0;
  f.frames.resize(frames);
  f.features.resize(frames);
  for (std::uint32_t i = 0; i < frames; ++i) {
    std::uint8_t frame_still = 0;
    if (!r.Get(&f.frames[i].t) || !r.Get(&frame_still) || !GetFeatures(r, &f.features[i])) {
      return corrupt();
    }
    f.frames[i].still = frame_still != 0;
  }
  if (!r.AtEnd()) return corrupt();
  return f;
}

bool HasPixels(const FileFeatures& f) {
  for (const SceneFrame& frame : f.frames) {
    if (frame.gray.empty()) return false;
  }
  return f.frames.size() == f.features.size();
}

}  // namespace sightline::analysis::scene
