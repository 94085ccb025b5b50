#include "signals/geo/gpmf.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>

#include "base/time.h"

namespace sightline::signals::geo {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// One KLV entry; `data` holds size × repeat bytes (the padding is not part of it).
struct Entry {
  std::size_t offset = 0;  // of the header, from the start of the payload
  std::string key;
  char type = 0;
  std::uint8_t size = 0;
  std::uint16_t repeat = 0;
  std::span<const std::uint8_t> data;
};

std::string Quoted(const std::string& key) { return "'" + key + "'"; }

Status CorruptAt(std::size_t offset, const std::string& what) {
  return Corrupt("GPMF offset " + std::to_string(offset) + ": " + what);
}

// Bytes of one element of a type character; 0 for unknown types and nests.
std::size_t TypeSize(char t) {
  switch (t) {
    case 'b':
    case 'B':
    case 'c':
      return 1;
    case 's':
    case 'S':
      return 2;
    case 'l':
    case 'L':
    case 'f':
    case 'F':
    case 'q':
      return 4;
    case 'd':
    case 'j':
    case 'J':
    case 'Q':
      return 8;
    case 'G':
    case 'U':
      return 16;
    default:
      return 0;
  }
}

bool IsNumericType(char t) {
  return t != 'c' && t != 'F' && t != 'G' && t != 'U' && TypeSize(t) != 0;
}

// `v` as the integer type T when it is a number T can hold (fractions truncated); nullopt for
// NaN or out of range. A damaged payload can hold 1e300 where a count or code belongs, and
// converting that is undefined behaviour.
template <typename T>
std::optional<T> AsInteger(double v) {
  constexpr double lo = static_cast<double>(std::numeric_limits<T>::min());
  const double hi = std::ldexp(1.0, std::numeric_limits<T>::digits);  // exclusive
  if (!(v >= lo && v < hi)) return std::nullopt;
  return static_cast<T>(v);
}

// Unix times from 2000 to 2100: a camera clock outside them was never set, or the data is damaged.
bool PlausibleUnixTime(double t) { return t > 946684800.0 && t < 4102444800.0; }

std::uint64_t BigEndian(const std::uint8_t* p, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

// The value of one numeric element at p (TypeSize(t) bytes are readable).
double ReadNumber(char t, const std::uint8_t* p) {
  switch (t) {
    case 'b':
      return static_cast<std::int8_t>(p[0]);
    case 'B':
      return p[0];
    case 's':
      return static_cast<std::int16_t>(BigEndian(p, 2));
    case 'S':
      return static_cast<double>(BigEndian(p, 2));
    case 'l':
      return static_cast<std::int32_t>(BigEndian(p, 4));
    case 'L':
      return static_cast<double>(BigEndian(p, 4));
    case 'j':
      return static_cast<double>(static_cast<std::int64_t>(BigEndian(p, 8)));
    case 'J':
      return static_cast<double>(BigEndian(p, 8));
    case 'q':
      return static_cast<std::int32_t>(BigEndian(p, 4)) / 65536.0;  // Q15.16
    case 'Q':
      return static_cast<double>(static_cast<std::int64_t>(BigEndian(p, 8))) / 4294967296.0;
    case 'f': {
      std::uint32_t bits = static_cast<std::uint32_t>(BigEndian(p, 4));
      float f;
      std::memcpy(&f, &bits, sizeof f);
      return f;
    }
    case 'd': {
      std::uint64_t bits = BigEndian(p, 8);
      double d;
      std::memcpy(&d, &bits, sizeof d);
      return d;
    }
    default:
      return kNaN;
  }
}

bool IsKeyChar(std::uint8_t c) { return c >= 0x20 && c < 0x7f; }

// Splits one nest into its entries. `base` is the nest's offset within the payload.
Result<std::vector<Entry>> ReadNest(std::span<const std::uint8_t> bytes, std::size_t base) {
  std::vector<Entry> entries;
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    if (bytes.size() - pos < 8) {
      // Trailing zero padding after the last entry is harmless; anything else is cut short.
      for (std::size_t i = pos; i < bytes.size(); ++i)
        if (bytes[i] != 0) return CorruptAt(base + pos, "truncated entry header");
      break;
    }
    const std::uint8_t* h = bytes.data() + pos;
    if (h[0] == 0 && h[1] == 0 && h[2] == 0 && h[3] == 0) break;  // zero fill ends the nest
    Entry e;
    e.offset = base + pos;
    for (int i = 0; i < 4; ++i)
      if (!IsKeyChar(h[i])) return CorruptAt(e.offset, "key is not a FourCC (not GPMF data?)");
    e.key.assign(reinterpret_cast<const char*>(h), 4);
    e.type = static_cast<char>(h[4]);
    e.size = h[5];
    e.repeat = static_cast<std::uint16_t>(BigEndian(h + 6, 2));
    const std::uint64_t n = static_cast<std::uint64_t>(e.size) * e.repeat;
    const std::uint64_t remaining = bytes.size() - pos - 8;
    if (n > remaining) {
      return CorruptAt(e.offset, Quoted(e.key) + " claims " + std::to_string(n) + " bytes, " +
                                     std::to_string(remaining) + " remain");
    }
    // Unknown types are skipped by the readers (the spec reserves new ones): the length still
    // frames them.
    e.data = bytes.subspan(pos + 8, static_cast<std::size_t>(n));
    entries.push_back(e);
    const std::uint64_t padded = (n + 3) & ~std::uint64_t{3};
    pos += 8 + static_cast<std::size_t>(std::min<std::uint64_t>(padded, remaining));
  }
  return entries;
}

// Validates every nest below `e` down to the depth limit (nests the GPS decoder does not read
// are still bounded, so a hostile file cannot hide deep recursion anywhere).
Status CheckDepth(const Entry& e, int depth, const GpmfLimits& limits) {
  if (e.type != 0) return Status::Ok();
  if (depth > limits.max_depth) {
    return CorruptAt(e.offset,
                     "nesting deeper than " + std::to_string(limits.max_depth) + " levels");
  }
  SL_ASSIGN_OR_RETURN(std::vector<Entry> children, ReadNest(e.data, e.offset + 8));
  for (const Entry& c : children) SL_RETURN_IF_ERROR(CheckDepth(c, depth + 1, limits));
  return Status::Ok();
}

// The element types of one sample: the entry's own type repeated, or TYPE expanded ("f[8]L").
Result<std::string> SampleLayout(const Entry& e, const std::string& type_string) {
  std::string layout;
  if (e.type == '?') {
    for (std::size_t i = 0; i < type_string.size(); ++i) {
      char t = type_string[i];
      if (t == '\0') break;
      std::size_t count = 1;
      if (i + 1 < type_string.size() && type_string[i + 1] == '[') {
        std::size_t close = type_string.find(']', i + 2);
        if (close == std::string::npos || close - i > 6)
          return CorruptAt(e.offset, "malformed TYPE \"" + type_string + "\"");
        count = 0;
        for (std::size_t k = i + 2; k < close; ++k) {
          if (type_string[k] < '0' || type_string[k] > '9')
            return CorruptAt(e.offset, "malformed TYPE \"" + type_string + "\"");
          count = count * 10 + static_cast<std::size_t>(type_string[k] - '0');
        }
        i = close;
      }
      if (TypeSize(t) == 0) return CorruptAt(e.offset, "TYPE has an unknown field type");
      if (layout.size() + count > 255) return CorruptAt(e.offset, "TYPE is too long");
      layout.append(count, t);
    }
  } else {
    std::size_t es = TypeSize(e.type);
    if (es == 0 || e.size % es != 0)
      return CorruptAt(e.offset,
                       Quoted(e.key) + " has a structure size that does not fit its type");
    layout.assign(e.size / es, e.type);
  }
  std::size_t bytes = 0;
  for (char t : layout) bytes += TypeSize(t);
  if (bytes != e.size) {
    return CorruptAt(e.offset, Quoted(e.key) + " samples are " + std::to_string(e.size) +
                                   " bytes but its TYPE describes " + std::to_string(bytes));
  }
  return layout;
}

// Scaled numbers of every sample of `e` (NaN for non-numeric fields): samples × fields values.
Result<std::vector<double>> ScaledSamples(const Entry& e, const std::string& layout,
                                          const std::vector<double>& scal) {
  if (!scal.empty() && scal.size() != 1 && scal.size() != layout.size()) {
    return CorruptAt(e.offset, "SCAL has " + std::to_string(scal.size()) + " divisors for " +
                                   Quoted(e.key) + "'s " + std::to_string(layout.size()) +
                                   " fields");
  }
  for (double d : scal)
    if (d == 0 || !std::isfinite(d)) return CorruptAt(e.offset, "SCAL divisor of zero");
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(e.repeat) * layout.size());
  const std::uint8_t* p = e.data.data();
  for (std::size_t s = 0; s < e.repeat; ++s) {
    for (std::size_t f = 0; f < layout.size(); ++f) {
      char t = layout[f];
      double v = IsNumericType(t) ? ReadNumber(t, p) : kNaN;
      if (!scal.empty()) v /= scal.size() == 1 ? scal[0] : scal[f];
      out.push_back(v);
      p += TypeSize(t);
    }
  }
  return out;
}

