#include "analysis/match/footage_groups.h"

#include <gtest/gtest.h>

namespace sightline::analysis::match {
namespace {

PairMatch Pair(std::vector<std::array<double, 4>> spans) {
  PairMatch m;
  m.matched = true;
  for (const auto& s : spans) {
    Segment seg;
    seg.a_start = s[0];
    seg.a_end = s[1];
    seg.b_start = s[2];
    seg.b_end = s[3];
    m.segments.push_back(seg);
  }
  return m;
}

// Files: 0 = clip X, 1 = clip Y, 2 = a compilation of X (at 2-7 s) and Y (at 9-13 s), 3 = a copy
// of X. X and Y share nothing, so they must not be one group.
TEST(FootageGroups, CompilationBelongsToOneGroupPerSource) {
  const PairMatch x_c = Pair({{3, 8, 2, 7}});
  const PairMatch y_c = Pair({{1, 5, 9, 13}});
  const PairMatch x_copy = Pair({{0, 14, 0, 14}});
  const PairMatch c_copy = Pair({{2, 7, 3, 8}});
  const auto groups = GroupFootage({{0, 2, &x_c}, {1, 2, &y_c}, {0, 3, &x_copy}, {2, 3, &c_copy}});
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].files, (std::vector<int>{0, 2, 3}));
  EXPECT_EQ(groups[1].files, (std::vector<int>{1, 2}));
  // The compilation's stretch in each group is the part that holds that source.
  for (const FootageSpan& s : groups[0].spans) {
    if (s.file != 2) continue;
    EXPECT_DOUBLE_EQ(s.start, 2);
    EXPECT_DOUBLE_EQ(s.end, 7);
  }
  for (const FootageSpan& s : groups[1].spans) {
    if (s.file != 2) continue;
    EXPECT_DOUBLE_EQ(s.start, 9);
    EXPECT_DOUBLE_EQ(s.end, 13);
  }
  EXPECT_EQ(groups[0].segments.size(), 3u);  // x_c, x_copy, c_copy
  EXPECT_EQ(groups[1].segments, (std::vector<std::pair<int, int>>{{1, 0}}));
}

TEST(FootageGroups, CopiesOfOneClipAreOneGroup) {
  const PairMatch ab = Pair({{0, 10, 0, 10}});
  const PairMatch bc = Pair({{2, 9, 0, 7}});  // c is an excerpt of b
  const auto groups = GroupFootage({{0, 1, &ab}, {1, 2, &bc}});
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].files, (std::vector<int>{0, 1, 2}));
}

// Two pieces of one file that barely touch (a clip reused at both ends of an edit) are two
// footages; a still matched at a frame inside a stretch joins that stretch's group.
TEST(FootageGroups, StillJoinsTheStretchItShows) {
  const PairMatch ab = Pair({{0, 5, 10, 15}, {20, 25, 30, 35}});
  const PairMatch a_still = Pair({{22, 22, 0, 0}});
  const auto groups = GroupFootage({{0, 1, &ab}, {0, 2, &a_still}});
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].files, (std::vector<int>{0, 1}));
  EXPECT_EQ(groups[1].files, (std::vector<int>{0, 1, 2}));
}

TEST(FootageGroups, NothingMatchedGivesNoGroup) {
  const PairMatch none;
  EXPECT_TRUE(GroupFootage({{0, 1, &none}, {1, 2, nullptr}}).empty());
}

}  // namespace
}  // namespace sightline::analysis::match
