// The vocabulary of embedded metadata shared by the probe, the EXIF/XMP reader and the analyses
// that judge metadata: tags, timestamps (with their time zone when the file says it) and GPS
// positions, each remembering where in the file it was read.
#ifndef SIGHTLINE_MEDIA_METADATA_H_
#define SIGHTLINE_MEDIA_METADATA_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sightline::media {

// One tag as the file stores it. Keys are namespaced by where they were read:
//   "Exif.Image.Make", "Xmp.xmp.CreatorTool", "Iptc.Application2.Caption"  (exiv2 keys)
//   "Container.encoder", "Stream0.handler_name"                            (FFmpeg tags)
//   "QuickTime.mvhd.CreationTime", "QuickTime.udta.loci"                   (read by hand)
struct Tag {
  std::string key;
  std::string value;    // as stored (numbers raw, binary summarised as "(binary data, N bytes)")
  std::string display;  // interpreted for a person when it differs from value ("1/60 s"), else ""
};

enum class TimeRole {
  kCreated,       // capture: EXIF DateTimeOriginal, QuickTime creation time, Apple creationdate
  kDigitized,     // EXIF DateTimeDigitized / XMP CreateDate
  kModified,      // last change of the file's content or metadata: EXIF DateTime, mvhd modification
  kGps,           // the GPS fix time (always UTC)
  kFileModified,  // the file system's modification time (says when this copy was written)
};

const char* TimeRoleName(
    TimeRole role);  // "created", "digitized", "modified", "gps", "file_modified"

// A point in time as a file records it. Many formats store a wall-clock reading without a zone
// (EXIF before 2.31); then utc_offset_minutes is empty and the UTC instant is unknown.
struct Timestamp {
  TimeRole role = TimeRole::kCreated;
  std::string source;  // the tag it came from, e.g. "Exif.Photo.DateTimeOriginal"
  std::string raw;     // the value as written
  // The clock reading as written, counted in seconds since 1970-01-01T00:00:00 of that same clock.
  std::int64_t wall_seconds = 0;
  int millis = -1;                        // sub-second part when written (0..999), else -1
  std::optional<int> utc_offset_minutes;  // east of UTC; 0 for UTC
  bool unset = false;  // a placeholder, not a time: all zeros, or the 1904/1970 epoch itself

  // Seconds since the Unix epoch, when the zone is known.
  std::optional<double> UtcSeconds() const;
  // "2022-02-16T12:55:41.762" (the wall clock as written, no zone).
  std::string LocalText() const;
  // "+01:00", "Z" for UTC, "" when unknown.
  std::string ZoneText() const;
  // RFC 3339 in UTC ("2022-02-16T11:55:41.762Z") when the zone is known, else "".
  std::string UtcText() const;
  // LocalText() followed by ZoneText(): what a person should read.
  std::string Text() const;
};

// Parses an EXIF "YYYY:MM:DD HH:MM:SS" (also accepts '-' in the date and a trailing zone as in
// "…+01:00"). `subsec` is EXIF SubSecTime* ("762"), `offset` is EXIF OffsetTime* ("+01:00").
// Returns nullopt for text that is not a date; an all-zero or blank date gives unset = true.
std::optional<Timestamp> ParseExifTime(TimeRole role, std::string source, std::string_view text,
                                       std::string_view subsec = {}, std::string_view offset = {});
// Parses ISO 8601 as found in XMP, QuickTime keys and FFmpeg tags: "YYYY-MM-DD[THH:MM[:SS[.f]]]"
// followed by "Z", "±HH:MM", "±HHMM" or nothing (zone unknown).
std::optional<Timestamp> ParseIsoTime(TimeRole role, std::string source, std::string_view text);
// A time given in seconds since the Unix epoch, in UTC (file system times, QuickTime mvhd).
Timestamp UtcTimestamp(TimeRole role, std::string source, std::string raw, std::int64_t seconds,
                       int millis = -1);

// A position in WGS 84 degrees (north and east positive), altitude in metres above sea level.
struct GpsPosition {
  double lat = 0;
  double lon = 0;
  std::optional<double> alt_m;
  std::string source;  // e.g. "Exif.GPSInfo", "Xmp.exif",
                       // "QuickTime.mdta.com.apple.quicktime.location.ISO6709"
};

// Text from a file made safe to show and to put in JSON: bytes that are not UTF-8 become \xNN,
// control characters become spaces, surrounding spaces and NULs are trimmed.
std::string CleanText(std::string_view text);

}  // namespace sightline::media

#endif  // SIGHTLINE_MEDIA_METADATA_H_
