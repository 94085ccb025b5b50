// Probe tests. Every fixture is generated here, with the ffmpeg CLI and exiv2's C++ API, with
// known values; nothing is read from outside the scratch directory.
#include "media/probe.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <exiv2/exiv2.hpp>
#include <string>

#include "analysis/metadata/anomalies.h"
#include "media/exif_reader.h"
#include "media/probe_json.h"
#include "test_util.h"

namespace sightline::media {
namespace {

using sightline::testing::MakeMedia;
using sightline::testing::MakeTestVideo;
using sightline::testing::ReadFile;
using sightline::testing::ScratchDir;
using sightline::testing::WriteFile;

void MakeJpeg(const std::string& path, const std::string& size = "64x48") {
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=1", "-frames:v", "1"}, path);
}

// Edits the EXIF and XMP of `path` with exiv2, as a camera or editor would have written them.
template <typename F>
void EditMetadata(const std::string& path, F edit) {
  Exiv2::Image::AutoPtr img = Exiv2::ImageFactory::open(path);
  img->readMetadata();
  edit(img->exifData(), img->xmpData());
  img->writeMetadata();
}

bool HasAnomaly(const ProbeResult& r, const std::string& code, const std::string& needle = "") {
  for (const auto& a : analysis::metadata::FindAnomalies(r)) {
    if (a.code == code && a.message.find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST(ProbeTest, JpegExifGpsMatchesTheWrittenRationals) {
  ScratchDir dir;
  std::string jpg = dir / "gps.jpg";
  MakeJpeg(jpg);
  EditMetadata(jpg, [](Exiv2::ExifData& e, Exiv2::XmpData&) {
    e["Exif.Image.Make"] = "TestMaker";
    e["Exif.Image.Model"] = "Cam 1";
    e["Exif.Photo.DateTimeOriginal"] = "2023:05:01 10:00:00";
    e["Exif.Photo.OffsetTimeOriginal"] = "+02:00";
    e["Exif.GPSInfo.GPSLatitudeRef"] = "S";
    e["Exif.GPSInfo.GPSLatitude"] = "48/1 51/1 3024/100";
    e["Exif.GPSInfo.GPSLongitudeRef"] = "W";
    e["Exif.GPSInfo.GPSLongitude"] = "2/1 17/1 40201/1000";
    e["Exif.GPSInfo.GPSAltitudeRef"] = "1";
    e["Exif.GPSInfo.GPSAltitude"] = "3512/100";
    e["Exif.GPSInfo.GPSDateStamp"] = "2023:05:01";
    e["Exif.GPSInfo.GPSTimeStamp"] = "8/1 0/1 5/1";
  });
  ProbeResult r = ProbeFile(jpg);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.kind, "image");
  ASSERT_TRUE(r.gps);
  EXPECT_EQ(r.gps->source, "Exif.GPSInfo");
  EXPECT_NEAR(r.gps->lat, -(48 + 51 / 60.0 + 30.24 / 3600), 1e-9);
  EXPECT_NEAR(r.gps->lon, -(2 + 17 / 60.0 + 40.201 / 3600), 1e-9);
  ASSERT_TRUE(r.gps->alt_m);
  EXPECT_NEAR(*r.gps->alt_m, -35.12, 1e-9);
  EXPECT_EQ(r.device.make, "TestMaker");
  EXPECT_EQ(r.device.model, "Cam 1");
  const Timestamp* created = r.Time(TimeRole::kCreated);
  ASSERT_TRUE(created);
  EXPECT_EQ(created->UtcText(), "2023-05-01T08:00:00Z");
  const Timestamp* gps_time = r.Time(TimeRole::kGps);
  ASSERT_TRUE(gps_time);
  EXPECT_EQ(gps_time->UtcText(), "2023-05-01T08:00:05Z");
  EXPECT_TRUE(r.has_exif);
  // Camera time (UTC 08:00:00) agrees with GPS time; no anomaly about them.
  EXPECT_FALSE(HasAnomaly(r, analysis::metadata::kTimeInconsistent));
  EXPECT_FALSE(HasAnomaly(r, analysis::metadata::kMetadataStripped));

  auto j = ProbeToJson(r);
  EXPECT_NEAR(j["gps"]["lat"].get<double>(), r.gps->lat, 1e-12);
  EXPECT_EQ(j["times"]["created"]["zone"], "+02:00");
  EXPECT_FALSE(j.contains("tags"));
  EXPECT_TRUE(ProbeToJson(r, {.include_tags = true})["tags"].contains("Exif.Image.Make"));
}

TEST(ProbeTest, PhotoshopAndOriginalAfterModificationAreReported) {
  ScratchDir dir;
  std::string jpg = dir / "edited.jpg";
  MakeJpeg(jpg);
  EditMetadata(jpg, [](Exiv2::ExifData& e, Exiv2::XmpData&) {
    e["Exif.Image.Make"] = "Canon";
    e["Exif.Image.Software"] = "Adobe Photoshop 24.1 (Windows)";
    e["Exif.Image.DateTime"] = "2023:01:01 09:00:00";
    e["Exif.Photo.DateTimeOriginal"] = "2023:03:05 18:30:00";
  });
  ProbeResult r = ProbeFile(jpg);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_TRUE(HasAnomaly(r, analysis::metadata::kEditedBySoftware, "Adobe Photoshop"));
  EXPECT_TRUE(HasAnomaly(r, analysis::metadata::kTimeInconsistent, "2023-03-05T18:30:00"));
}

TEST(ProbeTest, XmpOnlyGpsIsReadAndFlagged) {
  ScratchDir dir;
  std::string jpg = dir / "xmp.jpg";
  MakeJpeg(jpg);
  EditMetadata(jpg, [](Exiv2::ExifData& e, Exiv2::XmpData& x) {
    e["Exif.Image.Make"] = "Canon";
    x["Xmp.exif.GPSLatitude"] = "0,4.216010S";
    x["Xmp.exif.GPSLongitude"] = "34,22.916110E";
    x["Xmp.exif.GPSAltitude"] = "136169/100";
    x["Xmp.xmp.CreatorTool"] = "Adobe Lightroom Classic 12.0";
  });
  ProbeResult r = ProbeFile(jpg);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_TRUE(r.gps);
  EXPECT_EQ(r.gps->source, "Xmp.exif");
  EXPECT_NEAR(r.gps->lat, -(4.216010 / 60), 1e-12);
  EXPECT_NEAR(r.gps->lon, 34 + 22.916110 / 60, 1e-12);
  EXPECT_NEAR(*r.gps->alt_m, 1361.69, 1e-9);
  EXPECT_TRUE(HasAnomaly(r, analysis::metadata::kGpsXmpOnly));
  EXPECT_TRUE(HasAnomaly(r, analysis::metadata::kEditedBySoftware, "Adobe Lightroom"));
}

TEST(ProbeTest, JpegWithoutMetadataIsStripped) {
  ScratchDir dir;
  std::string jpg = dir / "bare.jpg";
  MakeJpeg(jpg);
  ProbeResult r = ProbeFile(jpg);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_FALSE(r.has_exif);
  EXPECT_FALSE(r.gps);
  EXPECT_TRUE(HasAnomaly(r, analysis::metadata::kMetadataStripped));
}

TEST(ProbeTest, QuickTimeXyzLocation) {
  ScratchDir dir;
  std::string mov = dir / "xyz.mov";
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=96x64:rate=10:duration=0.5", "-c:v", "mpeg4",
             "-metadata", "location=+48.858400+002.294500/", "-f", "mov"},
            mov);
  ProbeResult r = ProbeFile(mov);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_TRUE(r.gps);
  EXPECT_EQ(r.gps->source, "QuickTime.UserData.\xc2\xa9xyz");
  EXPECT_NEAR(r.gps->lat, 48.8584, 1e-9);
  EXPECT_NEAR(r.gps->lon, 2.2945, 1e-9);
}

TEST(ProbeTest, AndroidStyleXyzWithLanguageGivesLocationEng) {
  // Android's MediaMuxer writes ©xyz with the language code 0x15C7 ("eng"), which FFmpeg exports
  // as both "location" and "location-eng". Patch FFmpeg's ©xyz the same way.
  ScratchDir dir;
  std::string mov = dir / "android.mov";
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=96x64:rate=10:duration=0.5", "-c:v", "mpeg4",
             "-metadata", "location=-22.951900-043.210500/", "-f", "mov"},
            mov);
  std::string bytes = ReadFile(mov);
  std::size_t at = bytes.find("\xa9xyz");
  ASSERT_NE(at, std::string::npos);
  bytes[at + 6] = '\x15';
  bytes[at + 7] = '\xc7';
  WriteFile(mov, bytes);
  ProbeResult r = ProbeFile(mov);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.TagValue("Container.location-eng"), "-22.951900-043.210500/");
  ASSERT_TRUE(r.gps);
  EXPECT_NEAR(r.gps->lat, -22.9519, 1e-9);
  EXPECT_NEAR(r.gps->lon, -43.2105, 1e-9);
}

