#include "signals/visual/frame_hashes.h"

#include <cmath>
#include <memory>

#include "media/frame_source.h"
#include "media/heif_image.h"

namespace sightline::signals::visual {

namespace {

class PdqConsumer : public media::FrameConsumer {
 public:
  PdqConsumer(FrameHashes* out, const std::function<void(double)>& on_progress)
      : out_(out), on_progress_(on_progress), hasher_(std::make_unique<PdqHasher>()) {}

  Status OnFrame(const media::Frame& f) override {
    FrameHash h;
    h.t = f.t;
    h.pdq = f.layout == media::PixelLayout::kRgb24
                ? hasher_->HashRgb(f.data, f.width, f.height, f.stride)
                : hasher_->HashLuma(f.data, f.width, f.height, f.stride);
    out_->frames.push_back(h);
    out_->width = f.width;
    out_->height = f.height;
    if (on_progress_) on_progress_(f.t);
    return Status::Ok();
  }

 private:
  FrameHashes* out_;
  const std::function<void(double)>& on_progress_;
  std::unique_ptr<PdqHasher> hasher_;  // 42 KB of scratch: on the heap
};

// HEIF/HEIC/AVIF stills: FFmpeg 5.1 cannot decode them; libheif gives their luma.
Result<FrameHashes> HashHeif(const std::string& path) {
  SL_ASSIGN_OR_RETURN(media::LumaImage luma, media::DecodeHeifLuma(path));
  FrameHashes out;
  out.still = true;
  out.width = luma.width;
  out.height = luma.height;
  out.frames_decoded = 1;
  auto hasher = std::make_unique<PdqHasher>();
  out.frames.push_back(
      {0, hasher->HashLuma(luma.pixels.data(), luma.width, luma.height, luma.width)});
  return out;
}

}  // namespace

Result<FrameHashes> HashFrames(const std::string& path, const FrameHashOptions& options,
                               const std::function<void(double)>& on_progress) {
  if (media::IsHeifStillFile(path)) return HashHeif(path);
  media::FrameSourceOptions source;
  source.sampling = options.every_frame ? media::Sampling::kEveryFrame : media::Sampling::kRate;
  source.rate = options.rate;
  source.layout = media::PixelLayout::kGray8;
  source.still_layout = media::PixelLayout::kRgb24;
  source.exif_orientation = false;  // PDQ hashes the pixels as stored, as the reference does
  source.threads = options.threads;
  FrameHashes out;
  PdqConsumer consumer(&out, on_progress);
  SL_ASSIGN_OR_RETURN(media::DecodeSummary summary, media::DecodeFrames(path, source, consumer));
  out.still = summary.is_image;
  out.duration_s = summary.is_image ? 0 : summary.duration_s;
  out.frames_decoded = summary.frames_decoded;
  out.warnings = std::move(summary.warnings);
  return out;
}

nlohmann::ordered_json FrameHashesJson(const FrameHashes& hashes, const std::string& file,
                                       const FrameHashOptions& options) {
  nlohmann::ordered_json j;
  j["file"] = file;
  if (hashes.still && !hashes.frames.empty()) {
    j["pdq"] = hashes.frames[0].pdq.Hex();
    j["quality"] = hashes.frames[0].pdq.quality;
    return j;
  }
  j["duration_s"] = hashes.duration_s;
  j["rate"] =
      options.every_frame ? nlohmann::ordered_json("all") : nlohmann::ordered_json(options.rate);
  nlohmann::ordered_json frames = nlohmann::ordered_json::array();
  for (const FrameHash& f : hashes.frames) {
    // Times to the microsecond: enough for any frame rate, and stable text.
    frames.push_back(
        {{"t", std::round(f.t * 1e6) / 1e6}, {"pdq", f.pdq.Hex()}, {"quality", f.pdq.quality}});
  }
  j["frames"] = std::move(frames);
  j["warnings"] = hashes.warnings;
  return j;
}

}  // namespace sightline::signals::visual
