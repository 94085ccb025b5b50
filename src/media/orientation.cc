#include "media/orientation.h"

#include <cstring>

namespace sightline::media {

int OrientationOfTurn(int degrees) {
  switch (degrees) {
    case 90:
      return 6;
    case 180:
      return 3;
    case 270:
      return 8;
    default:
      return 1;
  }
}

void TurnUpright(const std::uint8_t* src, int width, int height, int stride, int bytes_per_pixel,
                 int orientation, std::vector<std::uint8_t>* dst) {
  const int w = width, h = height, bpp = bytes_per_pixel;
  const int rw = OrientationSwapsSides(orientation) ? h : w;
  dst->resize(static_cast<std::size_t>(w) * h * bpp);
  for (int y = 0; y < h; ++y) {
    const std::uint8_t* row = src + static_cast<std::size_t>(y) * stride;
    for (int x = 0; x < w; ++x) {
      int nx, ny;  // where the stored pixel (x, y) is seen upright
      switch (orientation) {
        case 2:  // mirrored left to right
          nx = w - 1 - x, ny = y;
          break;
        case 3:  // turned 180 degrees
          nx = w - 1 - x, ny = h - 1 - y;
          break;
        case 4:  // mirrored top to bottom
          nx = x, ny = h - 1 - y;
          break;
        case 5:  // mirrored, then turned 270 degrees clockwise: the transpose
          nx = y, ny = x;
          break;
        case 6:  // turned 90 degrees clockwise
          nx = h - 1 - y, ny = x;
          break;
        case 7:  // mirrored, then turned 90 degrees clockwise
          nx = h - 1 - y, ny = w - 1 - x;
          break;
        case 8:  // turned 270 degrees clockwise
          nx = y, ny = w - 1 - x;
          break;
        default:
          nx = x, ny = y;
          break;
      }
      std::memcpy(dst->data() + (static_cast<std::size_t>(ny) * rw + nx) * bpp,
                  row + static_cast<std::size_t>(x) * bpp, static_cast<std::size_t>(bpp));
    }
  }
}

}  // namespace sightline::media
