// Burned-in overlays in same-place matching.
//
// A channel's logo and news banner, an app's watermark, a camera's date and time: graphics burned
// into a picture after it was taken sit at the same pixels whatever the scene, and match each
// other perfectly. A banner across the bottom and a logo in each corner agree with one identity
// homography spread over the whole picture, so two clips of two different places reposted by one
// channel would be "the same place" on that evidence alone (two street views with one news
// banner and two logos: 502 inliers, score 1.0, before this stage existed).
//
// Scene content seen from two viewpoints does not stay in place, except where the camera itself
// did not move (a fixed camera, a tripod, a copy of the recording), and then the whole textured
// picture stays in place, not a few bands and corners. So:
//  - a match is "in place" when its two ends keep the same offset from one corner of both
//    pictures, within MatchOptions::overlay_in_place_px at 1024 px, the offset counted in
//    original pixels (an overlay drawn at a fixed size), in picture heights or in picture widths
//    (drawn in proportion to the frame): a channel's vertical and horizontal videos, or a
//    1080p and a 720p copy, carry their overlays so;
//  - when at least `overlay_min_matches` matches are in place, they are taken for an overlay and
//    left out of the evidence, unless they occupy at least `overlay_max_share` of the cells
//    (8 x 8 grid) where either picture has texture (2 keypoints or more) and a quarter of all
//    cells: then the camera did not move. Either picture: a dark or blank frame carrying the
//    graphics must not make them the whole picture; a quarter: two such frames must not either.
//    Without the overlay, the rest of the matches (the scene behind it) decide.
// Not caught: an overlay placed or scaled otherwise (centred, or scaled by another rule than the
// frame's). A fixed camera whose scene changed so much that less than `overlay_max_share` of
// it still matches (day against night), or whose texture is under a quarter of the picture,
// loses those matches.
//
// Thread safety: pure functions.
#ifndef SIGHTLINE_ANALYSIS_SCENE_OVERLAY_H_
#define SIGHTLINE_ANALYSIS_SCENE_OVERLAY_H_

#include "analysis/scene/features.h"
#include "analysis/scene/matcher.h"

namespace sightline::analysis::scene {

// The matches of `c` (between the pictures `a` and `b` describe) that stay in place, as indices
// into c.a / c.b.
std::vector<int> InPlaceMatches(const Correspondences& c, const SceneFeatures& a,
                                const SceneFeatures& b, const MatchOptions& o);

// Of the cells of an 8 x 8 grid (in A): how many hold an end of one of `matches` (indices into
// c.a), and how many have texture (2 keypoints or more) in A or in B.
struct CellCover {
  int held = 0;
  int textured = 0;
};
CellCover InPlaceCover(const Correspondences& c, const std::vector<int>& matches,
                       const SceneFeatures& a, const SceneFeatures& b);

// Removes the overlay's matches from `c` as described above, and the matches with an end within
// MatchOptions::overlay_zone_px of one of theirs (the overlay's other glyphs, which a looser
// search could pair with each other), with their turn and zoom when set. The removed in-place
// matches' ends are added to c.overlay_a / overlay_b. Returns the number removed (0: no overlay).
int DropOverlayMatches(Correspondences& c, const SceneFeatures& a, const SceneFeatures& b,
                       const MatchOptions& o);

// Removes from `c` the matches with an end near the overlay found in `overlay` (the tentative
// matches of the same two pictures), as above. For searches that find matches DropOverlayMatches
// would not see in place (guided matching). Returns the number removed.
int DropNearOverlay(Correspondences& c, const Correspondences& overlay, const MatchOptions& o);

}  // namespace sightline::analysis::scene

#endif  // SIGHTLINE_ANALYSIS_SCENE_OVERLAY_H_
