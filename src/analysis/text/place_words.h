// Words read in a picture as evidence of place: street names, shop signs, plates. `locate` and
// `scene` can use them beside local features: two pictures that show the same rare words
// ("Хрещатик", "Silpo", "Bessarabska") likely show the same street, even from viewpoints too
// different for feature geometry.
//
// PlaceWords normalises OCR text into comparable words:
//  - split at anything that is not a letter or digit (apostrophes inside words are dropped:
//    "Мар'янівка" and "Марянівка" are one word);
//  - case-folded (Latin and Cyrillic), otherwise spelt as read;
//  - a word mixing Latin and Cyrillic letters (OCR reading "КАФЕ" as "KAФE" with Latin K and E)
//    has its Latin look-alikes turned Cyrillic;
//  - kept: words of at least 3 letters or digits, except common words that say nothing about a
//    place (street-type abbreviations, "the", "та", opening-hours words...); numbers of 2+ digits
//    (house numbers, route numbers) are kept but weigh little;
//  - sorted, each once.
// ComparePlaceWords scores two pictures' words: shared words weighted by length (longer words are
// rarer), over the smaller side's total, so a picture whose few words all appear in the other
// scores 1. Ukrainian/Russian variants that OCR and spelling confuse compare equal (ё=е, ґ=г,
// й=и, ї=і: "Київ" and "Киів"). OCR slips are allowed in long words: words of 6+ characters one
// edit apart match.
//
// Thread safety: pure functions.
#ifndef SIGHTLINE_ANALYSIS_TEXT_PLACE_WORDS_H_
#define SIGHTLINE_ANALYSIS_TEXT_PLACE_WORDS_H_

#include <string>
#include <string_view>
#include <vector>

namespace sightline::analysis::text {

// The place words of some OCR'd texts (TextEntry::text or TextLine::text), sorted, unique.
std::vector<std::string> PlaceWords(const std::vector<std::string>& texts);
std::vector<std::string> PlaceWords(std::string_view text);

// How much a word counts as evidence: 0.5 for numbers, 1 for 3-4 letters, 2 for 5-7, 3 for 8+.
double PlaceWordWeight(std::string_view word);

struct PlaceWordMatch {
  double score = 0;                 // 0..1: shared weight / the smaller side's total weight
  double shared_weight = 0;         // sum of the shared words' weights
  std::vector<std::string> shared;  // the shared words (as in `a`)
};

// `a` and `b` as returned by PlaceWords. 0 when either is empty. Symmetric
// when words match exactly (near matches are paired greedily in `a`'s order).
PlaceWordMatch ComparePlaceWords(const std::vector<std::string>& a,
                                 const std::vector<std::string>& b);

}  // namespace sightline::analysis::text

#endif  // SIGHTLINE_ANALYSIS_TEXT_PLACE_WORDS_H_
