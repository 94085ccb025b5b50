// Redacting an exported report (doc/redact.md): every picture inside report.html and report.json
// is decoded, its faces (face_detect.h) and the regions a person chose are blurred beyond
// recognition, and it is re-encoded from its pixels (which also drops any metadata it carried);
// everything else in the two files is kept byte for byte. The case and its originals are not
// involved: only the report's text is read.
//
// Where pictures are (the report's contract, doc/report.md): in report.html every `data:image/…`
// URI (in <img src>, SVG <image href>, CSS), a picture of one item carrying data-item="ID" on its
// element and a picture of two data-items="A,B"; in report.json every string under a key ending
// in _jpeg_base64 or _png_base64, belonging to the item (items[k], "id") or finding (findings[k],
// "a" and "b") whose object holds it, and every data:image URI inside any string. The same
// picture in both files (the same base64 text) is redacted once, so both files get the same
// result, and it belongs to the items of all its places.
//
// Contract:
//  - A picture that cannot be decoded (bad base64, not an image, too large, a format that cannot
//    be re-encoded) is replaced by a grey placeholder and reported with its reason: no picture
//    leaves unredacted. Before returning, both outputs are scanned again and any picture that is
//    not one this function wrote fails the whole call (kInternal), so nothing half-redacted is
//    handed back.
//  - Errors: kInvalidArgument for a report.json that is not JSON or holds none of the report's
//    structure; kNotFound / kUnsupported from face detection setup are the caller's (the detector
//    is passed in). Pictures that fail are results, not errors.
//
// Thread safety: RedactReport may run on several threads at once; it uses `options.threads`
// threads itself and a private scratch directory under `options.scratch_parent`.
#ifndef SIGHTLINE_REPORT_REDACT_H_
#define SIGHTLINE_REPORT_REDACT_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "report/face_detect.h"

namespace sightline::report {

// A rectangle to blur, in fractions (0..1) of the picture's width and height, in every picture
// of one item, or of every picture when `item` is empty.
struct RedactRegion {
  std::optional<std::int64_t> item;
  double x = 0, y = 0, width = 0, height = 0;
  std::string spec;  // as typed: "3:0.1,0.2,0.3,0.4"
};

// Parses "ITEM:X,Y,W,H" or "all:X,Y,W,H" (fractions; the box must lie inside 0..1 and have an
// area). kInvalidArgument says what is wrong.
Result<RedactRegion> ParseRedactRegion(const std::string& spec);

struct RedactOptions {
  const FaceDetector* faces = nullptr;  // null: no face detection (--no-faces)
  FaceDetectOptions face_options;
  std::vector<RedactRegion> regions;
  std::string scratch_parent;  // pictures are decoded from files in a private directory here
  int threads = 2;
  // Called after each distinct picture with (done, total), one call at a time (from the worker
  // threads, under a lock).
  std::function<void(std::size_t, std::size_t)> progress;
};

// One distinct picture of the report and what was done to it.
struct RedactedPicture {
  std::vector<std::string> places;  // "report.json items[0].thumbnail_jpeg_base64", ...
  std::vector<std::int64_t> items;  // the items it belongs to (sorted; empty: none known)
  std::string format;               // "jpeg" or "png" as written
  int width = 0, height = 0;
  std::vector<FaceBox> faces;        // as detected (the blurred box is larger: redact.cc)
  std::vector<std::string> regions;  // specs of the regions applied
  std::string error;                 // non-empty: replaced by a placeholder, and why
};

struct RedactResult {
  std::string html;  // the redacted texts (empty when the input was)
  std::string json;
  std::vector<RedactedPicture> pictures;
  std::vector<std::string> unmatched_regions;  // specs of regions that applied to no picture
};

// Redacts the texts of report.html and report.json (either may be empty: not present).
Result<RedactResult> RedactReport(const std::string& html, const std::string& json,
                                  const RedactOptions& options);

// Pixelates and blurs `box` of `rgb` (CV_8UC3) so that what was in it cannot be recognised: at
// most kRedactBlocks blocks across its longer side, each its mean colour, then a Gaussian blur
// over the box. Clipped to the picture.
inline constexpr int kRedactBlocks = 6;
void BlurBox(cv::Mat& rgb, const cv::Rect& box);

// The box blurred for a detected face: grown by kFaceMargin of its size on every side, since the
// cascades frame the eyes, nose and mouth and leave out hair, ears, chin and forehead.
inline constexpr double kFaceMargin = 0.2;
cv::Rect FaceRedactionBox(const cv::Rect& face);

}  // namespace sightline::report

#endif  // SIGHTLINE_REPORT_REDACT_H_
