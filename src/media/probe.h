// Probe: what a media file says about itself. Container, streams, capture and modification
// times with their zone, device, software, GPS and every tag — read with FFmpeg (containers and
// streams) and exiv2 (EXIF/XMP/IPTC), plus the few boxes neither exposes (see bmff_boxes.h).
//
// Contract:
//  - ProbeFile always returns a ProbeResult. `status` is OK when the file was read as media;
//    otherwise it says why (naming the file) and the result still holds what could be read
//    (at least the path and, when the file exists, its size and modification time).
//  - Reads only: never writes or locks the file. No decoding beyond what FFmpeg needs to
//    identify streams (avformat_find_stream_info).
//  - Bounded on hostile input: FFmpeg work has a deadline and probe-size cap; exiv2 errors are
//    caught; hand-read boxes are capped (see ffmpeg_util.h, exif_reader.h, bmff_boxes.h).
//  - No judgement here: anomalies are found by analysis/metadata/anomalies.h from this result.
//
// Thread safety: ProbeFile may run on several threads at once.
#ifndef SIGHTLINE_MEDIA_PROBE_H_
#define SIGHTLINE_MEDIA_PROBE_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "media/metadata.h"

namespace sightline::media {

struct ContainerInfo {
  std::string format;       // FFmpeg's short name ("mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm",
                            // "image2"), or "heif" for HEIF stills (read with libheif, exiv2)
  std::string format_long;  // "QuickTime / MOV"
  std::string mime_type;    // for images read by exiv2 ("image/jpeg", "image/heic"), else ""
  std::string major_brand;  // ISO BMFF ftyp major brand ("isom", "qt", "heic"), else ""
  std::vector<std::string> compatible_brands;
  std::vector<std::string> top_level_boxes;  // ISO BMFF top-level box order ("ftyp","mdat","moov")
  std::optional<double> duration_s;
  std::int64_t bit_rate = 0;  // bits per second; 0 when unknown
  // The container declares more data than the file holds (a cut copy): which box, bytes missing.
  bool truncated = false;
  std::string truncation;
};

struct StreamInfo {
  int index = 0;
  std::string type;        // "video", "audio", "subtitle", "data", "attachment", "unknown"
  std::string codec;       // FFmpeg codec name ("h264", "hevc", "aac", "mjpeg"); "" if unknown
  std::string codec_long;  // "H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10"
  std::string codec_tag;   // fourcc when printable ("avc1", "hvc1", "gpmd")
  std::string profile;     // "High", "Main 10", "LC"
  int width = 0;           // coded picture size in pixels (before rotation)
  int height = 0;
  std::string pixel_format;  // "yuv420p", "yuvj420p"
  double frame_rate = 0;     // average frames per second; 0 when unknown
  std::optional<double> duration_s;
  int rotation = 0;     // degrees clockwise to turn the picture to display it (0/90/180/270)
  int sample_rate = 0;  // audio, Hz
  int channels = 0;     // audio
  std::string channel_layout;
  std::int64_t bit_rate = 0;
  std::int64_t frames = 0;        // frame count from the container index; 0 when unknown
  bool attached_picture = false;  // cover art, not a video
  std::string handler;            // MP4/MOV handler name ("Core Media Video", "VideoHandler")
  std::string encoder;            // the stream's "encoder" tag ("Lavc60.3.100 libx264")
  std::string language;
  std::vector<Tag> tags;  // every stream tag, keys without the "StreamN." prefix
};

struct DeviceInfo {
  std::string make;      // "Apple", "HMD Global", "GoPro"
  std::string model;     // "iPhone 13 Pro Max"
  std::string software;  // what the file names as its software (firmware, OS version or editor)
  std::string serial;
  std::string lens;
};

struct ProbeResult {
  std::string path;
  std::int64_t size = -1;  // bytes; -1 when the file could not be examined
  Status status;           // OK when read as media; else what went wrong, naming the file
  std::string kind;        // "video", "audio", "image"; "" when not media

  ContainerInfo container;
  std::vector<StreamInfo> streams;
  DeviceInfo device;
  // Every time found, each with its role and source, best first within a role (see Time()).
  std::vector<Timestamp> times;
  std::optional<GpsPosition> gps;    // the position a person should read (see gps_all)
  std::vector<GpsPosition> gps_all;  // every position found, in order of preference
  std::vector<Tag> software;         // every tag that names software or an encoder
  // Photo metadata presence: lets a reader tell "stripped" from "never had any".
  bool has_exif = false;
  bool has_xmp = false;
  bool has_iptc = false;
  int orientation = 0;  // EXIF Orientation 1..8; 0 when absent
  int exif_width = 0;   // the image size the EXIF claims; 0 when absent
  int exif_height = 0;
  std::vector<Tag> tags;  // every tag: EXIF/XMP/IPTC, container, streams, hand-read boxes
  std::vector<std::string> warnings;  // parts that could not be read; the rest still holds

  // The preferred time of a role, or null.
  const Timestamp* Time(TimeRole role) const;
  // The first picture stream (video or image), or null.
  const StreamInfo* FirstVideo() const;
  const StreamInfo* FirstAudio() const;
  // The value of the first tag with this key, or "".
  std::string TagValue(const std::string& key) const;
};

struct ProbeOptions {
  // Wall-clock budget for FFmpeg's part of the probe.
  std::chrono::milliseconds deadline{30000};
};

ProbeResult ProbeFile(const std::string& path, const ProbeOptions& options = {});

// Makes FFmpeg and exiv2 quiet: they log to stderr by default, which is noise to a person using
// the command line (errors reach the user through Status instead). Process-wide; call once from
// main-like code, never from library code.
void SilenceMediaLibraryLogs();

}  // namespace sightline::media

#endif  // SIGHTLINE_MEDIA_PROBE_H_
