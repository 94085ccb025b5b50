#include "media/exif_reader.h"

#include <exiv2/exiv2.hpp>

#include <cmath>
#include <cstdlib>
#include <map>
#include <mutex>
#include <new>

#include "base/file.h"
#include "media/bmff_boxes.h"

namespace sightline::media {
namespace {

void InitExiv2Once() {
  static std::once_flag once;
  std::call_once(once, [] {
    // XmpParser::initialize is not thread-safe itself; calling it once here makes later decodes
    // safe. enableBMFF is required by exiv2 0.27 before it reads HEIF/AVIF/CR3.
    Exiv2::XmpParser::initialize();
    Exiv2::enableBMFF(true);
  });
}

std::string Trim(std::string s) {
  std::size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\0' || s[b] == '\t' || s[b] == '\n' || s[b] == '\r'))
    ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\0' || s[e - 1] == '\t' || s[e - 1] == '\n' ||
                   s[e - 1] == '\r')) {
    --e;
  }
  return s.substr(b, e - b);
}

std::string Cap(std::string s) {
  if (s.size() > kMaxTagValue) {
    std::size_t n = s.size();
    s.resize(kMaxTagValue);
    // Do not cut a UTF-8 sequence in half.
    while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();
    if (!s.empty() && static_cast<unsigned char>(s.back()) >= 0xC0) s.pop_back();
    s += "… (" + std::to_string(n) + " bytes)";
  }
  return s;
}

void AddTag(EmbeddedMetadata* out, std::string key, std::string value, std::string display = "") {
  if (out->tags.size() >= kMaxTags) return;
  value = Cap(std::move(value));
  display = Cap(std::move(display));
  if (display == value) display.clear();
  out->tags.push_back({std::move(key), std::move(value), std::move(display)});
}

bool IsBinaryType(Exiv2::TypeId t) {
  return t == Exiv2::undefined || t == Exiv2::unsignedByte || t == Exiv2::signedByte;
}

// First datum per key, so lookups never construct Exiv2 keys (which throw for unknown names).
template <typename Data, typename Datum>
std::map<std::string, const Datum*> IndexByKey(const Data& data) {
  std::map<std::string, const Datum*> m;
  for (const auto& d : data) m.emplace(d.key(), &d);
  return m;
}

template <typename Map>
std::string Get(const Map& m, const char* key) {
  auto it = m.find(key);
  if (it == m.end()) return "";
  return Trim(it->second->toString());
}

// Degrees from up to three EXIF rationals (degrees, minutes, seconds). Reads the unsigned values
// directly: Value::toRational would wrap numerators above 2^31.
std::optional<double> ExifDegrees(const Exiv2::Exifdatum& d) {
  long n = d.count();
  if (n < 1) return std::nullopt;
  if (n > 3) n = 3;
  double v = 0, scale = 1;
  const auto* uv = dynamic_cast<const Exiv2::URationalValue*>(&d.value());
  for (long i = 0; i < n; ++i) {
    double num, den;
    if (uv && static_cast<std::size_t>(i) < uv->value_.size()) {
      num = uv->value_[static_cast<std::size_t>(i)].first;
      den = uv->value_[static_cast<std::size_t>(i)].second;
    } else {
      Exiv2::Rational r = d.toRational(i);
      num = r.first;
      den = r.second;
    }
    if (den == 0) {
      if (i == 0) return std::nullopt;  // degrees must be a number
      continue;                         // "0/0" minutes or seconds: written as "unknown"
    }
    v += num / den / scale;
    scale *= 60;
  }
  return v;
}

std::optional<double> ExifRationalValue(const Exiv2::Exifdatum& d) {
  if (d.count() < 1) return std::nullopt;
  const auto* uv = dynamic_cast<const Exiv2::URationalValue*>(&d.value());
  if (uv && !uv->value_.empty()) {
    if (uv->value_[0].second == 0) return std::nullopt;
    return static_cast<double>(uv->value_[0].first) / uv->value_[0].second;
  }
  Exiv2::Rational r = d.toRational(0);
  if (r.second == 0) return std::nullopt;
  return static_cast<double>(r.first) / r.second;
}

using ExifIndex = std::map<std::string, const Exiv2::Exifdatum*>;
using XmpIndex = std::map<std::string, const Exiv2::Xmpdatum*>;

