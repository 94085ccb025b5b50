// A small, bounded reader for the few ISO BMFF / QuickTime boxes that neither FFmpeg 5.1 nor exiv2
// 0.27 exposes, so the probe can report them:
//  - the top-level box order (ftyp, moov, mdat…): phones write mdat before moov, "fast start"
//    re-muxers (ffmpeg -movflags faststart, web platforms) put moov first;
//  - mvhd creation AND modification times (FFmpeg exports only the creation time, and drops it
//    when it is zero, which is itself worth reporting);
//  - the 3GPP "loci" location box at full precision (FFmpeg rounds it to 1e-4 degree) and the
//    "©xyz" location string, kept apart (FFmpeg merges both into one "location" tag);
//  - the ftyp brands of HEIF images, which FFmpeg 5.1 cannot open;
//  - a box that runs past the end of the file (a cut download).
//
// Bounds: at most kMaxBoxes headers are visited per level, nesting is at most moov/udta, and no
// more than 4 KiB of any box payload is read. Never reads beyond the file; never throws.
#ifndef SIGHTLINE_MEDIA_BMFF_BOXES_H_
#define SIGHTLINE_MEDIA_BMFF_BOXES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "media/iso6709.h"

namespace sightline::media {

struct BmffSummary {
  std::string major_brand;                     // ftyp major brand, spaces trimmed ("isom", "qt")
  std::vector<std::string> compatible_brands;  // ftyp compatible brands, trimmed
  std::vector<std::string> top_level;          // top-level box types in file order (capped)
  // mvhd times in seconds since 1904-01-01T00:00:00Z, as stored (0 means "not set").
  std::optional<std::uint64_t> mvhd_creation;
  std::optional<std::uint64_t> mvhd_modification;
  std::optional<std::string> xyz;    // moov/udta/©xyz text (ISO 6709)
  std::optional<Iso6709Point> loci;  // moov/udta/loci, full 16.16 fixed-point precision
  // A top-level box claims more bytes than the file has: the file was cut short.
  bool truncated = false;
  std::string truncated_box;                  // the type of that box ("mdat")
  std::uint64_t truncated_missing_bytes = 0;  // how many bytes are missing
};

inline constexpr int kMaxBoxes = 4096;

// Seconds between 1904-01-01 (the QuickTime epoch) and 1970-01-01.
inline constexpr std::int64_t kQuickTimeEpochOffset = 2082844800;

// Whether the first bytes of the file look like an ISO BMFF / QuickTime file (an ftyp box, or a
// known top-level box type at offset 4). Cheap: reads 12 bytes.
bool LooksLikeBmff(const std::string& path);

// Reads the summary. Fails only when the file cannot be opened or read, or is not ISO BMFF.
Result<BmffSummary> ReadBmffSummary(const std::string& path);

}  // namespace sightline::media

#endif  // SIGHTLINE_MEDIA_BMFF_BOXES_H_
