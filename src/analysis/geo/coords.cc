#include "analysis/geo/coords.h"

#include <GeographicLib/DMS.hpp>
#include <GeographicLib/MGRS.hpp>
#include <GeographicLib/UTMUPS.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <regex>

#include "media/iso6709.h"

namespace sightline::analysis::geo {
namespace {

using GeographicLib::DMS;
using GeographicLib::MGRS;
using GeographicLib::UTMUPS;

constexpr std::size_t kMaxText = 200;  // longer than any coordinate anyone pastes

// Upper case, typographic marks folded to GeographicLib's d ' " and runs of white space (and
// commas used as separators) kept as single spaces.
std::string Normalize(std::string_view in) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(in[i]);
    auto next = [&](std::size_t k) -> unsigned char {
      return i + k < in.size() ? static_cast<unsigned char>(in[i + k]) : 0;
    };
    if (c == 0xC2 && (next(1) == 0xB0 || next(1) == 0xBA)) {  // ° º
      out += 'D';
      ++i;
    } else if (c == 0xE2 && next(1) == 0x80 && (next(2) == 0xB2 || next(2) == 0x99)) {  // ′ ’
      out += '\'';
      i += 2;
    } else if (c == 0xE2 && next(1) == 0x80 && (next(2) == 0xB3 || next(2) == 0x9D)) {  // ″ ”
      out += '"';
      i += 2;
    } else if (c == '\'' && next(1) == '\'') {  // two primes for seconds
      out += '"';
      ++i;
    } else if (std::isspace(c)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += static_cast<char>(std::toupper(c));
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

bool IsHemisphere(char c) { return c == 'N' || c == 'S' || c == 'E' || c == 'W'; }

// One angle ("N 50 27.006", "50D27'00.4\"N", "-33.86") rewritten as GeographicLib's DMS syntax
// ("N50d27.006'"), so DMS::DecodeLatLon can check ranges and pair hemispheres.
Result<std::string> CanonicalAngle(std::string_view part) {
  std::vector<std::string> numbers;
  std::string current, sign;
  char hemisphere = 0;
  bool hemisphere_first = false;
  auto flush = [&]() {
    if (!current.empty()) numbers.push_back(current);
    current.clear();
  };
  for (std::size_t i = 0; i < part.size(); ++i) {
    char c = part[i];
    if ((c >= '0' && c <= '9') || c == '.') {
      current += c;
    } else if ((c == '-' || c == '+') && numbers.empty() && current.empty() && sign.empty()) {
      sign = c == '-' ? "-" : "";
    } else if (c == ' ' || c == 'D' || c == '\'' || c == '"' || c == ':') {
      flush();
    } else if (IsHemisphere(c) && !hemisphere) {
      flush();
      hemisphere = c;
      hemisphere_first = numbers.empty();
    } else {
      return InvalidArgument(std::string("unexpected '") + c + "'");
    }
  }
  flush();
  if (numbers.empty() || numbers.size() > 3)
    return InvalidArgument("\"" + std::string(part) +
                           "\" is not an angle (degrees [minutes "
                           "[seconds]])");
  (void)hemisphere_first;
  static const char* const kMarks[] = {"d", "'", "\""};
  std::string out = sign;
  for (std::size_t i = 0; i < numbers.size(); ++i) out += numbers[i] + kMarks[i];
  if (hemisphere) out += hemisphere;
  return out;
}

// Splits "A, B" / "50D27'N 30D31'E" / "N 50 27 E 30 31" / "50.1 30.2" into the two angles.
Result<std::pair<std::string, std::string>> SplitPair(const std::string& s) {
  std::size_t commas = 0, at = 0;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s[i] == ',' || s[i] == ';') ++commas, at = i;
  if (commas == 1) return std::make_pair(s.substr(0, at), s.substr(at + 1));
  if (commas > 1) return InvalidArgument("more than one ',' (a decimal comma? write 50.45, 30.52)");
  std::vector<std::size_t> letters;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (IsHemisphere(s[i])) letters.push_back(i);
  if (!letters.empty()) {
    if (letters[0] == 0) {  // prefix style: split before the second letter
      if (letters.size() < 2) return InvalidArgument("only one hemisphere letter");
      return std::make_pair(s.substr(0, letters[1]), s.substr(letters[1]));
    }
    return std::make_pair(s.substr(0, letters[0] + 1), s.substr(letters[0] + 1));
  }
  std::vector<std::size_t> spaces;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s[i] == ' ') spaces.push_back(i);
  const std::size_t tokens = spaces.size() + 1;
  if (tokens == 2 || tokens == 4 || tokens == 6) {
    std::size_t cut = spaces[tokens / 2 - 1];
    return std::make_pair(s.substr(0, cut), s.substr(cut + 1));
  }
  return InvalidArgument("expected a latitude and a longitude");
}

double ToNumber(const std::string& s) { return std::strtod(s.c_str(), nullptr); }

Result<Coordinate> FromUtm(int zone, bool northp, double x, double y) {
  Coordinate c;
  try {
    UTMUPS::Reverse(zone, northp, x, y, c.lat, c.lon);
  } catch (const std::exception& e) {
    return InvalidArgument(std::string("not a valid UTM/UPS position: ") + e.what());
  }
  return c;
}

Result<Coordinate> ParseUtm(const std::smatch& m) {
  const int zone = std::stoi(m[1].str());
  const std::string band = m[2].str();
  const double x = ToNumber(m[3].str()), y = ToNumber(m[4].str());
  if (zone < 1 || zone > 60) return InvalidArgument("UTM zone " + m[1].str() + " is not 1-60");
  std::string note;
  bool northp;
  char band_letter = 0;
  if (band == "NORTH") {
    northp = true;
  } else if (band == "SOUTH") {
    northp = false;
  } else if (band.size() == 1 && band[0] >= 'C' && band[0] <= 'X' && band[0] != 'I' &&
             band[0] != 'O') {
    band_letter = band[0];
    northp = band_letter >= 'N';
  } else {
    return InvalidArgument("\"" + band + "\" is not a UTM latitude band (C-X) or north/south");
  }
  SL_ASSIGN_OR_RETURN(Coordinate c, FromUtm(zone, northp, x, y));
  if (band_letter == 'S' && (c.lat < 31.99 || c.lat > 40.01)) {
    // "S" as a hemisphere (GeographicLib's and many GPS units' style) rather than band S.
    auto south = FromUtm(zone, false, x, y);
    if (south.ok()) {
      c = *south;
      note = "'S' read as the southern hemisphere (band S is 32-40N, which this northing is not)";
      band_letter = 0;
    }
  }
  // The band must hold the point; 0.01 degree (about 1 km) of slack for points written at a band
  // edge and rounded across it.
  auto band_near = [&](double d) { return UtmBand(std::clamp(c.lat + d, -80.0, 84.0)); };
  if (band_letter != 0 && band_letter != 'N' && band_near(0) != band_letter &&
      band_near(0.01) != band_letter && band_near(-0.01) != band_letter) {
    char actual = UtmBand(c.lat);
    return InvalidArgument(std::string("northing puts the point at latitude ") +
                           std::to_string(c.lat) + " (band " + (actual ? actual : '?') +
                           "), not in band " + band_letter);
  }
  c.parsed_as = CoordFormat::kUtm;
  c.uncertainty_m = 0;
  c.note = note;
  return c;
}

Result<Coordinate> ParseMgrs(const std::string& compact) {
  Coordinate c;
  int zone = 0, prec = 0;
  bool northp = false;
  double x = 0, y = 0;
  try {
    MGRS::Reverse(compact, zone, northp, x, y, prec, /*centerp=*/true);
    UTMUPS::Reverse(zone, northp, x, y, c.lat, c.lon);
  } catch (const std::exception& e) {
    return InvalidArgument(std::string("not a valid MGRS reference: ") + e.what());
  }
  c.parsed_as = CoordFormat::kMgrs;
  c.uncertainty_m = std::pow(10.0, 5 - std::max(prec, 0)) * std::sqrt(0.5);  // to a corner
  return c;
}

}  // namespace

