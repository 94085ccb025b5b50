// The little Unicode the text stage needs, for the scripts it reads (Latin, Cyrillic): UTF-8
// decoding and encoding, letter/digit classes and case folding. Not a general Unicode library:
// characters outside Basic Latin, Latin-1, Latin Extended-A and Cyrillic (U+0400-U+04FF) are
// neither letters nor digits here and fold to themselves.
//
// Thread safety: pure functions.
#ifndef SIGHTLINE_ANALYSIS_TEXT_UNICODE_H_
#define SIGHTLINE_ANALYSIS_TEXT_UNICODE_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace sightline::analysis::text {

// Code points of `utf8`; malformed bytes become U+FFFD, one per byte.
std::u32string DecodeUtf8(std::string_view utf8);
std::string EncodeUtf8(std::u32string_view text);

bool IsLetter(char32_t c);
bool IsDigit(char32_t c);  // ASCII digits only
inline bool IsLetterOrDigit(char32_t c) { return IsLetter(c) || IsDigit(c); }
// Apostrophes as written inside Ukrainian and English words (' ’ ʼ ‘ `).
bool IsApostrophe(char32_t c);

// Lower case for Latin and Cyrillic capitals; everything else unchanged.
char32_t FoldCase(char32_t c);

// Levenshtein distance (Levenshtein 1966): the fewest insertions, deletions and substitutions of
// code points that turn `a` into `b`.
std::size_t EditDistance(const std::u32string& a, const std::u32string& b);

}  // namespace sightline::analysis::text

#endif  // SIGHTLINE_ANALYSIS_TEXT_UNICODE_H_
