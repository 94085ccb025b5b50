#include "report/contact_sheet.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace sightline::report {

namespace {

constexpr int kGlyphW = 5, kGlyphH = 7;

// 5 × 7 glyphs, one byte per row, bit 4 the leftmost pixel.
const std::uint8_t* Glyph(char c) {
  static const std::uint8_t kDigits[10][kGlyphH] = {
      {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E}, {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E},
      {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F}, {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E},
      {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02}, {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E},
      {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E}, {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08},
      {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E}, {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C}};
  static const std::uint8_t kColon[kGlyphH] = {0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00};
  static const std::uint8_t kDot[kGlyphH] = {0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C};
  static const std::uint8_t kDash[kGlyphH] = {0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00};
  static const std::uint8_t kHash[kGlyphH] = {0x0A, 0x0A, 0x1F, 0x0A, 0x1F, 0x0A, 0x0A};
  static const std::uint8_t kBlank[kGlyphH] = {};
  if (c >= '0' && c <= '9') return kDigits[c - '0'];
  switch (c) {
    case ':':
      return kColon;
    case '.':
      return kDot;
    case '-':
      return kDash;
    case '#':
      return kHash;
    default:
      return kBlank;
  }
}

// Area-average (or nearest, when enlarging) resize of `src` into an RGB24 w × h tile.
void ResizeInto(const media::Image& src, int w, int h, std::uint8_t* dst, int dst_stride) {
  const int bpp = src.BytesPerPixel();
  for (int y = 0; y < h; ++y) {
    const int y0 = static_cast<int>(static_cast<std::int64_t>(y) * src.height / h);
    const int y1 =
        std::max(y0 + 1, static_cast<int>(static_cast<std::int64_t>(y + 1) * src.height / h));
    for (int x = 0; x < w; ++x) {
      const int x0 = static_cast<int>(static_cast<std::int64_t>(x) * src.width / w);
      const int x1 =
          std::max(x0 + 1, static_cast<int>(static_cast<std::int64_t>(x + 1) * src.width / w));
      unsigned sum[3] = {0, 0, 0};
      for (int yy = y0; yy < y1; ++yy) {
        const std::uint8_t* row =
            src.pixels.data() + static_cast<std::size_t>(yy) * src.width * bpp;
        for (int xx = x0; xx < x1; ++xx) {
          for (int c = 0; c < 3; ++c) sum[c] += row[xx * bpp + (bpp == 3 ? c : 0)];
        }
      }
      const unsigned n = static_cast<unsigned>((y1 - y0) * (x1 - x0));
      std::uint8_t* p = dst + static_cast<std::size_t>(y) * dst_stride + 3 * x;
      for (int c = 0; c < 3; ++c) p[c] = static_cast<std::uint8_t>((sum[c] + n / 2) / n);
    }
  }
}

}  // namespace

std::string Timecode(double seconds) {
  if (!(seconds > 0)) seconds = 0;
  const long long ms = std::llround(seconds * 1000.0);
  const long long h = ms / 3600000, m = (ms / 60000) % 60, s = (ms / 1000) % 60, f = ms % 1000;
  char buf[48];
  if (h > 0) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld.%03lld", h, m, s, f);
  } else {
    std::snprintf(buf, sizeof buf, "%02lld:%02lld.%03lld", m, s, f);
  }
  return buf;
}

void DrawLabel(media::Image* image, int x, int y, const std::string& text, int scale,
               std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  if (image->layout != media::PixelLayout::kRgb24) return;
  scale = std::max(1, scale);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const std::uint8_t* glyph = Glyph(text[i]);
    const int gx = x + static_cast<int>(i) * (kGlyphW + 1) * scale;
    for (int row = 0; row < kGlyphH; ++row) {
      for (int col = 0; col < kGlyphW; ++col) {
        if (!(glyph[row] & (0x10 >> col))) continue;
        for (int dy = 0; dy < scale; ++dy) {
          for (int dx = 0; dx < scale; ++dx) {
            const int px = gx + col * scale + dx, py = y + row * scale + dy;
            if (px < 0 || py < 0 || px >= image->width || py >= image->height) continue;
            std::uint8_t* p =
                image->pixels.data() + (static_cast<std::size_t>(py) * image->width + px) * 3;
            p[0] = r;
            p[1] = g;
            p[2] = b;
          }
        }
      }
    }
  }
}

