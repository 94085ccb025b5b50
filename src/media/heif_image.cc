#include "media/heif_image.h"

#include <libheif/heif.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <utility>

#include "media/bmff_boxes.h"

#include "base/file.h"

namespace sightline::media {

void HeifContextDeleter::operator()(heif_context* c) const { heif_context_free(c); }
void HeifHandleDeleter::operator()(heif_image_handle* h) const { heif_image_handle_release(h); }
void HeifImageDeleter::operator()(heif_image* i) const { heif_image_release(i); }

namespace {

// heif_init registers the built-in decoders; reference counted, so one call that is never undone
// keeps them for the life of the process.
void InitLibheifOnce() {
  static const bool done = [] {
    heif_error e = heif_init(nullptr);
    return e.code == heif_error_Ok;
  }();
  (void)done;
}

// A Status for a failed libheif call: "<path>: <what>: <libheif's reason>". The message is copied
// at once: libheif keeps it in the object that failed.
Status HeifStatus(const heif_error& e, const std::string& path, const std::string& what) {
  std::string reason = e.message ? e.message : "";
  while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
  for (char& c : reason) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (reason.empty()) reason = "libheif error " + std::to_string(e.code);
  std::string msg = DisplayPath(path) + ": " + what + ": " + reason;
  switch (e.code) {
    case heif_error_Input_does_not_exist:
      return NotFound(msg);
    case heif_error_Unsupported_filetype:
    case heif_error_Unsupported_feature:
    case heif_error_Color_profile_does_not_exist:
    case heif_error_Plugin_loading_error:
      return Unsupported(msg);
    case heif_error_Memory_allocation_error:
      if (e.subcode == heif_suberror_Security_limit_exceeded) {
        return Unsupported(msg + " (the image is larger than this program accepts)");
      }
      return Internal(msg);
    case heif_error_Usage_error:
      return Internal(msg);
    default:  // Invalid_input, Decoder_plugin_error, …
      return Corrupt(msg);
  }
}

Status ExceptionStatus(const std::string& path, const std::string& what) {
  try {
    throw;
  } catch (const std::bad_alloc&) {
    return Internal(DisplayPath(path) + ": " + what + ": out of memory");
  } catch (const std::exception& e) {
    return Corrupt(DisplayPath(path) + ": " + what + ": " + e.what());
  } catch (...) {
    return Corrupt(DisplayPath(path) + ": " + what + ": unknown error in libheif");
  }
}

std::string Megapixels(std::int64_t pixels) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(pixels) / 1e6);
  return buf;
}

std::int64_t Pixels(int w, int h) {
  return static_cast<std::int64_t>(std::max(w, 0)) * static_cast<std::int64_t>(std::max(h, 0));
}

// Copies an 8-bit or high-bit-depth plane into `out`, scaling samples to 8 bits.
void CopyPlane(const std::uint8_t* data, int stride, int w, int h, int bits, LumaImage* out) {
  out->width = w;
  out->height = h;
  out->pixels.resize(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
  for (int y = 0; y < h; ++y) {
    const std::uint8_t* row = data + static_cast<std::ptrdiff_t>(y) * stride;
    std::uint8_t* dst = out->pixels.data() + static_cast<std::size_t>(y) * w;
    if (bits <= 8) {
      std::copy(row, row + w, dst);
    } else {
      const int shift = bits - 8;
      for (int x = 0; x < w; ++x) {
        std::uint16_t v;
        std::memcpy(&v, row + 2 * x, 2);  // native-endian 16-bit storage
        dst[x] = static_cast<std::uint8_t>(std::min<int>(v >> shift, 255));
      }
    }
  }
}

std::uint8_t Luma601(int r, int g, int b) {
  return static_cast<std::uint8_t>((299 * r + 587 * g + 114 * b + 500) / 1000);
}

}  // namespace

