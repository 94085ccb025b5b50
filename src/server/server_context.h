// What the handlers of the workbench server share (internal to src/server): the options, the
// case, the accounts, the sessions, the uploads and the keyframe cache. Each api_*.cc registers
// its routes with Register*Routes; http_server.cc checks the session, role and CSRF token of
// every /api/ request before any of them runs (see its header).
#ifndef SIGHTLINE_SERVER_SERVER_CONTEXT_H_
#define SIGHTLINE_SERVER_SERVER_CONTEXT_H_

#include <httplib.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "server/accounts.h"
#include "server/case_pool.h"
#include "server/keyframe_cache.h"
#include "server/sessions.h"
#include "server/uploads.h"

namespace sightline::server {

struct ServeOptions {
  std::string case_dir;
  std::string web_dir;          // the front-end's files; "" or missing: a "not built" page
  std::string key_dir;          // the signing key (evidence::DefaultKeyDir() by default)
  int threads = 64;             // worker threads: one per open connection
  bool secure_cookies = false;  // add Secure to the cookie (behind a TLS proxy)
  std::chrono::seconds session_lifetime{12 * 3600};
  LoginLimiter::Limits login_limits;
  UploadLimits upload_limits;
};

inline constexpr char kSessionCookie[] = "sightline_session";

struct ServerContext {
  explicit ServerContext(const ServeOptions& o)
      : options(o), sessions(o.session_lifetime), limiter(o.login_limits) {}
  ServeOptions options;
  std::unique_ptr<CasePool> cases;
  std::unique_ptr<AccountStore> accounts;
  SessionStore sessions;
  LoginLimiter limiter;
  std::unique_ptr<UploadStore> uploads;
  std::unique_ptr<KeyframeCache> keyframes;
  std::mutex report_mu;  // one report built at a time

  // Answers of case reads (by method, path and query), each with the custody log head it was
  // built at. Every change to a case appends a custody entry, so an answer stays valid while the
  // head is the same, whichever process wrote. Bounded: cleared when it holds kMaxCached.
  struct CachedAnswer {
    std::int64_t head = -1;
    std::string body;
  };
  static constexpr std::size_t kMaxCached = 4096;
  std::mutex cache_mu;
  std::map<std::string, CachedAnswer> cache;
  // One build per key at a time: requests that miss together wait for the first one's answer
  // instead of all building it (a write invalidates every answer at once).
  std::map<std::string, std::shared_ptr<std::mutex>> building;

  // The live session whose id the request's cookie carries.
  std::optional<Session> SessionOf(const httplib::Request& req);
  // The user name of the request's session; sends 401 and returns nullopt when the session
  // ended after the access check (it expired, or the user logged out meanwhile).
  std::optional<std::string> RequireUser(const httplib::Request& req, httplib::Response& res);
};

// Answers 200 with the JSON `build` writes from the case, or with the same answer as an earlier
// request for `req`'s path and query while the case is unchanged (ServerContext::cache).
void SendCaseJson(ServerContext& ctx, const httplib::Request& req, httplib::Response& res,
                  const std::function<Status(evidence::Case&, nlohmann::json*)>& build);

void RegisterSessionRoutes(httplib::Server& http, ServerContext& ctx);
void RegisterItemRoutes(httplib::Server& http, ServerContext& ctx);
void RegisterFindingRoutes(httplib::Server& http, ServerContext& ctx);
void RegisterRecordRoutes(httplib::Server& http, ServerContext& ctx);
void RegisterUploadRoutes(httplib::Server& http, ServerContext& ctx);
void RegisterReportRoutes(httplib::Server& http, ServerContext& ctx);
void RegisterUserRoutes(httplib::Server& http, ServerContext& ctx);
// Last: everything outside /api/ is a file of the front-end.
void RegisterStaticRoutes(httplib::Server& http, ServerContext& ctx);

}  // namespace sightline::server

#endif  // SIGHTLINE_SERVER_SERVER_CONTEXT_H_
