// The front-end's files (doc/api.md, "Static files"): everything outside /api/ is a file under
// ServeOptions::web_dir. The path is checked segment by segment, so that no request reaches a
// file outside that directory: '..', '.'-prefixed segments, backslashes and NUL are refused, and
// symbolic links are not followed out of it.
#include <filesystem>

#include "base/file.h"
#include "server/file_response.h"
#include "server/http_util.h"
#include "server/server_context.h"

namespace sightline::server {

namespace {

using Req = httplib::Request;
using Res = httplib::Response;

constexpr char kNotBuiltPage[] =
    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<title>Sightline workbench</title></head>\n<body><h1>Sightline workbench</h1>\n"
    "<p>The front-end is not built. Run <code>make build</code> in the source tree (it builds "
    "<code>web/dist</code>), or give <code>sightline serve --web DIR</code>.</p>\n"
    "<p>The JSON API under <code>/api/</code> works without it (doc/api.md).</p>\n"
    "</body></html>\n";

// The relative path of a request path under the web root, or nullopt when it could leave it.
std::optional<std::string> SafeRelative(const std::string& path) {
  if (path.empty() || path[0] != '/') return std::nullopt;
  std::string rel = path.substr(1);
  if (rel.empty() || rel.back() == '/') rel += "index.html";
  if (rel.find('\\') != std::string::npos || rel.find('\0') != std::string::npos) {
    return std::nullopt;
  }
  std::size_t pos = 0;
  while (pos <= rel.size()) {
    std::size_t end = rel.find('/', pos);
    if (end == std::string::npos) end = rel.size();
    const std::string segment = rel.substr(pos, end - pos);
    if (segment.empty() || segment[0] == '.') return std::nullopt;
    pos = end + 1;
  }
  return rel;
}

void ServeStatic(ServerContext& ctx, const Req& req, Res& res) {
  if (req.path == "/api" || req.path.rfind("/api/", 0) == 0) {
    return SendError(res, 404, "no such API path (doc/api.md)");
  }
  const std::string& root = ctx.options.web_dir;
  if (root.empty() || !IsDirectory(root)) {
    if (req.path == "/" || req.path == "/index.html") {
      res.set_header("Cache-Control", "no-store");
      res.set_content(kNotBuiltPage, "text/html; charset=utf-8");
      return;
    }
    res.status = 404;
    return res.set_content("Not found (the front-end is not built)\n", "text/plain; charset=utf-8");
  }
  auto rel = SafeRelative(req.path);
  if (!rel) {
    res.status = 400;
    return res.set_content("Bad path\n", "text/plain; charset=utf-8");
  }
  // Resolve links and check the file is still under the root.
  std::error_code ec;
  const auto real_root = std::filesystem::weakly_canonical(root, ec);
  const auto real = std::filesystem::weakly_canonical(JoinPath(root, *rel), ec);
  const std::string root_text = real_root.string() + "/";
  if (ec || real.string().rfind(root_text, 0) != 0 || !std::filesystem::is_regular_file(real, ec)) {
    res.status = 404;
    return res.set_content("Not found\n", "text/plain; charset=utf-8");
  }
  SendFile(req, res, real.string(), ContentTypeForPath(*rel), false);
}

}  // namespace

void RegisterStaticRoutes(httplib::Server& http, ServerContext& ctx) {
  http.Get(".*", [&ctx](const Req& req, Res& res) { ServeStatic(ctx, req, res); });
}

}  // namespace sightline::server
