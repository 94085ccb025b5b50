// Shot boundaries: hard cuts and gradual transitions (dissolves, fades to or from black or white)
// in a video, found from small luma frames, with a representative keyframe for every shot.
//
// Usage: decode every frame small (media::DecodeFrames with Sampling::kEveryFrame and max_side
// kShotFrameSide, gray or RGB), feed the frames to a ShotDetector (it is a media::FrameConsumer),
// then call Finish(). The detector keeps a few hundred bytes per frame (a 16-pixel thumbnail and a
// few numbers, about 20 MB per hour at 30 fps); decisions that need frames after a boundary are
// taken in Finish().
//
// Method (doc/shots.md has the details and the references):
//  - Cuts: each frame is compared with the one before by a motion-compensated block difference
//    (8 × 8 blocks on a 64-pixel picture, each matched within a search range, the worst quarter of
//    the blocks ignored: Shahraray 1995), normalised by the pictures' contrast. A cut needs this
//    difference to be high in absolute terms and several times the local level of change around it
//    (an adaptive threshold in the manner of Yeo & Liu 1995 and Truong et al. 2000), so steady fast
//    camera motion raises the bar for itself. Before a candidate becomes a cut, frames before it
//    are compared with frames up to `max_flash_frames` after it: when the picture returns to what
//    it was (a muzzle flash, an explosion's flash, a camera flash), it is not a cut.
//  - Gradual transitions: within the frames between cuts, windows [a, b] of growing length are
//    tested for the dissolve model F(t) = (1 − α(t)) F(a) + α(t) F(b) with α rising from 0 to 1
//    (Zhang et al. 1993's observation that gradual transitions are slow accumulations of change,
//    tested here as a linear blend rather than with a second threshold). Camera motion and exposure
//    changes fail the model (the middle pictures are not blends of the ends) or the requirement
//    that the two ends differ in structure. The transition's extent comes from fitting a ramp to
//    α(t). Fades are dissolves from or to a one-colour (black, white) picture (Lienhart 1999:
//    vanishing luma deviation); a fade out, the one-colour frames and a fade in are one transition,
//    reported only when the picture after it differs from the picture before.
//  - Keyframe of a shot: the frame scoring best on sharpness (Laplacian energy over contrast) and
//    typicality (closeness to the shot's mean thumbnail), so not a blurred, flashed or transition
//    frame.
// Times are the frames' own presentation times (variable frame rate is handled frame-exactly).
//
// Thread safety: a ShotDetector is used from one thread at a time; distinct detectors may run on
// distinct threads.
#ifndef SIGHTLINE_SIGNALS_VISUAL_SHOTS_H_
#define SIGHTLINE_SIGNALS_VISUAL_SHOTS_H_

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "media/frame_source.h"

namespace sightline::signals::visual {

struct ShotWindow {  // a run of frames that fits the dissolve model (internal)
  std::int64_t a = 0, b = 0;
  float residual = 0;
};

// Stored with shot lists; bump when boundaries computed here would change.
inline constexpr int kShotsFormatVersion = 1;
// The frame size (FrameSourceOptions::max_side) the detector is designed for. Larger frames work
// and cost more (the detector scales them down); smaller ones lose accuracy.
inline constexpr int kShotFrameSide = 128;

struct ShotOptions {
  // Cuts. `cut_threshold` is on the normalised motion-compensated difference (about 0.05-0.4
  // within a shot, 0.6-1.5 across a cut); the difference must also be `cut_context_ratio` times the
  // 75th percentile of the differences within `context_frames` frames either side.
  double cut_threshold = 0.35;
  double cut_context_ratio = 2.0;
  int context_frames = 12;
  int search_radius = 6;  // pixels on the 64-pixel picture (about 10% of its width per frame)
  // A brightness spike (or any 1-3-frame change) after which the picture returns to what it was
  // is not a cut.
  int max_flash_frames = 3;
  // Gradual transitions.
  double max_transition_s = 3.0;     // longest dissolve or fade looked for
  double max_blend_residual = 0.40;  // worst frame's misfit to the blend model (0 = perfect)
  // The middle frame's misfit to the blend, at most this fraction of its misfit to either end
  // moved by block matching (a superposition, not motion).
  double max_superposition_ratio = 0.6;
  double max_ramp_misfit = 0.06;      // RMS misfit of alpha to a linear ramp
  double min_blend_change = 10.0;     // RMS luma change (0..255) between the ends of a transition
  double max_end_correlation = 0.75;  // ends more alike in structure than this are one scene
  double mono_deviation =
      3.0;  // luma standard deviation (0..255) under which a frame is one colour
};

enum class TransitionKind { kCut, kDissolve, kFade };
// "cut", "dissolve", "fade".
const char* TransitionKindName(TransitionKind kind);

struct Transition {
  TransitionKind kind = TransitionKind::kCut;
  // Seconds. `start` is the time of the transition's first frame, `end` that of the first frame of
  // the new shot; for a cut both are the time of the first frame of the new shot.
  double start = 0, end = 0;
  // The same as frame numbers (positions among the frames fed to the detector).
  std::int64_t start_frame = 0, end_frame = 0;
};

struct Shot {
  // `start` is the time of the shot's first frame; `end` that of the first frame after the shot
  // (the next transition's start) or, for the last shot, the end of its last frame.
  double start = 0, end = 0;
  double keyframe_t = 0;
  std::int64_t first_frame = 0, last_frame = 0, keyframe = 0;  // frame numbers
};

// What the detector keeps of each frame (also the input to keyframe selection).
struct FrameFeatures {
  static constexpr int kThumbSide = 16;  // the thumbnail's longer side
  double t = 0;
  std::int64_t number = 0;  // position among frames fed (0-based)
  float mean = 0;           // luma mean, 0..255
  float deviation = 0;      // luma standard deviation
  float sharpness = 0;      // Laplacian energy over contrast; larger is sharper
  float change = 0;         // normalised motion-compensated difference from the previous frame
  float bridge = -1;        // for cut candidates: the least difference across them (flash test)
  std::array<std::uint8_t, kThumbSide * kThumbSide> thumb{};  // thumb_w × thumb_h, row-major
};

struct ShotList {
  std::vector<Shot> shots;
  std::vector<Transition> transitions;  // in time order, between consecutive shots
  std::int64_t frames = 0;
};

class ShotDetector : public media::FrameConsumer {
 public:
  explicit ShotDetector(const ShotOptions& options = {});
  ShotDetector(const ShotDetector&) = delete;
  ShotDetector& operator=(const ShotDetector&) = delete;