Result<media::Image> ComposeContactSheet(const std::vector<SheetTile>& tiles,
                                         const ContactSheetOptions& options) {
  if (tiles.empty()) return InvalidArgument("a contact sheet needs at least one picture");
  for (const SheetTile& t : tiles) {
    if (t.image.width <= 0 || t.image.height <= 0 ||
        t.image.pixels.size() < static_cast<std::size_t>(t.image.width) * t.image.height *
                                    static_cast<std::size_t>(t.image.BytesPerPixel())) {
      return InvalidArgument("a contact-sheet picture has no pixels");
    }
  }
  const int n = static_cast<int>(tiles.size());
  const int columns = options.columns > 0
                          ? options.columns
                          : std::clamp(static_cast<int>(std::ceil(std::sqrt(n * 1.5))), 1, 6);
  const int cols = std::min(columns, n);
  const int rows = (n + cols - 1) / cols;
  const int tw = std::clamp(options.tile_width, 16, 4096);
  const int th =
      std::max(1, static_cast<int>(std::lround(static_cast<double>(tw) * tiles[0].image.height /
                                               tiles[0].image.width)));
  const int scale = std::clamp(options.label_scale, 1, 8);
  const int margin = std::clamp(options.margin, 0, 256);
  const int label_h = kGlyphH * scale + 2 * std::max(2, scale * 2);
  const std::int64_t sw = static_cast<std::int64_t>(cols) * (tw + margin) + margin;
  const std::int64_t sh = static_cast<std::int64_t>(rows) * (th + label_h + margin) + margin;
  if (sw > media::kMaxImageSide || sh > media::kMaxImageSide) {
    return InvalidArgument("the contact sheet would be " + std::to_string(sw) + "x" +
                           std::to_string(sh) + " pixels; ask for fewer or smaller tiles");
  }
  media::Image sheet;
  sheet.width = static_cast<int>(sw);
  sheet.height = static_cast<int>(sh);
  sheet.layout = media::PixelLayout::kRgb24;
  sheet.pixels.assign(static_cast<std::size_t>(sw) * sh * 3, 28);  // dark grey
  for (int i = 0; i < n; ++i) {
    const int x = margin + (i % cols) * (tw + margin);
    const int y = margin + (i / cols) * (th + label_h + margin);
    // Keep the tile's own aspect inside the cell (letterboxed).
    const media::Image& img = tiles[static_cast<std::size_t>(i)].image;
    int w = tw, h = static_cast<int>(std::lround(static_cast<double>(tw) * img.height / img.width));
    if (h > th) {
      h = th;
      w = std::max(1,
                   static_cast<int>(std::lround(static_cast<double>(th) * img.width / img.height)));
    }
    h = std::max(1, h);
    const int ox = x + (tw - w) / 2, oy = y + (th - h) / 2;
    ResizeInto(img, w, h, sheet.pixels.data() + (static_cast<std::size_t>(oy) * sw + ox) * 3,
               static_cast<int>(sw) * 3);
    const std::string label = Timecode(tiles[static_cast<std::size_t>(i)].t);
    const int text_w = static_cast<int>(label.size()) * (kGlyphW + 1) * scale - scale;
    DrawLabel(&sheet, x + std::max(0, (tw - text_w) / 2), y + th + std::max(2, scale * 2), label,
              scale, 235, 235, 235);
  }
  return sheet;
}

}  // namespace sightline::report
