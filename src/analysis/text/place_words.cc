#include "analysis/text/place_words.h"

#include <algorithm>
#include <set>

#include "analysis/text/unicode.h"

namespace sightline::analysis::text {
namespace {

// Words common on signs anywhere, so sharing them says nothing about the place (already folded).
const std::set<std::u32string>& StopWords() {
  static const std::set<std::u32string> words = {
      // English
      U"the",
      U"and",
      U"for",
      U"street",
      U"str",
      U"road",
      U"ave",
      U"avenue",
      U"open",
      U"closed",
      U"hours",
      U"exit",
      U"entrance",
      U"shop",
      U"store",
      U"sale",
      U"new",
      U"www",
      U"com",
      U"http",
      U"https",
      // Ukrainian (folded: й→и, ї→і)
      U"вул",
      U"вулиця",
      U"пров",
      U"просп",
      U"проспект",
      U"бул",
      U"бульв",
      U"пл",
      U"площа",
      U"та",
      U"для",
      U"від",
      U"відчинено",
      U"зачинено",
      U"вхід",
      U"вихід",
      U"магазин",
      U"години",
      U"роботи",
      U"тел",
      // Russian (folded: ё→е, й→и)
      U"ул",
      U"улица",
      U"пер",
      U"проезд",
      U"для",
      U"открыто",
      U"закрыто",
      U"вход",
      U"выход",
      U"магазин",
      U"часы",
      U"работы",
      U"что",
      U"это",
  };
  return words;
}

bool IsLatin(char32_t c) { return c < 0x250 && IsLetter(c); }
bool IsCyrillic(char32_t c) { return c >= 0x400 && c <= 0x4FF && IsLetter(c); }

// Latin letters that look like Cyrillic ones (lower case, after folding).
char32_t CyrillicLookAlike(char32_t c) {
  switch (c) {
    case U'a':
      return U'а';
    case U'b':
      return U'в';  // capital B reads as В
    case U'c':
      return U'с';
    case U'e':
      return U'е';
    case U'h':
      return U'н';  // capital H reads as Н
    case U'i':
      return U'і';
    case U'k':
      return U'к';
    case U'm':
      return U'м';
    case U'o':
      return U'о';
    case U'p':
      return U'р';
    case U't':
      return U'т';
    case U'x':
      return U'х';
    case U'y':
      return U'у';
    default:
      return c;
  }
}

char32_t FoldVariant(char32_t c) {
  switch (c) {
    case U'ё':
      return U'е';
    case U'ґ':
      return U'г';
    case U'й':
      return U'и';
    case U'ї':
      return U'і';
    default:
      return c;
  }
}

// What two words are compared by: spelling variants folded together.
std::u32string MatchKey(std::u32string word) {
  for (char32_t& c : word) c = FoldVariant(c);
  return word;
}

void AddWord(std::u32string word, std::set<std::string>* out) {
  bool latin = false, cyrillic = false, letter = false;
  for (char32_t c : word) {
    latin |= IsLatin(c);
    cyrillic |= IsCyrillic(c);
    letter |= IsLetter(c);
  }
  if (latin && cyrillic) {
    for (char32_t& c : word) c = CyrillicLookAlike(c);
  }
  if (!letter) {
    if (word.size() >= 2) out->insert(EncodeUtf8(word));
    return;
  }
  if (word.size() < 3 || StopWords().count(MatchKey(word))) return;
  out->insert(EncodeUtf8(word));
}

// Levenshtein distance bounded by 1: whether `a` and `b` are at most one edit apart.
bool WithinOneEdit(const std::u32string& a, const std::u32string& b) {
  const std::u32string& s = a.size() <= b.size() ? a : b;
  const std::u32string& l = a.size() <= b.size() ? b : a;
  if (l.size() - s.size() > 1) return false;
  std::size_t i = 0;
  while (i < s.size() && s[i] == l[i]) ++i;
  if (i == s.size()) return true;  // equal, or `l` has one more at the end
  if (s.size() == l.size()) return s.substr(i + 1) == l.substr(i + 1);  // one substitution
  return s.substr(i) == l.substr(i + 1);                                // one insertion
}

}  // namespace

std::vector<std::string> PlaceWords(const std::vector<std::string>& texts) {
  std::set<std::string> words;
  for (const std::string& text : texts) {
    std::u32string word;
    for (char32_t c : DecodeUtf8(text)) {
      if (IsLetterOrDigit(c)) {
        word.push_back(FoldCase(c));
      } else if (IsApostrophe(c) && !word.empty()) {
        continue;  // inside a word: dropped; the word goes on
      } else if (!word.empty()) {
        AddWord(std::move(word), &words);
        word.clear();
      }
    }
    if (!word.empty()) AddWord(std::move(word), &words);
  }
  return {words.begin(), words.end()};
}

std::vector<std::string> PlaceWords(std::string_view text) {
  return PlaceWords(std::vector<std::string>{std::string(text)});
}

double PlaceWordWeight(std::string_view word) {
  const std::u32string cps = DecodeUtf8(word);
  if (std::none_of(cps.begin(), cps.end(), IsLetter)) return 0.5;
  if (cps.size() >= 8) return 3;
  if (cps.size() >= 5) return 2;
  return 1;
}

PlaceWordMatch ComparePlaceWords(const std::vector<std::string>& a,
                                 const std::vector<std::string>& b) {
  PlaceWordMatch m;
  if (a.empty() || b.empty()) return m;
  double total_a = 0, total_b = 0;
  for (const std::string& w : a) total_a += PlaceWordWeight(w);
  for (const std::string& w : b) total_b += PlaceWordWeight(w);
  std::vector<std::u32string> bw;
  bw.reserve(b.size());
  for (const std::string& w : b) bw.push_back(MatchKey(DecodeUtf8(w)));
  std::vector<bool> used(b.size(), false);
  for (const std::string& w : a) {
    const std::u32string cw = MatchKey(DecodeUtf8(w));
    int hit = -1;
    for (std::size_t k = 0; k < bw.size() && hit < 0; ++k) {
      if (!used[k] && bw[k] == cw) hit = static_cast<int>(k);
    }
    for (std::size_t k = 0; k < bw.size() && hit < 0; ++k) {
      if (!used[k] && cw.size() >= 6 && bw[k].size() >= 6 && WithinOneEdit(cw, bw[k])) {
        hit = static_cast<int>(k);
      }
    }
    if (hit < 0) continue;
    used[hit] = true;
    // The lighter of the two spellings counts, so a slip cannot add weight.
    m.shared_weight += std::min(PlaceWordWeight(w), PlaceWordWeight(b[hit]));
    m.shared.push_back(w);
  }
  m.score = m.shared_weight / std::min(total_a, total_b);
  return m;
}

}  // namespace sightline::analysis::text
