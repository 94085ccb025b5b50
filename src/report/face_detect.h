// Finding faces in a picture so that they can be blurred (redact.h): OpenCV's trained frontal and
// profile Haar cascades (Debian package opencv-data) run by OpenCV's cv::CascadeClassifier
// (Viola & Jones 2001, with Lienhart & Maydt 2002's extended features), tuned for the small
// pictures of a report.
//
// What it misses: this is an aid, not a guarantee. Haar cascades find faces seen from the front
// or in profile, uncovered and at least about 10 pixels across (tilted up to about 40° with the
// rotated scans below); they miss faces turned away or tilted further, partly hidden (masks, hands,
// helmets), blurred by motion, very small or dark, and they sometimes take a pattern for a face. A
// person must look at every redacted picture.
//
// Thread safety: Detect may be called from several threads at once; OpenCV does not promise that
// one CascadeClassifier may scan from several threads, so each cascade's scans are serialised.
#ifndef SIGHTLINE_REPORT_FACE_DETECT_H_
#define SIGHTLINE_REPORT_FACE_DETECT_H_

#include <memory>
#include <mutex>
#include <opencv2/core.hpp>
#include <opencv2/objdetect.hpp>
#include <string>
#include <vector>

#include "base/status.h"

namespace sightline::report {

struct FaceBox {
  cv::Rect box;      // in the picture's pixels, as the detector found it (not enlarged)
  std::string view;  // "frontal", "tilted" (found in a rotated scan) or "profile"
  int hits = 0;      // windows that agreed on it (more: surer)
};

struct FaceDetectOptions {
  // Pictures are enlarged, at most `max_upscale` times and up to about `scan_pixels` pixels,
  // before the scan: the cascades' smallest windows are 20-24 pixels, so a 2× enlargement finds
  // faces down to about 11 pixels across in a report's 320-pixel thumbnails and in the frames of
  // its keyframe sheets. The budget bounds the cost (which grows with the scanned area); pictures
  // already larger are scanned as they are (up to kMaxScanSide).
  int scan_pixels = 1280 * 720;
  double max_upscale = 2.0;
  // The profile cascade is enlarged less: its early stages pass far more windows than the
  // frontal one's, so a 2× scan for profiles would cost about four times the frontal scan
  // (measured on a 320-pixel picture: 0.35 s frontal, 1.6 s profiles both ways at 2×).
  double profile_max_upscale = 1.5;
  // A face is reported when at least this many overlapping windows found it (OpenCV's default:
  // more than 3). Enlarged pictures give a real face dozens of windows and a chance pattern a
  // handful; fewer would blur more patterns that are not faces, more would lose small faces.
  int min_hits = 4;
  double scale_step = 1.1;
  bool profiles = true;  // also run the profile cascade, on the picture and its mirror image
  // The frontal cascade finds faces within about ±15° of upright; these rotations of the picture
  // are scanned too, so heads tilted (or a phone held askew) as far as about ±40° are found.
  // Each costs one more frontal scan; empty: upright only.
  std::vector<double> tilts_deg = {-25.0, 25.0};
};

// Pictures are scanned at most this large (longer side); bigger ones are scaled down first.
inline constexpr int kMaxScanSide = 2048;

// The directory that holds OpenCV's Haar cascades: `explicit_dir` when given, else the first of
// Debian's /usr/share/opencv4/haarcascades, /usr/local/share/opencv4/haarcascades and
// /usr/share/opencv/haarcascades that holds the frontal-face cascade. kNotFound says what to
// install when none does.
Result<std::string> FindCascadeDirectory(const std::string& explicit_dir = "");

class FaceDetector {
 public:
  // Loads haarcascade_frontalface_default.xml and haarcascade_profileface.xml from `dir`; fails
  // naming the file when one is missing or OpenCV cannot read it.
  static Result<FaceDetector> Load(const std::string& dir);

  // The faces in `picture` (CV_8UC1 grey, or CV_8UC3 RGB), in its pixels, frontal ones first.
  std::vector<FaceBox> Detect(const cv::Mat& picture, const FaceDetectOptions& options = {}) const;

 private:
  // A cascade and the lock its scans take (shared: a FaceDetector is copyable).
  struct Cascade {
    cv::CascadeClassifier classifier;
    std::mutex scanning;
  };
  FaceDetector(std::shared_ptr<Cascade> frontal, std::shared_ptr<Cascade> profile)
      : frontal_(std::move(frontal)), profile_(std::move(profile)) {}
  // The windows-agreed faces of `cascade` in `scan`, with how many windows agreed on each.
  static std::vector<std::pair<cv::Rect, int>> Scan(Cascade& cascade, const cv::Mat& scan,
                                                    const FaceDetectOptions& options);
  std::shared_ptr<Cascade> frontal_, profile_;
};

}  // namespace sightline::report

#endif  // SIGHTLINE_REPORT_FACE_DETECT_H_
