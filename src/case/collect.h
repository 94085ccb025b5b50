// Collecting what came with a post: the files other tools left beside a media file (yt-dlp's
// .info.json, a WACZ web capture, a screenshot), read and kept as the item's sidecars; and the
// post's uploader and upload time, from the .info.json, recorded as the item's source.
//
// Sidecar rule (doc/collect.md): beside a media file DIR/STEM.EXT,
//   DIR/STEM.info.json or DIR/STEM.EXT.info.json      info_json   (yt-dlp --write-info-json)
//   DIR/STEM.wacz                                      wacz        (a web capture, WACZ 1.x)
//   DIR/STEM.screenshot.{png,jpg,jpeg,webp}            screenshot
// A same-stem image without ".screenshot" is an item of its own: a phone's Live Photo pairs
// IMG_1.HEIC with IMG_1.MOV, and both are evidence.
//
// Thread safety: functions are independent; writes go through evidence::Case (one thread).
#ifndef SIGHTLINE_CASE_COLLECT_H_
#define SIGHTLINE_CASE_COLLECT_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "evidence/case.h"
#include "evidence/identity.h"

namespace sightline::investigation {

// What a yt-dlp .info.json says about the post. Fields absent from the file are "".
struct PostInfo {
  std::string extractor;  // extractor_key, e.g. "Youtube", "Generic"
  std::string id;         // the post's id on its platform
  std::string title;
  std::string uploader, uploader_id, uploader_url;
  std::string webpage_url;   // the post's page
  std::string original_url;  // the URL the user gave yt-dlp
  // When the post was published: `timestamp` (UTC) as RFC 3339, else `upload_date` as a day
  // "YYYY-MM-DD" (UTC). For a direct link (extractor Generic) yt-dlp takes it from the server's
  // Last-Modified: the file existed by then.
  std::string published_at;
  std::string downloaded_at;  // `epoch`: when yt-dlp fetched it, RFC 3339
  std::string yt_dlp_version;
  std::string platform;  // readable platform name from the extractor ("YouTube", "X", "web")
};

// Parses an .info.json's text. Fails on text that is not a JSON object.
Result<PostInfo> ReadPostInfo(const std::string& json_text);
// The fields above as a JSON object (the sidecar's summary).
nlohmann::json PostInfoJson(const PostInfo& info);

// What a WACZ capture holds: whether it opens as a zip with a datapackage.json, and its pages'
// URLs and capture times (pages/pages.jsonl; the first 50 kept).
struct WaczPage {
  std::string url, ts, title;
};
struct WaczSummary {
  bool valid = false;
  std::string problem;  // why it is not a usable WACZ
  std::int64_t page_count = 0;
  std::vector<WaczPage> pages;
};
WaczSummary ReadWacz(const std::string& path);
nlohmann::json WaczJson(const WaczSummary& w);

struct SidecarFile {
  std::string kind;  // "info_json", "wacz", "screenshot"
  std::string path;
  std::string origin;  // recorded as where it came from; "" for its absolute path
};
// True when the file's name is that of a sidecar (*.info.json, *.wacz, *.screenshot.png, …).
bool IsSidecarName(const std::string& path);
// The sidecar files that exist beside `media_path` (regular files only), by the rule above.
// None for a file that is itself named as a sidecar.
std::vector<SidecarFile> FindSidecarFiles(const std::string& media_path);

// The source recorded for a post, and the item's link to it.
struct PostSource {
  std::int64_t source_id = 0;
  bool source_added = false;  // false: an earlier post's source was reused
  std::string source_name;
  std::int64_t link_id = 0;  // 0 when the item was already linked to that source
  std::string published_at;
};

// Records the post's source (an account when the info names an uploader, else the web site,
// kind "unknown"), reusing a source recorded before with the same platform and handle, and
// links the item to it with `how`, the post's URL, `obtained_at` and the publication time.
Result<PostSource> LinkPostSource(evidence::Case& c, const evidence::Identity& who,
                                  std::int64_t item_id, const PostInfo& info,
                                  const std::string& how, const std::string& obtained_at);

// What became of one sidecar file.
struct SidecarOutcome {
  SidecarFile file;
  std::string name;
  std::int64_t sidecar_id = 0;
  std::string sha256;
  std::uint64_t size = 0;
  std::int64_t custody_seq = 0;
  bool already_present = false;
  std::string warning;  // kept, but something is wrong with it (a broken WACZ)
  std::string error;    // not stored (unreadable): the item stays without it
  nlohmann::json summary;
  bool has_source = false;  // an info_json whose post was recorded as the item's source
  PostSource source;
};

// Stores `files` as sidecars of `item_id`: each read (an info_json parsed, a WACZ opened), kept
// byte for byte even when it cannot be read as what its name says (with a warning). An info_json
// also records the post's source (LinkPostSource) with `how` (when empty: "downloaded with yt-dlp
// VERSION" from the file, or "collected with yt-dlp") and obtained_at `obtained_at` (when empty:
// the file's `epoch`). With `name_stem`, each is recorded under that stem and its sidecar suffix
// (".info.json", ".wacz", ".screenshot.png"), else under its own file name.
std::vector<SidecarOutcome> AttachSidecars(evidence::Case& c, const evidence::Identity& who,
                                           std::int64_t item_id,
                                           const std::vector<SidecarFile>& files,
                                           const std::string& how = "",
                                           const std::string& obtained_at = "",
                                           const std::string& name_stem = "");

nlohmann::json SidecarOutcomeJson(const SidecarOutcome& o);

}  // namespace sightline::investigation

#endif  // SIGHTLINE_CASE_COLLECT_H_
