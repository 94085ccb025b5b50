#include "report/item_pictures.h"

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "media/frame_source.h"
#include "report/contact_sheet.h"

namespace sightline::report {

namespace {

// Collects sampled frames: those at or after each wanted time, in order; stops decoding (with
// kStop) once every wanted time is served.
class FrameCollector : public media::FrameConsumer {
 public:
  explicit FrameCollector(std::vector<double> wanted) : wanted_(std::move(wanted)) {}

  Status OnFrame(const media::Frame& frame) override {
    last_ = media::Image::FromFrame(frame);
    last_t_ = frame.t;
    while (next_ < wanted_.size() && (frame.still || frame.t >= wanted_[next_] - 0.02)) {
      out_.pictures.push_back(last_);
      out_.times.push_back(frame.t);
      ++next_;
    }
    if (next_ >= wanted_.size()) {
      stopped_ = true;
      return Internal("enough frames");
    }
    return Status::Ok();
  }

  // The clip ended before the remaining wanted times: its last frame stands for the next one.
  SheetFrames Finish() {
    if (next_ < wanted_.size() && last_.width > 0 &&
        (out_.times.empty() || out_.times.back() < last_t_)) {
      out_.pictures.push_back(last_);
      out_.times.push_back(last_t_);
    }
    return std::move(out_);
  }

  bool stopped() const { return stopped_; }

 private:
  std::vector<double> wanted_;
  std::size_t next_ = 0;
  media::Image last_;
  double last_t_ = 0;
  bool stopped_ = false;
  SheetFrames out_;
};

Result<SheetFrames> Collect(const std::string& path, std::vector<double> wanted, double rate,
                            int max_side) {
  media::FrameSourceOptions o;
  o.sampling = media::Sampling::kRate;
  o.rate = rate;
  o.layout = media::PixelLayout::kRgb24;
  o.max_side = max_side;
  o.threads = 1;
  FrameCollector collector(std::move(wanted));
  Result<media::DecodeSummary> decoded = media::DecodeFrames(path, o, collector);
  if (!decoded.ok() && !collector.stopped()) {
    return decoded.status();
  }
  SheetFrames frames = collector.Finish();
  if (frames.pictures.empty()) return NotFound(path + ": no picture decoded");
  return frames;
}

cv::Mat AsMat(const media::Image& image) {
  if (image.layout == media::PixelLayout::kGray8) {
    cv::Mat gray(image.height, image.width, CV_8UC1,
                 const_cast<std::uint8_t*>(image.pixels.data()));
    cv::Mat rgb;
    cv::cvtColor(gray, rgb, cv::COLOR_GRAY2RGB);
    return rgb;
  }
  return cv::Mat(image.height, image.width, CV_8UC3, const_cast<std::uint8_t*>(image.pixels.data()))
      .clone();
}

}  // namespace

Result<media::Image> FrameAt(const std::string& path, double t, int max_side) {
  // A still image is one frame, served for any time.
  // A rate of 1/t samples at 0, t, 2t…: the second sample is the frame wanted.
  const double wanted = std::max(0.0, t);
  SL_ASSIGN_OR_RETURN(SheetFrames frames,
                      Collect(path, {wanted}, wanted > 0.05 ? 1 / wanted : 1.0, max_side));
  return std::move(frames.pictures.back());
}

Result<SheetFrames> SpreadFrames(const std::string& path, double duration_s, int count,
                                 int max_side) {
  count = std::max(1, count);
  const double step = duration_s > 0 ? duration_s / count : 2.0;
  std::vector<double> wanted;
  for (int i = 0; i < count; ++i) wanted.push_back((i + 0.5) * step);
  // Sampling at twice the spacing's rate puts a sample within half a step of each wanted time.
  return Collect(path, wanted, 2 / step, max_side);
}

Result<std::string> KeyframeSheetJpeg(const std::string& path, double duration_s, int count) {
  SL_ASSIGN_OR_RETURN(SheetFrames frames, SpreadFrames(path, duration_s, count, 240));
  std::vector<SheetTile> tiles;
  for (std::size_t i = 0; i < frames.pictures.size(); ++i) {
    tiles.push_back({std::move(frames.pictures[i]), frames.times[i]});
  }
  ContactSheetOptions o;
  o.columns = std::min<int>(3, static_cast<int>(tiles.size()));
  o.tile_width = 200;
  o.margin = 6;
  o.label_scale = 2;
  SL_ASSIGN_OR_RETURN(media::Image sheet, ComposeContactSheet(tiles, o));
  return media::EncodeJpeg(sheet, {.quality = 75, .max_side = 0});
}

media::Image SideBySide(const media::Image& a, const media::Image& b, int height) {
  constexpr int kGap = 8;
  const cv::Mat ma = AsMat(a), mb = AsMat(b);
  const int h = std::max(1, std::min({height, std::max(a.height, b.height)}));
  auto fit = [h](const cv::Mat& m) {
    cv::Mat out;
    const int w = std::max(1, static_cast<int>(std::lround(double(m.cols) * h / m.rows)));
    cv::resize(m, out, cv::Size(w, h), 0, 0, cv::INTER_AREA);
    return out;
  };
  const cv::Mat fa = fit(ma), fb = fit(mb);
  cv::Mat both(h, fa.cols + kGap + fb.cols, CV_8UC3, cv::Scalar(255, 255, 255));
  fa.copyTo(both(cv::Rect(0, 0, fa.cols, h)));
  fb.copyTo(both(cv::Rect(fa.cols + kGap, 0, fb.cols, h)));
  media::Image out;
  out.width = both.cols;
  out.height = both.rows;
  out.layout = media::PixelLayout::kRgb24;
  out.pixels.assign(both.data, both.data + both.total() * 3);
  return out;
}

}  // namespace sightline::report