TEST(ProbeTest, Mp4LociLocationAtFullPrecision) {
  // In MP4 mode FFmpeg writes the 3GPP 'loci' box (16.16 fixed point) and reads it back rounded
  // to 4 decimals; the probe reads the box itself.
  ScratchDir dir;
  std::string mp4 = dir / "loci.mp4";
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=96x64:rate=10:duration=0.5", "-c:v", "mpeg4",
             "-metadata", "location=+48.858400+002.294500/"},
            mp4);
  ProbeResult r = ProbeFile(mp4);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_TRUE(r.gps);
  EXPECT_EQ(r.gps->source, "3GPP.UserData.loci");
  // One step of 16.16 fixed point is 1/65536 degree.
  EXPECT_NEAR(r.gps->lat, 48.8584, 1.0 / 65536);
  EXPECT_NEAR(r.gps->lon, 2.2945, 1.0 / 65536);
  EXPECT_DOUBLE_EQ(r.gps->lat * 65536, std::round(r.gps->lat * 65536));
}

TEST(ProbeTest, AppleKeysLocationCreationDateAndMake) {
  ScratchDir dir;
  std::string mov = dir / "apple.mov";
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=96x64:rate=10:duration=0.5", "-c:v", "mpeg4",
             "-movflags", "use_metadata_tags", "-metadata",
             "com.apple.quicktime.location.ISO6709=+35.658600+139.745400+040.000/", "-metadata",
             "com.apple.quicktime.make=Apple", "-metadata", "com.apple.quicktime.model=iPhone 12",
             "-metadata", "com.apple.quicktime.creationdate=2023-05-01T10:00:00+0900", "-metadata",
             "creation_time=2023-05-01T01:00:03Z"},
            mov);
  ProbeResult r = ProbeFile(mov);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ASSERT_TRUE(r.gps);
  EXPECT_EQ(r.gps->source, "QuickTime.Keys.com.apple.quicktime.location.ISO6709");
  EXPECT_NEAR(r.gps->lat, 35.6586, 1e-9);
  EXPECT_NEAR(r.gps->lon, 139.7454, 1e-9);
  EXPECT_NEAR(*r.gps->alt_m, 40.0, 1e-9);
  EXPECT_EQ(r.device.make, "Apple");
  EXPECT_EQ(r.device.model, "iPhone 12");
  const Timestamp* created = r.Time(TimeRole::kCreated);
  ASSERT_TRUE(created);
  EXPECT_EQ(created->ZoneText(), "+09:00");
  EXPECT_EQ(created->UtcText(), "2023-05-01T01:00:00Z");
  // The zone fits Tokyo's longitude and the movie header agrees within seconds.
  EXPECT_FALSE(HasAnomaly(r, analysis::metadata::kTimeZoneMismatch));
  EXPECT_FALSE(HasAnomaly(r, analysis::metadata::kTimeInconsistent));
  EXPECT_FALSE(HasAnomaly(r, analysis::metadata::kMetadataStripped));
}

