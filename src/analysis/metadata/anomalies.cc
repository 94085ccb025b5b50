#include "analysis/metadata/anomalies.h"

#include <cmath>
#include <cstdio>

#include "analysis/metadata/signatures.h"

namespace sightline::analysis::metadata {
namespace {

using media::ProbeResult;
using media::TimeRole;
using media::Timestamp;

// Thresholds (documented in doc/probe.md).
constexpr double kModifiedBeforeCreatedSlackS = 2;     // EXIF times have 1 s resolution
constexpr double kGpsCameraZonedSlackS = 3600;         // GPS fixes can be minutes old
constexpr double kGpsCameraUnzonedSlackS = 15 * 3600;  // no zone: allow any UTC offset (±14 h)
constexpr double kCreationDateSlackS = 120;            // plus the recording's duration
constexpr double kZoneLongitudeSlackH = 4;             // real zones stray ≤ ~3.5 h from solar
constexpr double kGpsConflictM = 200;
constexpr double kMaxZoneOffsetS = 14 * 3600;  // UTC-12:00 … UTC+14:00

std::string Duration(double seconds) {
  seconds = std::fabs(seconds);
  char buf[64];
  if (seconds < 120) {
    std::snprintf(buf, sizeof buf, "%.0f s", seconds);
  } else if (seconds < 2 * 3600) {
    std::snprintf(buf, sizeof buf, "%.0f min", seconds / 60);
  } else if (seconds < 3 * 86400) {
    std::snprintf(buf, sizeof buf, "%.1f h", seconds / 3600);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f days", seconds / 86400);
  }
  return buf;
}

std::string Describe(const Timestamp& t) { return t.Text() + " (" + t.source + ")"; }

// b - a in seconds: in UTC when both zones are known, else between the wall clocks (which is
// right when both were written by the same clock, as EXIF times are).
double Diff(const Timestamp& a, const Timestamp& b) {
  auto ua = a.UtcSeconds(), ub = b.UtcSeconds();
  if (ua && ub) return *ub - *ua;
  double wa = static_cast<double>(a.wall_seconds) + (a.millis > 0 ? a.millis / 1000.0 : 0);
  double wb = static_cast<double>(b.wall_seconds) + (b.millis > 0 ? b.millis / 1000.0 : 0);
  return wb - wa;
}

bool Usable(const Timestamp* t) { return t && !t->unset; }

// Times whose zone is a statement about the place (not UTC by definition of the format).
bool LocalZone(const Timestamp& t) {
  return t.utc_offset_minutes && t.source != "QuickTime.mvhd.CreationTime" &&
         t.source != "Container.creation_time";
}

double DistanceM(const media::GpsPosition& a, const media::GpsPosition& b) {
  constexpr double kR = 6371000, kDeg = M_PI / 180;
  double dlat = (b.lat - a.lat) * kDeg, dlon = (b.lon - a.lon) * kDeg;
  double h = std::sin(dlat / 2) * std::sin(dlat / 2) + std::cos(a.lat * kDeg) *
                                                           std::cos(b.lat * kDeg) *
                                                           std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kR * std::asin(std::sqrt(std::fmin(1.0, h)));
}

std::string Coord(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  return buf;
}

std::string ZoneHours(double h) {
  char buf[32];
  int total = static_cast<int>(std::lround(h * 60));
  std::snprintf(buf, sizeof buf, "UTC%c%02d:%02d", total < 0 ? '-' : '+', std::abs(total) / 60,
                std::abs(total) % 60);
  return buf;
}

void MetadataStripped(const ProbeResult& r, std::vector<Anomaly>* out) {
  const Timestamp* created = r.Time(TimeRole::kCreated);
  const Timestamp* digitized = r.Time(TimeRole::kDigitized);
  bool has_time = Usable(created) || Usable(digitized);
  bool has_device = !r.device.make.empty() || !r.device.model.empty();
  if (r.kind == "image") {
    if (r.container.format == "gif") {
      out->push_back({kMetadataStripped,
                      "GIF cannot hold camera metadata (no capture time, device or GPS): this is "
                      "a converted copy; look for the original photo or video."});
    } else if (!r.has_exif && !r.has_xmp && !r.has_iptc) {
      out->push_back({kMetadataStripped,
                      "No EXIF, XMP or IPTC metadata at all. Messaging apps and social platforms "
                      "strip it when they re-compress a photo; screenshots and some editors never "
                      "write it. Ask the source for the original file."});
    } else if (!has_time && !has_device) {
      out->push_back({kMetadataStripped,
                      std::string("Metadata is present but names no camera (make/model) and no "
                                  "original capture time (DateTimeOriginal)") +
                          (r.gps ? "" : " or GPS position") +
                          ": it was removed, or the file was written by software rather than a "
                          "camera. Ask the source for the original file."});
    }
  } else if (r.kind == "video" || r.kind == "audio") {
    if (!has_time && !has_device && !r.gps) {
      out->push_back({kMetadataStripped,
                      "No capture time, device or location in the container. Phones and cameras "
                      "write them; platforms, messengers and converters drop them. Ask the "
                      "source for the original file."});
    }
  }
}

void EditedBySoftware(const ProbeResult& r, std::vector<Anomaly>* out) {
  std::vector<std::string> names;
  std::string detail;
  for (const media::Tag& t : r.software) {
    std::optional<std::string> editor = MatchEditor(t.value);
    if (!editor) continue;
    bool seen = false;
    for (const auto& n : names) seen = seen || n == *editor;
    if (seen) continue;
    names.push_back(*editor);
    detail += (detail.empty() ? "" : "; ") + *editor + " (" + t.key + " = \"" + t.value + "\")";
  }
  if (names.empty()) return;
  out->push_back({kEditedBySoftware,
                  "Saved by editing software: " + detail +
                      ". The content may have been changed after capture; ask for the camera "
                      "original and compare."});
}

void TimeInconsistent(const ProbeResult& r, std::vector<Anomaly>* out) {
  const Timestamp* created = r.Time(TimeRole::kCreated);
  const Timestamp* modified = r.Time(TimeRole::kModified);
  if (Usable(created) && Usable(modified)) {
    double d = Diff(*created, *modified);
    // When only one of the two carries a zone, the clocks may differ by any UTC offset.
    bool mixed =
        created->utc_offset_minutes.has_value() != modified->utc_offset_minutes.has_value();
    double slack = kModifiedBeforeCreatedSlackS + (mixed ? kMaxZoneOffsetS : 0);
    if (d < -slack) {
      out->push_back({kTimeInconsistent, "Original time " + Describe(*created) + " is " +
                                             Duration(d) + " after the modification time " +
                                             Describe(*modified) +
                                             ": a clock was wrong or a date was rewritten."});
    }
  }
  const Timestamp* gps = r.Time(TimeRole::kGps);
  if (Usable(created) && Usable(gps)) {
    double d = Diff(*gps, *created);
    bool zoned = LocalZone(*created) || created->utc_offset_minutes == 0;
    if (zoned && std::fabs(d) > kGpsCameraZonedSlackS) {
      out->push_back({kTimeInconsistent, "Camera time " + Describe(*created) + " and GPS time " +
                                             Describe(*gps) + " are " + Duration(d) +
                                             " apart: the camera clock or the GPS data is wrong, "
                                             "or one of them was edited."});
    } else if (!zoned && std::fabs(d) > kGpsCameraUnzonedSlackS) {
      out->push_back({kTimeInconsistent,
                      "Camera time " + Describe(*created) + " and GPS time (UTC) " +
                          Describe(*gps) + " are " + Duration(d) +
                          " apart, more than any time zone explains: the camera clock or the GPS "
                          "data is wrong, or one of them was edited."});
    }
  }
  // Apple's creationdate (local, with zone) should match the movie header's UTC creation time
  // within the recording's length.
  const Timestamp* apple = nullptr;
  const Timestamp* mvhd = nullptr;
  for (const Timestamp& t : r.times) {
    if (t.source == "Container.com.apple.quicktime.creationdate" && !apple) apple = &t;
    if (t.source == "QuickTime.mvhd.CreationTime" && !mvhd) mvhd = &t;
  }
  if (Usable(apple) && Usable(mvhd) && apple->utc_offset_minutes) {
    double d = Diff(*apple, *mvhd);
    double slack = kCreationDateSlackS + r.container.duration_s.value_or(0);
    if (std::fabs(d) > slack) {
      out->push_back({kTimeInconsistent, "Apple creation date " + Describe(*apple) +
                                             " and the movie header's creation time " +
                                             Describe(*mvhd) + " are " + Duration(d) +
                                             " apart: the file was rewritten, or a date edited."});
    }
  }
}

void TimeZero(const ProbeResult& r, std::vector<Anomaly>* out) {
  std::string which;
  for (const Timestamp& t : r.times) {
    if (!t.unset || t.role == TimeRole::kFileModified) continue;
    which += (which.empty() ? "" : ", ") + t.source + " = " + (t.raw.empty() ? "\"\"" : t.raw);
  }
  if (which.empty()) return;
  out->push_back({kTimeZero, "Time left unset (zero, 1904-01-01 or 1970-01-01): " + which +
                                 ". Cameras and phones set it; FFmpeg, editors and platforms "
                                 "often do not, so this file was likely written by software."});
}

void TimeZoneMismatch(const ProbeResult& r, std::vector<Anomaly>* out) {
  const Timestamp* created = r.Time(TimeRole::kCreated);
  if (!Usable(created) || !LocalZone(*created) || !r.gps) return;
  if (std::fabs(r.gps->lat) < 1e-6 && std::fabs(r.gps->lon) < 1e-6) return;
  double zone_h = *created->utc_offset_minutes / 60.0;
  double solar_h = r.gps->lon / 15.0;
  double diff = std::fmod(zone_h - solar_h + 36.0, 24.0) - 12.0;  // wrapped into [-12, 12)
  if (std::fabs(diff) <= kZoneLongitudeSlackH) return;
  out->push_back({kTimeZoneMismatch, "Time zone " + created->ZoneText() + " of " + created->source +
                                         " is implausible at the GPS longitude " +
                                         Coord(r.gps->lon) + " (local solar time there is about " +
                                         ZoneHours(solar_h) +
                                         "): the camera's zone was wrong, or the GPS or the time "
                                         "was edited."});
}

void Reencoded(const ProbeResult& r, std::vector<Anomaly>* out) {
  std::vector<ReencodeSignature> sigs = FindReencodeSignatures(r);
  if (sigs.empty()) return;
  std::string detail;
  for (const auto& s : sigs) {
    detail += (detail.empty() ? "" : "; ") + s.tool + " (" + s.evidence + ")";
  }
  out->push_back({kReencoded, "Re-encoded or re-muxed after capture: " + detail +
                                  ". Quality and metadata may differ from the original; look "
                                  "for an earlier copy."});
}

void GpsChecks(const ProbeResult& r, std::vector<Anomaly>* out) {
  if (!r.gps) return;
  if (std::fabs(r.gps->lat) < 1e-6 && std::fabs(r.gps->lon) < 1e-6) {
    out->push_back({kGpsZero, "GPS position is 0, 0 (" + r.gps->source +
                                  "): a placeholder written without a fix, not a location."});
  }
  std::string conflicts;
  for (std::size_t i = 1; i < r.gps_all.size(); ++i) {
    double d = DistanceM(r.gps_all[0], r.gps_all[i]);
    if (d > kGpsConflictM) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.0f m", d);
      conflicts += (conflicts.empty() ? "" : "; ") + r.gps_all[i].source + " " +
                   Coord(r.gps_all[i].lat) + ", " + Coord(r.gps_all[i].lon) + " is " + buf +
                   " away";
    }
  }
  if (!conflicts.empty()) {
    out->push_back({kGpsConflict, "GPS positions disagree: " + r.gps_all[0].source + " says " +
                                      Coord(r.gps_all[0].lat) + ", " + Coord(r.gps_all[0].lon) +
                                      "; " + conflicts +
                                      ". One of them was added or edited afterwards."});
  }
  bool exif = false, xmp = false;
  for (const auto& g : r.gps_all) {
    exif = exif || g.source == "Exif.GPSInfo";
    xmp = xmp || g.source == "Xmp.exif";
  }
  if (r.kind == "image" && xmp && !exif) {
    out->push_back({kGpsXmpOnly,
                    "GPS is only in XMP, not in EXIF: cameras write EXIF GPS, so the position "
                    "was most likely added later by software (geotagging in an editor). Verify "
                    "it independently."});
  }
}

void GpsTrack(const ProbeResult& r, std::vector<Anomaly>* out) {
  for (const auto& s : r.streams) {
    // 'gpmd': GoPro's GPMF telemetry track (GoPro gpmf-parser documentation); 'camm': Google's
    // Camera Motion Metadata track (Street View publish specification).
    std::string what;
    if (s.codec_tag == "gpmd") what = "a GoPro GPMF telemetry track (GPS, motion sensors)";
    if (s.codec_tag == "camm") what = "a camera-motion metadata track (camm; may hold GPS)";
    if (what.empty()) continue;
    out->push_back({kGpsTrackNotRead,
                    "Stream " + std::to_string(s.index) + " is " + what +
                        ": probe does not decode it, so \"gps\" shows only the container's "
                        "position. Extract the track (e.g. exiftool -ee) to get the GPS path."});
    return;
  }
}

void DimensionsMismatch(const ProbeResult& r, std::vector<Anomaly>* out) {
  if (r.kind != "image" || r.container.format == "heif" || r.exif_width <= 0 ||
      r.exif_height <= 0) {
    return;
  }
  const media::StreamInfo* v = r.FirstVideo();
  if (!v || v->width <= 0 || v->height <= 0) return;
  bool same = (v->width == r.exif_width && v->height == r.exif_height) ||
              (v->width == r.exif_height && v->height == r.exif_width);
  if (same) return;
  out->push_back({kDimensionsMismatch,
                  "EXIF says the image is " + std::to_string(r.exif_width) + "×" +
                      std::to_string(r.exif_height) + " but it is " + std::to_string(v->width) +
                      "×" + std::to_string(v->height) +
                      ": it was resized or cropped after the EXIF was written, and the metadata "
                      "was carried over."});
}

}  // namespace

std::vector<Anomaly> FindAnomalies(const ProbeResult& r) {
  std::vector<Anomaly> out;
  if (!r.status.ok()) return out;
  MetadataStripped(r, &out);
  EditedBySoftware(r, &out);
  TimeInconsistent(r, &out);
  Reencoded(r, &out);
  TimeZero(r, &out);
  TimeZoneMismatch(r, &out);
  GpsChecks(r, &out);
  GpsTrack(r, &out);
  DimensionsMismatch(r, &out);
  if (r.container.truncated) {
    out.push_back({kTruncated, "The file is cut short: " + r.container.truncation +
                                   ". The end of the recording is missing (incomplete download "
                                   "or copy); ask for a complete copy."});
  }
  return out;
}

nlohmann::ordered_json AnomaliesToJson(const std::vector<Anomaly>& anomalies) {
  nlohmann::ordered_json a = nlohmann::ordered_json::array();
  for (const Anomaly& x : anomalies) a.push_back({{"code", x.code}, {"message", x.message}});
  return a;
}

}  // namespace sightline::analysis::metadata
