#include "analysis/text/track.h"

#include <gtest/gtest.h>

namespace sightline::analysis::text {
namespace {

TextLine Line(const std::string& text, Box box, float confidence = 90) {
  TextLine l;
  l.text = text;
  l.box = box;
  l.confidence = confidence;
  l.lang = "ukr";
  return l;
}

TEST(TextSimilarityTest, CaseFoldedEditDistance) {
  EXPECT_DOUBLE_EQ(TextSimilarity("Хрещатик", "ХРЕЩАТИК"), 1);
  EXPECT_DOUBLE_EQ(TextSimilarity("Хрещатик", "Хрещатнк"), 7.0 / 8);
  EXPECT_DOUBLE_EQ(TextSimilarity("", ""), 1);
  EXPECT_DOUBLE_EQ(TextSimilarity("abc", ""), 0);
}

TEST(TextTrackerTest, HeldCaptionIsOneEntry) {
  TextTracker tracker(2.0);
  const Box caption{100, 600, 400, 40};
  tracker.Add(0, {});
  tracker.Add(1, {});
  tracker.Add(2, {Line("Київ вул. Хрещатик", caption, 80)});
  tracker.Add(3, {Line("Київ вул. Хрещатнк", caption, 70)});  // an OCR slip
  tracker.Add(4, {Line("Київ вул. Хрещатик", {102, 601, 398, 40}, 95)});
  tracker.Add(5, {Line("Київ вул. Хрещатик", caption, 85)});
  tracker.Add(6, {});
  std::vector<TextEntry> e = tracker.Finish();
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].t, 2);
  EXPECT_EQ(e[0].end, 5);
  EXPECT_EQ(e[0].frames, 4);
  // The most confident reading speaks for the entry.
  EXPECT_EQ(e[0].text, "Київ вул. Хрещатик");
  EXPECT_FLOAT_EQ(e[0].confidence, 95);
  EXPECT_EQ(e[0].box.x, 102);
  EXPECT_EQ(e[0].lang, "ukr");
  EXPECT_TRUE(tracker.Finish().empty());
}

TEST(TextTrackerTest, GapsSplitAndSeparateTextsStaySeparate) {
  TextTracker tracker(2.0);
  const Box top{10, 10, 200, 30}, bottom{10, 300, 200, 30};
  tracker.Add(0, {Line("PHARMACY", top), Line("Open 24 hours", bottom)});
  tracker.Add(1, {Line("PHARMACY", top)});  // one missed reading of the bottom line...
  tracker.Add(2, {Line("PHARMACY", top), Line("Open 24 hours", bottom)});  // ...bridged
  // Unseen from 2 to 10: more than the gap, so its return is a new entry.
  tracker.Add(10, {Line("PHARMACY", top)});
  std::vector<TextEntry> e = tracker.Finish();
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].text, "PHARMACY");
  EXPECT_EQ(e[0].t, 0);
  EXPECT_EQ(e[0].end, 2);
  EXPECT_EQ(e[1].text, "Open 24 hours");
  EXPECT_EQ(e[1].end, 2);
  EXPECT_EQ(e[1].frames, 2);
  EXPECT_EQ(e[2].t, 10);
}

TEST(TextTrackerTest, PanningSignFollowsAndDifferentTextInPlaceDoesNot) {
  TextTracker tracker(2.0);
  // The camera pans: the sign moves across the picture, its text unchanged.
  tracker.Add(0, {Line("Сільпо", {600, 100, 200, 50})});
  tracker.Add(1, {Line("Сільпо", {300, 100, 200, 50})});
  tracker.Add(2, {Line("Сільпо", {10, 100, 200, 50})});
  // A new caption in the same place as an old one is a different text.
  tracker.Add(3, {Line("Breaking news", {0, 600, 500, 40})});
  tracker.Add(4, {Line("Weather today", {0, 600, 500, 40})});
  std::vector<TextEntry> e = tracker.Finish();
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].frames, 3);
  EXPECT_EQ(e[1].text, "Breaking news");
  EXPECT_EQ(e[2].text, "Weather today");
}

}  // namespace
}  // namespace sightline::analysis::text
