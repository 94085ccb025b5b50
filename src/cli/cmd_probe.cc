// sightline probe: what a media file says about itself. Thin: the probe is media/probe.h, the
// judgement analysis/metadata/anomalies.h, the JSON media/probe_json.h; this file expands
// directories and prints.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "analysis/metadata/anomalies.h"
#include "base/file.h"
#include "cli/command.h"
#include "cli/output.h"
#include "media/probe.h"
#include "media/probe_json.h"

namespace sightline::cli {
namespace {

namespace fs = std::filesystem;
using analysis::metadata::Anomaly;

constexpr int kMaxDepth = 32;
constexpr std::size_t kMaxFiles = 100000;

// Extensions probed when a directory is given, as exiftool does: other files in a directory are
// skipped (and listed on stderr), while a file named on the command line is always probed.
bool MediaExtension(const std::string& name) {
  static const char* const kExt[] = {
      "jpg", "jpeg", "jpe",  "jfif", "png",  "gif",  "webp", "bmp",  "tif",  "tiff", "heic", "heif",
      "hif", "avif", "dng",  "cr2",  "cr3",  "nef",  "arw",  "orf",  "rw2",  "raf",  "pef",  "srw",
      "mp4", "m4v",  "mov",  "qt",   "3gp",  "3g2",  "mkv",  "webm", "avi",  "wmv",  "asf",  "flv",
      "ts",  "mts",  "m2ts", "mpg",  "mpeg", "vob",  "ogv",  "mxf",  "insv", "lrv",  "mp3",  "m4a",
      "aac", "wav",  "flac", "ogg",  "oga",  "opus", "wma",  "amr",  "aif",  "aiff", "caf",  "ac3"};
  auto dot = name.find_last_of('.');
  if (dot == std::string::npos) return false;
  std::string ext = name.substr(dot + 1);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return std::find_if(std::begin(kExt), std::end(kExt), [&](const char* e) { return ext == e; }) !=
         std::end(kExt);
}

// Regular files under `dir` with media extensions, sorted; hidden entries and symlinked
// directories are not followed.
void ListDirectory(const std::string& dir, std::vector<std::string>* files,
                   std::vector<std::string>* skipped) {
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
  std::vector<std::string> found;
  for (; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it.depth() >= kMaxDepth) it.disable_recursion_pending();
    if (!it->is_regular_file(ec)) continue;
    if (found.size() + skipped->size() >= kMaxFiles) break;
    (MediaExtension(name) ? found : *skipped).push_back(it->path().string());
  }
  std::sort(found.begin(), found.end());
  files->insert(files->end(), found.begin(), found.end());
}

std::string Bytes(std::int64_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3)
    s.insert(static_cast<std::size_t>(i), ",");
  return s + " bytes";
}

std::string TimeLine(const media::Timestamp& t) {
  if (t.unset) return "unset (" + t.raw + ")  [" + t.source + "]";
  std::string zone = t.ZoneText();
  std::string s = t.LocalText() + (zone.empty() ? "  (zone unknown)" : zone);
  if (!zone.empty() && zone != "Z") s += "  = " + t.UtcText();
  return s + "  [" + t.source + "]";
}

std::string Number(double v, const char* fmt) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