void ExtractExifGps(const ExifIndex& ex, EmbeddedMetadata* out) {
  auto lat_it = ex.find("Exif.GPSInfo.GPSLatitude");
  auto lon_it = ex.find("Exif.GPSInfo.GPSLongitude");
  if (lat_it != ex.end() && lon_it != ex.end()) {
    std::optional<double> lat = ExifDegrees(*lat_it->second);
    std::optional<double> lon = ExifDegrees(*lon_it->second);
    if (lat && lon) {
      GpsPosition g;
      g.source = "Exif.GPSInfo";
      g.lat = Get(ex, "Exif.GPSInfo.GPSLatitudeRef").starts_with("S") ? -*lat : *lat;
      g.lon = Get(ex, "Exif.GPSInfo.GPSLongitudeRef").starts_with("W") ? -*lon : *lon;
      auto alt_it = ex.find("Exif.GPSInfo.GPSAltitude");
      if (alt_it != ex.end()) {
        std::optional<double> alt = ExifRationalValue(*alt_it->second);
        auto ref_it = ex.find("Exif.GPSInfo.GPSAltitudeRef");
        if (alt && ref_it != ex.end() && ref_it->second->count() > 0 &&
            ref_it->second->toLong(0) == 1) {
          *alt = -*alt;
        }
        g.alt_m = alt;
      }
      out->gps.push_back(g);
    }
  }
  // GPS time: GPSDateStamp "YYYY:MM:DD" and GPSTimeStamp hours, minutes, seconds, in UTC.
  std::string date = Get(ex, "Exif.GPSInfo.GPSDateStamp");
  auto time_it = ex.find("Exif.GPSInfo.GPSTimeStamp");
  if (!date.empty() && time_it != ex.end() && time_it->second->count() >= 3) {
    double parts[3];
    bool ok = true;
    for (long i = 0; i < 3; ++i) {
      Exiv2::Rational r = time_it->second->toRational(i);
      if (r.second == 0 || r.first < 0) {
        ok = false;
        break;
      }
      parts[i] = static_cast<double>(r.first) / r.second;
    }
    if (ok && parts[0] < 24 && parts[1] < 60 && parts[2] < 61) {
      double secs = parts[0] * 3600 + parts[1] * 60 + parts[2];
      std::optional<Timestamp> day =
          ParseExifTime(TimeRole::kGps, "Exif.GPSInfo.GPSDateStamp+GPSTimeStamp", date);
      if (day && !day->unset) {
        day->wall_seconds += static_cast<std::int64_t>(std::floor(secs));
        int ms = static_cast<int>(std::lround((secs - std::floor(secs)) * 1000));
        day->millis = ms > 0 && ms < 1000 ? ms : -1;
        day->utc_offset_minutes = 0;
        day->raw = date + " " + time_it->second->toString();
        out->times.push_back(*day);
      }
    }
  }
}

void AddExifTime(const ExifIndex& ex, TimeRole role, const char* key, const char* subsec,
                 const char* offset, EmbeddedMetadata* out) {
  auto it = ex.find(key);
  if (it == ex.end()) return;
  std::optional<Timestamp> t =
      ParseExifTime(role, key, it->second->toString(), Get(ex, subsec), Get(ex, offset));
  if (t) out->times.push_back(*t);
}

void AddSoftware(EmbeddedMetadata* out, const std::string& key, const std::string& value) {
  if (value.empty()) return;
  for (const Tag& t : out->software_tags) {
    if (t.key == key && t.value == value) return;
  }
  out->software_tags.push_back({key, Cap(value), ""});
}

void ExtractExif(const Exiv2::ExifData& exif, EmbeddedMetadata* out) {
  out->has_exif = !exif.empty();
  for (const auto& md : exif) {
    if (IsBinaryType(md.typeId()) && md.count() > 64) {
      AddTag(out, md.key(), "(binary data, " + std::to_string(md.size()) + " bytes)");
      continue;
    }
    std::string value = md.toString(), display;
    try {
      display = md.print(&exif);
    } catch (const Exiv2::AnyError&) {
      // A value exiv2 cannot interpret for printing is still listed raw.
    }
    AddTag(out, md.key(), Trim(value), Trim(display));
  }
  ExifIndex ex = IndexByKey<Exiv2::ExifData, Exiv2::Exifdatum>(exif);
  out->make = Get(ex, "Exif.Image.Make");
  out->model = Get(ex, "Exif.Image.Model");
  out->serial = Get(ex, "Exif.Photo.BodySerialNumber");
  if (out->serial.empty()) out->serial = Get(ex, "Exif.Image.CameraSerialNumber");
  out->lens = Get(ex, "Exif.Photo.LensModel");
  out->software = Get(ex, "Exif.Image.Software");
  AddSoftware(out, "Exif.Image.Software", out->software);
  AddSoftware(out, "Exif.Image.ProcessingSoftware", Get(ex, "Exif.Image.ProcessingSoftware"));
  std::string orientation = Get(ex, "Exif.Image.Orientation");
  if (!orientation.empty()) out->orientation = std::atoi(orientation.c_str());
  out->exif_width = std::atoi(Get(ex, "Exif.Photo.PixelXDimension").c_str());
  out->exif_height = std::atoi(Get(ex, "Exif.Photo.PixelYDimension").c_str());

  AddExifTime(ex, TimeRole::kCreated, "Exif.Photo.DateTimeOriginal",
              "Exif.Photo.SubSecTimeOriginal", "Exif.Photo.OffsetTimeOriginal", out);
  AddExifTime(ex, TimeRole::kCreated, "Exif.Image.DateTimeOriginal", "", "", out);
  AddExifTime(ex, TimeRole::kDigitized, "Exif.Photo.DateTimeDigitized",
              "Exif.Photo.SubSecTimeDigitized", "Exif.Photo.OffsetTimeDigitized", out);
  AddExifTime(ex, TimeRole::kModified, "Exif.Image.DateTime", "Exif.Photo.SubSecTime",
              "Exif.Photo.OffsetTime", out);
  ExtractExifGps(ex, out);
}

