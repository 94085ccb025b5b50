#include "server/http_util.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>

namespace sightline::server {

void SendJson(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
}

void SendError(httplib::Response& res, int status, const std::string& message) {
  SendJson(res, status, {{"error", message}});
}

int HttpStatusFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
      return 409;
    case StatusCode::kNoSpace:
      return 413;
    case StatusCode::kBusy:  // the catalogue's server is restarting, or a lock timed out
      return 503;
    default:
      return 500;
  }
}

void SendStatus(httplib::Response& res, const Status& status) {
  SendError(res, HttpStatusFor(status), status.message());
}

std::optional<std::int64_t> ParseId(const std::string& text) {
  if (text.empty() || text.size() > 16 || text[0] == '0') return std::nullopt;
  std::int64_t v = 0;
  for (char ch : text) {
    if (ch < '0' || ch > '9') return std::nullopt;
    v = v * 10 + (ch - '0');
  }
  if (v > (std::int64_t{1} << 53)) return std::nullopt;
  return v;
}

bool IsSafeName(const std::string& text) {
  if (text.empty() || text.size() > 128 || text[0] == '.') return false;
  return std::all_of(text.begin(), text.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '_' || ch == '.';
  });
}

Result<nlohmann::json> JsonBody(const httplib::Request& req) {
  nlohmann::json j = nlohmann::json::parse(req.body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return InvalidArgument("the request body must be a JSON object");
  }
  return j;
}

std::optional<std::string> StringField(const nlohmann::json& body, const char* key,
                                       std::string* error) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) {
    *error = std::string("'") + key + "' must be a string";
    return std::nullopt;
  }
  return it->get<std::string>();
}

std::optional<double> NumberField(const nlohmann::json& body, const char* key, std::string* error) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_number()) {
    *error = std::string("'") + key + "' must be a number";
    return std::nullopt;
  }
  return it->get<double>();
}

std::string PercentEncode(const std::string& text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : text) {
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
        ch == '-' || ch == '.' || ch == '_' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

std::string ContentTypeForPath(const std::string& path) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".webp", "image/webp"},
      {".gif", "image/gif"},
      {".ico", "image/x-icon"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".ttf", "font/ttf"},
      {".wasm", "application/wasm"},
      {".txt", "text/plain; charset=utf-8"},
      {".pbf", "application/x-protobuf"},
      {".pmtiles", "application/octet-stream"},
  };
  const std::size_t dot = path.rfind('.');
  if (dot != std::string::npos && path.find('/', dot) == std::string::npos) {
    std::string ext = path.substr(dot);
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    for (const auto& [e, type] : kTypes) {
      if (ext == e) return type;
    }
  }
  return "application/octet-stream";
}

std::string SniffMediaType(const std::string& path) {
  std::array<unsigned char, 16> b{};
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(b.data()), b.size());
  const std::size_t n = static_cast<std::size_t>(in.gcount());
  auto at = [&](std::size_t off, const char* magic) {
    const std::size_t len = std::strlen(magic);
    return n >= off + len && std::memcmp(b.data() + off, magic, len) == 0;
  };
  if (at(4, "ftyp")) {  // ISO base media (ISO/IEC 14496-12): the major brand says which
    if (at(8, "qt  ")) return "video/quicktime";
    if (at(8, "heic") || at(8, "heix") || at(8, "mif1") || at(8, "msf1")) return "image/heic";
    if (at(8, "avif")) return "image/avif";
    if (at(8, "M4A ")) return "audio/mp4";
    if (at(8, "3gp") || at(8, "3g2")) return "video/3gpp";
    return "video/mp4";
  }
  if (n >= 4 && b[0] == 0x1A && b[1] == 0x45 && b[2] == 0xDF && b[3] == 0xA3) {
    return "video/webm";  // Matroska/WebM (EBML); browsers play WebM, and often Matroska too
  }
  if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return "image/jpeg";
  if (at(0, "\x89PNG")) return "image/png";
  if (at(0, "GIF8")) return "image/gif";
  if (at(0, "RIFF") && at(8, "WAVE")) return "audio/wav";
  if (at(0, "RIFF") && at(8, "WEBP")) return "image/webp";
  if (at(0, "RIFF") && at(8, "AVI ")) return "video/x-msvideo";
  if (at(0, "OggS")) return "audio/ogg";
  if (at(0, "fLaC")) return "audio/flac";
  if (at(0, "ID3") || (n >= 2 && b[0] == 0xFF && (b[1] & 0xE0) == 0xE0)) return "audio/mpeg";
  return "application/octet-stream";
}

}  // namespace sightline::server
