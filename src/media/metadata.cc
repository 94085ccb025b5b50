#include "media/metadata.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "base/file.h"

namespace sightline::media {

const char* TimeRoleName(TimeRole role) {
  switch (role) {
    case TimeRole::kCreated:
      return "created";
    case TimeRole::kDigitized:
      return "digitized";
    case TimeRole::kModified:
      return "modified";
    case TimeRole::kGps:
      return "gps";
    case TimeRole::kFileModified:
      return "file_modified";
  }
  return "unknown";
}

namespace {

// Days from 1970-01-01 to the given proleptic Gregorian date (negative before 1970).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void CivilFromDays(std::int64_t z, int* y, int* m, int* d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned dd = doy - (153 * mp + 2) / 5 + 1;
  const unsigned mm = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (mm <= 2));
  *m = static_cast<int>(mm);
  *d = static_cast<int>(dd);
}

std::string FormatWall(std::int64_t wall, int millis) {
  std::int64_t days = wall >= 0 ? wall / 86400 : -((-wall + 86399) / 86400);
  std::int64_t secs = wall - days * 86400;
  int y, m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[64];
  int h = static_cast<int>(secs / 3600), mi = static_cast<int>(secs / 60 % 60),
      s = static_cast<int>(secs % 60);
  if (millis >= 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03d", y, m, d, h, mi, s, millis);
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", y, m, d, h, mi, s);
  }
  return buf;
}

// Reads exactly n digits at s[*pos]; advances *pos.
bool ReadDigits(std::string_view s, std::size_t* pos, std::size_t n, int* out) {
  if (*pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char c = s[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

// Parses "Z", "±HH:MM", "±HHMM" or "±HH" at s[*pos].
std::optional<int> ReadZone(std::string_view s, std::size_t* pos) {
  if (*pos >= s.size()) return std::nullopt;
  if (s[*pos] == 'Z' || s[*pos] == 'z') {
    ++*pos;
    return 0;
  }
  if (s[*pos] != '+' && s[*pos] != '-') return std::nullopt;
  int sign = s[*pos] == '-' ? -1 : 1;
  std::size_t p = *pos + 1;
  int hh, mm = 0;
  if (!ReadDigits(s, &p, 2, &hh)) return std::nullopt;
  if (p < s.size() && s[p] == ':') ++p;
  if (p < s.size() && !ReadDigits(s, &p, 2, &mm)) return std::nullopt;
  if (hh > 14 || mm > 59) return std::nullopt;
  *pos = p;
  return sign * (hh * 60 + mm);
}

std::string Trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\0' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\0' || s[e - 1] == '\t')) --e;
  return std::string(s.substr(b, e - b));
}

bool ValidDate(int y, int mo, int d, int h, int mi, int s) {
  return y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && s <= 60;
}

int MillisFromFraction(std::string_view digits) {
  int ms = 0, scale = 100;
  for (char c : digits) {
    if (c < '0' || c > '9') break;
    ms += (c - '0') * scale;
    scale /= 10;
    if (scale == 0) break;
  }
  return ms;
}

}  // namespace

std::optional<double> Timestamp::UtcSeconds() const {
  if (!utc_offset_minutes || unset) return std::nullopt;
  double t = static_cast<double>(wall_seconds - *utc_offset_minutes * 60);
  if (millis >= 0) t += millis / 1000.0;
  return t;
}

std::string Timestamp::LocalText() const { return FormatWall(wall_seconds, millis); }

std::string Timestamp::ZoneText() const {
  if (!utc_offset_minutes) return "";
  int off = *utc_offset_minutes;
  if (off == 0) return "Z";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", off < 0 ? '-' : '+', std::abs(off) / 60,
                std::abs(off) % 60);
  return buf;
}

std::string Timestamp::UtcText() const {
  if (!utc_offset_minutes || unset) return "";
  return FormatWall(wall_seconds - *utc_offset_minutes * 60, millis) + "Z";
}

