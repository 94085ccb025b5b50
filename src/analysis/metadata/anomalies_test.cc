// Anomalies are a pure function of a ProbeResult: these tests build results by hand.
#include "analysis/metadata/anomalies.h"

#include <gtest/gtest.h>

#include "analysis/metadata/signatures.h"

namespace sightline::analysis::metadata {
namespace {

using media::GpsPosition;
using media::ProbeResult;
using media::TimeRole;
using media::Timestamp;

ProbeResult Photo() {
  ProbeResult r;
  r.path = "/cases/photo.jpg";
  r.kind = "image";
  r.container.format = "image2";
  r.has_exif = true;
  r.device.make = "Canon";
  media::StreamInfo s;
  s.type = "video";
  s.width = 4000;
  s.height = 3000;
  r.streams.push_back(s);
  return r;
}

Timestamp Exif(TimeRole role, const char* source, const char* text, const char* offset = "") {
  return *media::ParseExifTime(role, source, text, "", offset);
}

std::vector<std::string> Codes(const ProbeResult& r) {
  std::vector<std::string> out;
  for (const auto& a : FindAnomalies(r)) out.push_back(a.code);
  return out;
}

bool Has(const ProbeResult& r, const char* code, const std::string& needle = "") {
  for (const auto& a : FindAnomalies(r)) {
    if (a.code == code && a.message.find(needle) != std::string::npos) return true;
  }
  return false;
}

GpsPosition Gps(double lat, double lon, const char* source = "Exif.GPSInfo") {
  GpsPosition g;
  g.lat = lat;
  g.lon = lon;
  g.source = source;
  return g;
}

TEST(AnomaliesTest, CleanCameraPhotoHasNone) {
  ProbeResult r = Photo();
  r.times.push_back(Exif(TimeRole::kCreated, "Exif.Photo.DateTimeOriginal", "2023:05:01 10:00:00"));
  r.times.push_back(Exif(TimeRole::kModified, "Exif.Image.DateTime", "2023:05:01 10:00:00"));
  r.software.push_back({"Exif.Image.Software", "Firmware Version 1.0.2", ""});
  EXPECT_TRUE(Codes(r).empty());
}

TEST(AnomaliesTest, FailedProbeHasNone) {
  ProbeResult r;
  r.status = Unsupported("x: not media");
  EXPECT_TRUE(FindAnomalies(r).empty());
}

TEST(AnomaliesTest, StrippedPhoto) {
  ProbeResult r = Photo();
  r.has_exif = false;
  r.device.make.clear();
  EXPECT_TRUE(Has(r, kMetadataStripped, "No EXIF"));
  r.has_exif = true;  // EXIF without camera or capture time
  EXPECT_TRUE(Has(r, kMetadataStripped, "names no camera"));
}

TEST(AnomaliesTest, GpsTimeFarFromCameraTime) {
  ProbeResult r = Photo();
  r.times.push_back(
      Exif(TimeRole::kCreated, "Exif.Photo.DateTimeOriginal", "2023:05:01 10:00:00", "+02:00"));
  r.times.push_back(Exif(TimeRole::kGps, "Exif.GPSInfo", "2023:05:01 08:10:00", "Z"));
  EXPECT_FALSE(Has(r, kTimeInconsistent));  // 10 min: a stale fix, not a contradiction
  r.times.back() = Exif(TimeRole::kGps, "Exif.GPSInfo", "2023:05:03 08:00:00", "Z");
  EXPECT_TRUE(Has(r, kTimeInconsistent, "GPS time"));
  // Without a zone, up to 15 h is explained by the zone; two days is not.
  r.times[0] = Exif(TimeRole::kCreated, "Exif.Photo.DateTimeOriginal", "2023:05:01 22:00:00");
  r.times.back() = Exif(TimeRole::kGps, "Exif.GPSInfo", "2023:05:01 09:00:00", "Z");
  EXPECT_FALSE(Has(r, kTimeInconsistent));
  r.times.back() = Exif(TimeRole::kGps, "Exif.GPSInfo", "2023:05:03 09:00:00", "Z");
  EXPECT_TRUE(Has(r, kTimeInconsistent, "more than any time zone"));
}

TEST(AnomaliesTest, OriginalAfterModified) {
  ProbeResult r = Photo();
  r.times.push_back(Exif(TimeRole::kCreated, "Exif.Photo.DateTimeOriginal", "2023:05:01 10:00:00"));
  r.times.push_back(Exif(TimeRole::kModified, "Exif.Image.DateTime", "2023:05:01 09:59:59"));
  EXPECT_FALSE(Has(r, kTimeInconsistent));  // within EXIF's one-second resolution
  r.times[1] = Exif(TimeRole::kModified, "Exif.Image.DateTime", "2023:04:01 09:00:00");
  EXPECT_TRUE(Has(r, kTimeInconsistent, "after the modification time"));
  // A local time without zone against a UTC time: a few hours apart is only the zone.
  r.times[1] = media::UtcTimestamp(TimeRole::kModified, "QuickTime.mvhd.ModificationTime", "",
                                   1682928000);  // 2023-05-01T08:00:00Z
  EXPECT_FALSE(Has(r, kTimeInconsistent));
  r.times[1].wall_seconds -= 3 * 86400;
  EXPECT_TRUE(Has(r, kTimeInconsistent));
}

TEST(AnomaliesTest, AppleCreationDateAgainstMovieHeader) {
  ProbeResult r;
  r.kind = "video";
  r.container.duration_s = 30;
  r.device.make = "Apple";
  r.times.push_back(*media::ParseIsoTime(TimeRole::kCreated,
                                         "Container.com.apple.quicktime.creationdate",
                                         "2023-05-01T10:00:00+0900"));
  r.times.push_back(media::UtcTimestamp(TimeRole::kCreated, "QuickTime.mvhd.CreationTime", "",
                                        1682902830));  // 01:00:30Z: within the 30 s recording
  EXPECT_FALSE(Has(r, kTimeInconsistent));
  r.times.back().wall_seconds += 6 * 3600;
  EXPECT_TRUE(Has(r, kTimeInconsistent, "Apple creation date"));
}

TEST(AnomaliesTest, ZoneImplausibleForLongitude) {
  ProbeResult r = Photo();
  r.times.push_back(
      Exif(TimeRole::kCreated, "Exif.Photo.DateTimeOriginal", "2023:05:01 10:00:00", "+09:00"));
  r.gps = Gps(39.05, -94.29);  // Kansas City: about UTC-06:17 solar
  r.gps_all = {*r.gps};
  EXPECT_TRUE(Has(r, kTimeZoneMismatch, "+09:00"));
  r.times[0].utc_offset_minutes = -5 * 60;
  EXPECT_FALSE(Has(r, kTimeZoneMismatch));
  // Across the date line: +12:00 at longitude -178 (Fiji/Kiribati side) is fine.
  r.times[0].utc_offset_minutes = 12 * 60;
  r.gps = Gps(-17.7, -178.0);
  r.gps_all = {*r.gps};
  EXPECT_FALSE(Has(r, kTimeZoneMismatch));
}

TEST(AnomaliesTest, GpsZeroConflictAndXmpOnly) {
  ProbeResult r = Photo();
  r.gps = Gps(0, 0);
  r.gps_all = {*r.gps};
  EXPECT_TRUE(Has(r, kGpsZero));
  r.gps = Gps(48.8584, 2.2945);
  r.gps_all = {*r.gps, Gps(48.8584, 2.2950, "Xmp.exif")};  // ~37 m: same place
  EXPECT_FALSE(Has(r, kGpsConflict));
  r.gps_all[1] = Gps(51.5007, -0.1246, "Xmp.exif");
  EXPECT_TRUE(Has(r, kGpsConflict, "Xmp.exif"));
  r.gps = Gps(48.8584, 2.2945, "Xmp.exif");
  r.gps_all = {*r.gps};
  EXPECT_TRUE(Has(r, kGpsXmpOnly));
}

TEST(AnomaliesTest, ReencodeSignatures) {
  ProbeResult r;
  r.kind = "video";
  r.tags.push_back({"Container.encoder", "HandBrake 1.6.1 2023012300", ""});
  r.tags.push_back({"Stream0.handler_name", "ISO Media file produced by Google Inc.", ""});
  r.tags.push_back({"Container.comment", "vid:v12044gd0000abc", ""});
  r.path = "/x/VID-20230521-WA0003.mp4";
  std::vector<ReencodeSignature> s = FindReencodeSignatures(r);
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].tool, "HandBrake");
  EXPECT_EQ(s[1].tool, "Google (YouTube) muxer");
  EXPECT_EQ(s[2].tool, "TikTok");
  EXPECT_EQ(s[3].tool, "WhatsApp");
  EXPECT_TRUE(Has(r, kReencoded, "HandBrake"));
  ProbeResult camera;
  camera.kind = "video";
  camera.tags.push_back({"Stream0.encoder", "GoPro AVC encoder", ""});
  camera.tags.push_back({"Stream0.handler_name", "Core Media Video", ""});
  EXPECT_TRUE(FindReencodeSignatures(camera).empty());
}

