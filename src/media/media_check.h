// Whether a file can be read as media, decided by demuxing it (and decoding a little) with FFmpeg.
// Used at ingest to flag files that are preserved but cannot be analysed.
//
// What it does, and what it costs:
//  - opens the file with FFmpeg and picks the main stream (video, else audio; a still image is a
//    one-frame video);
//  - decodes the first frame (or picture, or audio frame) of that stream — the only decoding;
//  - demuxes every packet of the file without decoding, to find read errors and data missing
//    at the end (a cut download whose MP4 index is at the front still opens, but its index points
//    past the end of the file); for MP4/MOV it also checks the index against the file size.
// Memory is bounded by one packet and one frame (pictures above DecoderOptions::max_pixels are
// refused); time by the deadline.
//
// HEIF/AVIF stills (HEIC photos from phones), which FFmpeg 5.1 cannot read, are checked with
// libheif instead (heif_image.h): the primary image is decoded in full, after its declared size
// is checked against kMaxHeifPixels (100 MP; larger is refused, undecoded, with a problem saying
// so); a box that runs past the end of the file marks it truncated. `container` is then "heif"
// and `packets` 0. libheif has no interrupt, so the deadline does not apply there: the pixel
// limit bounds the work (under a second for a 16 MP phone photo).
//
// Thread-safe; does not modify the file.
#ifndef SIGHTLINE_MEDIA_MEDIA_CHECK_H_
#define SIGHTLINE_MEDIA_MEDIA_CHECK_H_

#include <chrono>
#include <cstdint>
#include <string>

namespace sightline::media {

struct MediaCheck {
  bool readable = false;  // opened and its first frame decoded: it can be analysed
  std::string kind;       // "video", "audio", "image" when known (also for damaged files)
  std::string problem;    // when not readable, or readable but damaged: what is wrong, for a person
  std::string container;  // FFmpeg's format name ("mov,mp4,m4a,3gp,3g2,mj2"), "" when not opened
  bool decoded = false;   // the first frame was decoded
  bool truncated = false;    // data is missing at the end of the file
  std::int64_t packets = 0;  // packets demuxed
};

struct MediaCheckOptions {
  std::chrono::milliseconds deadline{120000};  // for the whole check
};

MediaCheck CheckMedia(const std::string& path);
MediaCheck CheckMedia(const std::string& path, const MediaCheckOptions& options);

}  // namespace sightline::media

#endif  // SIGHTLINE_MEDIA_MEDIA_CHECK_H_