void ExtractIptc(const Exiv2::IptcData& iptc, EmbeddedMetadata* out) {
  out->has_iptc = !iptc.empty();
  for (const auto& md : iptc) AddTag(out, md.key(), Trim(md.toString()));
  auto ix = IndexByKey<Exiv2::IptcData, Exiv2::Iptcdatum>(iptc);
  std::string program = Get(ix, "Iptc.Application2.Program");
  std::string version = Get(ix, "Iptc.Application2.ProgramVersion");
  if (!program.empty()) {
    AddSoftware(out, "Iptc.Application2.Program",
                version.empty() ? program : program + " " + version);
  }
}

void ExtractXmp(const Exiv2::XmpData& xmp, EmbeddedMetadata* out) {
  if (xmp.empty()) return;
  out->has_xmp = true;
  for (const auto& md : xmp) {
    AddTag(out, md.key(), Trim(md.toString()));
    // Each step in the edit history names the program that did it (XMP part 2, ResourceEvent).
    const std::string key = md.key();
    if (key.starts_with("Xmp.xmpMM.History[") && key.ends_with("/stEvt:softwareAgent")) {
      AddSoftware(out, "Xmp.xmpMM.History/stEvt:softwareAgent", Trim(md.toString()));
    }
  }
  XmpIndex x = IndexByKey<Exiv2::XmpData, Exiv2::Xmpdatum>(xmp);
  if (out->make.empty()) out->make = Get(x, "Xmp.tiff.Make");
  if (out->model.empty()) out->model = Get(x, "Xmp.tiff.Model");
  if (out->serial.empty()) out->serial = Get(x, "Xmp.aux.SerialNumber");
  if (out->lens.empty()) out->lens = Get(x, "Xmp.exifEX.LensModel");
  if (out->lens.empty()) out->lens = Get(x, "Xmp.aux.Lens");
  std::string creator_tool = Get(x, "Xmp.xmp.CreatorTool");
  if (out->software.empty()) out->software = Get(x, "Xmp.tiff.Software");
  if (out->software.empty()) out->software = creator_tool;
  AddSoftware(out, "Xmp.tiff.Software", Get(x, "Xmp.tiff.Software"));
  AddSoftware(out, "Xmp.xmp.CreatorTool", creator_tool);

  auto add_time = [&](TimeRole role, const char* key) {
    std::string v = Get(x, key);
    if (v.empty()) return;
    std::optional<Timestamp> t = ParseIsoTime(role, key, v);
    if (t) out->times.push_back(*t);
  };
  add_time(TimeRole::kCreated, "Xmp.exif.DateTimeOriginal");
  add_time(TimeRole::kCreated, "Xmp.photoshop.DateCreated");
  add_time(TimeRole::kDigitized, "Xmp.xmp.CreateDate");
  add_time(TimeRole::kModified, "Xmp.xmp.ModifyDate");
  add_time(TimeRole::kModified, "Xmp.xmp.MetadataDate");
  add_time(TimeRole::kGps, "Xmp.exif.GPSTimeStamp");

  std::optional<double> lat = ParseXmpGpsCoordinate(Get(x, "Xmp.exif.GPSLatitude"));
  std::optional<double> lon = ParseXmpGpsCoordinate(Get(x, "Xmp.exif.GPSLongitude"));
  if (lat && lon && std::fabs(*lat) <= 90 && std::fabs(*lon) <= 180) {
    GpsPosition g;
    g.source = "Xmp.exif";
    g.lat = *lat;
    g.lon = *lon;
    // GPSAltitude is an XMP Rational, "numerator/denominator".
    std::string alt = Get(x, "Xmp.exif.GPSAltitude");
    if (!alt.empty()) {
      char* end = nullptr;
      double num = std::strtod(alt.c_str(), &end);
      double den = 1;
      if (end && *end == '/') den = std::strtod(end + 1, nullptr);
      if (den != 0 && std::isfinite(num / den)) {
        g.alt_m = Get(x, "Xmp.exif.GPSAltitudeRef") == "1" ? -num / den : num / den;
      }
    }
    out->gps.push_back(g);
  }
}