TEST(AnomaliesTest, EditorNames) {
  EXPECT_EQ(MatchEditor("Adobe Photoshop CC 2019 (Windows)"), "Adobe Photoshop");
  EXPECT_EQ(MatchEditor("Adobe Photoshop Camera Raw 7.0 (Windows)"), "Adobe Camera Raw");
  EXPECT_EQ(MatchEditor("GIMP 2.10.34"), "GIMP");
  EXPECT_EQ(MatchEditor("Snapseed 2.0"), "Snapseed");
  EXPECT_FALSE(MatchEditor("15.2.1"));  // iOS version, as iPhones write it
  EXPECT_FALSE(MatchEditor("HDR-AS300 v1.00"));
  EXPECT_FALSE(MatchEditor("GoPro AVC encoder"));
}

TEST(AnomaliesTest, DimensionsMismatchAllowsRotation) {
  ProbeResult r = Photo();
  r.exif_width = 3000;
  r.exif_height = 4000;
  EXPECT_FALSE(Has(r, kDimensionsMismatch));
  r.exif_width = 8000;
  r.exif_height = 6000;
  EXPECT_TRUE(Has(r, kDimensionsMismatch, "8000×6000"));
}

TEST(AnomaliesTest, TimeZeroAndTruncated) {
  ProbeResult r;
  r.kind = "video";
  media::Timestamp zero =
      media::UtcTimestamp(TimeRole::kCreated, "QuickTime.mvhd.CreationTime", "0", -2082844800);
  zero.unset = true;
  r.times.push_back(zero);
  r.container.truncated = true;
  r.container.truncation = "the 'mdat' box declares 10 bytes more than the file holds";
  EXPECT_TRUE(Has(r, kTimeZero, "QuickTime.mvhd.CreationTime"));
  EXPECT_TRUE(Has(r, kTruncated, "mdat"));
  auto j = AnomaliesToJson(FindAnomalies(r));
  ASSERT_TRUE(j.is_array());
  EXPECT_TRUE(j[0].contains("code"));
  EXPECT_TRUE(j[0].contains("message"));
}

}  // namespace
}  // namespace sightline::analysis::metadata
