#include "analysis/scene/frames.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "media/frame_source.h"
#include "media/heif_image.h"

namespace sightline::analysis::scene {

namespace {

// Keeps frames a set time apart; when more than twice the wanted number are held, every other
// one is dropped and the spacing doubles, so that any length of clip ends with frames spread
// evenly over it in bounded memory.
class SpreadCollector : public media::FrameConsumer {
 public:
  SpreadCollector(const FrameOptions& o) : options_(o), period_(o.min_period_s) {}

  Status OnFrame(const media::Frame& frame) override {
    if (frame.layout != media::PixelLayout::kGray8) return Internal("expected grey frames");
    if (options_.at_s >= 0 && !frame.still) {
      // The frame nearest to the requested time; stop once past it.
      const double d = std::abs(frame.t - options_.at_s);
      if (frames_.empty() || d < best_distance_) {
        best_distance_ = d;
        frames_.assign(1, Copy(frame));
      }
      if (frame.t > options_.at_s) {
        reached_ = true;
        return Status(StatusCode::kAlreadyExists, "reached");
      }
      return Status::Ok();
    }
    if (!frames_.empty() && frame.t < next_t_) return Status::Ok();
    frames_.push_back(Copy(frame));
    next_t_ = frame.t + period_;
    if (static_cast<int>(frames_.size()) > 2 * std::max(1, options_.max_frames)) {
      std::vector<SceneFrame> kept;
      for (size_t i = 0; i < frames_.size(); i += 2) kept.push_back(std::move(frames_[i]));
      frames_ = std::move(kept);
      period_ *= 2;
      next_t_ = frames_.back().t + period_;
    }
    return Status::Ok();
  }

  bool reached() const { return reached_; }

  std::vector<SceneFrame> Take() {
    const int want = std::max(1, options_.max_frames);
    if (static_cast<int>(frames_.size()) <= want) return std::move(frames_);
    std::vector<SceneFrame> out;
    const double step = static_cast<double>(frames_.size() - 1) / (want - 1 > 0 ? want - 1 : 1);
    for (int i = 0; i < want; ++i) {
      out.push_back(std::move(frames_[static_cast<size_t>(std::lround(i * step))]));
    }
    return out;
  }

 private:
  SceneFrame Copy(const media::Frame& frame) const {
    SceneFrame s;
    s.t = frame.still ? 0 : frame.t;
    s.still = frame.still;
    cv::Mat view(frame.height, frame.width, CV_8UC1, const_cast<std::uint8_t*>(frame.data),
                 static_cast<size_t>(frame.stride));
    // Decoded at the larger of the two sides (a video's is not known before): a photo is
    // brought down to its own.
    const int long_side = std::max(view.cols, view.rows);
    if (frame.still && options_.max_side > 0 && long_side > options_.max_side) {
      const double k = static_cast<double>(options_.max_side) / long_side;
      cv::resize(view, s.gray,
                 cv::Size(std::max(1, static_cast<int>(std::lround(view.cols * k))),
                          std::max(1, static_cast<int>(std::lround(view.rows * k)))),
                 0, 0, cv::INTER_AREA);
    } else {
      s.gray = view.clone();
    }
    return s;
  }

  FrameOptions options_;
  double period_;
  double next_t_ = 0;
  double best_distance_ = 0;
  bool reached_ = false;
  std::vector<SceneFrame> frames_;
};

}  // namespace

Result<std::vector<SceneFrame>> ReadSceneFrames(const std::string& path,
                                                const FrameOptions& options) {
  // HEIF stills (phone photos) are read with libheif: FFmpeg 5.1 cannot (media/heif_image.h).
  if (media::IsHeifStillFile(path)) {
    media::HeifOptions ho;
    ho.max_pixels = options.max_pixels;
    SL_ASSIGN_OR_RETURN(media::LumaImage luma, media::DecodeHeifLuma(path, ho));
    SceneFrame frame;
    frame.still = true;
    const cv::Mat view(luma.height, luma.width, CV_8UC1, luma.pixels.data());
    const int long_side = std::max(luma.width, luma.height);
    if (options.max_side > 0 && long_side > options.max_side) {
      const double s = static_cast<double>(options.max_side) / long_side;
      cv::resize(view, frame.gray,
                 cv::Size(std::max(1, static_cast<int>(std::lround(luma.width * s))),
                          std::max(1, static_cast<int>(std::lround(luma.height * s)))),
                 0, 0, cv::INTER_AREA);
    } else {
      frame.gray = view.clone();
    }
    return std::vector<SceneFrame>{std::move(frame)};
  }
  media::FrameSourceOptions fo;
  fo.layout = media::PixelLayout::kGray8;
  fo.max_side = options.max_side;
  if (options.video_max_side > options.max_side && options.max_side > 0)
    fo.max_side = options.video_max_side;
  fo.max_pixels = options.max_pixels;
  if (options.at_s >= 0) {
    fo.sampling = media::Sampling::kEveryFrame;
  } else {
    fo.sampling = media::Sampling::kRate;
    fo.rate = 1.0 / std::max(0.05, options.min_period_s);
  }
  SpreadCollector collector(options);
  auto summary = media::DecodeFrames(path, fo, collector);
  if (!summary.ok() && !collector.reached()) return summary.status();
  std::vector<SceneFrame> frames = collector.Take();
  if (frames.empty()) return Corrupt(path + ": no picture could be decoded");
  return frames;
}

}  // namespace sightline::analysis::scene
