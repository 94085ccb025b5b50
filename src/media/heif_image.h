// HEIF stills (HEIC from iPhones and many Android phones, AVIF, other HEIF brands) read and
// decoded with libheif, because FFmpeg 5.1 cannot. Used by the media check (is the photo
// readable?), the probe (the primary image's size) and, later, by signal extractors that need the
// pixels (DecodePrimaryLuma).
//
// Contract:
//  - RAII: every libheif object (heif_context, heif_image_handle, heif_image) is owned by a
//    std::unique_ptr whose deleter calls the matching libheif free/release function; a null owner
//    is valid and frees nothing. libheif's types appear here only as incomplete structs: including
//    this header does not include libheif, and nothing above media/ includes libheif's headers.
//  - Never throws: libheif errors (struct heif_error), std::bad_alloc and any other exception are
//    turned into a Status whose message names the file and says why, for a person.
//  - Bounded on hostile input. Opening reads the file's boxes, no pixels. Before anything is
//    decoded, the primary image's declared size (its 'ispe' box, and its size after the file's
//    rotation/mirroring/crop) is checked against HeifOptions::max_pixels, so a header claiming a
//    huge picture is refused before any pixel memory is allocated. libheif's own limits (32768
//    pixels per side for any item, box counts) apply to the rest. Peak memory while decoding is
//    then under about 9 bytes per pixel (the picture, its turned copy, the decoder's buffers:
//    136 MB measured for a 16 MP phone photo), so under 1 GB at the limit.
//  - Grid tiles are decoded on the calling thread (no libheif worker threads); libheif has no
//    interrupt, so the pixel limit is what bounds the time (about 1 s for 16 MP).
//  - Reads only: never writes the file.
//  - The picture is the one a person sees: DecodePrimary/DecodePrimaryLuma apply the file's
//    transformations (irot rotation, imir mirroring, clap crop), as every HEIF viewer does.
//
// Thread safety: distinct HeifFile objects may be used from distinct threads; one object is not
// shared. libheif is initialised once per process (heif_init), on first use, and never
// deinitialised.
#ifndef SIGHTLINE_MEDIA_HEIF_IMAGE_H_
#define SIGHTLINE_MEDIA_HEIF_IMAGE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

// libheif's handle types (libheif/heif.h), opaque here.
struct heif_context;
struct heif_image_handle;
struct heif_image;

namespace sightline::media {

struct HeifContextDeleter {
  void operator()(heif_context* c) const;
};
struct HeifHandleDeleter {
  void operator()(heif_image_handle* h) const;
};
struct HeifImageDeleter {
  void operator()(heif_image* i) const;
};

using HeifContextPtr = std::unique_ptr<heif_context, HeifContextDeleter>;
using HeifHandlePtr = std::unique_ptr<heif_image_handle, HeifHandleDeleter>;
using HeifImagePtr = std::unique_ptr<heif_image, HeifImageDeleter>;

// 100 MP: above the largest phone photos (iPhone 48 MP, Samsung 200 MP modes save 12-50 MP by
// default) and far below what a hostile header could claim.
inline constexpr std::int64_t kMaxHeifPixels = 100'000'000;

struct HeifOptions {
  // Largest primary image (width × height) that may be decoded.
  std::int64_t max_pixels = kMaxHeifPixels;
};

// What the file says about its primary image, read without decoding.
struct HeifInfo {
  int coded_width = 0;  // from the 'ispe' box: the picture as coded, before rotation/mirror/crop
  int coded_height = 0;
  // libheif's size for the image, normally as displayed (after the file's rotation and crop).
  // libheif 1.15 derives it from the properties in the order the file lists them, so for some
  // files it is the coded size: the decoded picture's size is the one to trust.
  int width = 0;
  int height = 0;
  int luma_bits = 0;  // bits per luma sample (8, 10, 12); 0 when the file does not say
  bool has_alpha = false;
  bool has_depth = false;
  int thumbnails = 0;        // thumbnails attached to the primary image
  int top_level_images = 0;  // images in the file (bursts, edits, …), not counting grid tiles
};

// An 8-bit luma (grey) picture: width × height bytes, row after row, no padding.
struct LumaImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;
};

// An opened HEIF file and its primary image handle.
class HeifFile {
 public:
  // Reads the file's boxes (no pixels) and the primary image's description. Errors: kNotFound
  // (no such file), kUnsupported (not HEIF, or a feature libheif lacks), kCorrupt (damaged or cut
  // short), each naming the file.
  static Result<HeifFile> Open(const std::string& path, const HeifOptions& options = {});

  HeifFile(HeifFile&&) = default;
  HeifFile& operator=(HeifFile&&) = default;

  const HeifInfo& info() const { return info_; }
  const std::string& path() const { return path_; }
  heif_context* context() const { return ctx_.get(); }
  heif_image_handle* primary() const { return primary_.get(); }

  // Decodes the primary image in its own colour space and chroma (YCbCr 4:2:0 for phone photos),
  // transformations applied. kUnsupported when it exceeds max_pixels (nothing decoded); kCorrupt
  // when the coded data is damaged or missing (a file cut short).
  Result<HeifImagePtr> DecodePrimary() const;

  // Decodes the primary image to 8-bit luma (the Y plane; samples above 8 bits are scaled down;
  // RGB-coded images are converted with BT.601 weights), transformations applied.
  Result<LumaImage> DecodePrimaryLuma() const;

 private:
  HeifFile() = default;

  std::string path_;
  HeifOptions options_;
  HeifContextPtr ctx_;
  HeifHandlePtr primary_;
  HeifInfo info_;
};

// Shorthands: open `path` and read its primary image's description / decode it to luma.
Result<HeifInfo> ReadHeifInfo(const std::string& path);
Result<LumaImage> DecodeHeifLuma(const std::string& path, const HeifOptions& options = {});

// Whether ISO BMFF ftyp brands name a HEIF still-image file that libheif should read: a HEIF or
// AVIF image brand as major brand or, for files whose major brand is another ("MiHE", "mif2"…),
// among the compatible brands. Image-sequence brands ("msf1", "hevc", "avis") do not count:
// those files are movies with a 'moov' track, read with FFmpeg.
bool IsHeifStillBrand(const std::string& major_brand,
                      const std::vector<std::string>& compatible_brands);

// Whether `path` is a HEIF/AVIF still that libheif should read (not FFmpeg): an ISO BMFF file
// with a still-image brand (IsHeifStillBrand) and no 'moov' movie box. Reads only the boxes.
bool IsHeifStillFile(const std::string& path);

}  // namespace sightline::media

#endif  // SIGHTLINE_MEDIA_HEIF_IMAGE_H_
