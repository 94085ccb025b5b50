// GET /api/case, /api/items, /api/items/{id} and its media, keyframes and events
// (doc/api.md, "Reads"). The JSON is that of `sightline list` and `show` (case/case_json.h).
#include "base/file.h"
#include "case/case_json.h"
#include "case/findings.h"
#include "case/heard_events.h"
#include "case/observations.h"
#include "case/picture_text.h"
#include "case/records.h"
#include "evidence/record_json.h"
#include "server/file_response.h"
#include "server/http_util.h"
#include "server/server_context.h"

namespace sightline::server {

namespace {

namespace inv = investigation;
using Req = httplib::Request;
using Res = httplib::Response;

// The item named by path parameter 1, and the path of its original; sends 400/404 and returns
// false when there is none.
struct ItemFile {
  evidence::Item item;
  std::string path;
};
Status FindItemFile(evidence::Case& c, std::int64_t id, ItemFile* out) {
  SL_ASSIGN_OR_RETURN(out->item, inv::ItemById(c, id));
  SL_ASSIGN_OR_RETURN(out->path, c.objects().OriginalPath(out->item.sha256));
  return Status::Ok();
}

std::optional<std::int64_t> IdParam(const Req& req, Res& res, int index = 1) {
  auto id = ParseId(req.matches[index]);
  if (!id) SendError(res, 400, "'" + std::string(req.matches[index]) + "' is not an id");
  return id;
}

void GetCase(ServerContext& ctx, const Req& req, Res& res) {
  nlohmann::json out;
  SendCaseJson(ctx, req, res, [&](evidence::Case& c, nlohmann::json* answer) -> Status {
    SL_ASSIGN_OR_RETURN(auto items, c.catalog().ListItems());
    SL_ASSIGN_OR_RETURN(auto findings, inv::ListFindings(c, {}));
    nlohmann::json counts = {{"suggested", 0}, {"accepted", 0}, {"rejected", 0}};
    for (const auto& f : findings) {
      counts[inv::FindingStatusName(f.status)] =
          counts[inv::FindingStatusName(f.status)].get<int>() + 1;
    }
    out = {{"case_id", ctx.cases->case_id()},
           {"name", BaseName(ctx.options.case_dir)},
           {"items", items.size()},
           {"findings", counts}};
    *answer = out;
    return Status::Ok();
  });
}

void GetItems(ServerContext& ctx, const Req& req, Res& res) {
  nlohmann::json items;
  SendCaseJson(ctx, req, res, [&](evidence::Case& c, nlohmann::json* answer) -> Status {
    SL_ASSIGN_OR_RETURN(items, inv::ItemListJson(c));
    *answer = {{"case", BaseName(ctx.options.case_dir)},
               {"case_id", ctx.cases->case_id()},
               {"items", items}};
    return Status::Ok();
  });
}

void GetItem(ServerContext& ctx, const Req& req, Res& res) {
  auto id = IdParam(req, res);
  if (!id) return;
  nlohmann::json out;
  SendCaseJson(ctx, req, res, [&](evidence::Case& c, nlohmann::json* answer) -> Status {
    SL_ASSIGN_OR_RETURN(evidence::Item item, inv::ItemById(c, *id));
    SL_ASSIGN_OR_RETURN(out, inv::ItemDetailJson(c, item));
    *answer = out;
    return Status::Ok();
  });
}

void GetMedia(ServerContext& ctx, const Req& req, Res& res) {
  auto id = IdParam(req, res);
  if (!id) return;
  ItemFile f;
  Status s = ctx.cases->Read([&](evidence::Case& c) { return FindItemFile(c, *id, &f); });
  if (!s.ok()) return SendStatus(res, s);
  SendFile(req, res, f.path, SniffMediaType(f.path), true);
  if (res.status != 404 && res.status != 416) {
    res.set_header("Content-Disposition", "inline; filename*=UTF-8''" + PercentEncode(f.item.name));
  }
}

void GetKeyframes(ServerContext& ctx, const Req& req, Res& res) {
  auto id = IdParam(req, res);
  if (!id) return;
  ItemFile f;
  Status s = ctx.cases->Read([&](evidence::Case& c) { return FindItemFile(c, *id, &f); });
  if (!s.ok()) return SendStatus(res, s);
  auto index = ctx.keyframes->Index(f.item.sha256, f.path, f.item.media_kind);
  if (!index.ok()) return SendStatus(res, index.status());
  nlohmann::json list = nlohmann::json::array();
  for (nlohmann::json k : (*index)["keyframes"]) {
    k["url"] = "/api/items/" + std::to_string(*id) + "/keyframes/" +
               std::to_string(k["index"].get<std::int64_t>()) + ".jpg";
    list.push_back(k);
  }
  SendJson(res, 200, {{"item", *id}, {"shots", (*index)["shots"]}, {"keyframes", list}});
}

void GetKeyframe(ServerContext& ctx, const Req& req, Res& res) {
  auto id = IdParam(req, res);
  if (!id) return;
  const std::string index_text = req.matches[2];
  auto index = index_text == "0" ? std::optional<std::int64_t>(0) : ParseId(index_text);
  if (!index) return SendError(res, 400, "'" + index_text + "' is not a keyframe index");
  ItemFile f;
  Status s = ctx.cases->Read([&](evidence::Case& c) { return FindItemFile(c, *id, &f); });
  if (!s.ok()) return SendStatus(res, s);
  auto path = ctx.keyframes->PicturePath(f.item.sha256, f.path, f.item.media_kind, *index);
  if (!path.ok()) return SendStatus(res, path.status());
  SendFile(req, res, *path, "image/jpeg", true);
}

void GetEvents(ServerContext& ctx, const Req& req, Res& res) {
  auto id = IdParam(req, res);
  if (!id) return;
  nlohmann::json heard = nlohmann::json::array(), text = nlohmann::json::array(),
                 observations = nlohmann::json::array();
  SendCaseJson(ctx, req, res, [&](evidence::Case& c, nlohmann::json* answer) -> Status {
    SL_RETURN_IF_ERROR(inv::ItemById(c, *id).status());
    SL_ASSIGN_OR_RETURN(auto stored, inv::StoredHeardEvents(c, *id));
    if (stored) {
      for (nlohmann::json e : stored->value("events", nlohmann::json::array())) {
        e["score"] = e.value("confidence", 0.0);
        heard.push_back(e);
      }
      for (const auto& sp : stored->value("speech", nlohmann::json::array())) {
        heard.push_back(
            {{"t", sp.value("start", 0.0)}, {"end", sp.value("end", 0.0)}, {"kind", "speech"}});
      }
    }
    SL_ASSIGN_OR_RETURN(auto read, inv::StoredPictureText(c, *id));
    if (read) {
      for (const auto& e : read->value("text", nlohmann::json::array())) {
        text.push_back({{"t", e.value("t", nlohmann::json())},
                        {"end", e.value("end", nlohmann::json())},
                        {"text", e.value("text", std::string())}});
      }
    }
    SL_ASSIGN_OR_RETURN(auto obs, inv::ListObservations(c, *id));
    for (const auto& o : obs) observations.push_back(inv::ObservationJson(o));
    *answer = {{"item", *id}, {"heard", heard}, {"text", text}, {"observations", observations}};
    return Status::Ok();
  });
}

}  // namespace

void RegisterItemRoutes(httplib::Server& http, ServerContext& ctx) {
  auto bind = [&ctx](void (*f)(ServerContext&, const Req&, Res&)) {
    return [&ctx, f](const Req& req, Res& res) { f(ctx, req, res); };
  };
  http.Get("/api/case", bind(GetCase));
  http.Get("/api/items", bind(GetItems));
  http.Get(R"(/api/items/([^/]+))", bind(GetItem));
  http.Get(R"(/api/items/([^/]+)/media)", bind(GetMedia));
  http.Get(R"(/api/items/([^/]+)/keyframes)", bind(GetKeyframes));
  http.Get(R"(/api/items/([^/]+)/keyframes/([^/]+)\.jpg)", bind(GetKeyframe));
  http.Get(R"(/api/items/([^/]+)/events)", bind(GetEvents));
}

}  // namespace sightline::server
