// The investigation's records: GET /api/timeline, /api/places, /api/locations, /api/sources,
// /api/claims;
// POST /api/sources, /api/claims, /api/items/{id}/observations, /api/items/{id}/location
// (doc/api.md). Each write is the case/ library call the matching CLI command makes.
#include "case/case_json.h"
#include "case/claims.h"
#include "case/locations.h"
#include "case/observations.h"
#include "case/place_groups.h"
#include "case/records.h"
#include "case/sources.h"
#include "case/timeline.h"
#include "server/http_util.h"
#include "server/server_context.h"

namespace sightline::server {

namespace {

namespace inv = investigation;
using Req = httplib::Request;
using Res = httplib::Response;

void GetTimeline(ServerContext& ctx, const Req& req, Res& res) {
  nlohmann::json out;
  SendCaseJson(ctx, req, res, [&](evidence::Case& c, nlohmann::json* answer) -> Status {
    SL_ASSIGN_OR_RETURN(auto timeline, inv::BuildTimeline(c));
    out = inv::TimelineJson(timeline);
    out["case"] = BaseName(ctx.options.case_dir);
    *answer = out;
    return Status::Ok();
  });
}

void GetPlaces(ServerContext& ctx, const Req& req, Res& res) {
  SendCaseJson(ctx, req, res, [&](evidence::Case& c, nlohmann::json* answer) -> Status {
    SL_ASSIGN_OR_RETURN(auto groups, inv::ListPlaceGroups(c));
    SL_ASSIGN_OR_RETURN(auto items, c.catalog().ListItems());
    std::vector<std::int64_t> ids;
    for (const auto& item : items) ids.push_back(item.id);
    *answer = inv::PlaceGroupsJson(groups, ids);
    (*answer)["case"] = BaseName(ctx.options.case_dir);
    return Status::Ok();
  });
}

void GetLocations(ServerContext& ctx, const Req& req, Res& res) {
  nlohmann::json locations = nlohmann::json::array(), gps = nlohmann::json::array();
  SendCaseJson(ctx, req, res, [&](evidence::Case& c, nlohmann::json* answer) -> Status {
    SL_ASSIGN_OR_RETURN(auto list, inv::ListLocations(c, 0));
    for (const auto& l : list) locations.push_back(inv::LocationJson(l));
    SL_ASSIGN_OR_RETURN(auto items, c.catalog().ListItems());
    for (const auto& item : items) {
      SL_ASSIGN_OR_RETURN(std::string text, c.catalog().Metadata(item.id));
      if (text.empty()) continue;
      nlohmann::json meta = nlohmann::json::parse(text, nullptr, false);
      if (!meta.is_object() || !meta.contains("gps") || !meta["gps"].is_object()) continue;
      const nlohmann::json& g = meta["gps"];
      if (!g.contains("lat") || !g.contains("lon")) continue;
      gps.push_back({{"item", item.id},
                     {"lat", g["lat"]},
                     {"lon", g["lon"]},
                     {"source", g.value("source", std::string())}});
    }
    *answer = {{"locations", locations}, {"gps", gps}};
    return Status::Ok();
  });
}

void GetSources(ServerContext& ctx, const Req& req, Res& res) {
  nlohmann::json list;
  SendCaseJson(ctx, req, res, [&](evidence::Case& c, nlohmann::json* answer) -> Status {
    SL_ASSIGN_OR_RETURN(list, inv::SourceListJson(c));
    *answer = {{"case", BaseName(ctx.options.case_dir)}, {"sources", list}};
    return Status::Ok();
  });
}

void GetClaims(ServerContext& ctx, const Req& req, Res& res) {
  nlohmann::json list = nlohmann::json::array();
  SendCaseJson(ctx, req, res, [&](evidence::Case& c, nlohmann::json* answer) -> Status {
    SL_ASSIGN_OR_RETURN(auto claims, inv::ListClaims(c));
    for (const auto& cl : claims) list.push_back(inv::ClaimJson(cl));
    *answer = {{"case", BaseName(ctx.options.case_dir)}, {"claims", list}};
    return Status::Ok();
  });
}

// Runs `write` as the request's user and answers 201 with the JSON it leaves in `out`.
void WriteAndAnswer(ServerContext& ctx, const Req& req, Res& res,
                    const std::function<Status(evidence::Case&, const evidence::Identity&,
                                               nlohmann::json*)>& write) {
  const auto user = ctx.RequireUser(req, res);
  if (!user) return;
  nlohmann::json out;
  Status s = ctx.cases->Write(
      *user, [&](evidence::Case& c, const evidence::Identity& who) { return write(c, who, &out); });
  if (!s.ok()) return SendStatus(res, s);
  SendJson(res, 201, out);
}

void PostSource(ServerContext& ctx, const Req& req, Res& res) {
  auto body = JsonBody(req);
  if (!body.ok()) return SendStatus(res, body.status());
  std::string error;
  inv::Source src;
  src.kind = StringField(*body, "kind", &error).value_or("");
  src.name = StringField(*body, "name", &error).value_or("");
  src.handle = StringField(*body, "handle", &error).value_or("");
  src.platform = StringField(*body, "platform", &error).value_or("");
  src.url = StringField(*body, "url", &error).value_or("");
  src.note = StringField(*body, "note", &error).value_or("");
  if (!error.empty()) return SendError(res, 400, error);
  if (!inv::IsSourceKind(src.kind)) {
    return SendError(res, 400, "'kind' is " + inv::Alternatives(inv::kSourceKinds));
  }
  if (src.name.empty()) return SendError(res, 400, "give the source's 'name'");
  WriteAndAnswer(
      ctx, req, res,
      [&](evidence::Case& c, const evidence::Identity& who, nlohmann::json* out) -> Status {
        SL_ASSIGN_OR_RETURN(auto added, inv::AddSource(c, who, src));
        *out = inv::SourceJson(added);
        return Status::Ok();
      });
}

// "finding:12"-style references of `key` ("supports" or "contradicts").
Status EvidenceRefs(const nlohmann::json& body, const char* key, bool supports,
                    std::vector<inv::ClaimEvidence>* out) {
  if (!body.contains(key) || body[key].is_null()) return Status::Ok();
  if (!body[key].is_array()) return InvalidArgument(std::string("'") + key + "' is a list");
  for (const auto& ref : body[key]) {
    if (!ref.is_string()) {
      return InvalidArgument(std::string("'") + key + "' holds references like \"finding:12\"");
    }
    SL_ASSIGN_OR_RETURN(inv::ClaimEvidence e, inv::ParseEvidenceRef(ref.get<std::string>()));
    e.supports = supports;
    out->push_back(std::move(e));
  }
  return Status::Ok();
}

void PostClaim(ServerContext& ctx, const Req& req, Res& res) {
  auto body = JsonBody(req);
  if (!body.ok()) return SendStatus(res, body.status());
  std::string error;
  inv::Claim claim;
  claim.statement = StringField(*body, "statement", &error).value_or("");
  claim.confidence = StringField(*body, "confidence", &error).value_or("");
  claim.reason = StringField(*body, "reason", &error).value_or("");
  if (!error.empty()) return SendError(res, 400, error);
  if (claim.statement.empty()) return SendError(res, 400, "give the claim's 'statement'");
  for (Status s : {EvidenceRefs(*body, "supports", true, &claim.evidence),
                   EvidenceRefs(*body, "contradicts", false, &claim.evidence)}) {
    if (!s.ok()) return SendStatus(res, s);
  }
  WriteAndAnswer(
      ctx, req, res,
      [&](evidence::Case& c, const evidence::Identity& who, nlohmann::json* out) -> Status {
        SL_ASSIGN_OR_RETURN(auto added, inv::AddClaim(c, who, claim));
        *out = inv::ClaimJson(added);
        return Status::Ok();
      });
}

std::optional<std::int64_t> ItemParam(const Req& req, Res& res) {
  auto id = ParseId(req.matches[1]);
  if (!id) SendError(res, 400, "'" + std::string(req.matches[1]) + "' is not an item id");
  return id;
}

void PostObservation(ServerContext& ctx, const Req& req, Res& res) {
  auto id = ItemParam(req, res);
  if (!id) return;
  auto body = JsonBody(req);
  if (!body.ok()) return SendStatus(res, body.status());
  std::string error;
  inv::Observation o;
  o.item_id = *id;
  o.kind = StringField(*body, "kind", &error).value_or("visual");
  o.text = StringField(*body, "text", &error).value_or("");
  o.language = StringField(*body, "language", &error).value_or("");
  o.original = StringField(*body, "original", &error).value_or("");
  o.translation = StringField(*body, "translation", &error).value_or("");
  o.start_s = NumberField(*body, "t", &error);
  o.end_s = NumberField(*body, "end", &error);
  if (body->contains("region") && !(*body)["region"].is_null()) {
    const nlohmann::json& r = (*body)["region"];
    if (!r.is_object()) {
      error = "'region' is {\"x\",\"y\",\"w\",\"h\"} in fractions of the picture";
    } else {
      inv::Region region;
      region.x = NumberField(r, "x", &error).value_or(-1);
      region.y = NumberField(r, "y", &error).value_or(-1);
      region.w = NumberField(r, "w", &error).value_or(-1);
      region.h = NumberField(r, "h", &error).value_or(-1);
      o.region = region;
    }
  }
  if (!error.empty()) return SendError(res, 400, error);
  if (!inv::IsObservationKind(o.kind)) {
    return SendError(res, 400, "'kind' is " + inv::Alternatives(inv::kObservationKinds));
  }
  if (o.end_s && !o.start_s) return SendError(res, 400, "'end' needs 't'");
  WriteAndAnswer(
      ctx, req, res,
      [&](evidence::Case& c, const evidence::Identity& who, nlohmann::json* out) -> Status {
        SL_ASSIGN_OR_RETURN(auto added, inv::AddObservation(c, who, o));
        *out = inv::ObservationJson(added);
        return Status::Ok();
      });
}

void PostLocation(ServerContext& ctx, const Req& req, Res& res) {
  auto id = ItemParam(req, res);
  if (!id) return;
  auto body = JsonBody(req);
  if (!body.ok()) return SendStatus(res, body.status());
  std::string error;
  inv::Location loc;
  loc.item_id = *id;
  auto lat = NumberField(*body, "lat", &error);
  auto lon = NumberField(*body, "lon", &error);
  auto radius = NumberField(*body, "radius_m", &error);
  loc.method =
      StringField(*body, "method", &error).value_or(StringField(*body, "how", &error).value_or(""));
  loc.note = StringField(*body, "note", &error).value_or("");
  if (!error.empty()) return SendError(res, 400, error);
  if (!lat || !lon || !radius) {
    return SendError(res, 400, "give 'lat', 'lon' (decimal degrees) and 'radius_m' (metres)");
  }
  loc.lat = *lat;
  loc.lon = *lon;
  loc.radius_m = *radius;
  if (!inv::IsLocationMethod(loc.method)) {
    return SendError(res, 400, "'method' is " + inv::Alternatives(inv::kLocationMethods));
  }
  WriteAndAnswer(
      ctx, req, res,
      [&](evidence::Case& c, const evidence::Identity& who, nlohmann::json* out) -> Status {
        SL_ASSIGN_OR_RETURN(auto set, inv::SetLocation(c, who, loc));
        *out = inv::LocationJson(set);
        return Status::Ok();
      });
}

}  // namespace

void RegisterRecordRoutes(httplib::Server& http, ServerContext& ctx) {
  auto bind = [&ctx](void (*f)(ServerContext&, const Req&, Res&)) {
    return [&ctx, f](const Req& req, Res& res) { f(ctx, req, res); };
  };
  http.Get("/api/timeline", bind(GetTimeline));
  http.Get("/api/places", bind(GetPlaces));
  http.Get("/api/locations", bind(GetLocations));
  http.Get("/api/sources", bind(GetSources));
  http.Get("/api/claims", bind(GetClaims));
  http.Post("/api/sources", bind(PostSource));
  http.Post("/api/claims", bind(PostClaim));
  http.Post(R"(/api/items/([^/]+)/observations)", bind(PostObservation));
  http.Post(R"(/api/items/([^/]+)/location)", bind(PostLocation));
}

}  // namespace sightline::server