void PrintText(const media::ProbeResult& r, const std::vector<Anomaly>& anomalies, bool all) {
  std::printf("== %s\n", DisplayPath(r.path).c_str());
  auto line = [](const char* label, const std::string& value) {
    std::printf("%-11s %s\n", label, value.c_str());
  };
  if (!r.status.ok()) line("Error", r.status.message());
  if (r.size < 0) {
    std::printf("\n");
    return;
  }
  const std::pair<media::TimeRole, const char*> kTimes[] = {
      {media::TimeRole::kCreated, "Created"},
      {media::TimeRole::kDigitized, "Digitized"},
      {media::TimeRole::kModified, "Modified"},
      {media::TimeRole::kGps, "GPS time"}};
  if (r.status.ok()) {
    bool any_time = false;
    for (const auto& [role, label] : kTimes) {
      if (const media::Timestamp* t = r.Time(role)) {
        line(label, TimeLine(*t));
        any_time = true;
      }
    }
    if (!any_time) line("Created", "(no capture time in the file)");
    std::string device = r.device.make;
    if (!r.device.model.empty()) device += (device.empty() ? "" : " ") + r.device.model;
    line("Device", device.empty() ? "(none named)" : device);
    if (!r.device.serial.empty()) line("Serial", r.device.serial);
    if (!r.device.lens.empty()) line("Lens", r.device.lens);
    if (r.gps) {
      std::string g = Number(r.gps->lat, "%.6f") + ", " + Number(r.gps->lon, "%.6f");
      if (r.gps->alt_m) g += ", alt " + Number(*r.gps->alt_m, "%.1f") + " m";
      line("GPS", g + "  [" + r.gps->source + "]");
    } else {
      line("GPS", "(none)");
    }
    if (r.software.empty()) line("Software", "(none named)");
    for (std::size_t i = 0; i < r.software.size(); ++i) {
      line(i == 0 ? "Software" : "", r.software[i].value + "  [" + r.software[i].key + "]");
    }
    if (anomalies.empty()) line("Anomalies", "none found");
    for (std::size_t i = 0; i < anomalies.size(); ++i) {
      line(i == 0 ? "Anomalies" : "", "! " + anomalies[i].code + ": " + anomalies[i].message);
    }
  }
  std::string file = Bytes(r.size);
  if (const media::Timestamp* t = r.Time(media::TimeRole::kFileModified)) {
    file += ", file modified " + t->UtcText();
  }
  line("File", file);
  if (!r.container.format.empty()) {
    std::string c = r.container.format;
    if (!r.container.format_long.empty()) c += " (" + r.container.format_long + ")";
    if (!r.container.mime_type.empty()) c += ", " + r.container.mime_type;
    if (!r.container.major_brand.empty()) c += ", brand " + r.container.major_brand;
    if (r.container.duration_s) c += ", " + Number(*r.container.duration_s, "%.3f") + " s";
    if (r.container.bit_rate > 0)
      c += ", " + Number(r.container.bit_rate / 1000.0, "%.0f") + " kb/s";
    line("Container", c);
    if (!r.container.top_level_boxes.empty()) {
      std::string boxes;
      for (const auto& b : r.container.top_level_boxes) boxes += (boxes.empty() ? "" : " ") + b;
      line("Boxes", boxes);
    }
  }
  for (const media::StreamInfo& s : r.streams) {
    std::string d = s.type + " " + (s.codec.empty() ? "(unknown codec)" : s.codec);
    if (!s.profile.empty()) d += " (" + s.profile + ")";
    if (!s.codec_tag.empty()) d += " [" + s.codec_tag + "]";
    if (s.type == "video") {
      d += ", " + std::to_string(s.width) + "x" + std::to_string(s.height);
      if (s.frame_rate > 0 && r.kind != "image") d += ", " + Number(s.frame_rate, "%.3f") + " fps";
      if (s.rotation) d += ", rotation " + std::to_string(s.rotation) + "°";
      if (s.attached_picture) d += ", cover picture";
    } else if (s.type == "audio") {
      d += ", " + std::to_string(s.sample_rate) + " Hz, " + std::to_string(s.channels) + " ch";
      if (!s.channel_layout.empty()) d += " (" + s.channel_layout + ")";
    }
    if (s.duration_s && r.kind != "image") d += ", " + Number(*s.duration_s, "%.3f") + " s";
    if (!s.handler.empty()) d += ", handler \"" + s.handler + "\"";
    if (!s.encoder.empty()) d += ", encoder \"" + s.encoder + "\"";
    line(("Stream #" + std::to_string(s.index)).c_str(), d);
  }
  if (r.orientation > 1) line("Orientation", "EXIF " + std::to_string(r.orientation));
  for (const std::string& w : r.warnings) line("Warning", w);
  if (all) {
    std::printf("Tags:\n");
    for (const media::Tag& t : r.tags) {
      std::printf("  %-48s %s%s\n", t.key.c_str(), t.value.c_str(),
                  t.display.empty() ? "" : ("  (" + t.display + ")").c_str());
    }
  }
  std::printf("\n");
}

