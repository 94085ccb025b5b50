// Mirrored pictures: features of a picture flipped left to right, derived from its own.
//
// Reposts are often flipped (an app's "mirror" edit, a front camera, or a deliberate step to
// evade copy detection). A flipped view of a place still shows that place, and two views related
// by a flip still obey one epipolar geometry (the flip is a projective map of the picture), but
// SIFT descriptors are not invariant to it: a flipped picture shares few tentative matches with
// the original, only those of left-right symmetric blobs.
//
// Describing the flipped picture again would cost a full feature extraction; the flip of SIFT's
// construction (Lowe 2004, section 6.1) is exact instead: a keypoint at x moves to
// width - 0.5 - x (OpenCV measures positions from pixel corners of its doubled first octave),
// its orientation theta to 180 - theta, and in its descriptor (4 x 4 cells of 8 orientation bins,
// laid out by OpenCV as (row * 4 + column) * 8 + bin, rows across the keypoint's axis) the rows
// swap across the axis and the bins reverse, bin k becoming bin (8 - k) mod 8. Checked against
// SIFT run on flipped pictures: 84 % of the keypoints recur, their descriptors within 2 %
// (mirror_test.cc checks the same on a synthetic picture). RootSIFT is taken bin by bin, so the
// same permutation applies to it.
//
// Thread safety: pure functions.
#ifndef SIGHTLINE_ANALYSIS_SCENE_MIRROR_H_
#define SIGHTLINE_ANALYSIS_SCENE_MIRROR_H_

#include "analysis/scene/features.h"
#include "analysis/scene/matcher.h"

namespace sightline::analysis::scene {

// The features `f` would have if its picture were flipped left to right (affine-simulated
// views' keypoints included: they are in the picture's pixels too).
SceneFeatures MirrorFeatures(const SceneFeatures& f);

// Whether the evidence of `m` says B is a mirror image of A's scene: seen from the side it
// faces, a surface keeps its orientation in any view (a turn of the camera, a zoom, an oblique
// view, a wide-angle lens), so the triangle an inlier makes with its two nearest inliers runs the
// same way round in both pictures; in a mirrored view every one runs the other way. True when
// most of those triangles (not too flat to tell) are reversed. This holds whichever pass found
// the match: a flipped view may match as it is, on its left-right symmetric detail.
bool LooksMirrored(const SceneMatch& m);

// `m`, found between A and B flipped (B's feature picture `b_width` pixels wide), restated in
// B's own pixels: the evidence points and the fitted geometry.
void UnmirrorMatch(SceneMatch& m, int b_width);

}  // namespace sightline::analysis::scene

#endif  // SIGHTLINE_ANALYSIS_SCENE_MIRROR_H_
