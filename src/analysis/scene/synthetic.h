// Synthetic scenes for tests and benchmarks of same-place matching: textured pictures whose
// ground truth is known by construction (the views of one scene, look-alike places), so that the
// matcher can be checked without anyone's photos.
//
// Thread safety: pure functions; everything random is drawn from the given seed.
#ifndef SIGHTLINE_ANALYSIS_SCENE_SYNTHETIC_H_
#define SIGHTLINE_ANALYSIS_SCENE_SYNTHETIC_H_

#include <cstdint>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "analysis/scene/matcher.h"
#include "base/status.h"

namespace sightline::analysis::scene::synthetic {

// A grey picture full of distinct detail (rectangles, ellipses, lines and noise of random
// shades): a stand-in for a textured place.
cv::Mat Texture(int width, int height, std::uint64_t seed);

// `texture` with a grid of `cols` x `rows` identical windows (one window drawn from
// `window_seed`) painted over its middle: a facade. Two facades with different texture seeds and
// the same window seed are different places that look alike.
cv::Mat Facade(const cv::Mat& texture, std::uint64_t window_seed, int cols = 6, int rows = 4);

// `src` seen through the homography `h` (source pixels to output pixels) into a picture of
// `size`, with its exposure changed (out = gain * in + offset); uncovered parts are mid-grey.
cv::Mat View(const cv::Mat& src, const cv::Matx33d& h, cv::Size size, double gain = 1,
             double offset = 0);

// A homography that rotates by `degrees` about the picture centre, scales by `scale`, and tilts
// (perspective) by `tilt` (0 = none; 0.0005 is a strong oblique view at 800 px).
cv::Matx33d Motion(cv::Size size, double degrees, double scale, double tilt_x, double tilt_y = 0);

// Two textured walls meeting at a right angle (a building's corner), photographed by a pinhole
// camera (focal length 700 px, 800 x 600) standing 5 m from the corner edge, `yaw_degrees` around
// it from the diagonal: a 3D scene that no single homography maps between two views.
cv::Mat Corner(const cv::Mat& left_wall, const cv::Mat& right_wall, double yaw_degrees);

// `gray` with a news channel's graphics burned in, anchored to its corners at a fixed size in
// pixels: a dark banner across the bottom with a headline, the channel's handle top left, "LIVE"
// top right. The same graphics on any two pictures (overlay.h).
cv::Mat NewsOverlay(const cv::Mat& gray);

// How many of the matched point pairs (normalised coordinates in pictures of `size`) follow the
// homography `h` that made the view, to within `tolerance_px`: the evidence checked against the
// truth.
int PairsFollowing(const std::vector<PointPair>& pairs, const cv::Matx33d& h, cv::Size size,
                   double tolerance_px);

// Writes a grey picture (8-bit, one channel) as a JPEG file of quality 92.
Status WriteGrayJpeg(const std::string& path, const cv::Mat& gray);

}  // namespace sightline::analysis::scene::synthetic

#endif  // SIGHTLINE_ANALYSIS_SCENE_SYNTHETIC_H_
