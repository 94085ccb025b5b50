#include "analysis/scene/features.h"

#include <algorithm>
#include <cmath>
#include <opencv2/features2d.hpp>
#include <opencv2/imgproc.hpp>

namespace sightline::analysis::scene {

void ToRootSift(cv::Mat& descriptors) {
  for (int r = 0; r < descriptors.rows; ++r) {
    float* d = descriptors.ptr<float>(r);
    double l1 = 0;
    for (int c = 0; c < descriptors.cols; ++c) l1 += std::abs(d[c]);
    const double inv = l1 > 0 ? 1.0 / l1 : 0.0;
    for (int c = 0; c < descriptors.cols; ++c)
      d[c] = static_cast<float>(std::sqrt(std::abs(d[c]) * inv));
  }
}

void DetectRootSift(const cv::Mat& gray, const cv::Mat& mask, int max_keypoints, double contrast,
                    std::vector<cv::KeyPoint>& kps, cv::Mat& desc) {
  kps.clear();
  desc = cv::Mat();
  if (gray.cols < kMinSide || gray.rows < kMinSide) return;
  cv::Ptr<cv::SIFT> sift = cv::SIFT::create(max_keypoints, 3, contrast);
  sift->detectAndCompute(gray, mask, kps, desc);
  // SIFT may return a few more than asked (ties, several orientations of one point).
  if (static_cast<int>(kps.size()) > max_keypoints) {
    std::vector<int> order(kps.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return kps[a].response > kps[b].response; });
    order.resize(max_keypoints);
    std::sort(order.begin(), order.end());
    std::vector<cv::KeyPoint> kept;
    cv::Mat kept_desc(static_cast<int>(order.size()), desc.cols, desc.type());
    for (size_t i = 0; i < order.size(); ++i) {
      kept.push_back(kps[order[i]]);
      desc.row(order[i]).copyTo(kept_desc.row(static_cast<int>(i)));
    }
    kps = std::move(kept);
    desc = kept_desc;
  }
  if (kps.empty() || desc.empty()) {
    kps.clear();
    desc = cv::Mat();
    return;
  }
  desc.convertTo(desc, CV_32F);
  ToRootSift(desc);
}

SceneFeatures ExtractFeatures(const cv::Mat& gray, const FeatureOptions& options) {
  SceneFeatures f;
  if (gray.empty() || gray.type() != CV_8UC1) return f;
  cv::Mat work = gray;
  const int long_side = std::max(gray.cols, gray.rows);
  if (options.max_side > 0 && long_side > options.max_side) {
    f.scale = static_cast<double>(long_side) / options.max_side;
    cv::resize(gray, work,
               cv::Size(std::max(1, static_cast<int>(std::lround(gray.cols / f.scale))),
                        std::max(1, static_cast<int>(std::lround(gray.rows / f.scale)))),
               0, 0, cv::INTER_AREA);
  }
  f.width = work.cols;
  f.height = work.rows;
  if (work.cols < kMinSide || work.rows < kMinSide) return f;

  std::vector<cv::KeyPoint> kps;
  cv::Mat desc;
  DetectRootSift(work, cv::Mat(), options.max_keypoints, options.contrast, kps, desc);
  if (kps.empty() || desc.empty()) return f;
  f.descriptors = desc;
  f.keypoints.reserve(kps.size());
  for (const cv::KeyPoint& k : kps) {
    f.keypoints.push_back({k.pt.x, k.pt.y, k.size, k.angle, k.response, 0});
  }
  return f;
}

}  // namespace sightline::analysis::scene