TEST(ProbeTest, MovieHeaderTimesAndDisplayRotation) {
  ScratchDir dir;
  std::string src = dir / "src.mp4";
  std::string mp4 = dir / "rotated.mp4";
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=96x64:rate=10:duration=0.5", "-c:v", "mpeg4",
             "-metadata", "creation_time=2020-01-02T03:04:05Z"},
            src);
  // FFmpeg 5.1's mov muxer turns the "rotate" tag into a display matrix; rotate=270 there is the
  // matrix exiftool reports as Rotation 90 (turn 90° clockwise to display).
  MakeMedia({"-i", src, "-c", "copy", "-metadata:s:v", "rotate=270", "-metadata",
             "creation_time=2020-01-02T03:04:05Z"},
            mp4);
  ProbeResult r = ProbeFile(mp4);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  const Timestamp* created = r.Time(TimeRole::kCreated);
  ASSERT_TRUE(created);
  EXPECT_EQ(created->source, "QuickTime.mvhd.CreationTime");
  EXPECT_EQ(created->UtcText(), "2020-01-02T03:04:05Z");
  const Timestamp* modified = r.Time(TimeRole::kModified);
  ASSERT_TRUE(modified);
  EXPECT_EQ(modified->source, "QuickTime.mvhd.ModificationTime");
  const StreamInfo* v = r.FirstVideo();
  ASSERT_TRUE(v);
  EXPECT_EQ(v->rotation, 90);
  EXPECT_EQ(v->width, 96);
  EXPECT_EQ(v->height, 64);
  EXPECT_NEAR(v->frame_rate, 10, 1e-9);
  ASSERT_FALSE(r.container.top_level_boxes.empty());
  EXPECT_EQ(r.container.top_level_boxes.front(), "ftyp");
}

