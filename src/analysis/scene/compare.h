// Same-place comparison of two files (photos or videos) and the picture that shows its evidence.
//
// A photo is one frame; a video gives a few frames spread over it (frames.h), or the one nearest
// a requested time. For two videos every frame pair is first scored cheaply (mutual ratio-test
// matches among the strongest keypoints, matcher.h) and only the best few pairs get the full
// geometric test; the answer is the best of those (a match beats no match, then the higher
// score).
//
// Thread safety: the functions may run on several threads at once.
#ifndef SIGHTLINE_ANALYSIS_SCENE_COMPARE_H_
#define SIGHTLINE_ANALYSIS_SCENE_COMPARE_H_

#include <string>
#include <vector>

#include "analysis/scene/features.h"
#include "analysis/scene/frames.h"
#include "analysis/scene/matcher.h"
#include "base/status.h"
#include "media/image_writer.h"

namespace sightline::analysis::scene {

struct CompareOptions {
  FrameOptions frames;  // at_s applies to both files unless at_b_s is set
  double at_b_s = -1;   // a different time for B
  FeatureOptions features;
  MatchOptions match;
  int verify_pairs = 4;  // frame pairs given the full test (videos)
  int shortlist_keypoints = 500;
};

// A file's frames and their features.
struct FileFeatures {
  std::vector<SceneFrame> frames;
  std::vector<SceneFeatures> features;  // one per frame
  bool still = false;
};

Result<FileFeatures> ReadFileFeatures(const std::string& path, const FrameOptions& frames,
                                      const FeatureOptions& features);

struct FileComparison {
  SceneMatch match;
  int a_frame = 0, b_frame = 0;  // indices into the files' frames
  double a_time = 0, b_time = 0;
  bool a_still = false, b_still = false;
  int frame_pairs = 0;     // frame pairs considered
  int pairs_verified = 0;  // given the full test
};

FileComparison CompareFeatures(const FileFeatures& a, const FileFeatures& b,
                               const CompareOptions& options = {});

// Reads both files and compares them. Fails (naming the file) when either cannot be read.
Result<FileComparison> CompareFiles(const std::string& a, const std::string& b,
                                    const CompareOptions& options, FileFeatures* keep_a = nullptr,
                                    FileFeatures* keep_b = nullptr);

// The two frames side by side at a common height (at most `height` pixels), with each inlier
// pair joined by a line, as an RGB picture.
media::Image DrawMatch(const cv::Mat& a_gray, const cv::Mat& b_gray, const SceneMatch& match,
                       int height = 720);

}  // namespace sightline::analysis::scene

#endif  // SIGHTLINE_ANALYSIS_SCENE_COMPARE_H_