char UtmBand(double lat) {
  static const char kBands[] = "CDEFGHJKLMNPQRSTUVWX";
  if (!(lat >= -80 && lat <= 84)) return '\0';
  int i = static_cast<int>(std::floor((lat + 80) / 8));
  if (i > 19) i = 19;  // band X spans 72-84
  return kBands[i];
}

std::optional<CoordFormat> CoordFormatFromName(std::string_view n) {
  if (n == "decimal" || n == "dd" || n == "deg") return CoordFormat::kDecimal;
  if (n == "dms") return CoordFormat::kDms;
  if (n == "iso6709" || n == "iso") return CoordFormat::kIso6709;
  if (n == "utm" || n == "ups") return CoordFormat::kUtm;
  if (n == "mgrs") return CoordFormat::kMgrs;
  return std::nullopt;
}

const char* CoordFormatName(CoordFormat f) {
  switch (f) {
    case CoordFormat::kDecimal:
      return "decimal";
    case CoordFormat::kDms:
      return "dms";
    case CoordFormat::kIso6709:
      return "iso6709";
    case CoordFormat::kUtm:
      return "utm";
    case CoordFormat::kMgrs:
      return "mgrs";
  }
  return "?";
}

std::vector<CoordFormat> AllCoordFormats() {
  return {CoordFormat::kDecimal, CoordFormat::kDms, CoordFormat::kIso6709, CoordFormat::kUtm,
          CoordFormat::kMgrs};
}