TEST(ProbeTest, FfmpegReencodeIsReported) {
  ScratchDir dir;
  std::string mp4 = dir / "reencoded.mp4";
  MakeTestVideo(mp4, 0.5);
  ProbeResult r = ProbeFile(mp4);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.kind, "video");
  ASSERT_TRUE(r.FirstAudio());
  EXPECT_EQ(r.FirstAudio()->sample_rate, 44100);
  EXPECT_EQ(r.FirstAudio()->channels, 1);
  EXPECT_EQ(r.FirstVideo()->codec, "h264");
  EXPECT_TRUE(HasAnomaly(r, analysis::metadata::kReencoded, "Lavf"));
  EXPECT_TRUE(HasAnomaly(r, analysis::metadata::kReencoded, "FFmpeg"));
  // FFmpeg leaves mvhd times at 0 (1904) when given no creation_time.
  EXPECT_TRUE(HasAnomaly(r, analysis::metadata::kTimeZero, "QuickTime.mvhd.CreationTime"));
  EXPECT_TRUE(HasAnomaly(r, analysis::metadata::kMetadataStripped));
}

TEST(ProbeTest, AudioPngAndGifKinds) {
  ScratchDir dir;
  std::string wav = dir / "tone.wav", png = dir / "still.png", gif = dir / "anim.gif",
              gif1 = dir / "one.gif";
  MakeMedia({"-f", "lavfi", "-i", "sine=frequency=440:duration=0.3:sample_rate=48000", "-ac", "2"},
            wav);
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=32x24:rate=1", "-frames:v", "1"}, png);
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=32x24:rate=5:duration=1"}, gif);
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=32x24:rate=1", "-frames:v", "1"}, gif1);
  ProbeResult a = ProbeFile(wav);
  ASSERT_TRUE(a.status.ok()) << a.status.message();
  EXPECT_EQ(a.kind, "audio");
  EXPECT_EQ(a.FirstAudio()->sample_rate, 48000);
  EXPECT_EQ(a.FirstAudio()->channels, 2);
  EXPECT_EQ(ProbeFile(png).kind, "image");
  EXPECT_EQ(ProbeFile(gif).kind, "video");
  EXPECT_EQ(ProbeFile(gif1).kind, "image");
}

