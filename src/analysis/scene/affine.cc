#include "analysis/scene/affine.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace sightline::analysis::scene {

namespace {

// Angles (degrees) for tilt t: 0, 72/t, 2*72/t, ... below 180 (Morel & Yu 2009, section 4).
std::vector<double> Angles(double tilt) {
  std::vector<double> out;
  const double step = 72.0 / tilt;
  for (double phi = 0; phi < 180.0 - 1e-9; phi += step) out.push_back(phi);
  return out;
}

}  // namespace

int AffineViewCount(const AffineOptions& options) {
  int n = 0;
  for (double t : options.tilts)
    if (t > 1) n += static_cast<int>(Angles(t).size());
  return n;
}

SceneFeatures ExtractAffineFeatures(const cv::Mat& gray, const FeatureOptions& base,
                                    const AffineOptions& options) {
  SceneFeatures f;
  if (gray.empty() || gray.type() != CV_8UC1) return f;
  const int long_side = std::max(gray.cols, gray.rows);
  // The base picture's geometry, exactly as ExtractFeatures computes it.
  if (base.max_side > 0 && long_side > base.max_side)
    f.scale = static_cast<double>(long_side) / base.max_side;
  f.width = std::max(1, static_cast<int>(std::lround(gray.cols / f.scale)));
  f.height = std::max(1, static_cast<int>(std::lround(gray.rows / f.scale)));
  if (f.scale == 1) {
    f.width = gray.cols;
    f.height = gray.rows;
  }
  if (f.width < kMinSide || f.height < kMinSide) return f;

  // The picture the views are simulated from.
  double view_scale = 1;  // original pixels per pixel of `small`
  cv::Mat small = gray;
  if (options.max_side > 0 && long_side > options.max_side) {
    view_scale = static_cast<double>(long_side) / options.max_side;
    cv::resize(gray, small,
               cv::Size(std::max(1, static_cast<int>(std::lround(gray.cols / view_scale))),
                        std::max(1, static_cast<int>(std::lround(gray.rows / view_scale)))),
               0, 0, cv::INTER_AREA);
  }
  const double to_base = view_scale / f.scale;  // pixels of `small` -> base pixels
  const cv::Mat ones(small.size(), CV_8UC1, cv::Scalar(255));

  std::vector<cv::Mat> descs;
  int view = 0;
  for (double t : options.tilts) {
    if (!(t > 1)) continue;
    for (double phi : Angles(t)) {
      ++view;
      // Rotation about the origin, shifted so the rotated picture lies in positive coordinates.
      const double c = std::cos(phi * CV_PI / 180), s = std::sin(phi * CV_PI / 180);
      cv::Matx23d a(c, -s, 0, s, c, 0);
      const double w = small.cols, h = small.rows;
      const double xs[4] = {0, w, 0, w}, ys[4] = {0, 0, h, h};
      double min_x = 1e18, min_y = 1e18, max_x = -1e18, max_y = -1e18;
      for (int k = 0; k < 4; ++k) {
        const double x = c * xs[k] - s * ys[k], y = s * xs[k] + c * ys[k];
        min_x = std::min(min_x, x);
        max_x = std::max(max_x, x);
        min_y = std::min(min_y, y);
        max_y = std::max(max_y, y);
      }
      a(0, 2) = -min_x;
      a(1, 2) = -min_y;
      const cv::Size rotated_size(static_cast<int>(std::ceil(max_x - min_x)),
                                  static_cast<int>(std::ceil(max_y - min_y)));
      cv::Mat rotated, mask;
      if (phi == 0) {
        rotated = small;
        mask = ones;
      } else {
        cv::warpAffine(small, rotated, a, rotated_size, cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                       cv::Scalar(0));
        cv::warpAffine(ones, mask, a, rotated_size, cv::INTER_NEAREST, cv::BORDER_CONSTANT,
                       cv::Scalar(0));
      }
      // Anti-aliasing along x, then the squeeze by t along x.
      const double sigma = 0.8 * std::sqrt(t * t - 1);
      const int k = 2 * static_cast<int>(std::ceil(3 * sigma)) + 1;
      cv::Mat blurred;
      cv::GaussianBlur(rotated, blurred, cv::Size(k, 1), sigma, 0.01);
      const cv::Size tilted_size(std::max(1, static_cast<int>(std::lround(rotated.cols / t))),
                                 rotated.rows);
      cv::Mat tilted, tilted_mask;
      cv::resize(blurred, tilted, tilted_size, 0, 0, cv::INTER_LINEAR);
      cv::resize(mask, tilted_mask, tilted_size, 0, 0, cv::INTER_NEAREST);
      // Keep descriptors off the padding: their support reaches several pixels beyond the point.
      cv::erode(tilted_mask, tilted_mask,
                cv::getStructuringElement(cv::MORPH_RECT, cv::Size(9, 9)));

      std::vector<cv::KeyPoint> kps;
      cv::Mat desc;
      DetectRootSift(tilted, tilted_mask, options.keypoints_per_view, base.contrast, kps, desc);
      if (kps.empty()) continue;
      // Back to `small`: undo the squeeze, then the rotation and shift; then to base pixels.
      const cv::Matx23d inv = [&] {
        cv::Matx23d r;
        cv::invertAffineTransform(a, r);
        return r;
      }();
      for (const cv::KeyPoint& kp : kps) {
        const double x = kp.pt.x * t, y = kp.pt.y;
        const double sx = inv(0, 0) * x + inv(0, 1) * y + inv(0, 2);
        const double sy = inv(1, 0) * x + inv(1, 1) * y + inv(1, 2);
        Keypoint out;
        out.x = static_cast<float>(std::clamp(sx * to_base, 0.0, f.width - 1.0));
        out.y = static_cast<float>(std::clamp(sy * to_base, 0.0, f.height - 1.0));
        out.size = static_cast<float>(kp.size * to_base);
        out.angle = kp.angle;
        out.response = kp.response;
        out.view = view;
        f.keypoints.push_back(out);
      }
      descs.push_back(desc);
    }
  }
  if (!descs.empty()) cv::vconcat(descs, f.descriptors);
  return f;
}

SceneFeatures PoolFeatures(const SceneFeatures& base, const SceneFeatures& views, int max_base) {
  SceneFeatures out;
  out.width = base.width;
  out.height = base.height;
  out.scale = base.scale;
  std::vector<int> order(base.keypoints.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  if (max_base > 0 && static_cast<int>(order.size()) > max_base) {
    std::stable_sort(order.begin(), order.end(), [&](int x, int y) {
      return base.keypoints[x].response > base.keypoints[y].response;
    });
    order.resize(max_base);
    std::sort(order.begin(), order.end());
  }
  const int rows = static_cast<int>(order.size()) + views.descriptors.rows;
  if (rows == 0) return out;
  const int cols = base.descriptors.empty() ? views.descriptors.cols : base.descriptors.cols;
  out.descriptors.create(rows, cols, CV_32F);
  int r = 0;
  for (int i : order) {
    out.keypoints.push_back(base.keypoints[i]);
    base.descriptors.row(i).copyTo(out.descriptors.row(r++));
  }
  for (size_t k = 0; k < views.keypoints.size(); ++k) {
    out.keypoints.push_back(views.keypoints[k]);
    views.descriptors.row(static_cast<int>(k)).copyTo(out.descriptors.row(r++));
  }
  return out;
}

}  // namespace sightline::analysis::scene
