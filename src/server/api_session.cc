// POST /api/login, POST /api/logout, GET /api/me (doc/api.md, "Session").
#include "server/http_util.h"
#include "server/server_context.h"

namespace sightline::server {

namespace {

nlohmann::json SessionJson(const Session& s) {
  return {{"user", s.user}, {"role", RoleName(s.role)}, {"csrf", s.csrf}};
}

void Login(ServerContext& ctx, const httplib::Request& req, httplib::Response& res) {
  auto body = JsonBody(req);
  if (!body.ok()) return SendStatus(res, body.status());
  std::string error;
  const std::string user = StringField(*body, "user", &error).value_or("");
  const std::string password = StringField(*body, "password", &error).value_or("");
  if (!error.empty()) return SendError(res, 400, error);
  if (user.empty() || password.empty()) {
    return SendError(res, 400, "give 'user' and 'password'");
  }
  const std::string limited_user = user.substr(0, 128);
  if (std::int64_t wait = ctx.limiter.RetryAfter(limited_user, req.remote_addr); wait > 0) {
    res.set_header("Retry-After", std::to_string(wait));
    return SendError(res, 429,
                     "too many failed logins; try again in " + std::to_string(wait) + " s");
  }
  auto account = ctx.accounts->Check(user, password);
  if (!account.ok()) return SendStatus(res, account.status());
  if (!*account) {
    ctx.limiter.RecordFailure(limited_user, req.remote_addr);
    return SendError(res, 401, "wrong user name or password");
  }
  ctx.limiter.RecordSuccess(limited_user);
  Session s = ctx.sessions.Create((*account)->name, (*account)->role);
  std::string cookie = std::string(kSessionCookie) + "=" + s.id +
                       "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                       std::to_string(ctx.sessions.lifetime().count());
  if (ctx.options.secure_cookies) cookie += "; Secure";
  res.set_header("Set-Cookie", cookie);
  SendJson(res, 200, SessionJson(s));
}

}  // namespace

void RegisterSessionRoutes(httplib::Server& http, ServerContext& ctx) {
  http.Post("/api/login",
            [&ctx](const httplib::Request& req, httplib::Response& res) { Login(ctx, req, res); });
  http.Post("/api/logout", [&ctx](const httplib::Request& req, httplib::Response& res) {
    if (auto s = ctx.SessionOf(req)) ctx.sessions.Remove(s->id);
    res.set_header("Set-Cookie",
                   std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    res.status = 204;
  });
  http.Get("/api/me", [&ctx](const httplib::Request& req, httplib::Response& res) {
    auto s = ctx.SessionOf(req);
    if (!s) return SendError(res, 401, "log in first (POST /api/login)");
    SendJson(res, 200, SessionJson(*s));
  });
}

}  // namespace sightline::server