TEST(ProbeTest, NotMediaGivesAClearErrorNamingTheFile) {
  ScratchDir dir;
  std::string random = dir / "random.mp4", empty = dir / "empty.mov", text = dir / "notes.txt",
              cut = dir / "cut.mp4", full = dir / "full.mp4";
  std::string bytes;
  std::uint32_t x = 12345;
  for (int i = 0; i < 50000; ++i) {
    x = x * 1664525u + 1013904223u;
    bytes += static_cast<char>(x >> 24);
  }
  WriteFile(random, bytes);
  WriteFile(empty, "");
  WriteFile(text, "hello, this is not a video\n");
  MakeTestVideo(full, 0.5);
  std::string video = ReadFile(full);
  WriteFile(cut, video.substr(0, video.size() / 2));  // moov is written last: now missing

  for (const std::string& p : {random, empty, text, cut}) {
    ProbeResult r = ProbeFile(p);
    EXPECT_FALSE(r.status.ok()) << p;
    EXPECT_NE(r.status.message().find(p), std::string::npos) << r.status.message();
    EXPECT_GE(r.size, 0) << p;
    EXPECT_TRUE(r.Time(TimeRole::kFileModified)) << p;
  }
  EXPECT_EQ(ProbeFile(random).size, 50000);
  EXPECT_NE(ProbeFile(empty).status.message().find("empty"), std::string::npos);
  ProbeResult missing = ProbeFile(dir / "missing.mp4");
  EXPECT_EQ(missing.status.code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.size, -1);
}

TEST(ProbeTest, MdatCutAfterFastStartIsReportedAsTruncated) {
  ScratchDir dir;
  std::string full = dir / "full.mp4", cut = dir / "cut.mp4";
  MakeMedia({"-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=2", "-c:v", "mpeg4",
             "-movflags", "+faststart"},
            full);
  std::string video = ReadFile(full);
  WriteFile(cut, video.substr(0, video.size() * 2 / 3));
  ProbeResult r = ProbeFile(cut);
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_TRUE(r.container.truncated);
  EXPECT_TRUE(HasAnomaly(r, analysis::metadata::kTruncated, "mdat"));
  EXPECT_FALSE(ProbeFile(full).container.truncated);
}

TEST(ProbeTest, HostileExifCostsBoundedTimeAndNeverCrashes) {
  ScratchDir dir;
  std::string base = dir / "base.jpg";
  MakeJpeg(base);
  std::string jpeg = ReadFile(base);
  ASSERT_GT(jpeg.size(), 100u);
  int n = 0;
  for (const std::string& tiff : sightline::testing::HostileExifBlocks()) {
    std::string path = dir / ("hostile" + std::to_string(n++) + ".jpg");
    WriteFile(path, sightline::testing::JpegWithExif(jpeg, tiff));
    auto start = std::chrono::steady_clock::now();
    ProbeResult r = ProbeFile(path);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(secs, 10.0) << path;
    // The picture itself is intact: FFmpeg still reads it.
    EXPECT_TRUE(r.status.ok()) << r.status.message();
    EXPECT_EQ(r.kind, "image") << path;
    for (const Tag& t : r.tags) EXPECT_LE(t.value.size(), kMaxTagValue + 64) << t.key;
  }
}

}  // namespace
}  // namespace sightline::media
