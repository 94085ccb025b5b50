#include "analysis/scene/mirror.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace sightline::analysis::scene {
namespace {

constexpr int kCells = 4, kBins = 8, kLength = kCells * kCells * kBins;

// Where descriptor entry `i` of a picture goes in the flipped picture's descriptor.
int MirroredIndex(int i) {
  const int bin = i % kBins, column = (i / kBins) % kCells, row = i / (kBins * kCells);
  return ((kCells - 1 - row) * kCells + column) * kBins + (kBins - bin) % kBins;
}

// The flip of a picture `width` pixels wide, in the convention of SIFT's keypoint positions
// (mirror.h). Its own inverse.
cv::Matx33d Flip(int width) { return {-1, 0, width - 0.5, 0, 1, 0, 0, 0, 1}; }

}  // namespace

SceneFeatures MirrorFeatures(const SceneFeatures& f) {
  SceneFeatures out = f;
  for (Keypoint& k : out.keypoints) {
    k.x = static_cast<float>(f.width - 0.5 - k.x);
    k.angle = std::fmod(540.0f - k.angle, 360.0f);
  }
  if (f.descriptors.cols == kLength && f.descriptors.type() == CV_32F) {
    out.descriptors = cv::Mat(f.descriptors.size(), CV_32F);
    for (int r = 0; r < f.descriptors.rows; ++r) {
      const float* from = f.descriptors.ptr<float>(r);
      float* to = out.descriptors.ptr<float>(r);
      for (int i = 0; i < kLength; ++i) to[MirroredIndex(i)] = from[i];
    }
  }
  return out;
}

bool LooksMirrored(const SceneMatch& m) {
  const std::vector<PointPair>& p = m.pairs;
  const int n = static_cast<int>(p.size());
  // Twice the signed area over the product of the sides: the sine of the angle at the corner.
  auto turn = [](float x0, float y0, float x1, float y1, float x2, float y2) {
    const double ux = x1 - x0, uy = y1 - y0, vx = x2 - x0, vy = y2 - y0;
    const double lengths = std::hypot(ux, uy) * std::hypot(vx, vy);
    return lengths > 0 ? (ux * vy - uy * vx) / lengths : 0.0;
  };
  constexpr double kFlat = 0.2;  // sin 11.5 degrees: flatter triangles may flip with noise
  int kept = 0, reversed = 0;
  std::vector<std::pair<double, int>> nearest;
  for (int i = 0; i < n; ++i) {
    nearest.clear();
    for (int j = 0; j < n; ++j) {
      if (j != i) nearest.push_back({std::hypot(p[j].ax - p[i].ax, p[j].ay - p[i].ay), j});
    }
    if (nearest.size() < 2) break;
    std::partial_sort(nearest.begin(), nearest.begin() + 2, nearest.end());
    const PointPair &q = p[nearest[0].second], &r = p[nearest[1].second];
    const double in_a = turn(p[i].ax, p[i].ay, q.ax, q.ay, r.ax, r.ay);
    const double in_b = turn(p[i].bx, p[i].by, q.bx, q.by, r.bx, r.by);
    if (std::abs(in_a) < kFlat || std::abs(in_b) < kFlat) continue;
    ++kept;
    if ((in_a > 0) != (in_b > 0)) ++reversed;
  }
  return kept > 0 && reversed * 2 > kept;
}

void UnmirrorMatch(SceneMatch& m, int b_width) {
  for (PointPair& p : m.pairs) p.bx = 1.0f - p.bx - 0.5f / static_cast<float>(b_width);
  if (m.geometry.rows != 3 || m.geometry.cols != 3) return;
  // x_flipped = Flip * x_b. A homography maps A to flipped B: Flip * H maps A to B. A fundamental
  // matrix holds x_flipped' F x_a = 0, i.e. x_b' (Flip' F) x_a = 0.
  const cv::Mat flip(Flip(b_width));
  cv::Mat g;
  m.geometry.convertTo(g, CV_64F);
  m.geometry = m.model == SceneModel::kHomography ? cv::Mat(flip * g) : cv::Mat(flip.t() * g);
}

}  // namespace sightline::analysis::scene