std::vector<double> NumbersOf(const Entry& e) {
  std::vector<double> v;
  std::size_t es = TypeSize(e.type);
  if (!IsNumericType(e.type) || es == 0) return v;
  for (std::size_t off = 0; off + es <= e.data.size(); off += es)
    v.push_back(ReadNumber(e.type, e.data.data() + off));
  return v;
}

std::string TextOf(const Entry& e) {
  std::string s(reinterpret_cast<const char*>(e.data.data()), e.data.size());
  std::size_t nul = s.find('\0');
  if (nul != std::string::npos) s.resize(nul);
  return s;
}

Status DecodeGps(const Entry& e, const std::string& layout, const std::vector<double>& v,
                 GpmfGpsBlock* block) {
  const std::size_t nf = layout.size();
  const std::size_t need = e.key == "GPS5" ? 5 : e.key == "GPS9" ? 9 : 10;
  if (nf < need) {
    return CorruptAt(e.offset, Quoted(e.key) + " has " + std::to_string(nf) + " fields, " +
                                   std::to_string(need) + " expected");
  }
  for (std::size_t s = 0; s < e.repeat; ++s) {
    const double* f = v.data() + s * nf;
    GpmfGpsSample g;
    g.speed3d_mps = g.utc_s = g.dop = g.device_time_s = kNaN;
    if (e.key == "GPRI") {  // time, lat, lon, alt, eph, epv, vel, cog, fix, satellites
      g.device_time_s = f[0];
      g.lat = f[1];
      g.lon = f[2];
      g.alt_m = f[3];
      g.dop = f[4];
      g.speed2d_mps = f[6];
      g.fix = AsInteger<int>(f[8]).value_or(-1);
    } else {
      g.lat = f[0];
      g.lon = f[1];
      g.alt_m = f[2];
      g.speed2d_mps = f[3];
      g.speed3d_mps = f[4];
      if (e.key == "GPS9") {
        g.utc_s = 946684800.0 + f[5] * 86400.0 + f[6];  // days since 2000-01-01, s of day
        if (!PlausibleUnixTime(g.utc_s)) g.utc_s = std::numeric_limits<double>::quiet_NaN();
        g.dop = f[7];
        g.fix = AsInteger<int>(f[8]).value_or(-1);
      }
    }
    if (!std::isfinite(g.lat) || !std::isfinite(g.lon) || std::fabs(g.lat) > 90 ||
        std::fabs(g.lon) > 180) {
      return CorruptAt(
          e.offset, Quoted(e.key) + " sample " + std::to_string(s) + " is not a position on Earth");
    }
    block->samples.push_back(g);
  }
  return Status::Ok();
}