int Run(const Args& args) {
  if (args.positional().empty()) return UsageError("probe", "no FILE given");
  const bool json = args.Has("json");
  const bool all = args.Has("all");

  std::vector<std::string> files;
  std::vector<std::string> empty_dirs;
  bool single_object = args.positional().size() == 1;
  for (const std::string& p : args.positional()) {
    if (IsDirectory(p)) {
      single_object = false;
      std::vector<std::string> skipped;
      std::size_t before = files.size();
      ListDirectory(p, &files, &skipped);
      for (const auto& s : skipped) {
        std::fprintf(stderr, "sightline probe: skipped %s (not a media file name)\n",
                     DisplayPath(s).c_str());
      }
      if (files.size() == before) empty_dirs.push_back(p);
    } else {
      files.push_back(p);
    }
  }

  std::size_t failures = empty_dirs.size();
  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  for (const std::string& d : empty_dirs) {
    std::string msg = DisplayPath(d) + ": no media files in this directory";
    std::fprintf(stderr, "sightline probe: %s\n", msg.c_str());
    if (json) array.push_back({{"file", DisplayPath(d)}, {"ok", false}, {"error", msg}});
  }
  for (const std::string& f : files) {
    media::ProbeResult r = media::ProbeFile(f);
    std::vector<Anomaly> anomalies = analysis::metadata::FindAnomalies(r);
    if (!r.status.ok()) {
      ++failures;
      std::fprintf(stderr, "sightline probe: %s\n", r.status.message().c_str());
    }
    if (json) {
      nlohmann::ordered_json j = media::ProbeToJson(r, {.include_tags = all});
      j["anomalies"] = analysis::metadata::AnomaliesToJson(anomalies);
      if (single_object) {
        PrintOrderedJson(j);
      } else {
        array.push_back(std::move(j));
      }
    } else {
      PrintText(r, anomalies, all);
    }
    std::fflush(stdout);
  }
  if (json && !single_object) PrintOrderedJson(array);
  if (files.size() + empty_dirs.size() > 1) {
    // As exiftool does, a closing count for batches (on stderr, so stdout stays parseable).
    std::fprintf(stderr, "sightline probe: %zu file(s) probed, %zu could not be read as media\n",
                 files.size() - (failures - empty_dirs.size()), failures);
  }
  return failures > 0 ? kExitFailed : kExitOk;
}

}  // namespace

extern const Command kProbeCommand = {
    "probe",
    "show a media file's metadata, GPS and anomalies (any file, no case needed)",
    "Usage: sightline probe [--json] [--all] FILE|DIR...\n"
    "\n"
    "Reads what media files say about themselves, without changing them: capture and\n"
    "modification times with their time zone, device, GPS, software, anomalies worth checking,\n"
    "then container and streams. A directory is searched recursively for media files.\n"
    "\n"
    "Options:\n"
    "  --json   print JSON: one object for one FILE, an array for several files or a DIR\n"
    "           (fields and anomaly codes: doc/probe.md)\n"
    "  --all    also print every tag (EXIF, XMP, IPTC, container and stream tags)\n"
    "\n"
    "Exit status: 0 every file was probed, 1 some file could not be read as media (the others\n"
    "are still probed), 2 usage error.\n",
    {.flags = {"json", "all"}, .values = {}, .multi = {}},
    Run,
};

}  // namespace sightline::cli
