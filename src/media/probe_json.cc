#include "media/probe_json.h"

#include <cmath>
#include <set>

#include "base/file.h"

namespace sightline::media {
namespace {

using Json = nlohmann::ordered_json;

Json StrOrNull(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

// Rounds to `digits` decimals so JSON shows 29.97, not 29.970029970029969.
double Round(double v, int digits) {
  double f = std::pow(10.0, digits);
  return std::round(v * f) / f;
}

Json StreamToJson(const StreamInfo& s, bool include_tags) {
  Json j;
  j["index"] = s.index;
  j["type"] = s.type;
  j["codec"] = StrOrNull(s.codec);
  j["codec_long"] = StrOrNull(s.codec_long);
  j["codec_tag"] = StrOrNull(s.codec_tag);
  j["profile"] = StrOrNull(s.profile);
  if (s.type == "video") {
    j["width"] = s.width;
    j["height"] = s.height;
    j["pixel_format"] = StrOrNull(s.pixel_format);
    j["frame_rate"] = s.frame_rate > 0 ? Json(Round(s.frame_rate, 3)) : Json(nullptr);
    j["rotation"] = s.rotation;
    j["attached_picture"] = s.attached_picture;
  } else if (s.type == "audio") {
    j["sample_rate"] = s.sample_rate;
    j["channels"] = s.channels;
    j["channel_layout"] = StrOrNull(s.channel_layout);
  }
  j["duration_s"] = s.duration_s ? Json(Round(*s.duration_s, 3)) : Json(nullptr);
  j["bit_rate"] = s.bit_rate > 0 ? Json(s.bit_rate) : Json(nullptr);
  j["frames"] = s.frames > 0 ? Json(s.frames) : Json(nullptr);
  j["handler"] = StrOrNull(s.handler);
  j["encoder"] = StrOrNull(s.encoder);
  j["language"] = StrOrNull(s.language);
  if (include_tags) {
    Json tags = Json::object();
    for (const Tag& t : s.tags) tags[t.key] = t.value;
    j["tags"] = tags;
  }
  return j;
}

}  // namespace

Json TimestampToJson(const Timestamp& t) {
  Json j;
  j["local"] = t.unset ? Json(nullptr) : Json(t.LocalText());
  j["zone"] = StrOrNull(t.ZoneText());
  j["utc"] = StrOrNull(t.UtcText());
  j["unset"] = t.unset;
  j["source"] = t.source;
  j["raw"] = t.raw;
  return j;
}

Json ProbeToJson(const ProbeResult& r, const ProbeJsonOptions& options) {
  Json j;
  j["file"] = DisplayPath(r.path);
  j["size"] = r.size >= 0 ? Json(r.size) : Json(nullptr);
  j["ok"] = r.status.ok();
  j["error"] = r.status.ok() ? Json(nullptr) : Json(r.status.message());
  j["kind"] = StrOrNull(r.kind);

  Json times = Json::object();
  for (TimeRole role : {TimeRole::kCreated, TimeRole::kDigitized, TimeRole::kModified,
                        TimeRole::kGps, TimeRole::kFileModified}) {
    const Timestamp* t = r.Time(role);
    times[TimeRoleName(role)] = t ? TimestampToJson(*t) : Json(nullptr);
  }
  j["times"] = times;

  Json device;
  device["make"] = StrOrNull(r.device.make);
  device["model"] = StrOrNull(r.device.model);
  device["software"] = StrOrNull(r.device.software);
  device["serial"] = StrOrNull(r.device.serial);
  device["lens"] = StrOrNull(r.device.lens);
  j["device"] = device;

  if (r.gps) {
    Json g;
    g["lat"] = r.gps->lat;
    g["lon"] = r.gps->lon;
    g["alt_m"] = r.gps->alt_m ? Json(*r.gps->alt_m) : Json(nullptr);
    g["source"] = r.gps->source;
    j["gps"] = g;
  } else {
    j["gps"] = nullptr;
  }
  Json gps_all = Json::array();
  for (const GpsPosition& p : r.gps_all) {
    gps_all.push_back({{"lat", p.lat},
                       {"lon", p.lon},
                       {"alt_m", p.alt_m ? Json(*p.alt_m) : Json(nullptr)},
                       {"source", p.source}});
  }
  j["gps_all"] = gps_all;

  Json software = Json::array();
  for (const Tag& t : r.software) software.push_back({{"source", t.key}, {"value", t.value}});
  j["software"] = software;

  Json c;
  c["format"] = StrOrNull(r.container.format);
  c["format_long"] = StrOrNull(r.container.format_long);
  c["mime_type"] = StrOrNull(r.container.mime_type);
  c["major_brand"] = StrOrNull(r.container.major_brand);
  c["compatible_brands"] = r.container.compatible_brands;
  c["top_level_boxes"] = r.container.top_level_boxes;
  c["duration_s"] =
      r.container.duration_s ? Json(Round(*r.container.duration_s, 3)) : Json(nullptr);
  c["bit_rate"] = r.container.bit_rate > 0 ? Json(r.container.bit_rate) : Json(nullptr);
  c["truncated"] = r.container.truncated;
  c["truncation"] = StrOrNull(r.container.truncation);
  j["container"] = c;

  Json streams = Json::array();
  for (const StreamInfo& s : r.streams) streams.push_back(StreamToJson(s, options.include_tags));
  j["streams"] = streams;

  Json photo;
  photo["has_exif"] = r.has_exif;
  photo["has_xmp"] = r.has_xmp;
  photo["has_iptc"] = r.has_iptc;
  photo["orientation"] = r.orientation ? Json(r.orientation) : Json(nullptr);
  photo["exif_width"] = r.exif_width ? Json(r.exif_width) : Json(nullptr);
  photo["exif_height"] = r.exif_height ? Json(r.exif_height) : Json(nullptr);
  j["embedded"] = photo;

  j["warnings"] = r.warnings;

  if (options.include_tags) {
    Json all = Json::array();
    for (const Timestamp& t : r.times) {
      Json tj = TimestampToJson(t);
      tj["role"] = TimeRoleName(t.role);
      all.push_back(tj);
    }
    j["times_all"] = all;
    // An object, like exiftool -j; a key seen again gets " (2)", " (3)"…
    Json tags = Json::object();
    std::set<std::string> used;
    for (const Tag& t : r.tags) {
      std::string key = t.key;
      for (int n = 2; used.count(key); ++n) key = t.key + " (" + std::to_string(n) + ")";
      used.insert(key);
      tags.emplace(key, t.value);
    }
    j["tags"] = tags;
  }
  return j;
}

}  // namespace sightline::media
