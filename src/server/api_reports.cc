// POST /api/report, GET /api/reports, GET /api/reports/{name}/report.html|report.json
// (doc/api.md). The report is built and written as `sightline report` does it
// (report::BuildCaseReport, report::WriteReportFiles), under DIR/workbench/reports/NAME/.
#include <ctime>

#include "base/file.h"
#include "base/time.h"
#include "report/case_report.h"
#include "report/report_files.h"
#include "server/file_response.h"
#include "server/http_util.h"
#include "server/server_context.h"

namespace sightline::server {

namespace {

using Req = httplib::Request;
using Res = httplib::Response;

std::string ReportsDir(const ServerContext& ctx) {
  return JoinPath(JoinPath(ctx.options.case_dir, "workbench"), "reports");
}

// "20261207T061500Z", the UTC time now.
std::string TimeName() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

void Build(ServerContext& ctx, const Req& req, Res& res) {
  const auto user = ctx.RequireUser(req, res);
  if (!user) return;
  std::lock_guard<std::mutex> lock(ctx.report_mu);
  nlohmann::json report;
  Status s = ctx.cases->Read([&](evidence::Case& c) -> Status {
    SL_ASSIGN_OR_RETURN(report, report::BuildCaseReport(c, {}));
    return Status::Ok();
  });
  if (!s.ok()) return SendStatus(res, s);
  std::string name = TimeName();
  for (int n = 2; PathExists(JoinPath(ReportsDir(ctx), name)); ++n) {
    name = TimeName() + "-" + std::to_string(n);
  }
  Result<report::WrittenReport> written =
      report::WriteReportFiles(report, JoinPath(ReportsDir(ctx), name), 0700);
  if (!written.ok()) return SendStatus(res, written.status());
  const std::string url = "/api/reports/" + name + "/";
  SendJson(res, 201,
           {{"name", name}, {"url", url + "report.html"}, {"json_url", url + "report.json"}});
}

void List(ServerContext& ctx, const Req&, Res& res) {
  nlohmann::json list = nlohmann::json::array();
  auto names = ListDirectory(ReportsDir(ctx));
  if (names.ok()) {
    for (const std::string& name : *names) {
      if (!IsSafeName(name) ||
          !PathExists(JoinPath(JoinPath(ReportsDir(ctx), name), "report.html")))
        continue;
      list.push_back({{"name", name}, {"url", "/api/reports/" + name + "/report.html"}});
    }
  }
  SendJson(res, 200, {{"reports", list}});
}

void Serve(ServerContext& ctx, const Req& req, Res& res) {
  const std::string name = req.matches[1];
  const std::string file = req.matches[2];
  if (!IsSafeName(name)) return SendError(res, 400, "'" + name + "' is not a report name");
  SendFile(req, res, JoinPath(JoinPath(ReportsDir(ctx), name), "report." + file),
           file == "html" ? "text/html; charset=utf-8" : "application/json", false);
}

}  // namespace

void RegisterReportRoutes(httplib::Server& http, ServerContext& ctx) {
  http.Post("/api/report", [&ctx](const Req& req, Res& res) { Build(ctx, req, res); });
  http.Get("/api/reports", [&ctx](const Req& req, Res& res) { List(ctx, req, res); });
  http.Get(R"(/api/reports/([^/]+)/report\.(html|json))",
           [&ctx](const Req& req, Res& res) { Serve(ctx, req, res); });
}

}  // namespace sightline::server
