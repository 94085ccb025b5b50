// Same-place comparison of two files (photos or videos) and the picture that shows its evidence.
//
// A photo is one frame; a video gives a few frames spread over it (frames.h), or the one nearest
// a requested time. For two videos every frame pair is first scored cheaply (mutual ratio-test
// matches among the strongest keypoints, matcher.h) and only the best few pairs get the full
// geometric test; the answer is the best of those (a match beats no match, then the higher
// score). When none matches, two wider tests follow with the same gates: the best frame pairs
// with affine-simulated views (affine.h, wide baselines), then the tentative matches of several
// frame pairs merged (two fixed cameras share one geometry for the whole clip), then a search
// guided by the best weak fit of all these (guided.h). A cheap precheck (the direct test's
// tentative count) keeps pairs with no common ground from paying the wider tests. Last, B flipped
// left to right goes through the same tests (a mirrored repost, mirror.h); the evidence is then
// stated in B's own pixels.
//
// Thread safety: the functions may run on several threads at once.
#ifndef SIGHTLINE_ANALYSIS_SCENE_COMPARE_H_
#define SIGHTLINE_ANALYSIS_SCENE_COMPARE_H_

#include <string>
#include <vector>

#include "analysis/scene/affine.h"
#include "analysis/scene/features.h"
#include "analysis/scene/frames.h"
#include "analysis/scene/matcher.h"
#include "base/status.h"
#include "media/image_writer.h"

