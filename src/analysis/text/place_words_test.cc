#include "analysis/text/place_words.h"

#include <gtest/gtest.h>

#include "analysis/text/unicode.h"

namespace sightline::analysis::text {
namespace {

using Words = std::vector<std::string>;

TEST(UnicodeTest, DecodesEncodesAndFolds) {
  const std::string s = "Київ Ґанок ЁЖ Straße";
  EXPECT_EQ(EncodeUtf8(DecodeUtf8(s)), s);
  EXPECT_EQ(DecodeUtf8("Ї").size(), 1u);
  EXPECT_EQ(FoldCase(U'Ї'), U'ї');
  EXPECT_EQ(FoldCase(U'Ґ'), U'ґ');
  EXPECT_EQ(FoldCase(U'Я'), U'я');
  EXPECT_EQ(FoldCase(U'Є'), U'є');
  EXPECT_EQ(FoldCase(U'Q'), U'q');
  EXPECT_EQ(FoldCase(U'É'), U'é');
  EXPECT_TRUE(IsLetter(U'ї'));
  EXPECT_TRUE(IsLetter(U'Ы'));
  EXPECT_FALSE(IsLetter(U'№'));
  EXPECT_FALSE(IsLetter(U'-'));
  // Malformed bytes: one replacement each, never a crash or a read past the end.
  EXPECT_EQ(DecodeUtf8("\xC3"), std::u32string(1, U'\uFFFD'));
  EXPECT_EQ(DecodeUtf8("a\xE2\x82"), (std::u32string{U'a', U'\uFFFD', U'\uFFFD'}));
  EXPECT_EQ(DecodeUtf8("\xC0\xAF"), (std::u32string{U'\uFFFD', U'\uFFFD'}));  // overlong '/'
}

TEST(PlaceWordsTest, NormalisesSignText) {
  EXPECT_EQ(PlaceWords("Київ, вул. Хрещатик 22"), (Words{"22", "київ", "хрещатик"}));
  // Case folded, apostrophe inside a word dropped, street-type words and short words out.
  EXPECT_EQ(PlaceWords("МАР'ЯНІВКА просп. Перемоги"), (Words{"марянівка", "перемоги"}));
  EXPECT_EQ(PlaceWords("Улица Ленина, д. 5"), (Words{"ленина"}));
  EXPECT_EQ(PlaceWords("The Pharmacy - OPEN 24/7"), (Words{"24", "pharmacy"}));
  // Spelling variants OCR confuses are kept as read, but compare equal: ё/е, ґ/г, й/и, ї/і.
  EXPECT_EQ(PlaceWords("Ёлка"), (Words{"ёлка"}));
  EXPECT_EQ(ComparePlaceWords(PlaceWords("Ёлка"), PlaceWords("елка")).score, 1);
  EXPECT_EQ(ComparePlaceWords(PlaceWords("Ґанок"), PlaceWords("ганок")).score, 1);
  EXPECT_EQ(ComparePlaceWords(PlaceWords("Київ"), PlaceWords("Киів")).score, 1);
  // A word mixing scripts (Latin K, A, E read inside Cyrillic КАФЕ) is made Cyrillic.
  EXPECT_EQ(PlaceWords("KAФE"), PlaceWords("КАФЕ"));
  // A pure Latin word stays Latin.
  EXPECT_EQ(PlaceWords("KAFE"), (Words{"kafe"}));
  EXPECT_TRUE(PlaceWords("").empty());
  EXPECT_TRUE(PlaceWords("- . , | 7").empty());
  // Several texts: one sorted set.
  EXPECT_EQ(PlaceWords(Words{"Silpo", "SILPO", "Сільпо"}), (Words{"silpo", "сільпо"}));
}

TEST(PlaceWordsTest, WeightsFavourLongWords) {
  EXPECT_EQ(PlaceWordWeight("22"), 0.5);
  EXPECT_EQ(PlaceWordWeight("київ"), 1);
  EXPECT_EQ(PlaceWordWeight("silpo"), 2);
  EXPECT_EQ(PlaceWordWeight("хрещатик"), 3);
}

TEST(PlaceWordsTest, ComparesTwoPictures) {
  const Words a = PlaceWords(Words{"Київ вул. Хрещатик", "Аптека 24"});
  const Words b = PlaceWords(Words{"ХРЕЩАТИК 22", "Київ"});
  PlaceWordMatch m = ComparePlaceWords(a, b);
  EXPECT_EQ(m.shared, (Words{"київ", "хрещатик"}));
  EXPECT_DOUBLE_EQ(m.shared_weight, 4);
  // b's total: 0.5 (22) + 1 (київ) + 3 (хрещатик) = 4.5, the smaller side.
  EXPECT_NEAR(m.score, 4 / 4.5, 1e-12);
  EXPECT_NEAR(ComparePlaceWords(b, a).score, m.score, 1e-12);
  // An OCR slip in a long word still matches ("хрещатнк"), and weighs no more than the words.
  m = ComparePlaceWords(PlaceWords("Хрещатнк"), PlaceWords("Хрещатик"));
  EXPECT_EQ(m.shared.size(), 1u);
  EXPECT_DOUBLE_EQ(m.score, 1);
  // Short words must match exactly: "кафе" and "кафа" are different words.
  EXPECT_TRUE(ComparePlaceWords(PlaceWords("кафе"), PlaceWords("кафа")).shared.empty());
  // Nothing shared, or nothing on one side: 0.
  EXPECT_EQ(ComparePlaceWords(PlaceWords("Berlin Alexanderplatz"), a).score, 0);
  EXPECT_EQ(ComparePlaceWords({}, a).score, 0);
  EXPECT_EQ(ComparePlaceWords(a, {}).score, 0);
}

}  // namespace
}  // namespace sightline::analysis::text