// A device's SYST sample: its clock since boot and the Unix time at the same instant (seconds).
struct SystemTime {
  double boot_s = 0, unix_s = 0;
};

Status ParseStream(const Entry& strm, const GpmfLimits& limits, std::uint32_t device_id,
                   const std::string& device_name, std::vector<GpmfGpsBlock>* out,
                   std::optional<SystemTime>* syst) {
  SL_ASSIGN_OR_RETURN(std::vector<Entry> entries, ReadNest(strm.data, strm.offset + 8));
  GpmfGpsBlock block;
  block.device_id = device_id;
  block.device_name = device_name;
  std::vector<double> scal;
  std::string type_string;
  bool has_gps = false;
  for (const Entry& e : entries) {
    SL_RETURN_IF_ERROR(CheckDepth(e, 3, limits));
    if (e.key == "SCAL") {
      scal = NumbersOf(e);
    } else if (e.key == "TYPE" && e.type == 'c') {
      type_string = TextOf(e);
    } else if (e.key == "TSMP") {
      std::vector<double> n = NumbersOf(e);
      if (!n.empty()) block.total_samples = AsInteger<std::uint64_t>(n[0]);
    } else if (e.key == "STMP") {
      std::vector<double> n = NumbersOf(e);
      if (!n.empty()) block.timestamp_us = AsInteger<std::uint64_t>(n[0]);
    } else if (e.key == "GPSU" && (e.type == 'U' || e.type == 'c')) {
      block.utc_s = ParseGpmfUtc(TextOf(e));
    } else if (e.key == "GPSF") {
      std::vector<double> n = NumbersOf(e);
      if (!n.empty()) block.fix = AsInteger<int>(n[0]);
    } else if (e.key == "GPSP") {
      std::vector<double> n = NumbersOf(e);
      if (!n.empty()) block.dop = n[0] / 100.0;
    } else if (e.key == "SYST" && !syst->has_value() && e.repeat > 0) {
      SL_ASSIGN_OR_RETURN(std::string layout, SampleLayout(e, type_string));
      SL_ASSIGN_OR_RETURN(std::vector<double> v, ScaledSamples(e, layout, scal));
      // Unix times before 2000 are a clock that was never set.
      if (v.size() >= 2 && std::isfinite(v[0]) && PlausibleUnixTime(v[1]))
        *syst = SystemTime{v[0], v[1]};
    } else if (e.key == "GPS5" || e.key == "GPS9" || e.key == "GPRI") {
      if (has_gps && block.key != e.key) continue;  // one GPS kind per stream
      SL_ASSIGN_OR_RETURN(std::string layout, SampleLayout(e, type_string));
      SL_ASSIGN_OR_RETURN(std::vector<double> values, ScaledSamples(e, layout, scal));
      block.key = e.key;
      has_gps = true;
      SL_RETURN_IF_ERROR(DecodeGps(e, layout, values, &block));
    }
  }
  if (has_gps) out->push_back(std::move(block));
  return Status::Ok();
}

}  // namespace

