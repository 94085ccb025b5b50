#include "report/face_detect_cascade.h"

#include <cmath>
#include <opencv2/imgproc.hpp>

namespace sightline::report {

namespace {

// Trained thresholds were stored after float rounding; a window exactly on a stage's threshold
// is accepted, as in training (the same allowance OpenCV's own detector makes).
constexpr float kStageThresholdSlack = 1e-5f;

Status Refuse(const std::string& path, const std::string& why) {
  return Unsupported(path + ": " + why + " (only Haar cascades in OpenCV's XML format are read)");
}

}  // namespace

Result<HaarCascade> HaarCascade::Load(const std::string& path) {
  HaarCascade c;
  try {
    cv::FileStorage fs(path, cv::FileStorage::READ);
    if (!fs.isOpened()) return NotFound(path + ": cannot open the cascade file");
    const cv::FileNode root = fs.getFirstTopLevelNode();
    if (root.empty() || root["stageType"].empty()) {
      return Refuse(path, "not a cascade in the current format");
    }
    if (static_cast<std::string>(root["stageType"]) != "BOOST") {
      return Refuse(path, "stages are not boosted classifiers");
    }
    if (static_cast<std::string>(root["featureType"]) != "HAAR") {
      return Refuse(path, "features are " + static_cast<std::string>(root["featureType"]));
    }
    c.window_ = cv::Size(static_cast<int>(root["width"]), static_cast<int>(root["height"]));
    if (c.window_.width < 4 || c.window_.height < 4 || c.window_.width > 256 ||
        c.window_.height > 256) {
      return Refuse(path, "implausible window size");
    }
    if (!root["featureParams"].empty() &&
        static_cast<int>(root["featureParams"]["maxCatCount"]) > 0) {
      return Refuse(path, "categorical features");
    }
    for (const cv::FileNode& fnode : root["features"]) {
      if (!fnode["tilted"].empty() && static_cast<int>(fnode["tilted"]) != 0) {
        return Refuse(path, "45-degree (tilted) features");
      }
      Feature f;
      for (const cv::FileNode& r : fnode["rects"]) {
        if (f.count == 3 || r.size() != 5) return Refuse(path, "a feature with a bad rectangle");
        Rect& rect = f.rects[f.count++];
        rect.x = static_cast<int>(r[0]);
        rect.y = static_cast<int>(r[1]);
        rect.width = static_cast<int>(r[2]);
        rect.height = static_cast<int>(r[3]);
        rect.weight = static_cast<float>(r[4]);
        if (rect.x < 0 || rect.y < 0 || rect.width < 0 || rect.height < 0 ||
            rect.x + rect.width > c.window_.width || rect.y + rect.height > c.window_.height) {
          return Refuse(path, "a feature outside the window");
        }
      }
      if (f.count == 0) return Refuse(path, "a feature without rectangles");
      c.features_.push_back(f);
    }
    for (const cv::FileNode& snode : root["stages"]) {
      Stage stage;
      stage.threshold = static_cast<float>(snode["stageThreshold"]) - kStageThresholdSlack;
      for (const cv::FileNode& wnode : snode["weakClassifiers"]) {
        Weak weak;
        const cv::FileNode nodes = wnode["internalNodes"];
        const cv::FileNode leaves = wnode["leafValues"];
        if (nodes.size() == 0 || nodes.size() % 4 != 0) return Refuse(path, "a bad tree");
        for (std::size_t k = 0; k < nodes.size(); k += 4) {
          Node n;
          n.left = static_cast<int>(nodes[static_cast<int>(k)]);
          n.right = static_cast<int>(nodes[static_cast<int>(k + 1)]);
          n.feature = static_cast<int>(nodes[static_cast<int>(k + 2)]);
          n.threshold = static_cast<float>(nodes[static_cast<int>(k + 3)]);
          weak.nodes.push_back(n);
        }
        for (const cv::FileNode& leaf : leaves) weak.leaves.push_back(static_cast<float>(leaf));
        // Every reference must land inside the tables, and a tree must only go forward (so a
        // corrupt file cannot make the evaluation loop or read outside them).
        const int node_count = static_cast<int>(weak.nodes.size());
        for (int k = 0; k < node_count; ++k) {
          const Node& n = weak.nodes[k];
          if (n.feature < 0 || n.feature >= static_cast<int>(c.features_.size())) {
            return Refuse(path, "a tree naming a missing feature");
          }
          for (int next : {n.left, n.right}) {
            if ((next > 0 && (next <= k || next >= node_count)) ||
                (next <= 0 && -next >= static_cast<int>(weak.leaves.size()))) {
              return Refuse(path, "a tree with a bad branch");
            }
          }
        }
        c.leaves_.insert(c.leaves_.end(), weak.leaves.begin(), weak.leaves.end());
        stage.weak.push_back(std::move(weak));
      }
      if (stage.weak.empty()) return Refuse(path, "an empty stage");
      c.stages_.push_back(std::move(stage));
    }
    if (c.stages_.empty()) return Refuse(path, "no stages");
  } catch (const cv::Exception& e) {
    return Refuse(path, std::string("unreadable: ") + e.what());
  }
  return c;
}

void HaarCascade::ResolveNodes(int stride, std::vector<LevelNode>* nodes,
                               std::vector<LevelWeak>* weak) const {
  nodes->clear();
  weak->clear();
  int first_leaf = 0;
  for (const Stage& stage : stages_) {
    for (const Weak& w : stage.weak) {
      weak->push_back({static_cast<int>(nodes->size()), first_leaf});
      first_leaf += static_cast<int>(w.leaves.size());
      for (const Node& n : w.nodes) {
        LevelNode l{};
        const Feature& f = features_[n.feature];
        for (int r = 0; r < f.count; ++r) {
          const Rect& rect = f.rects[r];
          int* o = l.offsets + 4 * r;
          o[0] = rect.y * stride + rect.x;
          o[1] = rect.y * stride + rect.x + rect.width;
          o[2] = (rect.y + rect.height) * stride + rect.x;
          o[3] = (rect.y + rect.height) * stride + rect.x + rect.width;
          l.weights[r] = rect.weight;
        }
        l.threshold = n.threshold;
        l.left = n.left;
        l.right = n.right;
        nodes->push_back(l);
      }
    }
  }
}

int HaarCascade::Reject(const int* sum, const double* sqsum, int stride,
                        const std::vector<LevelNode>& nodes,
                        const std::vector<LevelWeak>& weak) const {
  // The window's inner part (one pixel in from each side) gives the normalisation: its standard
  // deviation times its area, so that a feature's value does not depend on contrast.
  const int w = window_.width - 2, h = window_.height - 2;
  const int n0 = stride + 1, n1 = stride + 1 + w, n2 = (h + 1) * stride + 1,
            n3 = (h + 1) * stride + 1 + w;
  const double area = static_cast<double>(w) * h;
  const double s = sum[n0] - sum[n1] - sum[n2] + sum[n3];
  const double sq = sqsum[n0] - sqsum[n1] - sqsum[n2] + sqsum[n3];
  double norm = area * sq - s * s;
  const float scale = norm > 0 ? static_cast<float>(std::sqrt(norm)) : 1.0f;

  std::size_t k = 0;
  for (std::size_t si = 0; si < stages_.size(); ++si) {
    const Stage& stage = stages_[si];
    float vote = 0;
    for (std::size_t end = k + stage.weak.size(); k < end; ++k) {
      const LevelNode* base = nodes.data() + weak[k].first_node;
      int idx = 0;
      do {
        const LevelNode& n = base[idx];
        const int* o = n.offsets;
        // Unused rectangles have weight 0 and offsets 0: they add nothing.
        const float value =
            n.weights[0] * static_cast<float>(sum[o[0]] - sum[o[1]] - sum[o[2]] + sum[o[3]]) +
            n.weights[1] * static_cast<float>(sum[o[4]] - sum[o[5]] - sum[o[6]] + sum[o[7]]) +
            n.weights[2] * static_cast<float>(sum[o[8]] - sum[o[9]] - sum[o[10]] + sum[o[11]]);
        idx = value < n.threshold * scale ? n.left : n.right;
      } while (idx > 0);
      vote += leaves_[static_cast<std::size_t>(weak[k].first_leaf - idx)];
    }
    if (vote < stage.threshold) return static_cast<int>(si) + 1;
  }
  return 0;
}

std::vector<cv::Rect> HaarCascade::Scan(const cv::Mat& gray,
                                        const CascadeScanOptions& options) const {
  std::vector<cv::Rect> found;
  if (gray.empty() || gray.type() != CV_8UC1 || options.scale_step <= 1.0) return found;
  const int min_window = std::max(options.min_window, 0);
  const int max_window =
      options.max_window > 0 ? options.max_window : std::min(gray.cols, gray.rows);
  std::vector<LevelNode> nodes;
  std::vector<LevelWeak> weak;
  cv::Mat level, sum, sqsum;
  for (double scale = 1.0;; scale *= options.scale_step) {
    const cv::Size win(static_cast<int>(std::lround(window_.width * scale)),
                       static_cast<int>(std::lround(window_.height * scale)));
    if (win.width > gray.cols || win.height > gray.rows) break;
    if (win.width > max_window || win.height > max_window) break;
    if (win.width < min_window && win.height < min_window) continue;
    // The picture is scaled down instead of the features up, so that every level is scanned
    // with the cascade's own window (rectangle sums stay exact integers).
    const cv::Size size(static_cast<int>(std::lround(gray.cols / scale)),
                        static_cast<int>(std::lround(gray.rows / scale)));
    if (size.width < window_.width || size.height < window_.height) break;
    if (scale == 1.0) {
      level = gray;
    } else {
      cv::resize(gray, level, size, 0, 0, cv::INTER_LINEAR);
    }
    cv::integral(level, sum, sqsum, CV_32S, CV_64F);
    const int stride = static_cast<int>(sum.step1());
    if (static_cast<int>(sqsum.step1()) != stride) break;  // both are fresh, continuous tables
    ResolveNodes(stride, &nodes, &weak);
    // Coarse levels (large windows) are scanned every pixel, fine ones every other pixel: a
    // face gives hits over a few pixels of shift at any scale.
    const int step = scale > 2.0 ? 1 : 2;
    const int* sum0 = sum.ptr<int>();
    const double* sqsum0 = sqsum.ptr<double>();
    for (int y = 0; y + window_.height <= size.height; y += step) {
      for (int x = 0; x + window_.width <= size.width; x += step) {
        const std::size_t at = static_cast<std::size_t>(y) * stride + x;
        const int rejected_by = Reject(sum0 + at, sqsum0 + at, stride, nodes, weak);
        if (rejected_by == 0) {
          found.emplace_back(static_cast<int>(std::lround(x * scale)),
                             static_cast<int>(std::lround(y * scale)), win.width, win.height);
        } else if (rejected_by == 1) {
          x += step;  // far from anything face-like: the next position is skipped too
        }
      }
    }
  }
  return found;
}

}  // namespace sightline::report