Result<HeifFile> HeifFile::Open(const std::string& path, const HeifOptions& options) {
  InitLibheifOnce();
  const std::string who = DisplayPath(path);
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return ErrnoStatus(path, "cannot read", errno);
  if (!S_ISREG(st.st_mode)) return Unsupported(who + ": not a regular file");
  HeifFile f;
  f.path_ = path;
  f.options_ = options;
  try {
    f.ctx_.reset(heif_context_alloc());
    if (!f.ctx_) return Internal(who + ": out of memory");
    // Grid tiles are decoded on the calling thread: cheap, bounded and deterministic.
    heif_context_set_max_decoding_threads(f.ctx_.get(), 0);
    heif_error e = heif_context_read_from_file(f.ctx_.get(), path.c_str(), nullptr);
    if (e.code != heif_error_Ok) return HeifStatus(e, path, "not a readable HEIF image");
    heif_image_handle* raw = nullptr;
    e = heif_context_get_primary_image_handle(f.ctx_.get(), &raw);
    f.primary_.reset(raw);
    if (e.code != heif_error_Ok) return HeifStatus(e, path, "no primary image");
    if (!f.primary_) return Corrupt(who + ": no primary image");

    heif_image_handle* h = f.primary_.get();
    HeifInfo& i = f.info_;
    i.coded_width = heif_image_handle_get_ispe_width(h);
    i.coded_height = heif_image_handle_get_ispe_height(h);
    i.width = heif_image_handle_get_width(h);
    i.height = heif_image_handle_get_height(h);
    i.luma_bits = std::max(heif_image_handle_get_luma_bits_per_pixel(h), 0);
    i.has_alpha = heif_image_handle_has_alpha_channel(h) != 0;
    i.has_depth = heif_image_handle_has_depth_image(h) != 0;
    i.thumbnails = std::max(heif_image_handle_get_number_of_thumbnails(h), 0);
    i.top_level_images = std::max(heif_context_get_number_of_top_level_images(f.ctx_.get()), 0);
  } catch (...) {
    return ExceptionStatus(path, "not a readable HEIF image");
  }
  return f;
}

Result<HeifImagePtr> HeifFile::DecodePrimary() const {
  const std::string who = DisplayPath(path_);
  // Refuse before decoding: the declared sizes decide what libheif will allocate.
  const bool coded_larger =
      Pixels(info_.coded_width, info_.coded_height) >= Pixels(info_.width, info_.height);
  const int w = coded_larger ? info_.coded_width : info_.width;
  const int h = coded_larger ? info_.coded_height : info_.height;
  const std::int64_t pixels = Pixels(w, h);
  if (info_.width <= 0 || info_.height <= 0) {
    return Corrupt(who + ": the HEIF primary image declares no size (" +
                   std::to_string(info_.width) + "×" + std::to_string(info_.height) + ")");
  }
  if (pixels > options_.max_pixels) {
    return Unsupported(who + ": the HEIF image declares " + std::to_string(w) + "×" +
                       std::to_string(h) + " pixels (" + Megapixels(pixels) +
                       " MP), more than the " + Megapixels(options_.max_pixels) +
                       " MP this program decodes; not decoded (a damaged or hostile header, or an "
                       "unusually large picture)");
  }
  try {
    heif_image* raw = nullptr;
    heif_error e = heif_decode_image(primary_.get(), &raw, heif_colorspace_undefined,
                                     heif_chroma_undefined, nullptr);
    HeifImagePtr img(raw);
    if (e.code != heif_error_Ok) return HeifStatus(e, path_, "the HEIF image cannot be decoded");
    if (!img) return Corrupt(who + ": the HEIF image cannot be decoded");
    return img;
  } catch (...) {
    return ExceptionStatus(path_, "the HEIF image cannot be decoded");
  }
}

