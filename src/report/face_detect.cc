#include "report/face_detect.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "base/file.h"

namespace sightline::report {

namespace {

constexpr char kFrontalFile[] = "haarcascade_frontalface_default.xml";
constexpr char kProfileFile[] = "haarcascade_profileface.xml";

cv::Rect Scaled(const cv::Rect& r, double f) {
  return cv::Rect(static_cast<int>(std::lround(r.x * f)), static_cast<int>(std::lround(r.y * f)),
                  static_cast<int>(std::lround(r.width * f)),
                  static_cast<int>(std::lround(r.height * f)));
}

}  // namespace

Result<std::string> FindCascadeDirectory(const std::string& explicit_dir) {
  if (!explicit_dir.empty()) {
    if (!PathExists(JoinPath(explicit_dir, kFrontalFile))) {
      return NotFound(DisplayPath(explicit_dir) + " holds no " + kFrontalFile);
    }
    return explicit_dir;
  }
  for (const char* dir :
       {"/usr/share/opencv4/haarcascades", "/usr/local/share/opencv4/haarcascades",
        "/usr/share/opencv/haarcascades"}) {
    if (PathExists(JoinPath(dir, kFrontalFile))) return std::string(dir);
  }
  return NotFound(
      std::string("face detection needs OpenCV's trained cascades (") + kFrontalFile +
      "), found in none of /usr/share/opencv4/haarcascades, /usr/local/share/opencv4/haarcascades, "
      "/usr/share/opencv/haarcascades: install Debian's opencv-data (scripts/setup-debian.sh "
      "does), or name the directory");
}

Result<FaceDetector> FaceDetector::Load(const std::string& dir) {
  auto load = [&](const char* file) -> Result<std::shared_ptr<Cascade>> {
    const std::string path = JoinPath(dir, file);
    if (!PathExists(path)) return NotFound(DisplayPath(path) + ": no such cascade file");
    auto cascade = std::make_shared<Cascade>();
    bool loaded = false;
    try {
      loaded = cascade->classifier.load(path);
    } catch (const cv::Exception&) {
      loaded = false;
    }
    if (!loaded || cascade->classifier.empty()) {
      return Corrupt(DisplayPath(path) + ": OpenCV cannot read it as a cascade");
    }
    return cascade;
  };
  SL_ASSIGN_OR_RETURN(std::shared_ptr<Cascade> frontal, load(kFrontalFile));
  SL_ASSIGN_OR_RETURN(std::shared_ptr<Cascade> profile, load(kProfileFile));
  return FaceDetector(std::move(frontal), std::move(profile));
}

std::vector<std::pair<cv::Rect, int>> FaceDetector::Scan(Cascade& cascade, const cv::Mat& scan,
                                                         const FaceDetectOptions& options) {
  std::vector<cv::Rect> boxes;
  std::vector<int> hits;
  {
    std::lock_guard<std::mutex> lock(cascade.scanning);
    // OpenCV keeps a group of windows when more than minNeighbors agree.
    cascade.classifier.detectMultiScale(scan, boxes, hits, options.scale_step,
                                        std::max(0, options.min_hits - 1));
  }
  std::vector<std::pair<cv::Rect, int>> out;
  for (std::size_t k = 0; k < boxes.size(); ++k) {
    out.push_back({boxes[k], k < hits.size() ? hits[k] : options.min_hits});
  }
  return out;
}

std::vector<FaceBox> FaceDetector::Detect(const cv::Mat& picture,
                                          const FaceDetectOptions& options) const {
  std::vector<FaceBox> faces;
  if (picture.empty() || picture.depth() != CV_8U) return faces;
  cv::Mat gray;
  if (picture.channels() == 3) {
    cv::cvtColor(picture, gray, cv::COLOR_RGB2GRAY);
  } else if (picture.channels() == 1) {
    gray = picture;
  } else {
    return faces;
  }
  const int longer = std::max(gray.cols, gray.rows);
  const double area = static_cast<double>(gray.cols) * gray.rows;
  const auto factor = [&](double max_upscale) {
    if (longer > kMaxScanSide) return static_cast<double>(kMaxScanSide) / longer;
    const double within_budget = std::sqrt(options.scan_pixels / area);
    return std::max(
        1.0, std::min({max_upscale, within_budget, static_cast<double>(kMaxScanSide) / longer}));
  };
  const auto resized = [&](double f) {
    if (f == 1.0) return gray;
    cv::Mat scan;
    cv::resize(gray, scan,
               cv::Size(std::max(1, static_cast<int>(std::lround(gray.cols * f))),
                        std::max(1, static_cast<int>(std::lround(gray.rows * f)))),
               0, 0, f > 1 ? cv::INTER_LINEAR : cv::INTER_AREA);
    return scan;
  };
  double f = factor(options.max_upscale);
  cv::Mat scan = resized(f);
  for (const auto& [box, hits] : Scan(*frontal_, scan, options)) {
    faces.push_back({Scaled(box, 1.0 / f), "frontal", hits});
  }
  // Tilted faces: the scan rotated about its centre; a face found there is mapped back as the
  // upright box around its rotated corners.
  for (double tilt : options.tilts_deg) {
    if (tilt == 0) continue;
    const cv::Point2f centre(scan.cols / 2.0f, scan.rows / 2.0f);
    const cv::Mat rotation = cv::getRotationMatrix2D(centre, tilt, 1.0);
    cv::Mat turned;
    cv::warpAffine(scan, turned, rotation, scan.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    cv::Mat back;
    cv::invertAffineTransform(rotation, back);
    for (const auto& [r, hits] : Scan(*frontal_, turned, options)) {
      std::vector<cv::Point2f> corners = {cv::Point2f(r.x, r.y), cv::Point2f(r.x + r.width, r.y),
                                          cv::Point2f(r.x, r.y + r.height),
                                          cv::Point2f(r.x + r.width, r.y + r.height)};
      cv::transform(corners, corners, back);
      const cv::Rect b =
          Scaled(cv::boundingRect(corners), 1.0 / f) & cv::Rect(0, 0, gray.cols, gray.rows);
      if (b.empty()) continue;
      const cv::Point middle(b.x + b.width / 2, b.y + b.height / 2);
      bool known = false;
      for (std::size_t k = 0; k < faces.size(); ++k) known = known || faces[k].box.contains(middle);
      if (!known) faces.push_back({b, "tilted", hits});
    }
  }
  if (options.profiles) {
    // The profile cascade was trained on faces looking one way; the mirror image finds the other.
    f = factor(options.profile_max_upscale);
    scan = resized(f);
    std::vector<std::pair<cv::Rect, int>> found = Scan(*profile_, scan, options);
    cv::Mat mirrored;
    cv::flip(scan, mirrored, 1);
    for (const auto& [r, hits] : Scan(*profile_, mirrored, options)) {
      found.push_back({cv::Rect(scan.cols - r.x - r.width, r.y, r.width, r.height), hits});
    }
    const std::size_t frontal_count = faces.size();
    for (const auto& [box, hits] : found) {
      const cv::Rect b = Scaled(box, 1.0 / f);
      // A face found both ways is one face.
      const cv::Point centre(b.x + b.width / 2, b.y + b.height / 2);
      bool known = false;
      for (std::size_t k = 0; k < frontal_count; ++k)
        known = known || faces[k].box.contains(centre);
      if (!known) faces.push_back({b, "profile", hits});
    }
  }
  return faces;
}

}  // namespace sightline::report