Result<Coordinate> ParseCoordinate(std::string_view text) {
  if (text.size() > kMaxText) return InvalidArgument("coordinate text is too long");
  const std::string s = Normalize(text);
  if (s.empty()) return InvalidArgument("empty coordinate");

  // ISO 6709: signed components run together, e.g. +50.4501+030.5234/.
  if ((s[0] == '+' || s[0] == '-') && s.find(' ') == std::string::npos &&
      s.find(',') == std::string::npos && s.find_first_of("+-", 1) != std::string::npos) {
    auto p = media::ParseIso6709(s);
    if (!p) return InvalidArgument("\"" + std::string(text) + "\" is not valid ISO 6709");
    Coordinate c;
    c.lat = p->lat;
    c.lon = p->lon;
    c.alt_m = p->alt_m;
    c.parsed_as = CoordFormat::kIso6709;
    return c;
  }

  std::string compact;
  for (char ch : s)
    if (ch != ' ') compact += ch;
  static const std::regex kMgrs(R"(^(\d{1,2}[C-HJ-NP-X]|[ABYZ])[A-HJ-NP-Z]{2}(\d\d)*$)");
  if (std::regex_match(compact, kMgrs) && compact.size() <= 15) return ParseMgrs(compact);

  std::string spaced = s;  // commas as separators
  for (char& ch : spaced)
    if (ch == ',') ch = ' ';
  spaced = Normalize(spaced);
  static const std::regex kUtm(
      R"(^(\d{1,2}) ?([A-Z]|NORTH|SOUTH) (\d+(?:\.\d+)?) ?(?:ME|M|E)? (\d+(?:\.\d+)?) ?(?:MN|M|N)?$)");
  static const std::regex kUps(
      R"(^UPS ?([NS]) (\d+(?:\.\d+)?) ?(?:ME|M|E)? (\d+(?:\.\d+)?) ?(?:MN|M|N)?$)");
  std::smatch m;
  if (std::regex_match(spaced, m, kUtm)) return ParseUtm(m);
  if (std::regex_match(spaced, m, kUps)) {
    SL_ASSIGN_OR_RETURN(Coordinate c, FromUtm(UTMUPS::UPS, m[1].str() == "N", ToNumber(m[2].str()),
                                              ToNumber(m[3].str())));
    c.parsed_as = CoordFormat::kUtm;
    return c;
  }

  const std::string hint =
      "; try \"50.4501, 30.5234\", \"50°27'00\"N 30°31'24\"E\", \"36U 320000 5590000\" or "
      "\"36UUA2000090000\"";
  auto fail = [&](const std::string& why) {
    return InvalidArgument("not a coordinate: \"" + std::string(text) + "\": " + why + hint);
  };
  auto halves = SplitPair(s);
  if (!halves.ok()) return fail(halves.status().message());
  auto a = CanonicalAngle(halves->first);
  if (!a.ok()) return fail(a.status().message());
  auto b = CanonicalAngle(halves->second);
  if (!b.ok()) return fail(b.status().message());
  Coordinate c;
  try {
    // DecodeLatLon wraps longitudes (190 -> -170); a pasted 190 is a mistake, not a wrap.
    for (const std::string* part : {&*a, &*b}) {
      DMS::flag ind;
      const double v = DMS::Decode(*part, ind);
      if (std::fabs(v) > 180) return fail(std::to_string(v) + " is beyond ±180 degrees");
    }
    DMS::DecodeLatLon(*a, *b, c.lat, c.lon, /*longfirst=*/false);
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  if (c.lon >= 180) c.lon -= 360;
  const bool has_dms_marks =
      a->find('\'') != std::string::npos || b->find('\'') != std::string::npos;
  c.parsed_as = has_dms_marks ? CoordFormat::kDms : CoordFormat::kDecimal;
  return c;
}

Result<std::string> FormatCoordinate(const Coordinate& c, CoordFormat f) {
  char buf[128];
  switch (f) {
    case CoordFormat::kDecimal:
      std::snprintf(buf, sizeof buf, "%.6f, %.6f", c.lat, c.lon);
      return std::string(buf);
    case CoordFormat::kDms: {
      auto one = [](double v, DMS::flag ind) {
        std::string s = DMS::Encode(v, DMS::SECOND, 1, ind);
        std::string out;
        std::size_t i = 0;
        while (i + 1 < s.size() && s[i] == '0' && s[i + 1] != 'd') ++i;  // "030d" -> "30d"
        for (; i < s.size(); ++i) out += s[i] == 'd' ? std::string("\u00b0") : std::string(1, s[i]);
        return out;
      };
      return one(c.lat, DMS::LATITUDE) + " " + one(c.lon, DMS::LONGITUDE);
    }
    case CoordFormat::kIso6709: {
      std::snprintf(buf, sizeof buf, "%+010.6f%+011.6f", c.lat, c.lon);
      std::string s = buf;
      if (c.alt_m) {
        std::snprintf(buf, sizeof buf, "%+.1f", *c.alt_m);
        s += buf;
        s += "CRSWGS_84";
      }
      return s + "/";
    }
    case CoordFormat::kUtm:
    case CoordFormat::kMgrs: {
      int zone = 0;
      bool northp = false;
      double x = 0, y = 0;
      try {
        UTMUPS::Forward(c.lat, c.lon, zone, northp, x, y);
        if (f == CoordFormat::kMgrs) {
          std::string s;
          MGRS::Forward(zone, northp, x, y, c.lat, 5, s);
          return s;
        }
      } catch (const std::exception& e) {
        return InvalidArgument(std::string("cannot express as ") + CoordFormatName(f) + ": " +
                               e.what());
      }
      if (zone == UTMUPS::UPS) {
        std::snprintf(buf, sizeof buf, "UPS %c %.0f %.0f", northp ? 'N' : 'S', x, y);
      } else {
        std::snprintf(buf, sizeof buf, "%d%c %.0f %.0f", zone, UtmBand(c.lat), x, y);
      }
      return std::string(buf);
    }
  }
  return Internal("unknown coordinate format");
}

}  // namespace sightline::analysis::geo
