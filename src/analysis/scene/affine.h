// Affine-simulated views for wide-baseline matching (ASIFT: Morel & Yu 2009, "ASIFT: A new
// framework for fully affine invariant image comparison", SIAM J. Imaging Sciences 2(2)).
//
// SIFT is invariant to zoom and rotation but only robust to tilt (the squeeze of a surface seen
// obliquely): a facade seen from 60 degrees to one side and a picture taken face-on share few SIFT
// matches. ASIFT simulates the missing tilts: the picture is rotated by an angle phi and squeezed
// along x by a factor t (after an anti-aliasing blur of sigma 0.8 * sqrt(t^2 - 1) along x), and
// SIFT runs on each such view. Two pictures whose relative tilt is covered by one simulated view
// of either then share descriptors again.
//
// Contract:
//  - The views are taken on the picture scaled to a long side of at most `max_side` (smaller than
//    the base features' side: the simulated views are for coarse structure, and their cost is
//    bounded by it); their keypoints are mapped back into the pixels of the base picture (the one
//    `FeatureOptions::max_side` gives), so that they can be pooled with the base features.
//  - Each view keeps at most `keypoints_per_view` (the strongest); keypoints that fall on the
//    padding of a rotated view are never produced (a mask of the valid area is used).
//  - Keypoint::view numbers the views from 1 in the order of `tilts` then angles; 0 is the
//    picture itself.
//
// Thread safety: may run on several threads at once.
#ifndef SIGHTLINE_ANALYSIS_SCENE_AFFINE_H_
#define SIGHTLINE_ANALYSIS_SCENE_AFFINE_H_

#include <vector>

#include "analysis/scene/features.h"

namespace sightline::analysis::scene {

struct AffineOptions {
  // Simulated tilts; for each, angles phi = 0, 72/t, 2*72/t, ... below 180 degrees (Morel & Yu's
  // sampling). {sqrt 2, 2} gives 4 + 5 = 9 views: relative tilts up to 4 between two pictures
  // (about 75 degrees of obliquity) are covered when both are simulated.
  std::vector<double> tilts = {1.41421356, 2.0};
  int max_side = 640;
  int keypoints_per_view = 200;
  // Of the picture's own keypoints, the strongest this many join the pool: the pooled matching's
  // cost grows with the square of the pool (2000 + 9 x 200 would be 60 % slower).
  int base_keypoints = 1200;
};

// The number of simulated views `options` gives.
int AffineViewCount(const AffineOptions& options);

// Features of the simulated views of an 8-bit grey picture, in the coordinates of the base
// picture ExtractFeatures(gray, base) describes (same width, height and scale). Never fails; an
// empty or tiny picture gives no keypoints.
SceneFeatures ExtractAffineFeatures(const cv::Mat& gray, const FeatureOptions& base,
                                    const AffineOptions& options = {});

// The strongest `max_base` keypoints of `base` (all when 0) followed by `views` (their keypoints
// and descriptor rows), for pooled matching.
SceneFeatures PoolFeatures(const SceneFeatures& base, const SceneFeatures& views, int max_base = 0);

}  // namespace sightline::analysis::scene

#endif  // SIGHTLINE_ANALYSIS_SCENE_AFFINE_H_
