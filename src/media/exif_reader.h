// Embedded photo metadata (EXIF, XMP, IPTC) read with exiv2, reduced to what an investigator
// checks: device, software, times with their zone, GPS. Every tag is kept too, for `probe --all`.
//
// Contract:
//  - Never throws: exiv2 exceptions (Exiv2::AnyError) and std::exception become a Status.
//  - Hostile metadata (looping IFDs, huge counts, offsets past the end) costs bounded time and
//    memory: exiv2 0.27 checks IFD loops and sizes against the file; values longer than
//    kMaxTagValue are summarised, at most kMaxTags tags are kept, XMP packets over kMaxXmpBytes
//    are not parsed.
//  - Video containers are not handed to exiv2 (its QuickTime/Matroska/RIFF readers are not used):
//    ReadEmbeddedMetadata returns kUnsupported for them; the probe reads those with FFmpeg.
//
// Thread safety: the functions may be called from several threads at once (exiv2's XMP toolkit
// is initialised once, thread-safely).
#ifndef SIGHTLINE_MEDIA_EXIF_READER_H_
#define SIGHTLINE_MEDIA_EXIF_READER_H_

#include <string>
#include <vector>

#include "base/status.h"
#include "media/metadata.h"

namespace sightline::media {

inline constexpr std::size_t kMaxTagValue = 1024;
inline constexpr std::size_t kMaxTags = 5000;
inline constexpr std::size_t kMaxXmpBytes = 4 << 20;

struct EmbeddedMetadata {
  std::string mime_type;  // exiv2's, e.g. "image/jpeg", "image/heic"
  int pixel_width = 0;    // as exiv2 reports (HEIF: from the primary item's ispe box)
  int pixel_height = 0;
  bool has_exif = false;
  bool has_xmp = false;
  bool has_iptc = false;

  // EXIF first, then XMP (tiff:, aux:, exifEX:).
  std::string make, model, serial, lens;
  std::string software;  // EXIF Software, else XMP CreatorTool
  int orientation = 0;   // EXIF Orientation 1..8; 0 when absent
  int exif_width = 0;    // Exif.Photo.PixelXDimension / PixelYDimension; 0 when absent
  int exif_height = 0;

  std::vector<Timestamp> times;       // in order of preference per role
  std::vector<GpsPosition> gps;       // EXIF GPS first, then XMP GPS
  std::vector<Tag> software_tags;     // every tag that names software (Software, CreatorTool,
                                      // XMP history agents, IPTC Program)
  std::vector<Tag> tags;              // every EXIF, IPTC and XMP tag (capped at kMaxTags)
  std::vector<std::string> warnings;  // parts that could not be read, for a person
};

// Reads EXIF/IPTC/XMP from an image file (JPEG, TIFF and raw, PNG, WebP, HEIF/AVIF, GIF…).
// kUnsupported when exiv2 does not know the format or it is a video container.
Result<EmbeddedMetadata> ReadEmbeddedMetadata(const std::string& path);

// Parses an XMP packet found elsewhere (e.g. the XMP of an MP4) into `out`: tags, software,
// times and GPS are appended. Returns an error Status when the packet is not valid XMP.
Status ParseXmpPacket(const std::string& packet, EmbeddedMetadata* out);

// Parses an XMP GPS coordinate, "DDD,MM.mmmK" or "DDD,MM,SSK" (K one of N, S, E, W; XMP
// specification part 2, "GPSCoordinate"). exiv2 exposes it only as text. nullopt when malformed.
std::optional<double> ParseXmpGpsCoordinate(const std::string& text);

}  // namespace sightline::media

#endif  // SIGHTLINE_MEDIA_EXIF_READER_H_
