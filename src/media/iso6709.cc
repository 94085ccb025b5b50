#include "media/iso6709.h"

#include <cmath>
#include <string>

namespace sightline::media {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// One signed component at text[*pos]: sign, integer digits, optional fraction.
struct Component {
  int sign = 1;
  std::string_view integer;  // the digits before the decimal point
  double fraction = 0;       // the value of ".ddd" (0 when absent)
};

bool ReadComponent(std::string_view text, std::size_t* pos, Component* out) {
  std::size_t p = *pos;
  if (p >= text.size() || (text[p] != '+' && text[p] != '-')) return false;
  out->sign = text[p] == '-' ? -1 : 1;
  ++p;
  std::size_t b = p;
  while (p < text.size() && IsDigit(text[p])) ++p;
  if (p == b || p - b > 9) return false;
  out->integer = text.substr(b, p - b);
  out->fraction = 0;
  if (p < text.size() && text[p] == '.') {
    ++p;
    double scale = 0.1;
    std::size_t fb = p;
    while (p < text.size() && IsDigit(text[p])) {
      if (p - fb < 15) out->fraction += (text[p] - '0') * scale;
      scale /= 10;
      ++p;
    }
  }
  *pos = p;
  return true;
}

double Digits(std::string_view s) {
  double v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// Interprets a latitude (deg_digits = 2) or longitude (deg_digits = 3) component. The number of
// integer digits tells the form: degrees, degrees+minutes or degrees+minutes+seconds.
std::optional<double> Angle(const Component& c, std::size_t deg_digits) {
  std::size_t n = c.integer.size();
  double v;
  if (n <= deg_digits) {
    v = Digits(c.integer) + c.fraction;
  } else if (n == deg_digits + 2) {
    double minutes = Digits(c.integer.substr(deg_digits)) + c.fraction;
    if (minutes >= 60) return std::nullopt;
    v = Digits(c.integer.substr(0, deg_digits)) + minutes / 60.0;
  } else if (n == deg_digits + 4) {
    double minutes = Digits(c.integer.substr(deg_digits, 2));
    double seconds = Digits(c.integer.substr(deg_digits + 2)) + c.fraction;
    if (minutes >= 60 || seconds >= 60) return std::nullopt;
    v = Digits(c.integer.substr(0, deg_digits)) + minutes / 60.0 + seconds / 3600.0;
  } else {
    return std::nullopt;
  }
  return c.sign * v;
}

}  // namespace

std::optional<Iso6709Point> ParseIso6709(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size() && text[pos] == ' ') ++pos;
  Component lat_c, lon_c, alt_c;
  if (!ReadComponent(text, &pos, &lat_c) || !ReadComponent(text, &pos, &lon_c)) {
    return std::nullopt;
  }
  std::optional<double> lat = Angle(lat_c, 2), lon = Angle(lon_c, 3);
  if (!lat || !lon || std::fabs(*lat) > 90 || std::fabs(*lon) > 180) return std::nullopt;
  Iso6709Point p;
  p.lat = *lat;
  p.lon = *lon;
  if (ReadComponent(text, &pos, &alt_c))
    p.alt_m = alt_c.sign * (Digits(alt_c.integer) + alt_c.fraction);
  return p;
}

}  // namespace sightline::media
