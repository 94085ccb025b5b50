// Guided matching: a second search for correspondences where a first, weak model says they must
// lie (Hartley & Zisserman 2004, "Multiple View Geometry", 2nd ed., section 11.6 "guided
// matching"; Torr & Zisserman 2000 use it to grow a MLESAC fit).
//
// The ratio test over the whole other picture rejects every point whose descriptor has a
// look-alike anywhere in it (a second window, leaves, cobbles) and every point seen under such a
// change of viewpoint that its nearest neighbour is only a little nearer than the rest. Once a
// few consistent inliers give a model (a homography, or a fundamental matrix), a point of A can
// only correspond to the points of B near its predicted position (homography) or its epipolar
// line (fundamental matrix); among those few the ratio test is decisive again, so many of the
// correspondences the global test threw away come back.
//
// Contract:
//  - `geometry` is SceneMatch::geometry of a fit on these two pictures' pixels (the same feature
//    pictures, or pictures of the same sizes from the same two cameras); a 3 x 3 CV_64F matrix.
//    An empty or malformed one gives no correspondences.
//  - The result is only tentative: every correspondence agrees with the weak model by
//    construction, so the model must be fitted again (MatchCorrespondences) and the evidence is
//    the refitted model's consistent inliers, gated by a count measured on different-place pairs
//    (MatchOptions::min_inliers_guided), not by the ordinary gates.
//  - The second neighbour of the ratio test is taken from another place in the picture (more
//    than MatchOptions::pooled_radius_px from the first), and one correspondence counts once.
//  - The refit's evidence is counted in places (DistinctPlaces), not keypoints: SIFT describes
//    one blob at several scales and orientations, and such near twins vouch for each other in
//    the semi-local check.
//  - Each correspondence carries its keypoints' turn and zoom (Correspondences::turn, zoom), so
//    that the refit's semi-local check asks neighbours to agree on them too (Lowe 2004's pose
//    consistency): chance pairs along a weak model's lines turn and zoom at random. Pooled
//    features (affine.h) are accepted, but then no pose is recorded (a simulated view's keypoint
//    is oriented in its view), and the check is the plain one.
//
// Thread safety: pure functions; may run on several threads at once.
#ifndef SIGHTLINE_ANALYSIS_SCENE_GUIDED_H_
#define SIGHTLINE_ANALYSIS_SCENE_GUIDED_H_

#include <opencv2/core.hpp>

#include "analysis/scene/features.h"
#include "analysis/scene/matcher.h"

namespace sightline::analysis::scene {

// Correspondences between `a` and `b` that lie within `MatchOptions::guided_homography_px` of the
// position `geometry` predicts (a homography, A pixels to B pixels) or within
// `guided_epipolar_px` of both epipolar lines (a fundamental matrix, x_b' F x_a = 0), and pass
// the ratio test `guided_ratio` among the points that lie there, both ways.
Correspondences GuidedCorrespondences(const SceneFeatures& a, const SceneFeatures& b,
                                      SceneModel model, const cv::Mat& geometry,
                                      const MatchOptions& options = {});

// A fundamental matrix (A pixels to B pixels) from a homography induced by a plane and the
// tentative matches off that plane (Hartley & Zisserman 2004, section 13.3, algorithm 13.2):
// F = [e']x H, where the epipole e' in B is the point that the lines joining each off-plane
// point x' to its transfer Hx pass through (plane parallax). The epipole is chosen as the one
// that most such lines pass within `line_px` of (every pair of lines proposes one); a match is
// off the plane when x' lies more than `plane_px` from Hx. Empty when fewer than `min_support`
// lines agree on one epipole.
//
// Why: a weak fit on one distant patch (the far end of a street, seen from two points along it)
// is a homography, and points on one plane leave the epipolar geometry undetermined by the
// epipole's two degrees of freedom; guided by the homography, the search finds only that patch
// again, while the nearer houses that both pictures see lie along the epipolar lines.
cv::Mat PlaneParallaxFundamental(const Correspondences& tentative, const cv::Mat& homography,
                                 double plane_px, double line_px, int min_support);

// The number of distinct places among `m`'s inliers (pictures of sizes `a` and `b`): an inlier
// within `radius_px` (pixels at 1024, each picture at its own scale, 0.5-2x) of an earlier one in
// either picture is the same place.
int DistinctPlaces(const SceneMatch& m, cv::Size a, cv::Size b, double radius_px);

}  // namespace sightline::analysis::scene

#endif  // SIGHTLINE_ANALYSIS_SCENE_GUIDED_H_
