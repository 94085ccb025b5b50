// A boosted cascade of Haar-like features, the object detector of Viola & Jones ("Rapid Object
// Detection using a Boosted Cascade of Simple Features", CVPR 2001) with the extended feature set
// of Lienhart & Maydt ("An Extended Set of Haar-like Features for Rapid Object Detection", ICIP
// 2002), evaluated on trained cascades in OpenCV's XML format (the files of Debian's opencv-data:
// haarcascade_frontalface_default.xml, haarcascade_profileface.xml, ...).
//
// The detector is written here rather than taken from OpenCV's objdetect module, which this
// build does not link; the trained data are OpenCV's. A window is accepted when every stage's
// sum of weak-classifier votes reaches the stage threshold; each weak classifier is a tree over
// features whose value is the weighted sum of rectangle sums, divided by the window's standard
// deviation times its area (so that lighting and contrast do not matter).
//
// Contract:
//  - Load reads the XML with OpenCV's FileStorage; cascades of Haar features without the 45°
//    ("tilted") ones are supported, anything else (LBP, HOG, tilted features, the old tree-of-
//    stages format) is refused with kUnsupported naming the file.
//  - Scan is a pure function of the picture: deterministic, no state kept between calls.
//
// Thread safety: a loaded cascade is immutable; Scan may run on several threads at once.
#ifndef SIGHTLINE_REPORT_FACE_DETECT_CASCADE_H_
#define SIGHTLINE_REPORT_FACE_DETECT_CASCADE_H_

#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "base/status.h"

namespace sightline::report {

struct CascadeScanOptions {
  double scale_step = 1.1;  // each pyramid level is this much smaller than the one before
  int min_window = 0;       // smallest window side in picture pixels (0: the cascade's own)
  int max_window = 0;       // largest (0: the picture's smaller side)
};

class HaarCascade {
 public:
  static Result<HaarCascade> Load(const std::string& path);

  // The window the cascade was trained on, in pixels (24×24 for the frontal face).
  cv::Size window() const { return window_; }

  // Every window of `gray` (CV_8UC1) the cascade accepts, at every position and scale, before
  // any grouping: a face gives a cluster of overlapping windows. Windows are in `gray`'s pixels.
  std::vector<cv::Rect> Scan(const cv::Mat& gray, const CascadeScanOptions& options) const;

 private:
  struct Rect {
    int x, y, width, height;
    float weight;
  };
  struct Feature {
    Rect rects[3];
    int count = 0;
  };
  // One node of a weak classifier's tree: `left`/`right` > 0 are node indexes in the same
  // classifier, <= 0 the leaf -value.
  struct Node {
    int feature;
    float threshold;
    int left, right;
  };
  struct Weak {
    std::vector<Node> nodes;
    std::vector<float> leaves;
  };
  struct Stage {
    float threshold;
    std::vector<Weak> weak;
  };

  // A node with its feature's rectangles resolved to offsets into one pyramid level's integral
  // image (so the inner loop touches one contiguous table).
  struct LevelNode {
    int offsets[12];  // 3 rectangles × 4 corners
    float weights[3];
    float threshold;
    int left, right;
  };
  struct LevelWeak {
    int first_node, first_leaf;
  };

  // The nodes of every weak classifier resolved for integral images of `stride` entries a row.
  void ResolveNodes(int stride, std::vector<LevelNode>* nodes, std::vector<LevelWeak>* weak) const;
  // 0 when the window whose top-left integral entries are `sum`/`sqsum` passes every stage, else
  // the 1-based number of the stage that rejected it.
  int Reject(const int* sum, const double* sqsum, int stride, const std::vector<LevelNode>& nodes,
             const std::vector<LevelWeak>& weak) const;

  cv::Size window_;
  std::vector<Feature> features_;
  std::vector<Stage> stages_;
  std::vector<float> leaves_;  // every weak classifier's leaves, in order
};

}  // namespace sightline::report

#endif  // SIGHTLINE_REPORT_FACE_DETECT_CASCADE_H_
