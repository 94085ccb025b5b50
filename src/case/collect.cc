#include "case/collect.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

#include "base/file.h"
#include "base/time.h"
#include "case/sources.h"
#include "evidence/sidecar_store.h"
#include "evidence/zip_archive.h"

namespace sightline::investigation {

namespace {

constexpr std::uint64_t kMaxInfoJson = 64ull << 20;  // a long post's info.json is a few MB
constexpr std::uint64_t kMaxWaczJson = 4ull << 20;   // datapackage.json, pages.jsonl
constexpr std::size_t kWaczPagesKept = 50;
constexpr const char* kScreenshotExts[] = {"png", "jpg", "jpeg", "webp"};

std::string Lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string Text(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
  return "";
}

std::optional<std::int64_t> Seconds(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  const double v = it->get<double>();
  // Years 1970..2200: anything else is not a time a platform states.
  if (!std::isfinite(v) || v < 0 || v > 7258118400.0) return std::nullopt;
  return static_cast<std::int64_t>(std::floor(v));
}

std::string PlatformName(const std::string& extractor) {
  static const std::pair<const char*, const char*> kNames[] = {{"youtube", "YouTube"},
                                                               {"twitter", "X"},
                                                               {"tiktok", "TikTok"},
                                                               {"instagram", "Instagram"},
                                                               {"facebook", "Facebook"},
                                                               {"telegram", "Telegram"},
                                                               {"vk", "VK"},
                                                               {"reddit", "Reddit"},
                                                               {"vimeo", "Vimeo"},
                                                               {"generic", "web"}};
  const std::string lower = Lower(extractor);
  for (const auto& [prefix, name] : kNames) {
    if (lower.rfind(prefix, 0) == 0) return name;
  }
  return extractor;
}

// "example.org" from "https://example.org/a/b".
std::string HostOf(const std::string& url) {
  std::size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  std::size_t end = url.find_first_of("/?#", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string RealPath(const std::string& path) {
  char buf[PATH_MAX];
  return ::realpath(path.c_str(), buf) ? DisplayPath(buf) : DisplayPath(path);
}

bool IsRegularFile(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// The suffix that makes a name a sidecar's: ".info.json", ".wacz", ".screenshot.png", …
std::string SidecarSuffix(const std::string& path) {
  const std::string lower = Lower(BaseName(path));
  if (EndsWith(lower, ".info.json")) return ".info.json";
  if (EndsWith(lower, ".wacz")) return ".wacz";
  for (const char* ext : kScreenshotExts) {
    const std::string suffix = std::string(".screenshot.") + ext;
    if (EndsWith(lower, suffix)) return suffix;
  }
  return "";
}

}  // namespace

Result<PostInfo> ReadPostInfo(const std::string& json_text) {
  const nlohmann::json j = nlohmann::json::parse(json_text, nullptr, false);
  if (!j.is_object()) return InvalidArgument("not a JSON object, so not a yt-dlp .info.json");
  PostInfo info;
  info.extractor = Text(j, "extractor_key");
  if (info.extractor.empty()) info.extractor = Text(j, "extractor");
  info.id = Text(j, "id");
  info.title = Text(j, "title");
  info.uploader = Text(j, "uploader");
  if (info.uploader.empty()) info.uploader = Text(j, "channel");
  info.uploader_id = Text(j, "uploader_id");
  if (info.uploader_id.empty()) info.uploader_id = Text(j, "channel_id");
  info.uploader_url = Text(j, "uploader_url");
  if (info.uploader_url.empty()) info.uploader_url = Text(j, "channel_url");
  info.webpage_url = Text(j, "webpage_url");
  info.original_url = Text(j, "original_url");
  if (auto t = Seconds(j, "timestamp")) {
    info.published_at = FormatUtc(*t);
  } else if (auto t = Seconds(j, "release_timestamp")) {
    info.published_at = FormatUtc(*t);
  } else {
    const std::string day = Text(j, "upload_date");  // YYYYMMDD, UTC
    if (day.size() == 8 && std::all_of(day.begin(), day.end(), ::isdigit)) {
      info.published_at = day.substr(0, 4) + "-" + day.substr(4, 2) + "-" + day.substr(6, 2);
    }
  }
  if (auto t = Seconds(j, "epoch")) info.downloaded_at = FormatUtc(*t);
  auto version = j.find("_version");
  if (version != j.end() && version->is_object()) info.yt_dlp_version = Text(*version, "version");
  info.platform = PlatformName(info.extractor);
  return info;
}

nlohmann::json PostInfoJson(const PostInfo& i) {
  return {{"extractor", i.extractor},
          {"platform", i.platform},
          {"id", i.id},
          {"title", i.title},
          {"uploader", i.uploader},
          {"uploader_id", i.uploader_id},
          {"uploader_url", i.uploader_url},
          {"webpage_url", i.webpage_url},
          {"original_url", i.original_url},
          {"published_at", i.published_at},
          {"downloaded_at", i.downloaded_at},
          {"yt_dlp_version", i.yt_dlp_version}};
}

WaczSummary ReadWacz(const std::string& path) {
  WaczSummary w;
  auto zip = evidence::ZipReader::Open(path);
  if (!zip.ok()) {
    w.problem = "does not open as a zip archive: " + zip.status().message();
    return w;
  }
  const evidence::ZipEntryInfo* datapackage = nullptr;
  const evidence::ZipEntryInfo* pages = nullptr;
  for (const evidence::ZipEntryInfo& e : (*zip)->entries()) {
    if (e.name == "datapackage.json") datapackage = &e;
    if (e.name == "pages/pages.jsonl") pages = &e;
  }
  if (!datapackage) {
    w.problem = "no datapackage.json: not a WACZ capture (WACZ 1.x holds one at its root)";
    return w;
  }
  Result<std::string> package = (*zip)->ReadAll(datapackage->index, kMaxWaczJson);
  if (!package.ok()) {
    w.problem = "datapackage.json cannot be read: " + package.status().message();
    return w;
  }
  if (!nlohmann::json::parse(*package, nullptr, false).is_object()) {
    w.problem = "datapackage.json is not a JSON object";
    return w;
  }
  w.valid = true;
  if (!pages) return w;
  Result<std::string> lines = (*zip)->ReadAll(pages->index, kMaxWaczJson);
  if (!lines.ok()) {
    w.problem = "pages/pages.jsonl cannot be read: " + lines.status().message();
    return w;
  }
  std::istringstream in(*lines);
  for (std::string line; std::getline(in, line);) {
    const nlohmann::json p = nlohmann::json::parse(line, nullptr, false);
    if (!p.is_object() || !p.contains("url")) continue;  // the header line names the format
    ++w.page_count;
    if (w.pages.size() < kWaczPagesKept)
      w.pages.push_back({Text(p, "url"), Text(p, "ts"), Text(p, "title")});
  }
  return w;
}

nlohmann::json WaczJson(const WaczSummary& w) {
  nlohmann::json j = {{"valid", w.valid}};
  if (!w.problem.empty()) j["problem"] = w.problem;
  if (w.valid) {
    j["page_count"] = w.page_count;
    nlohmann::json pages = nlohmann::json::array();
    for (const WaczPage& p : w.pages)
      pages.push_back({{"url", p.url}, {"ts", p.ts}, {"title", p.title}});
    j["pages"] = pages;
  }
  return j;
}

bool IsSidecarName(const std::string& path) { return !SidecarSuffix(path).empty(); }

std::vector<SidecarFile> FindSidecarFiles(const std::string& media_path) {
  std::vector<SidecarFile> out;
  if (IsSidecarName(media_path)) return out;
  const std::string dir = DirName(media_path);
  const std::string base = BaseName(media_path);
  const std::size_t dot = base.rfind('.');
  const std::string stem = dot == std::string::npos || dot == 0 ? base : base.substr(0, dot);
  auto add = [&](const char* kind, const std::string& name) {
    const std::string p = JoinPath(dir, name);
    if (!IsRegularFile(p)) return;
    for (const SidecarFile& f : out) {
      if (f.path == p) return;
    }
    out.push_back({kind, p, ""});
  };
  add("info_json", stem + ".info.json");
  add("info_json", base + ".info.json");
  add("wacz", stem + ".wacz");
  for (const char* ext : kScreenshotExts) add("screenshot", stem + ".screenshot." + ext);
  return out;
}

Result<PostSource> LinkPostSource(evidence::Case& c, const evidence::Identity& who,
                                  std::int64_t item_id, const PostInfo& info,
                                  const std::string& how, const std::string& obtained_at) {
  Source source;
  if (!info.uploader.empty() || !info.uploader_id.empty()) {
    source.kind = "account";
    source.name = info.uploader.empty() ? info.uploader_id : info.uploader;
    source.handle = info.uploader_id;
    source.url = info.uploader_url;
  } else {
    // A direct link names no one: the site it was found on.
    source.kind = "unknown";
    source.name = HostOf(info.webpage_url.empty() ? info.original_url : info.webpage_url);
    if (source.name.empty()) source.name = info.platform.empty() ? "unknown site" : info.platform;
  }
  source.platform = info.platform;
  source.note = "recorded from yt-dlp's information on the post";
  PostSource out;
  SL_ASSIGN_OR_RETURN(out.source_id, FindSourceId(c, source));
  if (out.source_id == 0) {
    SL_ASSIGN_OR_RETURN(Source added, AddSource(c, who, source));
    out.source_id = added.id;
    out.source_added = true;
  }
  out.source_name = source.name;
  ItemSource link;
  link.item_id = item_id;
  link.source_id = out.source_id;
  link.how = how;
  link.url = info.webpage_url.empty() ? info.original_url : info.webpage_url;
  link.obtained_at = obtained_at;
  link.published_at = info.published_at;
  out.published_at = info.published_at;
  Result<ItemSource> linked = LinkItemToSource(c, who, link);
  if (linked.ok()) {
    out.link_id = linked->id;
  } else if (linked.status().code() != StatusCode::kAlreadyExists) {
    return linked.status();
  }
  return out;
}

std::vector<SidecarOutcome> AttachSidecars(evidence::Case& c, const evidence::Identity& who,
                                           std::int64_t item_id,
                                           const std::vector<SidecarFile>& files,
                                           const std::string& how, const std::string& obtained_at,
                                           const std::string& name_stem) {
  std::vector<SidecarOutcome> out;
  for (const SidecarFile& f : files) {
    SidecarOutcome o;
    o.file = f;
    o.name = name_stem.empty() ? DisplayPath(BaseName(f.path)) : name_stem + SidecarSuffix(f.path);
    std::optional<PostInfo> post;
    if (f.kind == "info_json") {
      Result<std::string> text = ReadFileToString(f.path, kMaxInfoJson);
      Result<PostInfo> info = text.ok() ? ReadPostInfo(*text) : Result<PostInfo>(text.status());
      if (info.ok()) {
        post = *info;
        o.summary = PostInfoJson(*info);
        o.summary["valid"] = true;
      } else {
        o.summary = {{"valid", false}, {"problem", info.status().message()}};
        o.warning = "kept, but not read as a yt-dlp .info.json: " + info.status().message();
      }
    } else if (f.kind == "wacz") {
      WaczSummary w = ReadWacz(f.path);
      o.summary = WaczJson(w);
      if (!w.valid) o.warning = "kept, but not a readable WACZ capture: " + w.problem;
    } else {
      o.summary = nlohmann::json::object();
    }
    const std::string origin = f.origin.empty() ? RealPath(f.path) : f.origin;
    auto added =
        evidence::AddSidecar(c, who, item_id, f.kind, f.path, o.name, origin, o.summary.dump());
    if (!added.ok()) {
      o.error = added.status().message();
      out.push_back(std::move(o));
      continue;
    }
    o.sidecar_id = added->sidecar.id;
    o.sha256 = added->sidecar.sha256;
    o.size = added->sidecar.size;
    o.custody_seq = added->sidecar.custody_seq;
    o.already_present = added->already_present;
    if (post) {
      std::string link_how = how;
      if (link_how.empty()) {
        link_how = post->yt_dlp_version.empty()
                       ? "collected with yt-dlp (its .info.json beside the file)"
                       : "downloaded with yt-dlp " + post->yt_dlp_version;
      }
      const std::string when = obtained_at.empty() ? post->downloaded_at : obtained_at;
      Result<PostSource> source = LinkPostSource(c, who, item_id, *post, link_how, when);
      if (source.ok()) {
        o.has_source = true;
        o.source = *source;
      } else {
        o.warning = "its source could not be recorded: " + source.status().message();
      }
    }
    out.push_back(std::move(o));
  }
  return out;
}

nlohmann::json SidecarOutcomeJson(const SidecarOutcome& o) {
  nlohmann::json j = {{"kind", o.file.kind}, {"path", DisplayPath(o.file.path)}, {"name", o.name}};
  if (!o.error.empty()) {
    j["status"] = "refused";
    j["message"] = o.error;
    return j;
  }
  j["status"] = o.already_present ? "already_present" : "stored";
  j["id"] = o.sidecar_id;
  j["sha256"] = o.sha256;
  j["size"] = o.size;
  j["custody_seq"] = o.custody_seq;
  j["summary"] = o.summary;
  j["message"] = o.warning;
  if (o.has_source) {
    j["source"] = {
        {"id", o.source.source_id},
        {"added", o.source.source_added},
        {"name", o.source.source_name},
        {"link", o.source.link_id == 0 ? nlohmann::json() : nlohmann::json(o.source.link_id)},
        {"published_at", o.source.published_at}};
  }
  return j;
}

}  // namespace sightline::investigation
