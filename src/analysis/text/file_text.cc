#include "analysis/text/file_text.h"

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "media/frame_source.h"
#include "media/heif_image.h"

namespace sightline::analysis::text {
namespace {

constexpr int kThumbWidth = 64, kThumbHeight = 36;

// OCR on each delivered frame, skipping frames that repeat the last one read.
class TextCollector : public media::FrameConsumer {
 public:
  TextCollector(const FileTextOptions& options, TextReader& reader,
                const std::function<void(double)>& on_frame)
      : options_(options),
        reader_(reader),
        on_frame_(on_frame),
        tracker_(2.0 * options.every_s + 1e-6) {}

  Status OnFrame(const media::Frame& frame) override {
    cv::Mat view(frame.height, frame.width, CV_8UC1, const_cast<std::uint8_t*>(frame.data),
                 static_cast<std::size_t>(frame.stride));
    // A still comes upright, its EXIF orientation applied (media/frame_source.h).
    if (frame.still) still_ = true;
    return Take(frame.still ? 0.0 : frame.t, view);
  }

  Status Take(double t, const cv::Mat& gray) {
    width_ = gray.cols, height_ = gray.rows;
    ++sampled_;
    cv::Mat thumb;
    cv::resize(gray, thumb, cv::Size(kThumbWidth, kThumbHeight), 0, 0, cv::INTER_AREA);
    bool changed = last_thumb_.empty() || last_thumb_.size() != thumb.size();
    if (!changed) {
      cv::Mat diff;
      cv::absdiff(thumb, last_thumb_, diff);
      double max_diff = 0;
      cv::minMaxLoc(diff, nullptr, &max_diff);
      changed = max_diff > options_.change_threshold;
    }
    if (changed) {
      const GrayView v{gray.data, gray.cols, gray.rows, static_cast<int>(gray.step)};
      SL_ASSIGN_OR_RETURN(last_lines_, reader_.Read(v));
      last_thumb_ = thumb;
      ++read_;
    }
    tracker_.Add(t, last_lines_);
    if (on_frame_) on_frame_(t);
    return Status::Ok();
  }

  FileText Finish() {
    FileText out;
    out.still = still_;
    out.width = width_, out.height = height_;
    out.frames_sampled = sampled_;
    out.frames_read = read_;
    out.entries = tracker_.Finish();
    return out;
  }

  std::int64_t sampled() const { return sampled_; }

 private:
  const FileTextOptions& options_;
  TextReader& reader_;
  const std::function<void(double)>& on_frame_;
  TextTracker tracker_;
  cv::Mat last_thumb_;
  std::vector<TextLine> last_lines_;
  bool still_ = false;
  int width_ = 0, height_ = 0;
  std::int64_t sampled_ = 0, read_ = 0;
};

}  // namespace

Result<FileText> ReadTextInFile(const std::string& path, const FileTextOptions& options,
                                TextReader& reader, const std::function<void(double)>& on_frame) {
  if (!(options.every_s > 0) || !std::isfinite(options.every_s)) {
    return InvalidArgument("the sampling period must be a positive number of seconds");
  }
  TextCollector collector(options, reader, on_frame);
  // HEIF stills (phone photos) are read with libheif: FFmpeg 5.1 cannot (media/heif_image.h).
  if (media::IsHeifStillFile(path)) {
    media::HeifOptions ho;
    ho.max_pixels = options.max_pixels;
    SL_ASSIGN_OR_RETURN(media::LumaImage luma, media::DecodeHeifLuma(path, ho));
    const cv::Mat view(luma.height, luma.width, CV_8UC1, luma.pixels.data());
    SL_RETURN_IF_ERROR(collector.Take(0.0, view));
    FileText out = collector.Finish();
    out.still = true;
    return out;
  }
  media::FrameSourceOptions fo;
  fo.sampling = media::Sampling::kRate;
  fo.rate = 1.0 / options.every_s;
  fo.layout = media::PixelLayout::kGray8;
  fo.max_pixels = options.max_pixels;
  auto summary = media::DecodeFrames(path, fo, collector);
  // OCR failures are Tesseract's, not the file's: report them as they are.
  if (!summary.ok() && collector.sampled() == 0) return summary.status();
  FileText out = collector.Finish();
  if (summary.ok()) {
    out.duration_s = summary->duration_s;
    out.warnings = summary->warnings;
  } else {
    out.warnings.push_back("stopped early: " + summary.status().message());
  }
  return out;
}

}  // namespace sightline::analysis::text