std::string Timestamp::Text() const { return LocalText() + ZoneText(); }

std::optional<Timestamp> ParseExifTime(TimeRole role, std::string source, std::string_view text,
                                       std::string_view subsec, std::string_view offset) {
  std::string t = Trim(text);
  Timestamp ts;
  ts.role = role;
  ts.source = std::move(source);
  ts.raw = t;
  // Blank or all-zero dates are how EXIF says "unknown" (CIPA DC-008: "    :  :     :  :  ").
  bool zeros = !t.empty();
  for (char c : t) {
    if (c != '0' && c != ':' && c != ' ' && c != '-' && c != 'T') zeros = false;
  }
  if (t.empty() || zeros) {
    if (t.empty() && text.empty()) return std::nullopt;
    ts.unset = true;
    return ts;
  }
  std::size_t p = 0;
  int y, mo, d, h = 0, mi = 0, s = 0;
  if (!ReadDigits(t, &p, 4, &y) || p >= t.size() || (t[p] != ':' && t[p] != '-' && t[p] != '/')) {
    return std::nullopt;
  }
  ++p;
  if (!ReadDigits(t, &p, 2, &mo) || p >= t.size() || (t[p] != ':' && t[p] != '-' && t[p] != '/')) {
    return std::nullopt;
  }
  ++p;
  if (!ReadDigits(t, &p, 2, &d)) return std::nullopt;
  if (p < t.size() && (t[p] == ' ' || t[p] == 'T')) {
    ++p;
    if (!ReadDigits(t, &p, 2, &h) || p >= t.size() || t[p++] != ':' || !ReadDigits(t, &p, 2, &mi)) {
      return std::nullopt;
    }
    if (p < t.size() && t[p] == ':') {
      ++p;
      if (!ReadDigits(t, &p, 2, &s)) return std::nullopt;
    }
  }
  if (!ValidDate(y, mo, d, h, mi, s)) return std::nullopt;
  if (p < t.size() && t[p] == '.') {
    std::size_t b = ++p;
    while (p < t.size() && t[p] >= '0' && t[p] <= '9') ++p;
    ts.millis = MillisFromFraction(t.substr(b, p - b));
  }
  if (p < t.size()) ts.utc_offset_minutes = ReadZone(t, &p);
  ts.wall_seconds = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
                    h * 3600 + mi * 60 + s;
  std::string ss = Trim(subsec);
  if (!ss.empty() && ss[0] >= '0' && ss[0] <= '9' && ts.millis < 0) {
    ts.millis = MillisFromFraction(ss);
  }
  std::string off = Trim(offset);
  if (!off.empty() && !ts.utc_offset_minutes) {
    std::size_t op = 0;
    ts.utc_offset_minutes = ReadZone(off, &op);
  }
  return ts;
}

std::optional<Timestamp> ParseIsoTime(TimeRole role, std::string source, std::string_view text) {
  std::string t = Trim(text);
  if (t.size() < 10) return std::nullopt;
  // Same grammar as EXIF once the date separators are accepted; a 'T' separates the time.
  return ParseExifTime(role, std::move(source), t);
}

Timestamp UtcTimestamp(TimeRole role, std::string source, std::string raw, std::int64_t seconds,
                       int millis) {
  Timestamp ts;
  ts.role = role;
  ts.source = std::move(source);
  ts.raw = std::move(raw);
  ts.wall_seconds = seconds;
  ts.millis = millis;
  ts.utc_offset_minutes = 0;
  return ts;
}

std::string CleanText(std::string_view text) {
  std::string s = DisplayPath(text);  // escapes bytes that are not UTF-8
  for (char& c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
  }
  std::size_t b = 0, e = s.size();
  while (b < e && s[b] == ' ') ++b;
  while (e > b && s[e - 1] == ' ') --e;
  return s.substr(b, e - b);
}

}  // namespace sightline::media
