#include "signals/geo/gpx.h"

#include <expat.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>

#include "base/file.h"
#include "base/markup.h"
#include "base/time.h"

namespace sightline::signals::geo {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kMaxText = 256;

struct ParserDeleter {
  void operator()(XML_Parser p) const { XML_ParserFree(p); }
};
using ParserPtr = std::unique_ptr<std::remove_pointer_t<XML_Parser>, ParserDeleter>;

enum class Field { kNone, kEle, kTime, kHdop, kPdop, kFix, kSpeed };

struct State {
  XML_Parser parser = nullptr;
  GpxLimits limits;
  std::string name;
  int depth = 0;
  Status error;
  std::string version;
  // Points by kind: track, route, waypoints.
  std::vector<TrackPoint> trk, rte, wpt;
  std::size_t total_points = 0;
  std::size_t skipped = 0;
  std::string skipped_example;
  int point_kind = -1;  // 0 trk, 1 rte, 2 wpt; -1 outside a point
  int point_depth = 0;
  bool point_valid = false;
  double pdop = kNaN;
  TrackPoint point;
  Field field = Field::kNone;
  std::string text;
};

// GPX <time>: "YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]" as Unix seconds. No zone means UTC (GPX 1.1
// says times are UTC; some writers omit the Z).
std::optional<double> ParseGpxTime(std::string_view s) {
  return ParseRfc3339(s, /*zone_required=*/false);
}

std::string_view LocalName(const XML_Char* name) {
  std::string_view n(name);
  std::size_t colon = n.rfind(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

void Fail(State* st, Status s) {
  if (st->error.ok()) st->error = std::move(s);
  XML_StopParser(st->parser, XML_FALSE);
}

bool ParseNumber(const char* s, double* out) {
  if (!s) return false;
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(s, &end);
  while (end && *end && std::isspace(static_cast<unsigned char>(*end))) ++end;
  if (end == s || (end && *end) || errno == ERANGE || !std::isfinite(v)) return false;
  *out = v;
  return true;
}

void XMLCALL OnStart(void* data, const XML_Char* name, const XML_Char** attrs) {
  auto* st = static_cast<State*>(data);
  if (++st->depth > st->limits.max_depth) {
    Fail(st, InvalidArgument(st->name + ": XML nested deeper than " +
                             std::to_string(st->limits.max_depth) + " levels (GPX needs 5)"));
    return;
  }
  std::string_view n = LocalName(name);
  if (st->depth == 1) {
    if (n != "gpx") {
      Fail(st, Unsupported(st->name + ": not GPX (the root element is <" + std::string(n) + ">)"));
      return;
    }
    for (int i = 0; attrs[i]; i += 2)
      if (std::strcmp(attrs[i], "version") == 0) st->version = attrs[i + 1];
    return;
  }
  if (st->point_kind < 0 && (n == "trkpt" || n == "rtept" || n == "wpt")) {
    st->point_kind = n == "trkpt" ? 0 : n == "rtept" ? 1 : 2;
    st->point_depth = st->depth;
    st->point = TrackPoint{};
    st->point.t = st->point.utc_s = st->point.alt_m = st->point.speed_mps = kNaN;
    st->point.speed3d_mps = st->point.dop = kNaN;
    st->pdop = kNaN;
    const char* lat = nullptr;
    const char* lon = nullptr;
    for (int i = 0; attrs[i]; i += 2) {
      if (std::strcmp(attrs[i], "lat") == 0) lat = attrs[i + 1];
      if (std::strcmp(attrs[i], "lon") == 0) lon = attrs[i + 1];
    }
    st->point_valid = ParseNumber(lat, &st->point.lat) && ParseNumber(lon, &st->point.lon) &&
                      std::fabs(st->point.lat) <= 90 && std::fabs(st->point.lon) <= 180;
    if (!st->point_valid && st->skipped_example.empty()) {
      st->skipped_example = "line " + std::to_string(XML_GetCurrentLineNumber(st->parser)) +
                            ": lat=\"" + (lat ? lat : "") + "\" lon=\"" + (lon ? lon : "") + "\"";
    }
    return;
  }
  if (st->point_kind >= 0) {
    st->field = n == "ele"     ? Field::kEle
                : n == "time"  ? Field::kTime
                : n == "hdop"  ? Field::kHdop
                : n == "pdop"  ? Field::kPdop
                : n == "fix"   ? Field::kFix
                : n == "speed" ? Field::kSpeed
                               : Field::kNone;
    st->text.clear();
  }
}

void XMLCALL OnText(void* data, const XML_Char* s, int len) {
  auto* st = static_cast<State*>(data);
  if (st->field == Field::kNone || len <= 0) return;
  std::size_t room = kMaxText - std::min(kMaxText, st->text.size());
  st->text.append(s, std::min(room, static_cast<std::size_t>(len)));
}

void StoreField(State* st) {
  std::string v = st->text;
  v.erase(0, v.find_first_not_of(" \t\r\n"));
  v.erase(v.find_last_not_of(" \t\r\n") + 1);
  double x = 0;
  TrackPoint& p = st->point;
  switch (st->field) {
    case Field::kEle:
      if (ParseNumber(v.c_str(), &x)) p.alt_m = x;
      break;
    case Field::kTime: {
      if (auto t = ParseGpxTime(v)) p.utc_s = *t;
      break;
    }
    case Field::kHdop:
      if (ParseNumber(v.c_str(), &x)) p.dop = x;
      break;
    case Field::kPdop:
      if (ParseNumber(v.c_str(), &x)) st->pdop = x;
      break;
    case Field::kFix:
      p.fix = v == "none" ? 0 : v == "2d" ? 2 : (v == "3d" || v == "dgps" || v == "pps") ? 3 : -1;
      break;
    case Field::kSpeed:
      if (ParseNumber(v.c_str(), &x)) p.speed_mps = x;
      break;
    case Field::kNone:
      break;
  }
}

void XMLCALL OnEnd(void* data, const XML_Char*) {
  auto* st = static_cast<State*>(data);
  if (st->point_kind >= 0 && st->field != Field::kNone) {
    StoreField(st);
    st->field = Field::kNone;
  } else if (st->point_kind >= 0 && st->depth == st->point_depth) {
    if (!st->point_valid) {
      ++st->skipped;
    } else if (++st->total_points > st->limits.max_points) {
      Fail(st, InvalidArgument(st->name + ": more than " + std::to_string(st->limits.max_points) +
                               " points"));
    } else {
      if (std::isnan(st->point.dop)) st->point.dop = st->pdop;
      std::vector<TrackPoint>& to = st->point_kind == 0   ? st->trk
                                    : st->point_kind == 1 ? st->rte
                                                          : st->wpt;
      to.push_back(st->point);
    }
    st->point_kind = -1;
  }
  --st->depth;
}

Result<Track> Finish(State& st) {
  Track track;
  const char* kind = "trk";
  if (!st.trk.empty()) {
    track.points = std::move(st.trk);
  } else if (!st.rte.empty()) {
    track.points = std::move(st.rte);
    kind = "rte";
  } else {
    track.points = std::move(st.wpt);
    kind = "wpt";
  }
  if (track.points.empty()) {
    return NotFound(st.name + ": no track, route or waypoint with a valid position" +
                    (st.skipped ? " (" + std::to_string(st.skipped) + " invalid, e.g. " +
                                      st.skipped_example + ")"
                                : std::string()));
  }
  track.source =
      "GPX " + (st.version.empty() ? std::string("(no version)") : st.version) + " " + kind;
  if (st.skipped) {
    track.warnings.push_back(std::to_string(st.skipped) +
                             " point(s) with an invalid lat/lon "
                             "skipped, e.g. " +
                             st.skipped_example);
  }
  double first = kNaN;
  std::size_t untimed = 0;
  bool ordered = true;
  double last = -std::numeric_limits<double>::infinity();
  for (TrackPoint& p : track.points) {
    if (std::isnan(p.utc_s)) {
      ++untimed;
      continue;
    }
    if (std::isnan(first)) first = p.utc_s;
    p.t = p.utc_s - first;
    if (p.utc_s < last) ordered = false;
    last = p.utc_s;
  }
  if (untimed) {
    track.warnings.push_back(std::to_string(untimed) + " of " +
                             std::to_string(track.points.size()) +
                             " points have no <time>: they count for the path, not for --at");
  }
  if (!ordered) {
    track.warnings.push_back("times go backwards; timed points sorted by time");
    std::stable_partition(track.points.begin(), track.points.end(),
                          [](const TrackPoint& p) { return !std::isnan(p.t); });
    auto end_timed = std::find_if(track.points.begin(), track.points.end(),
                                  [](const TrackPoint& p) { return std::isnan(p.t); });
    std::stable_sort(track.points.begin(), end_timed,
                     [](const TrackPoint& a, const TrackPoint& b) { return a.t < b.t; });
  }
  return track;
}

// Feeds `read(buf, cap)` blocks to Expat until it returns 0.
template <typename Reader>
Result<Track> Parse(const std::string& name, const GpxLimits& limits, Reader read) {
  ParserPtr parser(XML_ParserCreate(nullptr));
  if (!parser) return Internal("out of memory creating the XML parser");
  State st;
  st.parser = parser.get();
  st.limits = limits;
  st.name = name;
  XML_SetUserData(parser.get(), &st);
  XML_SetElementHandler(parser.get(), OnStart, OnEnd);
  XML_SetCharacterDataHandler(parser.get(), OnText);
  std::vector<char> buf(64 * 1024);
  while (true) {
    Result<std::size_t> n = read(buf.data(), buf.size());
    if (!n.ok()) return n.status();
    const bool final = *n == 0;
    if (XML_Parse(parser.get(), buf.data(), static_cast<int>(*n), final) == XML_STATUS_ERROR) {
      if (!st.error.ok()) return st.error;
      return Corrupt(name + ": line " + std::to_string(XML_GetCurrentLineNumber(parser.get())) +
                     ": " + XML_ErrorString(XML_GetErrorCode(parser.get())));
    }
    if (final) break;
  }
  return Finish(st);
}

}  // namespace

Result<Track> ParseGpx(std::string_view xml, const std::string& name, const GpxLimits& limits) {
  std::size_t pos = 0;
  return Parse(name, limits, [&](char* buf, std::size_t cap) -> Result<std::size_t> {
    std::size_t n = std::min(cap, xml.size() - pos);
    std::memcpy(buf, xml.data() + pos, n);
    pos += n;
    return n;
  });
}

Result<Track> ReadGpx(const std::string& path, const GpxLimits& limits) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  const std::string name = DisplayPath(path);
  if (!f) {
    if (errno == ENOENT) return NotFound(name + ": no such file");
    return IoError(name + ": cannot open: " + std::strerror(errno));
  }
  return Parse(name, limits, [&](char* buf, std::size_t cap) -> Result<std::size_t> {
    std::size_t n = std::fread(buf, 1, cap, f.get());
    if (n == 0 && std::ferror(f.get())) return IoError(name + ": read error");
    return n;
  });
}

std::string WriteGpx(const Track& track, const std::string& name) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<gpx version=\"1.1\" creator=\"Sightline\" xmlns=\"http://www.topografix.com/GPX/1/1\">\n"
      "  <trk>\n    <name>" +
      EscapeMarkup(name) + "</name>\n    <src>" + EscapeMarkup(track.source) +
      "</src>\n    <trkseg>\n";
  char buf[160];
  for (const TrackPoint& p : track.points) {
    std::snprintf(buf, sizeof buf, "      <trkpt lat=\"%.9f\" lon=\"%.9f\">", p.lat, p.lon);
    out += buf;
    if (!std::isnan(p.alt_m)) {
      std::snprintf(buf, sizeof buf, "<ele>%.3f</ele>", p.alt_m);
      out += buf;
    }
    // Years 0000-9999 only: a damaged source can hold 1e300 s, which no integer holds.
    if (p.utc_s >= -62167219200.0 && p.utc_s < 253402300800.0) {
      const double whole = std::floor(p.utc_s);
      long ms = std::lround((p.utc_s - whole) * 1000.0);
      std::int64_t secs = static_cast<std::int64_t>(whole);
      if (ms >= 1000) ms -= 1000, ++secs;
      out += "<time>" + FormatUtc(secs, ms * 1'000'000L) + "</time>";
    }
    if (p.fix == 0 || p.fix == 2 || p.fix == 3) {
      out += p.fix == 0 ? "<fix>none</fix>" : p.fix == 2 ? "<fix>2d</fix>" : "<fix>3d</fix>";
    }
    if (!std::isnan(p.dop)) {
      std::snprintf(buf, sizeof buf, "<hdop>%.2f</hdop>", p.dop);
      out += buf;
    }
    if (!std::isnan(p.speed_mps)) {
      std::snprintf(buf, sizeof buf, "<extensions><speed>%.3f</speed></extensions>", p.speed_mps);
      out += buf;
    }
    out += "</trkpt>\n";
  }
  out += "    </trkseg>\n  </trk>\n</gpx>\n";
  return out;
}

}  // namespace sightline::signals::geo
