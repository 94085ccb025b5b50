// GET /api/findings, /api/findings/{id}, /api/findings/{id}/picture.jpg; POST accept, reject
// and decide (doc/api.md). Decisions go through investigation::Decide, as `sightline accept`.
#include "case/case_json.h"
#include "case/findings.h"
#include "case/records.h"
#include "report/finding_picture.h"
#include "server/http_util.h"
#include "server/server_context.h"

namespace sightline::server {

namespace {

namespace inv = investigation;
using Req = httplib::Request;
using Res = httplib::Response;

constexpr int kPictureHeight = 360;
constexpr std::size_t kMaxBulkIds = 1000;

void ListFindings(ServerContext& ctx, const Req& req, Res& res) {
  inv::FindingFilter filter;
  if (const std::string kind = req.get_param_value("kind"); !kind.empty()) {
    filter.kind = inv::ParseFindingKind(kind);
    if (!filter.kind) {
      return SendError(res, 400, "kind is same_footage, same_moment, same_place or same_event");
    }
  }
  if (const std::string status = req.get_param_value("status"); !status.empty()) {
    filter.status = inv::ParseFindingStatus(status);
    if (!filter.status) return SendError(res, 400, "status is suggested, accepted or rejected");
  }
  if (const std::string min = req.get_param_value("min_score"); !min.empty()) {
    char* end = nullptr;
    filter.min_score = std::strtod(min.c_str(), &end);
    if (end == min.c_str() || *end != '\0' || !(filter.min_score >= 0 && filter.min_score <= 1)) {
      return SendError(res, 400, "min_score is a number from 0 to 1");
    }
  }
  if (const std::string item = req.get_param_value("item"); !item.empty()) {
    auto id = ParseId(item);
    if (!id) return SendError(res, 400, "item is an item id");
    filter.item = *id;
  }
  nlohmann::json list = nlohmann::json::array();
  SendCaseJson(ctx, req, res, [&](evidence::Case& c, nlohmann::json* answer) -> Status {
    SL_ASSIGN_OR_RETURN(auto findings, inv::ListFindings(c, filter));
    for (const auto& f : findings) list.push_back(inv::FindingJson(f));
    *answer = {{"case", BaseName(ctx.options.case_dir)}, {"findings", list}};
    return Status::Ok();
  });
}

std::optional<std::int64_t> FindingParam(const Req& req, Res& res) {
  auto id = ParseId(req.matches[1]);
  if (!id) SendError(res, 400, "'" + std::string(req.matches[1]) + "' is not a finding id");
  return id;
}

void GetFinding(ServerContext& ctx, const Req& req, Res& res) {
  auto id = FindingParam(req, res);
  if (!id) return;
  nlohmann::json out;
  SendCaseJson(ctx, req, res, [&](evidence::Case& c, nlohmann::json* answer) -> Status {
    SL_ASSIGN_OR_RETURN(auto f, inv::GetFinding(c, *id));
    out = inv::FindingJson(f);
    *answer = out;
    return Status::Ok();
  });
}

void GetPicture(ServerContext& ctx, const Req& req, Res& res) {
  auto id = FindingParam(req, res);
  if (!id) return;
  std::string kind, path_a, path_b;
  nlohmann::json evidence;
  Status s = ctx.cases->Read([&](evidence::Case& c) -> Status {
    SL_ASSIGN_OR_RETURN(auto f, inv::GetFinding(c, *id));
    kind = inv::FindingKindName(f.suggestion.kind);
    evidence = nlohmann::json::parse(f.suggestion.evidence, nullptr, false);
    SL_ASSIGN_OR_RETURN(auto a, inv::ItemById(c, f.suggestion.item_a));
    SL_ASSIGN_OR_RETURN(auto b, inv::ItemById(c, f.suggestion.item_b));
    SL_ASSIGN_OR_RETURN(path_a, c.objects().OriginalPath(a.sha256));
    SL_ASSIGN_OR_RETURN(path_b, c.objects().OriginalPath(b.sha256));
    return Status::Ok();
  });
  if (!s.ok()) return SendStatus(res, s);
  auto jpeg = report::FindingPictureJpeg(kind, evidence, path_a, path_b, kPictureHeight);
  if (!jpeg.ok()) {
    return SendError(res, 404, "no picture for this finding: " + jpeg.status().message());
  }
  res.set_header("Cache-Control", "private, max-age=3600");
  res.set_content(*jpeg, "image/jpeg");
}

// One decision; 400 for a rejection without a reason (as the CLI).
void Decide(ServerContext& ctx, const Req& req, Res& res, inv::FindingStatus status) {
  auto id = FindingParam(req, res);
  if (!id) return;
  nlohmann::json body = nlohmann::json::object();
  if (!req.body.empty()) {
    auto parsed = JsonBody(req);
    if (!parsed.ok()) return SendStatus(res, parsed.status());
    body = *parsed;
  }
  std::string error;
  const std::string reason = StringField(body, "reason", &error).value_or("");
  if (!error.empty()) return SendError(res, 400, error);
  if (status == inv::FindingStatus::kRejected && reason.empty()) {
    return SendError(res, 400, "a rejection needs a 'reason': say what is wrong with the finding");
  }
  const auto user = ctx.RequireUser(req, res);
  if (!user) return;
  nlohmann::json out;
  Status s = ctx.cases->Write(*user, [&](evidence::Case& c, const evidence::Identity& who) {
    SL_RETURN_IF_ERROR(inv::Decide(c, who, *id, status, reason).status());
    SL_ASSIGN_OR_RETURN(auto f, inv::GetFinding(c, *id));
    out = inv::FindingJson(f);
    return Status::Ok();
  });
  if (!s.ok()) return SendStatus(res, s);
  SendJson(res, 200, out);
}

void DecideMany(ServerContext& ctx, const Req& req, Res& res) {
  auto body = JsonBody(req);
  if (!body.ok()) return SendStatus(res, body.status());
  std::string error;
  const std::string action = StringField(*body, "action", &error).value_or("");
  const std::string reason = StringField(*body, "reason", &error).value_or("");
  if (!error.empty()) return SendError(res, 400, error);
  if (action != "accept" && action != "reject") {
    return SendError(res, 400, "'action' is accept or reject");
  }
  const auto status =
      action == "accept" ? inv::FindingStatus::kAccepted : inv::FindingStatus::kRejected;
  if (status == inv::FindingStatus::kRejected && reason.empty()) {
    return SendError(res, 400, "a rejection needs a 'reason': say what is wrong with the findings");
  }
  const nlohmann::json& ids = body->value("ids", nlohmann::json());
  if (!ids.is_array() || ids.empty() || ids.size() > kMaxBulkIds) {
    return SendError(res, 400, "'ids' is a list of 1 to 1000 finding ids");
  }
  std::vector<std::int64_t> list;
  for (const auto& v : ids) {
    if (!v.is_number_integer() || v.get<std::int64_t>() <= 0) {
      return SendError(res, 400, "'ids' holds finding ids (positive integers)");
    }
    list.push_back(v.get<std::int64_t>());
  }
  const auto user = ctx.RequireUser(req, res);
  if (!user) return;
  nlohmann::json decisions = nlohmann::json::array(), failed = nlohmann::json::array();
  Status s = ctx.cases->Write(*user, [&](evidence::Case& c, const evidence::Identity& who) {
    for (std::int64_t id : list) {
      auto d = inv::Decide(c, who, id, status, reason);
      if (d.ok()) {
        decisions.push_back(inv::DecisionJson(id, *d));
      } else {
        failed.push_back({{"finding", id}, {"error", d.status().message()}});
      }
    }
    return Status::Ok();
  });
  if (!s.ok()) return SendStatus(res, s);
  SendJson(res, 200, {{"decisions", decisions}, {"failed", failed}});
}

}  // namespace

void RegisterFindingRoutes(httplib::Server& http, ServerContext& ctx) {
  http.Get("/api/findings", [&ctx](const Req& req, Res& res) { ListFindings(ctx, req, res); });
  http.Get(R"(/api/findings/([^/]+))",
           [&ctx](const Req& req, Res& res) { GetFinding(ctx, req, res); });
  http.Get(R"(/api/findings/([^/]+)/picture\.jpg)",
           [&ctx](const Req& req, Res& res) { GetPicture(ctx, req, res); });
  http.Post("/api/findings/decide",
            [&ctx](const Req& req, Res& res) { DecideMany(ctx, req, res); });
  http.Post(R"(/api/findings/([^/]+)/accept)", [&ctx](const Req& req, Res& res) {
    Decide(ctx, req, res, inv::FindingStatus::kAccepted);
  });
  http.Post(R"(/api/findings/([^/]+)/reject)", [&ctx](const Req& req, Res& res) {
    Decide(ctx, req, res, inv::FindingStatus::kRejected);
  });
}

}  // namespace sightline::server