std::optional<double> ParseGpmfUtc(std::string_view text) {
  // yymmddhhmmss.sss
  if (text.size() < 12) return std::nullopt;
  int f[6];
  for (int i = 0; i < 6; ++i) {
    char a = text[2 * i], b = text[2 * i + 1];
    if (a < '0' || a > '9' || b < '0' || b > '9') return std::nullopt;
    f[i] = (a - '0') * 10 + (b - '0');
  }
  if (f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 60)
    return std::nullopt;
  double frac = 0;
  if (text.size() > 12 && text[12] == '.') {
    double scale = 0.1;
    for (std::size_t i = 13; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      frac += (text[i] - '0') * scale;
      scale /= 10;
    }
  }
  return static_cast<double>(UnixFromUtcFields(2000 + f[0], f[1], f[2], f[3], f[4], f[5])) + frac;
}

Result<std::vector<GpmfGpsBlock>> ParseGpmfGps(std::span<const std::uint8_t> payload,
                                               const GpmfLimits& limits,
                                               std::vector<Status>* stream_errors) {
  if (payload.size() > limits.max_payload_bytes) {
    return InvalidArgument("GPMF payload of " + std::to_string(payload.size()) +
                           " bytes is larger than the " + std::to_string(limits.max_payload_bytes) +
                           "-byte limit");
  }
  SL_ASSIGN_OR_RETURN(std::vector<Entry> top, ReadNest(payload, 0));
  std::vector<GpmfGpsBlock> blocks;
  for (const Entry& devc : top) {
    if (devc.key != "DEVC" || devc.type != 0) {
      SL_RETURN_IF_ERROR(CheckDepth(devc, 1, limits));
      continue;
    }
    SL_ASSIGN_OR_RETURN(std::vector<Entry> inside, ReadNest(devc.data, devc.offset + 8));
    std::uint32_t device_id = 0;
    std::string device_name;
    std::optional<SystemTime> syst;
    const std::size_t first_block = blocks.size();
    for (const Entry& e : inside) {
      if (e.key == "DVID") {
        std::vector<double> n = NumbersOf(e);
        if (!n.empty()) device_id = AsInteger<std::uint32_t>(n[0]).value_or(device_id);
        if (e.type == 'F' && e.data.size() >= 4)
          device_id = static_cast<std::uint32_t>(BigEndian(e.data.data(), 4));
      } else if (e.key == "DVNM" && e.type == 'c') {
        device_name = TextOf(e);
      } else if (e.key == "STRM" && e.type == 0) {
        const std::size_t before = blocks.size();
        Status st = ParseStream(e, limits, device_id, device_name, &blocks, &syst);
        if (!st.ok()) {
          if (!stream_errors) return st;
          blocks.resize(before);  // nothing half-read from the damaged stream
          stream_errors->push_back(st);
        }
      } else {
        SL_RETURN_IF_ERROR(CheckDepth(e, 2, limits));
      }
    }
    if (syst) {  // GPRI times are the drone's clock: map them to UTC through SYST
      for (std::size_t i = first_block; i < blocks.size(); ++i) {
        for (GpmfGpsSample& g : blocks[i].samples) {
          if (std::isfinite(g.device_time_s) && std::isnan(g.utc_s)) {
            g.utc_s = syst->unix_s + (g.device_time_s - syst->boot_s);
            if (!PlausibleUnixTime(g.utc_s)) g.utc_s = std::numeric_limits<double>::quiet_NaN();
          }
        }
      }
    }
  }
  return blocks;
}

}  // namespace sightline::signals::geo
