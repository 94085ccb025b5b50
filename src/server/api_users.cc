// GET /api/users, POST /api/users, DELETE /api/users/{name} (doc/api.md, "Admin"); the admin
// role is checked before routing (http_server.cc).
#include "server/http_util.h"
#include "server/server_context.h"

namespace sightline::server {

namespace {

using Req = httplib::Request;
using Res = httplib::Response;

nlohmann::json AccountJson(const Account& a) {
  return {{"user", a.name}, {"role", RoleName(a.role)}, {"created_at", a.created_at}};
}

void List(ServerContext& ctx, const Req&, Res& res) {
  auto accounts = ctx.accounts->List();
  if (!accounts.ok()) return SendStatus(res, accounts.status());
  nlohmann::json list = nlohmann::json::array();
  for (const auto& a : *accounts) list.push_back(AccountJson(a));
  SendJson(res, 200, {{"users", list}});
}

void Add(ServerContext& ctx, const Req& req, Res& res) {
  auto body = JsonBody(req);
  if (!body.ok()) return SendStatus(res, body.status());
  std::string error;
  const std::string user = StringField(*body, "user", &error).value_or("");
  const std::string password = StringField(*body, "password", &error).value_or("");
  const std::string role_name = StringField(*body, "role", &error).value_or("");
  if (!error.empty()) return SendError(res, 400, error);
  auto role = ParseRole(role_name);
  if (!role) return SendError(res, 400, "'role' is viewer, editor or admin");
  auto added = ctx.accounts->Add(user, password, *role);
  if (!added.ok()) return SendStatus(res, added.status());
  SendJson(res, 201, AccountJson(*added));
}

void Remove(ServerContext& ctx, const Req& req, Res& res) {
  const std::string name = req.matches[1];
  if (!IsValidAccountName(name))
    return SendError(res, 400, "'" + name + "' is not an account name");
  Status s = ctx.accounts->Remove(name);
  if (!s.ok()) return SendStatus(res, s);
  ctx.sessions.RemoveUser(name);
  res.status = 204;
}

}  // namespace

void RegisterUserRoutes(httplib::Server& http, ServerContext& ctx) {
  http.Get("/api/users", [&ctx](const Req& req, Res& res) { List(ctx, req, res); });
  http.Post("/api/users", [&ctx](const Req& req, Res& res) { Add(ctx, req, res); });
  http.Delete(R"(/api/users/([^/]+))", [&ctx](const Req& req, Res& res) { Remove(ctx, req, res); });
}

}  // namespace sightline::server
