// Local features for same-place matching: RootSIFT keypoints on a picture scaled down to a bounded
// size.
//
// Why SIFT: scenes filmed by different people differ in viewpoint, zoom, rotation and exposure.
// SIFT (Lowe 2004, "Distinctive image features from scale-invariant keypoints", IJCV) is invariant
// to scale and rotation and robust to affine change and lighting; its descriptors are far more
// distinctive than binary ones (ORB), which matters here because the answer must not rest on
// look-alike detail. RootSIFT (Arandjelovic & Zisserman 2012, "Three things everyone should know
// to improve object retrieval") compares descriptors with the Hellinger kernel: L1-normalise, then
// square-root, so that Euclidean distance on the result is the Hellinger distance; it improves
// matching at no cost.
//
// Contract:
//  - Pictures are scaled (area averaging) so that the long side is at most `max_side`; keypoint
//    coordinates are in the pixels of that scaled picture, and `scale` maps them back.
//  - At most `max_keypoints` keypoints (the strongest), so the cost per picture is bounded.
//  - A picture with no texture (sky, a black frame) gives zero keypoints: that is a result, not an
//    error. Pictures smaller than kMinSide on a side give zero keypoints too.
//
// Thread safety: the functions may run on several threads at once (OpenCV's own thread pool may
// be used inside).
#ifndef SIGHTLINE_ANALYSIS_SCENE_FEATURES_H_
#define SIGHTLINE_ANALYSIS_SCENE_FEATURES_H_

#include <cstdint>
#include <opencv2/core.hpp>
#include <vector>

namespace sightline::analysis::scene {

inline constexpr int kMinSide = 16;

struct FeatureOptions {
  int max_side = 1024;       // long side of the picture the features are taken on
  int max_keypoints = 2000;  // strongest kept
  double contrast = 0.03;    // SIFT's contrast threshold (OpenCV default 0.04; lower finds more
                             // in dim and hazy pictures)
};

struct Keypoint {
  float x = 0, y = 0;  // in the scaled picture's pixels
  float size = 0;      // diameter of the region, pixels
  float angle = 0;     // degrees
  float response = 0;
  int view = 0;  // 0: the picture itself; k > 0: the k-th affine-simulated view (affine.h)
};

// The features of one picture.
struct SceneFeatures {
  int width = 0, height = 0;  // of the scaled picture
  double scale = 1;           // original pixels per scaled pixel
  std::vector<Keypoint> keypoints;
  cv::Mat descriptors;  // keypoints.size() x 128, CV_32F, RootSIFT (unit L2 norm)
};

// Features of an 8-bit grey picture (any size; scaled as above). Never fails: an empty or tiny
// picture gives no keypoints.
SceneFeatures ExtractFeatures(const cv::Mat& gray, const FeatureOptions& options = {});

// Turns SIFT descriptors (rows, CV_32F) into RootSIFT in place.
void ToRootSift(cv::Mat& descriptors);

// SIFT on `gray` as it is (no scaling), where `mask` (empty, or CV_8UC1 of the same size) is
// non-zero; the `max_keypoints` strongest, descriptors as RootSIFT (CV_32F). Used by
// ExtractFeatures and for the affine-simulated views (affine.h).
void DetectRootSift(const cv::Mat& gray, const cv::Mat& mask, int max_keypoints, double contrast,
                    std::vector<cv::KeyPoint>& keypoints, cv::Mat& descriptors);

}  // namespace sightline::analysis::scene

#endif  // SIGHTLINE_ANALYSIS_SCENE_FEATURES_H_
