#include "report/face_detect.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "base/file.h"
#include "base/union_find.h"

namespace sightline::report {

namespace {

constexpr char kFrontalFile[] = "haarcascade_frontalface_default.xml";
constexpr char kProfileFile[] = "haarcascade_profileface.xml";

bool Similar(const cv::Rect& a, const cv::Rect& b, double eps) {
  const double delta = eps * (std::min(a.width, b.width) + std::min(a.height, b.height)) * 0.5;
  return std::abs(a.x - b.x) <= delta && std::abs(a.y - b.y) <= delta &&
         std::abs(a.x + a.width - b.x - b.width) <= delta &&
         std::abs(a.y + a.height - b.y - b.height) <= delta;
}

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
  SL_ASSIGN_OR_RETURN(HaarCascade frontal, HaarCascade::Load(JoinPath(dir, kFrontalFile)));
  SL_ASSIGN_OR_RETURN(HaarCascade profile, HaarCascade::Load(JoinPath(dir, kProfileFile)));
  return FaceDetector(std::move(frontal), std::move(profile));
}

std::vector<std::pair<cv::Rect, int>> GroupWindows(const std::vector<cv::Rect>& windows,
                                                   int min_hits, double eps) {
  const int n = static_cast<int>(windows.size());
  UnionFind sets(n);
  for (int i = 0; i < n; ++i) {
    for (int j = i + 1; j < n; ++j) {
      if (Similar(windows[i], windows[j], eps)) sets.Unite(i, j);
    }
  }
  struct Sum {
    double x = 0, y = 0, w = 0, h = 0;
    int count = 0, first = 0;
  };
  std::vector<Sum> sums(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    Sum& s = sums[static_cast<std::size_t>(sets.Find(i))];
    if (s.count == 0) s.first = i;
    s.x += windows[i].x, s.y += windows[i].y, s.w += windows[i].width, s.h += windows[i].height;
    ++s.count;
  }
  std::vector<Sum> kept;
  for (const Sum& s : sums) {
    if (s.count >= std::max(min_hits, 1)) kept.push_back(s);
  }
  std::sort(kept.begin(), kept.end(), [](const Sum& a, const Sum& b) { return a.first < b.first; });
  std::vector<std::pair<cv::Rect, int>> boxes;
  for (const Sum& s : kept) {
    boxes.push_back({cv::Rect(static_cast<int>(std::lround(s.x / s.count)),
                              static_cast<int>(std::lround(s.y / s.count)),
                              static_cast<int>(std::lround(s.w / s.count)),
                              static_cast<int>(std::lround(s.h / s.count))),
                     s.count});
  }
  return boxes;
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
    return std::max(1.0, std::min({max_upscale, within_budget,
                                   static_cast<double>(kMaxScanSide) / longer}));
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
  CascadeScanOptions scan_options;
  scan_options.scale_step = options.scale_step;

  for (const auto& [box, hits] :
       GroupWindows(frontal_.Scan(scan, scan_options), options.min_hits)) {
    faces.push_back({Scaled(box, 1.0 / f), "frontal", hits});
  }
  if (options.profiles) {
    // The profile cascade was trained on faces looking one way; the mirror image finds the other.
    f = factor(options.profile_max_upscale);
    scan = resized(f);
    std::vector<cv::Rect> windows = profile_.Scan(scan, scan_options);
    cv::Mat mirrored;
    cv::flip(scan, mirrored, 1);
    for (const cv::Rect& r : profile_.Scan(mirrored, scan_options)) {
      windows.emplace_back(scan.cols - r.x - r.width, r.y, r.width, r.height);
    }
    const std::size_t frontal_count = faces.size();
    for (const auto& [box, hits] : GroupWindows(windows, options.min_hits)) {
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
