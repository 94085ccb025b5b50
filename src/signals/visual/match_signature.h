// The match signature of a video or image: what `sightline match` compares to find shared
// footage (doc/match.md). Extracted in one decoding pass (media::DecodeFrames), versioned, and
// serialised to a compact binary form (stored in a case as signal kind "match_signature").
//
// Contents, per sampled frame (default 4 frames per second, luma at most 320 pixels):
//  - PDQ of the whole frame and of its content box (the picture without letterbox or pillarbox
//    bars), each in all eight dihedral variants (one DCT: PdqHasher::HashDihedral64). The 64 × 64
//    block is an exact area average of the region (symmetric, so the variant hashes equal the
//    hashes of the transformed pictures, see pdq.h).
//  - The content box, found from runs of rows (columns) at the edges that stay flat and constant
//    over a window of frames (default 8 s; a compilation may change its bars between windows).
//  - A thumbnail of the whole frame (aspect kept, 64 pixels on the long side by default): the
//    matcher samples it in any region (content box, a picture-in-picture inset, a crop) to verify
//    appearance and motion, so it is stored for the whole frame rather than for the box alone.
// and, at about 1 frame per second on a larger picture (default at most 640 pixels):
//  - ORB keypoints and descriptors (Rublee et al., "ORB: an efficient alternative to SIFT or
//    SURF", ICCV 2011, through OpenCV), spread over a 4 × 4 grid so that one textured corner (a
//    logo, a caption) does not take the whole budget; at most `orb_features` per frame.
// A still image is a one-frame signature (its one frame also carries the keypoints).
//
// Size: about 3 KB per sampled frame and 10 KB per ORB frame: some 80 MB for an hour of video at
// the defaults. Extraction keeps one window of small frames in memory (about 3 MB).
//
// Thread safety: ExtractMatchSignature may run on several threads at once; a MatchSignatureBuilder
// is used from one thread.
#ifndef SIGHTLINE_SIGNALS_VISUAL_MATCH_SIGNATURE_H_
#define SIGHTLINE_SIGNALS_VISUAL_MATCH_SIGNATURE_H_

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "media/frame_source.h"
#include "signals/visual/pdq.h"

namespace sightline::signals::visual {

// Stored with every match signature; bump when signatures computed here would change.
inline constexpr int kMatchSignatureVersion = 1;

struct MatchSignatureOptions {
  double rate = 4.0;          // sampled frames per second (PDQ, thumbnails)
  int max_side = 320;         // sampled frames are scaled to at most this, for PDQ and bars
  int thumb_side = 64;        // the long side of a thumbnail
  double orb_rate = 1.0;      // ORB frames per second (the first sample at or after each 1/rate s)
  int orb_side = 640;         // ORB runs on frames scaled to at most this
  int orb_features = 256;     // keypoints kept per ORB frame
  double bar_window_s = 8.0;  // bars are found over windows of this length
  int threads = 2;            // decoder threads
};

// A region of the frame in normalised coordinates (0..1 on each axis, x to the right, y down).
struct NormBox {
  float x0 = 0, y0 = 0, x1 = 1, y1 = 1;
  bool IsFull() const { return x0 <= 0 && y0 <= 0 && x1 >= 1 && y1 >= 1; }
  friend bool operator==(const NormBox&, const NormBox&) = default;
};

using PdqBits = std::array<std::uint8_t, 32>;

struct SignatureFrame {
  double t = 0;                                      // presentation time, seconds
  std::array<PdqBits, kPdqDihedralCount> full{};     // PDQ of the frame, by PdqDihedral
  std::array<PdqBits, kPdqDihedralCount> content{};  // PDQ of the content box, by PdqDihedral
  std::uint8_t full_quality = 0;                     // PDQ quality 0..100
  std::uint8_t content_quality = 0;
  NormBox box;  // the content box
};

struct OrbPoint {
  float x = 0, y = 0;       // pixels of the ORB frame
  std::uint8_t angle = 0;   // orientation, 256ths of a turn
  std::uint8_t octave = 0;  // pyramid level
};

struct OrbFrame {
  double t = 0;
  int width = 0, height = 0;  // of the picture ORB ran on
  std::vector<OrbPoint> points;
  std::vector<std::uint8_t> descriptors;  // 32 bytes per point, in the order of points
  const std::uint8_t* Descriptor(std::size_t i) const { return descriptors.data() + 32 * i; }
};

struct MatchSignature {
  int version = kMatchSignatureVersion;
  bool still = false;
  double duration_s = 0;      // of a video, from the container (else from the last frame)
  double frame_rate = 0;      // of a video, from the container
  int width = 0, height = 0;  // of the sampled frames (upright, at most max_side)
  double rate = 0;            // sampling rate used
  int thumb_w = 0, thumb_h = 0;
  std::vector<SignatureFrame> frames;  // in time order
  std::vector<std::uint8_t> thumbs;    // thumb_w × thumb_h bytes per frame, in frame order
  std::vector<OrbFrame> orb;           // in time order
  std::vector<std::string> warnings;   // damage met while decoding, each naming its time