// exiv2's video image types (riffvideo.hpp, matroskavideo.hpp, quicktimevideo.hpp, asfvideo.hpp;
// not included by exiv2.hpp).
constexpr int kExiv2Riff = 20;
constexpr int kExiv2Matroska = 21;
constexpr int kExiv2QuickTime = 22;
constexpr int kExiv2Asf = 24;

bool IsImageBrand(const std::string& b) {
  static const char* const kBrands[] = {"heic", "heix", "heim", "heis", "hevc", "hevx", "mif1",
                                        "msf1", "avif", "avis", "crx",  "jxl",  "MiHE", "miaf"};
  for (const char* k : kBrands) {
    if (b == k) return true;
  }
  return false;
}

}  // namespace

std::optional<double> ParseXmpGpsCoordinate(const std::string& text) {
  std::string t = Trim(text);
  if (t.size() < 3) return std::nullopt;
  char ref = t.back();
  int sign;
  if (ref == 'N' || ref == 'E' || ref == 'n' || ref == 'e') {
    sign = 1;
  } else if (ref == 'S' || ref == 'W' || ref == 's' || ref == 'w') {
    sign = -1;
  } else {
    return std::nullopt;
  }
  t.pop_back();
  const char* p = t.c_str();
  char* end = nullptr;
  double deg = std::strtod(p, &end);
  if (end == p || *end != ',') return std::nullopt;
  p = end + 1;
  double min = std::strtod(p, &end);
  if (end == p) return std::nullopt;
  double sec = 0;
  if (*end == ',') {
    p = end + 1;
    sec = std::strtod(p, &end);
    if (end == p) return std::nullopt;
  }
  if (*end != '\0') return std::nullopt;
  if (deg < 0 || min < 0 || min >= 60 || sec < 0 || sec >= 60) return std::nullopt;
  return sign * (deg + min / 60.0 + sec / 3600.0);
}

Status ParseXmpPacket(const std::string& packet, EmbeddedMetadata* out) {
  InitExiv2Once();
  if (packet.size() > kMaxXmpBytes) {
    return Unsupported("XMP packet of " + std::to_string(packet.size()) + " bytes is too large");
  }
  try {
    Exiv2::XmpData xmp;
    if (Exiv2::XmpParser::decode(xmp, packet) != 0) return Corrupt("XMP packet is not valid XMP");
    ExtractXmp(xmp, out);
  } catch (const Exiv2::AnyError& e) {
    return Corrupt(std::string("XMP packet cannot be read: ") + e.what());
  } catch (const std::exception& e) {
    return Corrupt(std::string("XMP packet cannot be read: ") + e.what());
  }
  return Status::Ok();
}

Result<EmbeddedMetadata> ReadEmbeddedMetadata(const std::string& path) {
  InitExiv2Once();
  const std::string who = DisplayPath(path);
  try {
    int type = Exiv2::ImageFactory::getType(path);
    switch (type) {
      case Exiv2::ImageType::none:
        return Unsupported(who + ": no image format exiv2 reads");
      case kExiv2Riff:
      case kExiv2Matroska:
      case kExiv2QuickTime:
      case kExiv2Asf:
        return Unsupported(who + ": a video container (read with FFmpeg instead)");
      case Exiv2::ImageType::bmff: {
        // exiv2 takes any ISO BMFF file, MP4 included; keep it to HEIF/AVIF/CR3/JXL images.
        Result<BmffSummary> s = ReadBmffSummary(path);
        bool image = s.ok() && IsImageBrand(s->major_brand);
        if (s.ok() && !image) {
          for (const auto& b : s->compatible_brands) image = image || (b == "heic" || b == "avif");
        }
        if (!image) return Unsupported(who + ": a video container (read with FFmpeg instead)");
        break;
      }
      default:
        break;
    }
    Exiv2::Image::AutoPtr image = Exiv2::ImageFactory::open(path);
    if (!image.get()) return Unsupported(who + ": no image format exiv2 reads");
    image->readMetadata();
    EmbeddedMetadata out;
    out.mime_type = image->mimeType();
    out.pixel_width = image->pixelWidth();
    out.pixel_height = image->pixelHeight();
    ExtractExif(image->exifData(), &out);
    ExtractIptc(image->iptcData(), &out);
    ExtractXmp(image->xmpData(), &out);
    return out;
  } catch (const Exiv2::AnyError& e) {
    return Corrupt(who + ": metadata cannot be read: " + e.what());
  } catch (const std::bad_alloc&) {
    return Corrupt(who + ": metadata cannot be read: it claims more memory than is available");
  } catch (const std::exception& e) {
    return Corrupt(who + ": metadata cannot be read: " + e.what());
  }
}

}  // namespace sightline::media