namespace sightline::analysis::scene {

struct CompareOptions {
  FrameOptions frames;      // at_s applies to both files unless at_b_s is set
  double at_b_s = -1;       // a different time for B
  FeatureOptions features;  // photos
  // Video frames: as photos by default. Kept whole up to full HD (1920, with 4000 keypoints:
  // FrameOptions::video_max_side is set from max_side) they gave the multi-camera room's
  // cameras more fine detail in common, but once guided matching was kept from chance fits
  // (MatchOptions::guided_place_px) no more camera pairs matched, at twice the cost per clip
  // pair (doc/scene.md, Measured).
  FeatureOptions video_features;
  MatchOptions match;
  int verify_pairs = 4;  // frame pairs given the full test (videos)
  int shortlist_keypoints = 500;
  // Wide baseline: when no verified frame pair matches, the best `affine_pairs` of them are
  // tested again with each picture's features pooled with those of its affine-simulated views
  // (affine.h). About 4x the feature cost and 5x the matching cost, paid only by pairs that did
  // not match on the pictures' own features.
  bool affine = true;
  AffineOptions affine_views;
  int affine_pairs = 2;
  // Two clips (or a clip and a photo) from fixed cameras: every frame pair shares one geometry,
  // and at the same moment the moving people and things add matches of their own. When nothing
  // matched frame by frame, the tentative matches of the best `pool_frame_pairs` frame pairs are
  // merged (a static point counts once) and tested as one. 0 or 1: off.
  int pool_frame_pairs = 4;
  // Guided matching (guided.h): when still nothing matched, the weak fit with the most consistent
  // inliers of the stages above (at least MatchOptions::min_seed_inliers) guides a second search
  // on the frame pairs it came from; the model is refitted twice and gated by
  // MatchOptions::min_inliers_guided.
  bool guided = true;
  // MatchOptions::coverage_neighbour_px for the guided refit's hull and cell gates.
  double guided_coverage_neighbour_px = 0;
  // Precheck: the wide-baseline stages (affine, merged frames, guided) run only when the best
  // verified frame pair has at least this many tentative matches. Nearly all pairs of different
  // places have fewer, and pay only the direct test (doc/scene.md has the distributions).
  int wide_min_tentative = 10;
  // Mirrored reposts (mirror.h): when nothing above matched, when the match's evidence runs the
  // other way round in B, or when only guided matching found it, B flipped left to right is
  // tested again on features derived from B's own (no second extraction): the direct and
  // affine-simulated tests only, with their inlier gates times `mirror_gate_factor`, since a
  // left-right symmetric object matches flipped too. A precheck (below) keeps pairs with no
  // flipped common ground from paying it (measured: 13.6 -> 11.8-12.6 pairs/s on the corpus).
  bool mirror = true;
  int mirror_gate_factor = 2;
  // A match found by guided matching alone must have more consistent inliers than B flipped
  // left to right reaches in any test (B's closest look-alike: a street flipped looks like the
  // street). Runs the flipped tests in full for those matches, whether or not `mirror` is set.
  bool guided_beats_mirror = true;
  // The precheck of both: B flipped is tested only when some frame pair has at least this many
  // mutual ratio-test matches among the `shortlist_keypoints` strongest keypoints of each.
  int mirror_min_shortlist = 10;
};

// A file's frames and their features.
struct FileFeatures {
  std::vector<SceneFrame> frames;
  std::vector<SceneFeatures> features;  // one per frame
  // The affine-simulated views' features, one per frame (AddAffineFeatures), or empty: then
  // CompareFeatures computes those it needs from the frames.
  std::vector<SceneFeatures> affine;
  bool still = false;
  FeatureOptions options;      // those `features` were taken with (the simulated views follow them)
  FrameOptions frame_options;  // those `frames` were read with (ReadSceneFrameInColour)
};

// A photo's features are taken with `features`; a video's frames with `video_features` when given
// (their frames then decoded up to its max_side), otherwise with `features` too.
Result<FileFeatures> ReadFileFeatures(const std::string& path, const FrameOptions& frames,
                                      const FeatureOptions& features,
                                      const FeatureOptions* video_features = nullptr);

// Computes `f.affine` for every frame (for a file compared with many others), in the pixels of
// `f.options`.
void AddAffineFeatures(FileFeatures& f, const AffineOptions& views);

// `f` as if its pictures were flipped left to right (mirror.h): frames, features and simulated
// views, derived without a new extraction.
FileFeatures MirrorFileFeatures(const FileFeatures& f);

struct FileComparison {
  SceneMatch match;
  int a_frame = 0, b_frame = 0;  // indices into the files' frames
  double a_time = 0, b_time = 0;
  bool a_still = false, b_still = false;
  int frame_pairs = 0;         // frame pairs considered
  int pairs_verified = 0;      // given the full test
  bool affine = false;         // the answer came from the pooled affine-simulated views
  int affine_tested = 0;       // frame pairs tested with the simulated views
  int affine_inliers = 0;      // the most consistent inliers found with them (matched or not)
  bool pooled_frames = false;  // the answer came from several frame pairs merged
  int pooled_inliers = 0;      // consistent inliers of the merged frame pairs (matched or not)
  int direct_tentative = 0;    // the most tentative matches of a verified frame pair (precheck)
  bool wide_tested = false;    // the precheck let the wide-baseline stages run (either way round)
  bool guided = false;         // the answer came from guided matching (refused, when not a match)
  int seed_inliers = 0;        // consistent inliers of the weak fit that guided it (0: none)
  int guided_inliers = 0;      // consistent inliers after guided matching (matched or not)
  int guided_places = 0;       // and the distinct places among them (its gate counts these)
  // A plane's parallax guided a second search (MatchOptions::parallax_min_support).
  bool parallax_guide = false;
  // B matched once flipped left to right (mirror.h). The fields above then describe the flipped
  // comparison, whose answer this is; `match` is stated in B's own pixels.
  bool mirrored = false;
  // The most consistent inliers B flipped reached (matched or not) in the tests it was given:
  // direct and affine, or all of them when a guided match had to beat it.
  int mirror_inliers = 0;
  int mirror_shortlist = 0;  // B flipped: its precheck's best count (0: not tried)
};

// The flipped test's precheck count (CompareOptions::mirror_min_shortlist): the most mutual
// ratio-test matches between a frame of A and a frame of B flipped (`flipped_b`: B's frames'
// features flipped, mirror.h), among the `shortlist_keypoints` strongest of each.
int FlippedShortlistCount(const std::vector<SceneFeatures>& a,
                          const std::vector<SceneFeatures>& flipped_b, const CompareOptions& o);

// What CompareFeatures appends to the reason of a match found with B flipped.
inline constexpr char kMirroredNote[] = " (B is mirrored: flipped left to right against A)";

FileComparison CompareFeatures(const FileFeatures& a, const FileFeatures& b,
                               const CompareOptions& options = {});

// Reads both files and compares them. Fails (naming the file) when either cannot be read.
Result<FileComparison> CompareFiles(const std::string& a, const std::string& b,
                                    const CompareOptions& options, FileFeatures* keep_a = nullptr,
                                    FileFeatures* keep_b = nullptr);

// The two frames (grey, or RGB in R G B order) side by side at a common height (at most `height`
// pixels), with each inlier pair joined by a line, as an RGB picture.
media::Image DrawMatch(const cv::Mat& a, const cv::Mat& b, const SceneMatch& match,
                       int height = 720);

}  // namespace sightline::analysis::scene

#endif  // SIGHTLINE_ANALYSIS_SCENE_COMPARE_H_
