#include "analysis/sun/sun_text.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/time.h"

namespace sightline::analysis::sun {
namespace {

Status Bad(std::string_view text, const char* forms) {
  return InvalidArgument("cannot read \"" + std::string(text) + "\": expected " + forms);
}

constexpr char kRangeForms[] = "a number, V±D, V+-D or LO:HI (e.g. 1.8±0.05 or 1.75:1.85)";

}  // namespace

Result<double> ParseNumber(std::string_view text) {
  const std::string s(text);
  if (s.empty() || std::isspace(static_cast<unsigned char>(s[0]))) return Bad(text, "a number");
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v)) return Bad(text, "a number");
  return v;
}

Result<Range> ParseRange(std::string_view text) {
  for (std::string_view sep : {std::string_view("±"), std::string_view("+-")}) {
    const std::size_t at = text.find(sep, 1);
    if (at == std::string_view::npos) continue;
    auto v = ParseNumber(text.substr(0, at));
    auto d = ParseNumber(text.substr(at + sep.size()));
    if (!v.ok() || !d.ok() || *d < 0) return Bad(text, kRangeForms);
    return Range::PlusMinus(*v, *d);
  }
  const std::size_t colon = text.find(':');
  if (colon != std::string_view::npos) {
    auto lo = ParseNumber(text.substr(0, colon));
    auto hi = ParseNumber(text.substr(colon + 1));
    if (!lo.ok() || !hi.ok()) return Bad(text, kRangeForms);
    if (*lo > *hi) return InvalidArgument("\"" + std::string(text) + "\": LO is above HI");
    return Range{*lo, *hi};
  }
  auto v = ParseNumber(text);
  if (!v.ok()) return Bad(text, kRangeForms);
  return Range::Exact(*v);
}

Result<int> ParseUtcOffset(std::string_view t) {
  if (t == "Z" || t == "z") return 0;
  auto digits = [&](std::size_t pos, int* out) {
    if (pos + 2 > t.size() || !std::isdigit(static_cast<unsigned char>(t[pos])) ||
        !std::isdigit(static_cast<unsigned char>(t[pos + 1])))
      return false;
    *out = (t[pos] - '0') * 10 + (t[pos + 1] - '0');
    return true;
  };
  int h = 0, m = 0;
  if (t.size() < 3 || (t[0] != '+' && t[0] != '-') || !digits(1, &h))
    return Bad(t, "a UTC offset: Z, +HH:MM, -HHMM or +HH");
  std::size_t pos = 3;
  if (pos < t.size() && t[pos] == ':') ++pos;
  if (pos < t.size() && !digits(pos, &m)) return Bad(t, "a UTC offset: Z, +HH:MM, -HHMM or +HH");
  if (pos < t.size() && pos + 2 != t.size()) return Bad(t, "a UTC offset: Z, +HH:MM, -HHMM or +HH");
  if (h > 18 || m > 59) return Bad(t, "a UTC offset within -18:00..+18:00");
  return (t[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
}

Result<IsoTime> ParseIsoTime(std::string_view text) {
  constexpr char kForms[] =
      "an ISO 8601 time with its offset, e.g. 2003-10-17T12:30:30-07:00 "
      "or 2024-05-01T07:30:00Z";
  auto unix = ParseRfc3339(text);
  if (!unix) return Bad(text, kForms);
  IsoTime t;
  t.unix = *unix;
  const std::size_t z = text.find_last_of("Zz");
  if (z != std::string_view::npos && z + 1 == text.size()) return t;
  const std::size_t sign = text.find_last_of("+-");
  if (sign == std::string_view::npos || sign < 19) return Bad(text, kForms);
  auto offset = ParseUtcOffset(text.substr(sign));
  if (!offset.ok()) return offset.status();
  t.utc_offset_s = *offset;
  t.zulu = false;
  return t;
}

Status ParseDate(std::string_view t, int* year, int* month, int* day) {
  int y = 0, m = 0, d = 0;
  char tail = 0;
  const std::string s(t);
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || s.size() != 10 || m < 1 ||
      m > 12 || d < 1 || d > 31) {
    return Bad(t, "a date YYYY-MM-DD");
  }
  *year = y;
  *month = m;
  *day = d;
  return Status::Ok();
}

std::string FormatUtcOffset(int utc_offset_s, bool zulu) {
  if (zulu && utc_offset_s == 0) return "Z";
  const int a = std::abs(utc_offset_s);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", utc_offset_s < 0 ? '-' : '+', a / 3600,
                (a / 60) % 60);
  return buf;
}

std::string FormatIsoTime(double unix, int utc_offset_s, bool zulu) {
  const auto local = static_cast<std::int64_t>(std::llround(unix)) + utc_offset_s;
  std::string s = FormatUtc(local);  // "YYYY-MM-DDTHH:MM:SSZ" of the local wall clock
  s.pop_back();
  return s + FormatUtcOffset(utc_offset_s, zulu);
}

}  // namespace sightline::analysis::sun
