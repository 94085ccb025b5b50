#include "report/redact.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <opencv2/imgproc.hpp>
#include <set>

#include "base/file.h"
#include "base/parallel.h"
#include "media/image_decode.h"
#include "media/image_writer.h"
#include "media/limits.h"
#include "media/picture_header.h"
#include "media/png_writer.h"
#include "report/redact_scan.h"

namespace sightline::report {

namespace {

using Json = nlohmann::json;

// Redacted JPEGs are written at this quality: the report's own thumbnails are quality 80, and a
// second generation at 90 adds little loss outside the blurred boxes.
constexpr int kJpegQuality = 90;
// A placeholder's size when the broken picture's header gives none.
constexpr int kPlaceholderWidth = 320, kPlaceholderHeight = 240;
constexpr int kMaxPlaceholderSide = 4096;

// A private directory for decoding pictures from files (the decoder reads files), removed with
// whatever is left in it.
class ScratchDirectory {
 public:
  static Result<ScratchDirectory> Create(const std::string& parent) {
    std::string base = parent;
    if (base.empty()) {
      const char* tmp = getenv("TMPDIR");
      base = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
    }
    std::string pattern = JoinPath(base, ".sightline-redact-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) {
      return ErrnoStatus(base, "cannot create a scratch directory in", errno);
    }
    return ScratchDirectory(pattern);
  }
  ScratchDirectory(ScratchDirectory&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  ScratchDirectory& operator=(ScratchDirectory&&) = delete;
  ScratchDirectory(const ScratchDirectory&) = delete;
  ~ScratchDirectory() {
    if (path_.empty()) return;
    if (auto names = ListDirectory(path_); names.ok()) {
      for (const std::string& n : *names) unlink(JoinPath(path_, n).c_str());
    }
    rmdir(path_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  explicit ScratchDirectory(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// One distinct picture: its places, and the work on it.
struct Work {
  std::string key;
  bool base64 = true;
  std::string format;  // what its places require ("" any)
  std::set<std::int64_t> items;
  std::vector<std::string> places;
  // Results.
  Replacement replacement;
  RedactedPicture report;
};

cv::Rect RegionBox(const RedactRegion& r, int width, int height) {
  const int x0 = static_cast<int>(std::floor(r.x * width));
  const int y0 = static_cast<int>(std::floor(r.y * height));
  const int x1 = static_cast<int>(std::ceil((r.x + r.width) * width));
  const int y1 = static_cast<int>(std::ceil((r.y + r.height) * height));
  return cv::Rect(x0, y0, x1 - x0, y1 - y0) & cv::Rect(0, 0, width, height);
}

Result<std::string> Encode(const cv::Mat& rgb, const std::string& format) {
  media::Image image;
  image.width = rgb.cols;
  image.height = rgb.rows;
  image.layout = media::PixelLayout::kRgb24;
  image.pixels.assign(rgb.datastart, rgb.dataend);
  if (format == "jpeg") {
    media::JpegOptions jpeg;
    jpeg.quality = kJpegQuality;
    return media::EncodeJpeg(image, jpeg);
  }
  return media::EncodePng(image);
}

// A mid-grey picture crossed out: what stands where a picture could not be redacted.
cv::Mat Placeholder(int width, int height) {
  cv::Mat grey(height, width, CV_8UC3, cv::Scalar(128, 128, 128));
  const int thickness = std::max(1, std::min(width, height) / 60);
  cv::line(grey, {0, 0}, {width - 1, height - 1}, cv::Scalar(96, 96, 96), thickness);
  cv::line(grey, {width - 1, 0}, {0, height - 1}, cv::Scalar(96, 96, 96), thickness);
  return grey;
}

// Decodes one picture's bytes into RGB pixels, through a file in `scratch`.
Result<cv::Mat> Decode(const std::string& bytes, const std::string& format,
                       const std::string& scratch, std::size_t index,
                       const media::MediaLimits& limits) {
  if (auto size = media::ClaimedPictureSize(bytes)) {
    SL_RETURN_IF_ERROR(media::CheckPictureSize("the picture", size->width, size->height, limits));
  }
  const std::string path = JoinPath(
      scratch, "picture-" + std::to_string(index) + "." + (format.empty() ? "bin" : format));
  SL_RETURN_IF_ERROR(WriteFileAtomic(path, bytes, 0600));
  media::ImageDecodeOptions o;
  o.pixels = media::ImagePixels::kRgb24;
  o.max_pixels = limits.max_pixels;
  auto decoded = media::DecodeImage(path, o);
  unlink(path.c_str());
  if (!decoded.ok()) {
    // The decoder names the scratch file; the person knows the picture by its place.
    std::string why = decoded.status().message();
    if (why.rfind(path, 0) == 0) why = why.substr(path.size() + (why.size() > path.size() ? 1 : 0));
    while (!why.empty() && (why[0] == ' ' || why[0] == ':')) why.erase(0, 1);
    return Status(decoded.status().code(), why.empty() ? "cannot be decoded" : why);
  }
  cv::Mat wrapped(decoded->height, decoded->width, CV_8UC3, decoded->data.data(),
                  static_cast<std::size_t>(decoded->stride));
  return wrapped.clone();
}

void Process(Work& w, std::size_t index, const RedactOptions& options, const std::string& scratch,
             const media::MediaLimits& limits) {
  RedactedPicture& r = w.report;
  r.places = w.places;
  r.items.assign(w.items.begin(), w.items.end());
  std::string bytes;
  std::string sniffed;
  if (!w.base64) {
    r.error = "not a base64-encoded picture (it cannot be decoded and redacted)";
  } else if (auto decoded = DecodeBase64(w.key); !decoded.ok()) {
    r.error = "not valid base64";
  } else {
    bytes = std::move(*decoded);
    sniffed = SniffPictureFormat(bytes);
  }
  // The output keeps the format its places expect, else JPEG stays JPEG and the rest becomes PNG.
  r.format = !w.format.empty() ? w.format : (sniffed == "jpeg" ? "jpeg" : "png");

  cv::Mat rgb;
  if (r.error.empty()) {
    auto decoded = Decode(bytes, sniffed, scratch, index, limits);
    if (decoded.ok()) {
      rgb = std::move(*decoded);
    } else {
      r.error = decoded.status().message();
    }
  }
  if (r.error.empty()) {
    r.width = rgb.cols;
    r.height = rgb.rows;
    if (options.faces != nullptr) {
      r.faces = options.faces->Detect(rgb, options.face_options);
      for (const FaceBox& f : r.faces) BlurBox(rgb, FaceRedactionBox(f.box));
    }
    for (const RedactRegion& region : options.regions) {
      if (region.item && !w.items.count(*region.item)) continue;
      BlurBox(rgb, RegionBox(region, rgb.cols, rgb.rows));
      r.regions.push_back(region.spec);
    }
    auto encoded = Encode(rgb, r.format);
    if (encoded.ok()) {
      w.replacement = {r.format, EncodeBase64(*encoded)};
      return;
    }
    r.error = "cannot be re-encoded: " + encoded.status().message();
    r.faces.clear();
    r.regions.clear();
  }
  // Anything that could not be redacted is replaced, never passed through.
  int width = kPlaceholderWidth, height = kPlaceholderHeight;
  if (auto size = media::ClaimedPictureSize(bytes); size && size->width > 0 && size->height > 0 &&
                                                    size->width <= kMaxPlaceholderSide &&
                                                    size->height <= kMaxPlaceholderSide) {
    width = static_cast<int>(size->width);
    height = static_cast<int>(size->height);
  }
  r.width = width;
  r.height = height;
  auto encoded = Encode(Placeholder(width, height), r.format);
  // Encoding a plain grey picture of a bounded size does not fail; if it ever did, an empty
  // payload still replaces the picture.
  w.replacement = {r.format, encoded.ok() ? EncodeBase64(*encoded) : ""};
}

}  // namespace

Result<RedactRegion> ParseRedactRegion(const std::string& spec) {
  RedactRegion r;
  r.spec = spec;
  const std::size_t colon = spec.find(':');
  const auto bad = [&](const std::string& why) {
    return InvalidArgument("--region " + spec + ": " + why +
                           " (expected ITEM:X,Y,W,H or all:X,Y,W,H, fractions of the picture)");
  };
  if (colon == std::string::npos || colon == 0) return bad("no item");
  const std::string item = spec.substr(0, colon);
  if (item != "all") {
    if (item.size() > 18 ||
        !std::all_of(item.begin(), item.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return bad("the item must be a number or \"all\"");
    }
    r.item = std::stoll(item);
    if (*r.item < 1) return bad("item ids start at 1");
  }
  double v[4];
  std::size_t at = colon + 1;
  for (int k = 0; k < 4; ++k) {
    const std::size_t stop = k < 3 ? spec.find(',', at) : spec.size();
    if (stop == std::string::npos) return bad("four numbers are needed");
    const std::string number = spec.substr(at, stop - at);
    char* end = nullptr;
    v[k] = std::strtod(number.c_str(), &end);
    if (number.empty() || end != number.c_str() + number.size() || !std::isfinite(v[k])) {
      return bad("\"" + number + "\" is not a number");
    }
    at = stop + 1;
  }
  r.x = v[0], r.y = v[1], r.width = v[2], r.height = v[3];
  if (r.x < 0 || r.y < 0 || r.width <= 0 || r.height <= 0 || r.x + r.width > 1.0 + 1e-9 ||
      r.y + r.height > 1.0 + 1e-9) {
    return bad("the box must have an area and lie inside 0..1");
  }
  return r;
}

cv::Rect FaceRedactionBox(const cv::Rect& face) {
  const int dx = static_cast<int>(std::lround(face.width * kFaceMargin));
  const int dy = static_cast<int>(std::lround(face.height * kFaceMargin));
  return cv::Rect(face.x - dx, face.y - dy, face.width + 2 * dx, face.height + 2 * dy);
}

void BlurBox(cv::Mat& rgb, const cv::Rect& box) {
  const cv::Rect b = box & cv::Rect(0, 0, rgb.cols, rgb.rows);
  if (b.width <= 0 || b.height <= 0) return;
  // Why a coarse mosaic and then a blur, inside the box only: a Gaussian blur alone can be
  // partly undone (deconvolution), and fine mosaics of faces are re-identified by trained
  // networks (McPherson, Shokri & Shmatikov, "Defeating Image Obfuscation with Deep Learning",
  // 2016). At most kRedactBlocks blocks across the box's longer side leave a face (whose box is
  // also grown by kFaceMargin) three or four blobs of skin and hair colour; averaging destroys
  // what was inside each block. The blur then smooths the block edges, so the box reads as
  // "hidden" rather than as a pattern. Only the box's own pixels enter, so nothing from inside
  // leaks out and nothing from outside is needed.
  cv::Mat roi = rgb(b);
  const double block = std::max(1.0, std::max(b.width, b.height) / double{kRedactBlocks});
  const cv::Size coarse(std::max(1, static_cast<int>(std::lround(b.width / block))),
                        std::max(1, static_cast<int>(std::lround(b.height / block))));
  cv::Mat tiny, mosaic;
  cv::resize(roi, tiny, coarse, 0, 0, cv::INTER_AREA);
  cv::resize(tiny, mosaic, b.size(), 0, 0, cv::INTER_NEAREST);
  const double sigma = block / 2;
  const int k = 2 * static_cast<int>(std::ceil(3 * sigma)) + 1;
  cv::GaussianBlur(mosaic, mosaic, cv::Size(k, k), sigma, sigma, cv::BORDER_REPLICATE);
  mosaic.copyTo(roi);
}

Result<RedactResult> RedactReport(const std::string& html, const std::string& json,
                                  const RedactOptions& options) {
  SL_ASSIGN_OR_RETURN(media::MediaLimits limits, media::LimitsFromEnvironment());
  Json report;
  std::vector<PictureSpot> json_spots;
  if (!json.empty()) {
    report = Json::parse(json, nullptr, false);
    if (report.is_discarded() || !report.is_object()) {
      return InvalidArgument("report.json is not a JSON object, so its pictures cannot be found");
    }
    SL_ASSIGN_OR_RETURN(json_spots, FindJsonPictures(report));
  }
  const std::vector<PictureSpot> html_spots = FindDataUriPictures(html, "report.html");

  // The distinct pictures, in the order first met (JSON first: it names the items).
  std::vector<Work> work;
  std::map<std::string, std::size_t> index;
  for (const std::vector<PictureSpot>* spots :
       std::initializer_list<const std::vector<PictureSpot>*>{&json_spots, &html_spots}) {
    for (const PictureSpot& s : *spots) {
      auto [it, added] = index.emplace(s.key, work.size());
      if (added) {
        work.emplace_back();
        work.back().key = s.key;
        work.back().base64 = s.base64;
      }
      Work& w = work[it->second];
      if (w.format.empty()) w.format = s.format;
      w.items.insert(s.items.begin(), s.items.end());
      w.places.push_back(s.place);
    }
  }

  SL_ASSIGN_OR_RETURN(ScratchDirectory scratch, ScratchDirectory::Create(options.scratch_parent));
  std::mutex progress_lock;
  std::size_t done = 0;
  ParallelFor(work.size(), std::max(1, options.threads), [&](std::size_t k) {
    Process(work[k], k, options, scratch.path(), limits);
    if (options.progress) {
      std::lock_guard<std::mutex> hold(progress_lock);
      options.progress(++done, work.size());
    }
  });

  RedactResult result;
  std::map<std::string, Replacement> replacements;
  std::vector<std::string> written, originals;
  for (Work& w : work) {
    replacements[w.key] = w.replacement;
    written.push_back(w.replacement.payload);
    originals.push_back(w.key);
    result.pictures.push_back(std::move(w.report));
  }
  for (const RedactRegion& region : options.regions) {
    const bool used =
        std::any_of(result.pictures.begin(), result.pictures.end(), [&](const auto& p) {
          return std::find(p.regions.begin(), p.regions.end(), region.spec) != p.regions.end();
        });
    if (!used) result.unmatched_regions.push_back(region.spec);
  }
  result.html = ReplaceDataUris(html, html_spots, replacements);
  if (!json.empty()) {
    SL_ASSIGN_OR_RETURN(result.json, ReplaceJsonPictures(json, report, replacements));
  }
  SL_RETURN_IF_ERROR(CheckOnlyRedactedPictures(result.html, result.json, written, originals));
  return result;
}

}  // namespace sightline::report
