// Uploads in chunks (doc/api.md): POST /api/uploads, PUT /api/uploads/{id}?offset=N,
// GET /api/uploads/{id}, POST /api/uploads/{id}/finish, DELETE /api/uploads/{id}. `finish`
// ingests through evidence::IngestFile, the path `sightline ingest` takes for a file.
#include <fcntl.h>
#include <unistd.h>

#include "base/file.h"
#include "case/records.h"
#include "evidence/ingest.h"
#include "evidence/record_json.h"
#include "server/http_util.h"
#include "server/server_context.h"

namespace sightline::server {

namespace {

using Req = httplib::Request;
using Res = httplib::Response;

nlohmann::json UploadJson(const UploadInfo& u) {
  return {{"id", u.id}, {"name", u.name}, {"size", u.size}, {"received", u.received}};
}

int UploadStatusFor(const Status& s) {
  return s.code() == StatusCode::kBusy ? 429 : HttpStatusFor(s);
}

// 32 hex digits, as UploadStore makes them: nothing else reaches the file system.
bool IsUploadId(const std::string& id) {
  return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::optional<std::string> UploadParam(const Req& req, Res& res) {
  const std::string id = req.matches[1];
  if (!IsUploadId(id)) {
    SendError(res, 400, "'" + id + "' is not an upload id");
    return std::nullopt;
  }
  return id;
}

void Start(ServerContext& ctx, const Req& req, Res& res) {
  const auto user = ctx.RequireUser(req, res);
  if (!user) return;
  auto body = JsonBody(req);
  if (!body.ok()) return SendStatus(res, body.status());
  std::string error;
  const std::string name = StringField(*body, "name", &error).value_or("");
  if (!error.empty()) return SendError(res, 400, error);
  const nlohmann::json& size = body->value("size", nlohmann::json());
  if (!size.is_number_integer() || size.get<std::int64_t>() < 0) {
    return SendError(res, 400, "'size' is the file's size in bytes");
  }
  auto u = ctx.uploads->Start(*user, name, size.get<std::uint64_t>());
  if (!u.ok()) return SendError(res, UploadStatusFor(u.status()), u.status().message());
  SendJson(res, 201, {{"id", u->id}, {"chunk_max", ctx.uploads->limits().chunk_max}});
}

void Put(ServerContext& ctx, const Req& req, Res& res) {
  const auto user = ctx.RequireUser(req, res);
  if (!user) return;
  auto id = UploadParam(req, res);
  if (!id) return;
  const std::string offset_text = req.get_param_value("offset");
  std::optional<std::int64_t> offset =
      offset_text == "0" ? std::optional<std::int64_t>(0) : ParseId(offset_text);
  if (!offset) return SendError(res, 400, "give ?offset=N, the bytes received so far");
  auto u = ctx.uploads->Append(*user, *id, static_cast<std::uint64_t>(*offset), req.body);
  if (!u.ok()) {
    if (u.status().code() == StatusCode::kAlreadyExists) {
      auto now = ctx.uploads->Get(*user, *id);
      return SendJson(
          res, 409, {{"error", u.status().message()}, {"received", now.ok() ? now->received : 0}});
    }
    return SendError(res, UploadStatusFor(u.status()), u.status().message());
  }
  SendJson(res, 200, {{"received", u->received}});
}

void Get(ServerContext& ctx, const Req& req, Res& res) {
  const auto user = ctx.RequireUser(req, res);
  if (!user) return;
  auto id = UploadParam(req, res);
  if (!id) return;
  auto u = ctx.uploads->Get(*user, *id);
  if (!u.ok()) return SendStatus(res, u.status());
  SendJson(res, 200, UploadJson(*u));
}

void Cancel(ServerContext& ctx, const Req& req, Res& res) {
  const auto user = ctx.RequireUser(req, res);
  if (!user) return;
  auto id = UploadParam(req, res);
  if (!id) return;
  Status s = ctx.uploads->Cancel(*user, *id);
  if (!s.ok()) return SendStatus(res, s);
  res.status = 204;
}

void Finish(ServerContext& ctx, const Req& req, Res& res) {
  const auto user = ctx.RequireUser(req, res);
  if (!user) return;
  auto id = UploadParam(req, res);
  if (!id) return;
  auto u = ctx.uploads->Claim(*user, *id);
  if (!u.ok()) return SendStatus(res, u.status());
  // The bytes on disk before they are hashed: ingest reads the file as it stands.
  {
    UniqueFd fd(::open(u->data_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.valid()) (void)::fsync(fd.get());
  }
  evidence::IngestReport report;
  nlohmann::json item;
  Status s = ctx.cases->Write(*user, [&](evidence::Case& c, const evidence::Identity& who) {
    evidence::IngestOptions options;
    options.source = "workbench upload by " + *user;
    options.name = u->name;
    options.origin = "workbench upload: " + u->name;
    report = evidence::IngestFile(c, who, u->data_path, options);
    if (report.outcome == evidence::IngestOutcome::kRefused) {
      return InvalidArgument(report.message.empty() ? "the upload was refused" : report.message);
    }
    SL_ASSIGN_OR_RETURN(auto stored, investigation::ItemById(c, report.item_id));
    SL_ASSIGN_OR_RETURN(item, evidence::ItemJson(c, stored));
    return Status::Ok();
  });
  ctx.uploads->Discard(*u);
  if (!s.ok()) return SendStatus(res, s);
  using evidence::IngestOutcome;
  if (report.outcome == IngestOutcome::kDuplicate ||
      report.outcome == IngestOutcome::kAlreadyPresent) {
    return SendJson(
        res, 409,
        {{"error", "the case holds this content already: item " + std::to_string(report.item_id) +
                       " (" + item.value("name", std::string()) + ")"},
         {"item", item}});
  }
  SendJson(res, 201,
           {{"item", item},
            {"status", evidence::OutcomeName(report.outcome)},
            {"message", report.message}});
}

}  // namespace

void RegisterUploadRoutes(httplib::Server& http, ServerContext& ctx) {
  auto bind = [&ctx](void (*f)(ServerContext&, const Req&, Res&)) {
    return [&ctx, f](const Req& req, Res& res) { f(ctx, req, res); };
  };
  http.Post("/api/uploads", bind(Start));
  http.Put(R"(/api/uploads/([^/]+))", bind(Put));
  http.Get(R"(/api/uploads/([^/]+))", bind(Get));
  http.Delete(R"(/api/uploads/([^/]+))", bind(Cancel));
  http.Post(R"(/api/uploads/([^/]+)/finish)", bind(Finish));
}

}  // namespace sightline::server
