// Turning pictures upright: each EXIF orientation of a 3 x 2 picture lands its pixels where a
// viewer shows them.
#include "media/orientation.h"

#include <gtest/gtest.h>

namespace sightline::media {
namespace {

TEST(Orientation, EachOfTheEightLandsThePixelsWhereAViewerShowsThem) {
  // Stored:  1 2 3
  //          4 5 6
  const std::vector<std::uint8_t> stored = {1, 2, 3, 4, 5, 6};
  const std::vector<std::vector<std::uint8_t>> upright = {
      {},
      {1, 2, 3, 4, 5, 6},  // 1: as stored
      {3, 2, 1, 6, 5, 4},  // 2: mirrored left to right
      {6, 5, 4, 3, 2, 1},  // 3: turned 180
      {4, 5, 6, 1, 2, 3},  // 4: mirrored top to bottom
      {1, 4, 2, 5, 3, 6},  // 5: transposed (2 wide, 3 high)
      {4, 1, 5, 2, 6, 3},  // 6: turned 90 clockwise
      {6, 3, 5, 2, 4, 1},  // 7: transverse
      {3, 6, 2, 5, 1, 4},  // 8: turned 270 clockwise
  };
  for (int o = 1; o <= 8; ++o) {
    std::vector<std::uint8_t> out;
    TurnUpright(stored.data(), 3, 2, 3, 1, o, &out);
    EXPECT_EQ(out, upright[o]) << "orientation " << o;
    EXPECT_EQ(OrientationSwapsSides(o), o >= 5);
  }
  // Out of range: as stored. Rows may be padded in the source.
  std::vector<std::uint8_t> out;
  const std::vector<std::uint8_t> padded = {1, 2, 3, 0, 4, 5, 6, 0};
  TurnUpright(padded.data(), 3, 2, 4, 1, 0, &out);
  EXPECT_EQ(out, stored);
  EXPECT_EQ(OrientationOfTurn(90), 6);
  EXPECT_EQ(OrientationOfTurn(45), 1);
}

}  // namespace
}  // namespace sightline::media
