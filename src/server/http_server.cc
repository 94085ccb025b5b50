#include "server/http_server.h"

#include <sodium.h>

#include "evidence/identity.h"
#include "server/http_util.h"

namespace sightline::server {

namespace {

// No outside host, ever: the footage and the case never leave the machine through the browser.
constexpr char kContentSecurityPolicy[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; worker-src 'self' blob:; connect-src 'self'; font-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
// The report is one self-contained page with inline styles and data: pictures, and no script.
constexpr char kReportSecurityPolicy[] =
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "base-uri 'none'; frame-ancestors 'self'; form-action 'none'";

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

bool IsRead(const httplib::Request& req) { return req.method == "GET" || req.method == "HEAD"; }

// The value of cookie `name` in the request's Cookie header(s), or "".
std::string CookieValue(const httplib::Request& req, const std::string& name) {
  const std::size_t n = req.get_header_value_count("Cookie");
  for (std::size_t i = 0; i < n; ++i) {
    const std::string header = req.get_header_value("Cookie", i);
    std::size_t pos = 0;
    while (pos < header.size()) {
      std::size_t end = header.find(';', pos);
      if (end == std::string::npos) end = header.size();
      std::string pair = header.substr(pos, end - pos);
      const std::size_t start = pair.find_first_not_of(' ');
      if (start != std::string::npos) pair = pair.substr(start);
      const std::size_t eq = pair.find('=');
      if (eq != std::string::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
      pos = end + 1;
    }
  }
  return "";
}

bool SameSecret(const std::string& a, const std::string& b) {
  return a.size() == b.size() && !a.empty() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

// The checks of http_server.h's security model; Handled (with the error sent) when refused.
httplib::Server::HandlerResponse CheckAccess(ServerContext& ctx, const httplib::Request& req,
                                             httplib::Response& res) {
  const std::string& path = req.path;
  if (path != "/api" && !StartsWith(path, "/api/"))
    return httplib::Server::HandlerResponse::Unhandled;
  if (path == "/api/login" && req.method == "POST") {
    return httplib::Server::HandlerResponse::Unhandled;
  }
  std::optional<Session> session = ctx.SessionOf(req);
  if (!session) {
    SendError(res, 401, "log in first (POST /api/login)");
    return httplib::Server::HandlerResponse::Handled;
  }
  if (!IsRead(req)) {
    if (!SameSecret(req.get_header_value("X-CSRF-Token"), session->csrf)) {
      SendError(res, 403,
                "missing or wrong X-CSRF-Token header: send the csrf value of /api/me with "
                "every write");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (path != "/api/logout" && session->role < Role::kEditor) {
      SendError(res, 403,
                "your role (" + std::string(RoleName(session->role)) +
                    ") may read this case but not change it");
      return httplib::Server::HandlerResponse::Handled;
    }
  }
  if ((path == "/api/users" || StartsWith(path, "/api/users/")) && session->role < Role::kAdmin) {
    SendError(res, 403, "only an admin manages accounts");
    return httplib::Server::HandlerResponse::Handled;
  }
  return httplib::Server::HandlerResponse::Unhandled;
}

}  // namespace

std::optional<Session> ServerContext::SessionOf(const httplib::Request& req) {
  const std::string id = CookieValue(req, kSessionCookie);
  if (id.empty()) return std::nullopt;
  return sessions.Find(id);
}

std::optional<std::string> ServerContext::RequireUser(const httplib::Request& req,
                                                      httplib::Response& res) {
  std::optional<Session> s = SessionOf(req);
  if (!s) {
    SendError(res, 401, "your session has ended: log in again");
    return std::nullopt;
  }
  return s->user;
}

void SendCaseJson(ServerContext& ctx, const httplib::Request& req, httplib::Response& res,
                  const std::function<Status(evidence::Case&, nlohmann::json*)>& build) {
  std::string key = req.path;
  for (const auto& [name, value] : req.params) key += "\n" + name + "=" + value;  // sorted
  std::string body;
  Status s = ctx.cases->Read([&](evidence::Case& c) -> Status {
    // The head first: an answer built after a write that lands meanwhile is only newer than the
    // head it is stored under, never older.
    SL_ASSIGN_OR_RETURN(auto head, c.log().Head());
    const std::int64_t seq = head ? head->seq : 0;
    // An answer built at this head or a later one is at least as new as the case now.
    auto cached = [&] {
      std::lock_guard<std::mutex> lock(ctx.cache_mu);
      auto it = ctx.cache.find(key);
      if (it == ctx.cache.end() || it->second.head < seq) return false;
      body = it->second.body;
      return true;
    };
    if (cached()) return Status::Ok();
    std::shared_ptr<std::mutex> key_mu;
    {
      std::lock_guard<std::mutex> lock(ctx.cache_mu);
      auto& m = ctx.building[key];
      if (!m) m = std::make_shared<std::mutex>();
      key_mu = m;
    }
    std::lock_guard<std::mutex> building(*key_mu);
    if (cached()) return Status::Ok();  // built by the request we waited for
    nlohmann::json out;
    SL_RETURN_IF_ERROR(build(c, &out));
    body = out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::lock_guard<std::mutex> lock(ctx.cache_mu);
    if (ctx.cache.size() >= ServerContext::kMaxCached) {
      ctx.cache.clear();
      ctx.building.clear();  // a build in progress keeps its own mutex alive
    }
    ctx.cache[key] = {seq, body};
    return Status::Ok();
  });
  if (!s.ok()) return SendStatus(res, s);
  res.status = 200;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body, "application/json");
}

bool WorkbenchServer::IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || StartsWith(host, "127.");
}

WorkbenchServer::WorkbenchServer(const ServeOptions& options)
    : ctx_(std::make_unique<ServerContext>(options)), http_(std::make_unique<httplib::Server>()) {}

WorkbenchServer::~WorkbenchServer() { Stop(); }

Result<std::unique_ptr<WorkbenchServer>> WorkbenchServer::Create(const ServeOptions& options) {
  std::unique_ptr<WorkbenchServer> s(new WorkbenchServer(options));
  ServerContext& ctx = *s->ctx_;
  if (ctx.options.key_dir.empty()) ctx.options.key_dir = evidence::DefaultKeyDir();
  if (!evidence::Case::Exists(options.case_dir)) {
    return NotFound(options.case_dir +
                    " is not a Sightline case (no case.db or catalog.url); create one with "
                    "`sightline ingest --case DIR FILE...`");
  }
  SL_ASSIGN_OR_RETURN(ctx.cases, CasePool::Open(options.case_dir, ctx.options.key_dir));
  SL_ASSIGN_OR_RETURN(ctx.accounts, AccountStore::Open(options.case_dir));
  SL_ASSIGN_OR_RETURN(ctx.uploads, UploadStore::Open(options.case_dir, options.upload_limits));
  ctx.keyframes = std::make_unique<KeyframeCache>(options.case_dir);
  s->Install();
  return s;
}

void WorkbenchServer::Install() {
  ServerContext& ctx = *ctx_;
  const int threads = std::max(4, ctx.options.threads);
  http_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http_->set_payload_max_length(ctx.options.upload_limits.chunk_max + (64 << 10));
  http_->set_read_timeout(30);
  http_->set_write_timeout(30);
  http_->set_keep_alive_timeout(5);
  http_->set_keep_alive_max_count(1000);
  // Without it, a small answer written in two parts (headers, body) waits for the client's
  // delayed ACK (Nagle): ~40 ms on every JSON read.
  http_->set_tcp_nodelay(true);
  http_->set_pre_routing_handler([&ctx](const httplib::Request& req, httplib::Response& res) {
    return CheckAccess(ctx, req, res);
  });
  http_->set_post_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    const bool report = StartsWith(req.path, "/api/reports/");
    res.set_header("Content-Security-Policy",
                   report ? kReportSecurityPolicy : kContentSecurityPolicy);
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("X-Frame-Options", report ? "SAMEORIGIN" : "DENY");
  });
  http_->set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown error";
        try {
          if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        SendError(res, 500, "the server failed: " + what);
      });
  http_->set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty() || res.status == 416)
          return httplib::Server::HandlerResponse::Unhandled;
        const bool api = req.path == "/api" || StartsWith(req.path, "/api/");
        std::string message = res.status == 404   ? "not found"
                              : res.status == 413 ? "the request body is too large"
                              : res.status == 400 ? "bad request"
                                                  : "request failed";
        if (api || res.status != 404) {
          SendError(res, res.status, message);
        } else {
          res.set_content("Not found\n", "text/plain; charset=utf-8");
        }
        return httplib::Server::HandlerResponse::Handled;
      }));
  RegisterSessionRoutes(*http_, ctx);
  RegisterItemRoutes(*http_, ctx);
  RegisterFindingRoutes(*http_, ctx);
  RegisterRecordRoutes(*http_, ctx);
  RegisterUploadRoutes(*http_, ctx);
  RegisterReportRoutes(*http_, ctx);
  RegisterUserRoutes(*http_, ctx);
  RegisterStaticRoutes(*http_, ctx);
}

Result<int> WorkbenchServer::Bind(const std::string& host, int port) {
  std::string bind_host = host;
  if (bind_host.size() > 2 && bind_host.front() == '[' && bind_host.back() == ']') {
    bind_host = bind_host.substr(1, bind_host.size() - 2);
  }
  if (port == 0) {
    const int bound = http_->bind_to_any_port(bind_host);
    if (bound <= 0) return IoError("cannot listen on " + host + ": no free port");
    return bound;
  }
  if (!http_->bind_to_port(bind_host, port)) {
    return IoError("cannot listen on " + host + ":" + std::to_string(port) +
                   " (in use, or not an address of this machine)");
  }
  return port;
}

Status WorkbenchServer::Serve() {
  if (!http_->listen_after_bind()) return IoError("the server stopped with an error");
  return Status::Ok();
}

void WorkbenchServer::Stop() {
  if (http_) http_->stop();
}

}  // namespace sightline::server
