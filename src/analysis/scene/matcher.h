// Same-place test for two pictures: do their local features agree with one rigid scene seen from
// two viewpoints?
//
// Method (doc/scene.md has the reasons and the measurements):
//  1. Tentative matches: nearest neighbours of RootSIFT descriptors in both directions, kept when
//     they pass Lowe's ratio test both ways and are each other's best (mutual). Repeated patterns
//     (a grid of identical windows) fail the ratio test, because each window has a twin in the
//     same picture, so they bring no evidence either way. Pooled features (a picture with its
//     affine-simulated views, affine.h) take the second neighbour from another place in the
//     picture, and one correspondence seen in several views counts once.
//  2. Geometry: a homography (a plane, or any scene under pure rotation or zoom) and a
//     fundamental matrix (a 3D scene under viewpoint change), both fitted with MAGSAC++
//     (Barath et al. 2020) through OpenCV's USAC. The homography is preferred when it explains
//     nearly as many matches, because it is the stronger constraint (point to point, not point to
//     line).
//  3. Semi-local consistency (Schmid & Mohr 1997): an inlier must keep some of its nearest
//     inlier neighbours in both pictures. Random matches that happen to lie near their epipolar
//     line (a fundamental matrix admits many) have scattered neighbourhoods and are dropped.
//  4. Gates: enough consistent inliers for the model, spread over a real part of the pictures
//     (convex hull area and grid cells), not a single patch such as a logo or a poster that two
//     places may share.
//
// Thread safety: pure functions; may run on several threads at once.
#ifndef SIGHTLINE_ANALYSIS_SCENE_MATCHER_H_
#define SIGHTLINE_ANALYSIS_SCENE_MATCHER_H_

#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "analysis/scene/features.h"