Result<LumaImage> HeifFile::DecodePrimaryLuma() const {
  SL_ASSIGN_OR_RETURN(HeifImagePtr img, DecodePrimary());
  const std::string who = DisplayPath(path_);
  try {
    const heif_image* im = img.get();
    LumaImage out;
    int stride = 0;
    if (heif_image_has_channel(im, heif_channel_Y)) {
      const std::uint8_t* y = heif_image_get_plane_readonly(im, heif_channel_Y, &stride);
      int w = heif_image_get_width(im, heif_channel_Y);
      int h = heif_image_get_height(im, heif_channel_Y);
      int bits = heif_image_get_bits_per_pixel_range(im, heif_channel_Y);
      if (!y || w <= 0 || h <= 0 || bits <= 0 || bits > 16) {
        return Corrupt(who + ": the decoded HEIF image has no usable luma plane");
      }
      CopyPlane(y, stride, w, h, bits, &out);
      return out;
    }
    if (heif_image_get_colorspace(im) != heif_colorspace_RGB) {
      return Unsupported(who + ": the decoded HEIF image has an unknown colour space");
    }
    const heif_chroma chroma = heif_image_get_chroma_format(im);
    if (chroma == heif_chroma_interleaved_RGB || chroma == heif_chroma_interleaved_RGBA) {
      const std::uint8_t* p = heif_image_get_plane_readonly(im, heif_channel_interleaved, &stride);
      int w = heif_image_get_width(im, heif_channel_interleaved);
      int h = heif_image_get_height(im, heif_channel_interleaved);
      if (!p || w <= 0 || h <= 0) return Corrupt(who + ": the decoded HEIF image has no pixels");
      const int step = chroma == heif_chroma_interleaved_RGB ? 3 : 4;
      out.width = w;
      out.height = h;
      out.pixels.resize(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
      for (int yy = 0; yy < h; ++yy) {
        const std::uint8_t* row = p + static_cast<std::ptrdiff_t>(yy) * stride;
        for (int x = 0; x < w; ++x) {
          const std::uint8_t* px = row + step * x;
          out.pixels[static_cast<std::size_t>(yy) * w + x] = Luma601(px[0], px[1], px[2]);
        }
      }
      return out;
    }
    if (chroma == heif_chroma_444 && heif_image_has_channel(im, heif_channel_R)) {
      LumaImage r, g, b;
      int s = 0;
      for (auto [ch, dst] : {std::pair{heif_channel_R, &r}, std::pair{heif_channel_G, &g},
                             std::pair{heif_channel_B, &b}}) {
        const std::uint8_t* p = heif_image_get_plane_readonly(im, ch, &s);
        int w = heif_image_get_width(im, ch);
        int h = heif_image_get_height(im, ch);
        int bits = heif_image_get_bits_per_pixel_range(im, ch);
        if (!p || w <= 0 || h <= 0 || bits <= 0 || bits > 16) {
          return Corrupt(who + ": the decoded HEIF image has an unusable colour plane");
        }
        CopyPlane(p, s, w, h, bits, dst);
      }
      if (r.width != g.width || r.width != b.width || r.height != g.height ||
          r.height != b.height) {
        return Corrupt(who + ": the decoded HEIF image's colour planes differ in size");
      }
      out.width = r.width;
      out.height = r.height;
      out.pixels.resize(r.pixels.size());
      for (std::size_t k = 0; k < out.pixels.size(); ++k) {
        out.pixels[k] = Luma601(r.pixels[k], g.pixels[k], b.pixels[k]);
      }
      return out;
    }
    return Unsupported(who + ": the decoded HEIF image has a pixel layout this program cannot use");
  } catch (...) {
    return ExceptionStatus(path_, "the HEIF image cannot be converted to grey");
  }
}

Result<HeifInfo> ReadHeifInfo(const std::string& path) {
  SL_ASSIGN_OR_RETURN(HeifFile f, HeifFile::Open(path));
  return f.info();
}

Result<LumaImage> DecodeHeifLuma(const std::string& path, const HeifOptions& options) {
  SL_ASSIGN_OR_RETURN(HeifFile f, HeifFile::Open(path, options));
  return f.DecodePrimaryLuma();
}

bool IsHeifStillBrand(const std::string& major_brand,
                      const std::vector<std::string>& compatible_brands) {
  auto still = [](const std::string& b) {
    return b == "heic" || b == "heix" || b == "heim" || b == "heis" || b == "mif1" || b == "mif2" ||
           b == "avif";
  };
  auto sequence = [](const std::string& b) {
    return b == "msf1" || b == "hevc" || b == "hevx" || b == "hevm" || b == "hevs" || b == "avis" ||
           b == "avio";
  };
  if (still(major_brand)) return true;
  if (sequence(major_brand)) return false;
  return std::any_of(compatible_brands.begin(), compatible_brands.end(), still);
}

bool IsHeifStillFile(const std::string& path) {
  if (!LooksLikeBmff(path)) return false;
  Result<BmffSummary> b = ReadBmffSummary(path);
  return b.ok() && IsHeifStillBrand(b->major_brand, b->compatible_brands) &&
         std::find(b->top_level.begin(), b->top_level.end(), "moov") == b->top_level.end();
}

}  // namespace sightline::media
