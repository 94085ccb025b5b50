// Turning a picture upright by its EXIF Orientation (TIFF 6.0 / EXIF 2.3, tag 0x0112): 1 is
// upright as stored; 3, 6 and 8 turn it by 180, 90 and 270 degrees clockwise; 2 and 4 mirror it
// left to right and top to bottom; 5 and 7 mirror it and turn it by 270 and 90 degrees. Phones
// store portrait photos sideways (6 or 8) and say so in this tag.
//
// Thread safety: pure functions.
#ifndef SIGHTLINE_MEDIA_ORIENTATION_H_
#define SIGHTLINE_MEDIA_ORIENTATION_H_

#include <cstdint>
#include <vector>

namespace sightline::media {

// The orientation that turns a picture clockwise by `degrees` (0, 90, 180, 270; else 1).
int OrientationOfTurn(int degrees);

// Whether the upright picture's width is the stored height (5 to 8).
inline bool OrientationSwapsSides(int orientation) { return orientation >= 5 && orientation <= 8; }

// Writes the upright picture of `src` (`width` x `height` pixels of `bytes_per_pixel` bytes,
// rows `stride` bytes apart) into `dst`, rows packed; its size is width x height, swapped when
// OrientationSwapsSides. An orientation outside 2..8 copies the picture as it is.
void TurnUpright(const std::uint8_t* src, int width, int height, int stride, int bytes_per_pixel,
                 int orientation, std::vector<std::uint8_t>* dst);

}  // namespace sightline::media

#endif  // SIGHTLINE_MEDIA_ORIENTATION_H_