namespace sightline::analysis::scene {

enum class SceneModel { kNone, kHomography, kFundamental };
const char* ModelName(SceneModel m);  // "none", "homography", "fundamental"

struct MatchOptions {
  double ratio = 0.8;           // Lowe's ratio test, both directions
  double homography_px = 4.0;   // MAGSAC threshold, pixels of the feature pictures
  double fundamental_px = 2.0;  // MAGSAC threshold (point to epipolar line)
  int iterations = 5000;
  double confidence = 0.999;
  int min_inliers_homography = 15;  // consistent inliers needed to say "same place"
  int min_inliers_fundamental = 20;
  double min_hull_larger = 0.08;   // inliers' convex hull: this fraction of the larger-covered
                                   // picture...
  double min_hull_smaller = 0.01;  // ...and this fraction of the other one
  int min_cells_larger = 6;        // occupied cells of an 8 x 8 grid in the picture where the
  int min_cells_smaller = 3;       // inliers cover more, and in the other one
  // Pooled features (a picture with its affine-simulated views, affine.h): the ratio test's second
  // neighbour must lie this far from the first, and matches closer than `pooled_dedupe_px` to a
  // better one (either end) are one correspondence seen twice (pixels at 1024).
  double pooled_radius_px = 8.0;
  double pooled_dedupe_px = 3.0;
  // Guided matching (guided.h), after a weak fit: the search band around the predicted position
  // (homography) or the epipolar lines (fundamental matrix), pixels at 1024; the ratio test
  // among the points in the band; the largest descriptor distance accepted (RootSIFT rows have
  // unit length: 0..sqrt 2).
  double guided_homography_px = 10.0;
  double guided_epipolar_px = 4.0;
  double guided_ratio = 0.85;
  double guided_max_distance = 1.0;
  // When > 0, guided matching's gate counts places, not keypoints: inliers within this many
  // pixels (at 1024, each picture at its own scale) of an earlier one in either picture are one
  // place (DistinctPlaces, guided.h). With full-HD video frames (CompareOptions::video_features)
  // a chance fit along a weak model's lines gathered clusters of 2-4 near twins of one blob (4-20
  // px apart) that vouched for each other in the semi-local check: 18 inliers on 8 places at 12
  // px, a false match; true guided matches of Lund views have 15-42. 0 (the default, with frames
  // at 1024, where the null maximum is 4 inliers): every inlier counts.
  double guided_place_px = 0;
  // Pose consistency of guided correspondences (Lowe 2004): neighbours vouch for a match only
  // when their keypoints turned and zoomed alike, within this many degrees and this factor.
  double guided_turn_deg = 30.0;
  double guided_zoom = 2.0;
  // A weak fit is only used as a guide with at least this many consistent inliers, and the
  // refitted model needs this many to say "same place": guided correspondences all agree with the
  // guide by construction, so its count is gated by the chance fits measured on different-place
  // pairs (doc/scene.md), not by the ordinary gates above.
  int min_seed_inliers = 8;
  int min_inliers_guided = 12;  // consistent inliers, on as many distinct places
  // When a homography guide finds no match, a fundamental matrix from that plane and the
  // tentative matches off it (PlaneParallaxFundamental, guided.h) guides a second search, when
  // at least this many off-plane matches agree on its epipole. 0: off.
  int parallax_min_support = 0;
  // When > 0, the hull and cell gates count only inliers with another inlier within this many
  // pixels (at 1024) in both pictures. Guided matching sets it: guided by a shared poster's
  // homography, a few chance pairs scattered around the poster stretched its hull past the patch
  // gate (doc/scene.md, "A shared poster").
  double coverage_neighbour_px = 0;
  // Burned-in overlays (overlay.h): matches whose ends keep their offset from a corner within
  // `overlay_in_place_px` (at 1024) are an overlay when there are at least `overlay_min_matches`
  // of them, unless they hold `overlay_max_share` of the cells where either picture has texture
  // (and the middle of the picture: a camera that did not move), or have a neighbour within
  // `overlay_scene_radius_px` that moved no more than `overlay_scene_moved_px` (the still centre
  // of a zoom or of forward motion). Matches within `overlay_zone_px` of an overlay's go with
  // it. overlay_max_share 0: overlays are not looked for.
  double overlay_in_place_px = 4.0;
  int overlay_min_matches = 8;
  double overlay_max_share = 0.4;
  double overlay_scene_radius_px = 48.0;
  double overlay_scene_moved_px = 12.0;
  double overlay_zone_px = 24.0;
};

// One matched point, in normalised picture coordinates (0..1, x right, y down).
struct PointPair {
  float ax = 0, ay = 0, bx = 0, by = 0;
};

struct SceneMatch {
  bool match = false;
  double score = 0;   // 0..1, evidence strength (inliers and spread); 0 without a model
  int tentative = 0;  // mutual ratio-test matches
  int inliers = 0;    // consistent inliers of the chosen model
  SceneModel model = SceneModel::kNone;
  double hull_a = 0, hull_b = 0;  // convex hull of the inliers / picture area
  int cells_a = 0, cells_b = 0;   // occupied cells of an 8 x 8 grid
  std::vector<PointPair> pairs;   // the inliers (evidence)
  std::string reason;             // why it is or is not a match, for a person
  // The fitted model in the feature pictures' pixels (3 x 3, CV_64F): a homography from A to B,
  // or a fundamental matrix F with x_b' F x_a = 0. Empty without a model. Set whether or not the
  // pair matched, so that a weak fit can guide a second search (guided.h).
  cv::Mat geometry;
};

SceneMatch MatchFeatures(const SceneFeatures& a, const SceneFeatures& b,
                         const MatchOptions& options = {});

// The two steps of MatchFeatures, for evidence gathered from several picture pairs of the same two
// cameras (frame pairs of two clips).
struct Correspondences {
  int a_width = 0, a_height = 0, b_width = 0, b_height = 0;  // the feature pictures
  std::vector<cv::Point2f> a, b;  // tentative matches, feature pixels, a[i] <-> b[i]
  std::string problem;            // set when a picture has too few features to compare
  // Optional, one per match or empty: how the picture turned (B's keypoint orientation minus A's,
  // degrees) and zoomed (log2 of B's keypoint size over A's) there. When set, the semi-local
  // check also asks a match's neighbours to have turned and zoomed alike (within
  // MatchOptions::guided_turn_deg and guided_zoom); guided matching (guided.h) sets them.
  std::vector<float> turn, zoom;
  // The ends of the in-place matches taken for a burned-in overlay (overlay.h), feature pixels,
  // and how many matches were left out with it (those and their neighbours; summed over merged
  // frame pairs).
  std::vector<cv::Point2f> overlay_a, overlay_b;
  int overlay_removed = 0;
};
// No matches yet, between pictures of a's and b's feature sizes.
Correspondences NoCorrespondences(const SceneFeatures& a, const SceneFeatures& b);
// Step 1: mutual ratio-test matches (pooled features, affine.h, are handled too).
Correspondences TentativeCorrespondences(const SceneFeatures& a, const SceneFeatures& b,
                                         const MatchOptions& options = {});
// Adds `more` to `to` (pictures of the same sizes; otherwise nothing is added), leaving out
// matches with an end within pooled_dedupe_px of an end of one already there: a static point
// matched again in another frame pair counts once.
void MergeCorrespondences(Correspondences& to, const Correspondences& more,
                          const MatchOptions& options = {});
// Step 2: geometry, consistency and gates, as MatchFeatures.
SceneMatch MatchCorrespondences(const Correspondences& c, const MatchOptions& options = {});

// Mutual ratio-test pairs over `dist` (squared descriptor distances, A's keypoints by B's), the
// second neighbour taken among the points more than `radius` pixels from the first (with pooled
// features one place appears in several views, and SIFT gives a place several orientations, so
// the nearest rival would be the point's own twin); "mutual": the first neighbour's own best
// lies within `radius` of the point. `allowed` (A × B, row-major) limits the candidates, or is
// empty. Nearest first; near-duplicates are left to the caller.
struct ScoredPair {
  int a = 0, b = 0;  // keypoint indices
  float d = 0;       // squared descriptor distance
};
std::vector<ScoredPair> SpacedRatioPairs(const SceneFeatures& a, const SceneFeatures& b,
                                         const cv::Mat& dist,
                                         const std::vector<unsigned char>& allowed, double ratio,
                                         double radius);

// The factor the pixel tolerances of MatchOptions (set for pictures of about 1024 pixels) are
// multiplied by, for two feature pictures of these long sides: smaller pictures get smaller
// tolerances (down to half, by the larger picture), and two larger ones (full-HD video frames,
// CompareOptions::video_features) proportionally larger ones (up to twice, by the smaller
// picture), so that a tolerance covers the same part of the scene. A 1024 photo against a
// full-HD frame keeps the photo's tolerances.
double ToleranceScale(int a_long_side, int b_long_side);

// The number of mutual ratio-test matches between the `limit` strongest keypoints of each: a
// cheap count used to shortlist frame pairs of two videos.
int CountTentativeMatches(const SceneFeatures& a, const SceneFeatures& b, int limit,
                          double ratio = 0.8);

}  // namespace sightline::analysis::scene

#endif  // SIGHTLINE_ANALYSIS_SCENE_MATCHER_H_
