#include "analysis/scene/frames.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "media/frame_source.h"
#include "media/heif_image.h"

namespace sightline::analysis::scene {

namespace {

// A decoded picture as a matrix (grey or RGB), copied; a photo larger than `max_side` is brought
// down to it (frames are decoded at the larger of the photo and video bounds, since which the
// file is is not known before).
cv::Mat BoundedCopy(const cv::Mat& view, bool still, int max_side) {
  const int long_side = std::max(view.cols, view.rows);
  if (!still || max_side <= 0 || long_side <= max_side) return view.clone();
  const double k = static_cast<double>(max_side) / long_side;
  cv::Mat out;
  cv::resize(view, out,
             cv::Size(std::max(1, static_cast<int>(std::lround(view.cols * k))),
                      std::max(1, static_cast<int>(std::lround(view.rows * k)))),
             0, 0, cv::INTER_AREA);
  return out;
}

cv::Mat View(const media::Frame& frame) {
  return cv::Mat(frame.height, frame.width,
                 frame.layout == media::PixelLayout::kRgb24 ? CV_8UC3 : CV_8UC1,
                 const_cast<std::uint8_t*>(frame.data), static_cast<size_t>(frame.stride));
}

// The decoder's settings for `options`; both passes (grey to compare, colour to show) use them,
// so that they deliver the same frames.
media::FrameSourceOptions DecodeOptions(const FrameOptions& options, media::PixelLayout layout) {
  media::FrameSourceOptions fo;
  fo.layout = layout;
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
  return fo;
}

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
    s.gray = BoundedCopy(View(frame), frame.still, options_.max_side);
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
    frame.gray = BoundedCopy(cv::Mat(luma.height, luma.width, CV_8UC1, luma.pixels.data()), true,
                             options.max_side);
    return std::vector<SceneFrame>{std::move(frame)};
  }
  const media::FrameSourceOptions fo = DecodeOptions(options, media::PixelLayout::kGray8);
  SpreadCollector collector(options);
  auto summary = media::DecodeFrames(path, fo, collector);
  if (!summary.ok() && !collector.reached()) return summary.status();
  std::vector<SceneFrame> frames = collector.Take();
  if (frames.empty()) return Corrupt(path + ": no picture could be decoded");
  return frames;
}

namespace {

// Waits for the frame at one time, in colour; stops once past it.
class FrameAtTime : public media::FrameConsumer {
 public:
  FrameAtTime(const SceneFrame& wanted, int max_side) : wanted_(wanted), max_side_(max_side) {}

  Status OnFrame(const media::Frame& frame) override {
    if (frame.layout != media::PixelLayout::kRgb24) return Internal("expected RGB frames");
    const double t = frame.still ? 0 : frame.t;
    if (frame.still == wanted_.still && std::abs(t - wanted_.t) < 1e-9) {
      found_ = BoundedCopy(View(frame), frame.still, max_side_);
      return Status(StatusCode::kAlreadyExists, "found");
    }
    if (t > wanted_.t) return Status(StatusCode::kAlreadyExists, "passed");
    return Status::Ok();
  }

  const cv::Mat& found() const { return found_; }

 private:
  const SceneFrame& wanted_;
  int max_side_;
  cv::Mat found_;
};

}  // namespace

Result<cv::Mat> ReadSceneFrameInColour(const std::string& path, const FrameOptions& options,
                                       const SceneFrame& compared) {
  if (media::IsHeifStillFile(path)) return Unsupported(path + ": HEIF photos are read grey");
  FrameAtTime consumer(compared, options.max_side);
  // A stop from the consumer is an error status; whether the frame came is what counts.
  (void)media::DecodeFrames(path, DecodeOptions(options, media::PixelLayout::kRgb24), consumer);
  if (consumer.found().empty() || consumer.found().size() != compared.gray.size())
    return NotFound(path + ": the compared frame was not decoded again");
  return consumer.found();
}

}  // namespace sightline::analysis::scene