  // Frames must come in presentation order (times that go backwards are clamped). Gray or RGB,
  // any size; sizes may change mid-stream.
  Status OnFrame(const media::Frame& frame) override;
  // Decides and returns the shots and transitions of all frames fed so far. With no frame fed, the
  // list is empty.
  ShotList Finish();

  const std::vector<FrameFeatures>& frames() const { return frames_; }
  int thumb_width() const { return thumb_w_; }
  int thumb_height() const { return thumb_h_; }

 private:
  using Window = ShotWindow;
  struct Picture {                     // what is kept of the most recent frames
    std::vector<std::uint8_t> pixels;  // the working picture
    float contrast = 0;                // its mean absolute deviation from the mean
    std::vector<float> mid;            // the 32-pixel picture (blend tests)
  };
  void Setup(int width, int height);
  void ComputeBridge(std::size_t i);
  void TestWindows();
  bool TestWindow(std::int64_t a, std::int64_t b, float* residual);
  const Picture& Recent(std::int64_t i) const;
  std::vector<std::int64_t> DecideCuts() const;
  void FindGradual(std::vector<Transition>* out) const;
  bool IsMono(std::int64_t i) const;
  std::int64_t ChooseKeyframe(std::int64_t first, std::int64_t last) const;

  ShotOptions options_;
  int work_w_ = 0, work_h_ = 0;    // the 64-pixel picture
  int fine_w_ = 0, fine_h_ = 0;    // the 128-pixel picture (sharpness)
  int mid_w_ = 0, mid_h_ = 0;      // the 32-pixel picture (blend tests)
  int thumb_w_ = 0, thumb_h_ = 0;  // the 16-pixel thumbnail
  std::vector<int> scales_;        // half-lengths of the windows tested for gradual transitions
  std::vector<FrameFeatures> frames_;
  std::vector<Window> windows_;  // accepted gradual-transition windows
  // Pictures of the last frames (as long as the longest transition), oldest first.
  std::deque<Picture> recent_;
  std::vector<double> alpha_;  // scratch
  std::vector<float> fine_, scratch_;
};

// Everything shot detection learns from one file.
struct ShotAnalysis {
  ShotList list;
  std::vector<FrameFeatures> frames;
  int thumb_width = 0, thumb_height = 0;
  media::DecodeSummary decode;
};

// Decodes every frame of `path` at kShotFrameSide (gray) and detects its shots. `on_frame`, when
// set, is called with each frame's time (for progress). Fails, naming the file, when it has no
// video or no decodable frame.
Result<ShotAnalysis> AnalyzeShots(const std::string& path, const ShotOptions& options = {},
                                  const std::function<void(double)>& on_frame = {});

}  // namespace sightline::signals::visual

#endif  // SIGHTLINE_SIGNALS_VISUAL_SHOTS_H_