  const std::uint8_t* Thumb(std::size_t frame) const {
    return thumbs.data() + frame * static_cast<std::size_t>(thumb_w) * thumb_h;
  }
  // Seconds of footage the signature covers (duration_s, or the last frame's time for a video
  // whose container gives none; 0 for a still).
  double Span() const;
};

// Receives frames (a media::FrameConsumer) and builds the signature. Feed frames scaled to at most
// options.orb_side (the builder scales them down for the sampled-frame signals), then Finish().
class MatchSignatureBuilder : public media::FrameConsumer {
 public:
  explicit MatchSignatureBuilder(const MatchSignatureOptions& options);
  ~MatchSignatureBuilder() override;
  MatchSignatureBuilder(const MatchSignatureBuilder&) = delete;
  MatchSignatureBuilder& operator=(const MatchSignatureBuilder&) = delete;

  Status OnFrame(const media::Frame& frame) override;
  // Processes what is buffered and returns the signature (frames, thumbnails, ORB; the caller
  // fills in duration, frame rate and warnings from the decode summary).
  MatchSignature Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Extracts the signature of `path` (video, image, or HEIF still). `on_progress` (may be empty) is
// told the media time reached, in seconds. Fails, naming the file, when it has no picture or no
// frame decodes.
Result<MatchSignature> ExtractMatchSignature(const std::string& path,
                                             const MatchSignatureOptions& options,
                                             const std::function<void(double)>& on_progress = {});

// The parameters that change a signature, as compact JSON (stored in the case's signal key).
std::string MatchSignatureParamsJson(const MatchSignatureOptions& options);

// Binary form: "SLMS", format version, header, frames, thumbnails, ORB frames (little-endian,
// doc/match.md). ParseMatchSignature checks every length against the input and refuses another
// version (kUnsupported) or damaged data (kCorrupt).
std::string SerializeMatchSignature(const MatchSignature& sig);
Result<MatchSignature> ParseMatchSignature(std::string_view data);

// The form stored in a case (derived files are JSON): {"format":"sightline-match-signature",
// "version","still","duration_s","frames","orb_frames","encoding":"base64","data"}.
std::string MatchSignatureToStoredJson(const MatchSignature& sig);
Result<MatchSignature> MatchSignatureFromStoredJson(std::string_view json);

// Area resampling of the region `box` (normalised) of an 8-bit picture into out_w × out_h floats
// (exact integral of the piecewise-constant picture over each output cell, so symmetric under
// flips and transposition). Exposed for tests and the matcher's tools.
void ResampleArea(const std::uint8_t* pixels, int width, int height, int stride, const NormBox& box,
                  int out_w, int out_h, float* out);

// The content box of a picture from per-row and per-column statistics over a run of frames (see
// the .cc for the rules). Exposed for tests.
struct BarStats {
  int width = 0, height = 0, frames = 0;
  std::vector<float> row_std_max, row_mean_min, row_mean_max, row_mean_sum;
  std::vector<float> col_std_max, col_mean_min, col_mean_max, col_mean_sum;
  void Reset(int w, int h);
  void Add(const std::uint8_t* pixels, int stride);
};
NormBox FindContentBox(const BarStats& stats, bool still);

}  // namespace sightline::signals::visual

#endif  // SIGHTLINE_SIGNALS_VISUAL_MATCH_SIGNATURE_H_
