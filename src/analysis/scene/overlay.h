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
// picture stays in place, not a few bands and corners; or at the still point of a zoom or of
// forward motion (the vanishing point ahead), and then the matches around it moved a little.
// So (the numbers are MatchOptions' overlay_* fields):
//  - a match is "in place" when its two ends keep the same offset from one corner of both
//    pictures, within 4 px at 1024, the offset counted in original pixels (graphics drawn at a
//    fixed size), in picture heights or in picture widths (drawn in proportion to the frame),
//    or across in widths and down in heights (placed by percentages): a channel's vertical and
//    horizontal videos, or a 1080p and a 720p copy, carry their graphics so;
//  - a camera that did not move: the matches in place hold at least 40 % of the cells (8 x 8)
//    where either picture has texture, and 8 of the 32 cells of the middle four rows (graphics
//    sit in bands at the top and bottom and in corners; a scene fills the middle). Then they
//    are the evidence. Either picture: a frame whose only texture is the graphics (black, a
//    blank wall), against another or against a scene, is not one camera;
//  - a still point: the matches in place with a neighbour (48 px) that moved no more than 12 px
//    are the rim of a still disc. When they are a fifth of the matches in place (3 at least),
//    the disc is scene and stays; otherwise those few stay and the rest go on;
//  - if 8 or more are left, they are an overlay: they are left out with every match that has an
//    end within 24 px of one of theirs (the overlay's other glyphs, which a looser search could
//    pair with each other), and the rest of the matches (the scene behind the graphics) decide.
// Not caught: graphics placed by another rule (centred in pictures of different shapes, or
// scaled otherwise than the frame), or that fill 40 % of the texture and the middle of two
// pictures (a large watermark across two blank frames). A fixed camera
// whose scene changed so much that less than 40 % of its common texture still matches (day
// against night) loses those matches.
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

// Removes an overlay's matches from `c` as described above, with their turn and zoom when set.
// The in-place matches' ends are added to c.overlay_a / overlay_b and the count removed to
// c.overlay_removed. Returns the number removed (0: no overlay).
int DropOverlayMatches(Correspondences& c, const SceneFeatures& a, const SceneFeatures& b,
                       const MatchOptions& o);

// Removes from `c` the matches with an end within MatchOptions::overlay_zone_px of the overlay
// found in `overlay` (the tentative matches of the same two pictures): for searches whose
// matches DropOverlayMatches would not see in place (guided matching, merged frame pairs).
// Returns the number removed.
int DropNearOverlay(Correspondences& c, const Correspondences& overlay, const MatchOptions& o);

}  // namespace sightline::analysis::scene

#endif  // SIGHTLINE_ANALYSIS_SCENE_OVERLAY_H_
