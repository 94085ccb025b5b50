// Contact sheets: a grid of thumbnails, each labelled with its time ("01:23.480") in a small
// built-in bitmap font, composed into one RGB picture (write it with media::WriteJpeg).
//
// Thread safety: pure functions.
#ifndef SIGHTLINE_REPORT_CONTACT_SHEET_H_
#define SIGHTLINE_REPORT_CONTACT_SHEET_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "media/image_writer.h"

namespace sightline::report {

struct SheetTile {
  media::Image image;  // RGB24 or gray, any size (scaled to the tile)
  double t = 0;        // seconds, printed under the tile
};

struct ContactSheetOptions {
  int columns = 0;       // 0: chosen from the tile count (at most 6)
  int tile_width = 240;  // pixels; the tile height follows the first picture's aspect
  int margin = 8;        // pixels around and between tiles
  int label_scale = 2;   // the font's 5 × 7 glyphs drawn at this multiple
};

// "MM:SS.mmm" under an hour, "H:MM:SS.mmm" beyond; negative times are shown as 0.
std::string Timecode(double seconds);

// Draws `text` (digits, ':', '.', '-', ' ' and '#'; other characters as blanks) into the RGB24
// `image` with its top-left corner at (x, y); pixels outside the picture are skipped.
void DrawLabel(media::Image* image, int x, int y, const std::string& text, int scale,
               std::uint8_t r, std::uint8_t g, std::uint8_t b);

// The grid, in the order given. Fails on an empty list or a sheet beyond media::kMaxImageSide.
Result<media::Image> ComposeContactSheet(const std::vector<SheetTile>& tiles,
                                         const ContactSheetOptions& options = {});

}  // namespace sightline::report

#endif  // SIGHTLINE_REPORT_CONTACT_SHEET_H_
