// The workbench API (src/server) end to end, in process: a server on an ephemeral loopback port
// over a generated case, driven by an httplib client (doc/api.md).
#include <httplib.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "base/file.h"
#include "base/sha256.h"
#include "case/findings.h"
#include "evidence/case.h"
#include "evidence/identity.h"
#include "evidence/ingest.h"
#include "evidence/verify.h"
#include "server/http_server.h"
#include "sql_backends.h"
#include "test_util.h"

namespace sightline::server {
namespace {

using sightline::testing::MakeMedia;
using sightline::testing::MakeTestVideo;
using sightline::testing::ReadFile;
using sightline::testing::RunSightline;
using sightline::testing::ScratchDir;
using sightline::testing::WriteFile;

struct Login {
  std::string cookie;  // "sightline_session=…"
  std::string csrf;
};

class ServerApi : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto key = evidence::LoadOrCreateSigningKey(dir_ / "keys");
    ASSERT_TRUE(key.ok()) << key.status().message();
    evidence::Identity who{"desk@newsroom", *key};
    {
      auto c =
          evidence::Case::Create(case_dir(), who, sightline::testing::CaseCatalogUrl(GetParam()));
      ASSERT_TRUE(c.ok()) << c.status().message();
      MakeTestVideo(dir_ / "a.mp4", 2.0);
      MakeMedia({"-f", "lavfi", "-i", "mandelbrot=size=160x120:rate=10", "-t", "1", "-pix_fmt",
                 "yuv420p"},
                dir_ / "b.mp4");
      for (const char* name : {"a.mp4", "b.mp4"}) {
        auto r = evidence::IngestFile(**c, who, dir_ / name, {});
        ASSERT_EQ(r.outcome, evidence::IngestOutcome::kStored) << r.message;
      }
      investigation::Suggestion s;
      s.kind = investigation::FindingKind::kSameFootage;
      s.item_a = 1;
      s.item_b = 2;
      s.analyzer = "match";
      s.version = 1;
      s.score = 0.9;
      s.evidence = R"({"segments":[{"a_start":0.5,"a_end":1,"b_start":0.2,"b_end":0.7}]})";
      ASSERT_TRUE(investigation::RecordSuggestions(**c, who, {s}).ok());
    }
    auto accounts = AccountStore::Open(case_dir());
    ASSERT_TRUE(accounts.ok()) << accounts.status().message();
    ASSERT_TRUE((*accounts)->Add("ed", "editor-password", Role::kEditor).ok());
    ASSERT_TRUE((*accounts)->Add("vi", "viewer-password", Role::kViewer).ok());
    ASSERT_TRUE((*accounts)->Add("ad", "admin-password", Role::kAdmin).ok());
    ASSERT_TRUE(MakeDirs(dir_ / "web/assets").ok());
    WriteFile(dir_ / "web/index.html", "<!doctype html><title>workbench</title>");
    WriteFile(dir_ / "web/assets/app.js", "console.log(1);");
    WriteFile(dir_ / "secret.txt", "root:x:0:0");

    ServeOptions options;
    options.case_dir = case_dir();
    options.web_dir = dir_ / "web";
    options.key_dir = dir_ / "keys";
    options.threads = 8;
    options.login_limits.per_user = 3;
    options.upload_limits.max_bytes = 4 << 20;
    options.upload_limits.chunk_max = 64 << 10;
    auto s = WorkbenchServer::Create(options);
    ASSERT_TRUE(s.ok()) << s.status().message();
    server_ = std::move(s).value();
    auto port = server_->Bind("127.0.0.1", 0);
    ASSERT_TRUE(port.ok()) << port.status().message();
    port_ = *port;
    thread_ = std::thread([this] { (void)server_->Serve(); });
  }

  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
  }

  std::string case_dir() const { return dir_ / "case"; }
  httplib::Client Client() const {
    httplib::Client cli("127.0.0.1", port_);
    cli.set_read_timeout(120);
    return cli;
  }

  Login LogIn(const std::string& user, const std::string& password) {
    auto res =
        Client().Post("/api/login", nlohmann::json{{"user", user}, {"password", password}}.dump(),
                      "application/json");
    EXPECT_TRUE(res);
    if (!res) return {};
    EXPECT_EQ(res->status, 200) << res->body;
    Login l;
    const std::string cookie = res->get_header_value("Set-Cookie");
    l.cookie = cookie.substr(0, cookie.find(';'));
    auto j = nlohmann::json::parse(res->body, nullptr, false);
    if (j.is_object()) l.csrf = j.value("csrf", "");
    return l;
  }

  static httplib::Headers With(const Login& l, bool csrf = true) {
    httplib::Headers h{{"Cookie", l.cookie}};
    if (csrf) h.emplace("X-CSRF-Token", l.csrf);
    return h;
  }

  httplib::Result Post(const Login& l, const std::string& path, const nlohmann::json& body,
                       bool csrf = true) {
    return Client().Post(path.c_str(), With(l, csrf), body.dump(), "application/json");
  }

  static nlohmann::json Json(const httplib::Result& res) {
    return res ? nlohmann::json::parse(res->body, nullptr, false) : nlohmann::json();
  }

  ScratchDir dir_;
  std::unique_ptr<WorkbenchServer> server_;
  std::thread thread_;
  int port_ = 0;
};

TEST_P(ServerApi, AnonymousApiRequestsGet401) {
  auto cli = Client();
  for (const char* path :
       {"/api/items", "/api/me", "/api/case", "/api/items/1/media", "/api/no-such-thing"}) {
    auto res = cli.Get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 401) << path;
  }
  auto post = cli.Post("/api/items", "{}", "application/json");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 401);
  auto upload = cli.Post("/api/uploads", R"({"name":"x.mp4","size":10})", "application/json");
  ASSERT_TRUE(upload);
  EXPECT_EQ(upload->status, 401);
  EXPECT_NE(post->get_header_value("Content-Security-Policy").find("default-src 'self'"),
            std::string::npos);
}

TEST_P(ServerApi, LoginGivesAStrictCookieAndLogoutEndsTheSession) {
  auto res = Client().Post("/api/login", R"({"user":"ed","password":"editor-password"})",
                           "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  const std::string cookie = res->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  const std::string id = cookie.substr(cookie.find('=') + 1, 64);
  EXPECT_TRUE(IsSha256Hex(id)) << cookie;  // 256 random bits, hex
  Login l{cookie.substr(0, cookie.find(';')), Json(res)["csrf"]};
  EXPECT_EQ(Json(res)["role"], "editor");
  auto me = Client().Get("/api/me", With(l, false));
  ASSERT_TRUE(me);
  EXPECT_EQ(me->status, 200);
  EXPECT_EQ(Json(me)["user"], "ed");
  auto out = Post(l, "/api/logout", nlohmann::json::object());
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 204);
  auto after = Client().Get("/api/me", With(l, false));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 401);
}

TEST_P(ServerApi, WrongPasswordIs401AndRepeatedFailuresAre429) {
  auto cli = Client();
  for (int i = 0; i < 3; ++i) {
    auto res =
        cli.Post("/api/login", R"({"user":"ed","password":"wrong-password"})", "application/json");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401);
  }
  auto unknown =
      cli.Post("/api/login", R"({"user":"nobody","password":"whatever1"})", "application/json");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 401);
  // The limit holds even for the right password, until the window has passed.
  auto limited =
      cli.Post("/api/login", R"({"user":"ed","password":"editor-password"})", "application/json");
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->status, 429);
  EXPECT_GT(std::atoi(limited->get_header_value("Retry-After").c_str()), 0);
  // Another user is not limited by ed's failures.
  auto other =
      cli.Post("/api/login", R"({"user":"vi","password":"viewer-password"})", "application/json");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200);
}

TEST_P(ServerApi, ViewerReadsButCannotWrite) {
  Login vi = LogIn("vi", "viewer-password");
  auto items = Client().Get("/api/items", With(vi, false));
  ASSERT_TRUE(items);
  EXPECT_EQ(items->status, 200);
  EXPECT_EQ(Json(items)["items"].size(), 2u);
  auto accept = Post(vi, "/api/findings/1/accept", {{"reason", "looks right"}});
  ASSERT_TRUE(accept);
  EXPECT_EQ(accept->status, 403);
  auto upload = Post(vi, "/api/uploads", {{"name", "x.mp4"}, {"size", 10}});
  ASSERT_TRUE(upload);
  EXPECT_EQ(upload->status, 403);
  auto users = Client().Get("/api/users", With(vi, false));
  ASSERT_TRUE(users);
  EXPECT_EQ(users->status, 403);
}

TEST_P(ServerApi, WritesWithoutTheCsrfTokenAre403) {
  Login ed = LogIn("ed", "editor-password");
  auto none = Post(ed, "/api/findings/1/accept", {{"reason", "x"}}, /*csrf=*/false);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 403);
  Login wrong = ed;
  wrong.csrf = std::string(64, 'a');
  auto bad = Post(wrong, "/api/findings/1/accept", {{"reason", "x"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 403);
  auto finding = Client().Get("/api/findings/1", With(ed, false));
  ASSERT_TRUE(finding);
  EXPECT_EQ(Json(finding)["status"], "suggested");  // nothing was decided
}

TEST_P(ServerApi, PathTraversalIsRefusedInEveryParameter) {
  Login ed = LogIn("ed", "editor-password");
  const std::vector<std::string> paths = {
      "/api/items/..%2F..",
      "/api/items/..%2F..%2Fsecret.txt/media",
      "/api/items/1%2F..%2F..%2Fcase.db/media",
      "/api/items/-1",
      "/api/items/01/media",
      "/api/items/1/keyframes/..%2F..%2F..%2Fsecret.jpg",
      "/api/items/1/keyframes/-1.jpg",
      "/api/items/1/keyframes/..jpg",
      "/api/findings/..%2F1",
      "/api/findings/1/..%2F..%2Fpicture.jpg",
      "/api/reports/..%2F..%2F..%2Fsecret/report.html",
      "/api/reports/../report.html",
      "/api/reports/..%2F..%2Fcase.db%00/report.json",
      "/api/uploads/..%2F..%2Fcase.db",
      "/../../secret.txt",
      "/../../../../etc/passwd",
      "/%2e%2e/%2e%2e/secret.txt",
      "/assets/../../secret.txt",
      "/assets/..%2F..%2Fsecret.txt",
      "/.%2e/secret.txt",
      "/assets%5C..%5C..%5Csecret.txt",
  };
  for (const std::string& path : paths) {
    auto res = Client().Get(path.c_str(), With(ed, false));
    ASSERT_TRUE(res) << path;
    EXPECT_TRUE(res->status == 400 || res->status == 404) << path << " -> " << res->status;
    EXPECT_EQ(res->body.find("root:"), std::string::npos) << path;
    EXPECT_EQ(res->body.find("SQLite format"), std::string::npos) << path;
  }
  auto del = Client().Delete("/api/uploads/..%2F..%2Fobjects", With(ed));
  ASSERT_TRUE(del);
  EXPECT_TRUE(del->status == 400 || del->status == 404) << del->status;
  EXPECT_TRUE(IsDirectory(case_dir() + "/objects"));
}

TEST_P(ServerApi, AnAcceptedFindingIsInCustodyUnderTheUsersName) {
  Login ed = LogIn("ed", "editor-password");
  auto reject = Post(ed, "/api/findings/1/reject", nlohmann::json::object());
  ASSERT_TRUE(reject);
  EXPECT_EQ(reject->status, 400);  // a rejection needs a reason
  auto res = Post(ed, "/api/findings/1/accept", {{"reason", "same bikes, same cut"}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  nlohmann::json f = Json(res);
  EXPECT_EQ(f["status"], "accepted");
  EXPECT_EQ(f["decisions"].back()["actor"], "ed");
  auto obs =
      Post(ed, "/api/items/1/observations", {{"kind", "sound"}, {"t", 0.5}, {"text", "two shots"}});
  ASSERT_TRUE(obs);
  EXPECT_EQ(obs->status, 201) << obs->body;
  server_->Stop();
  thread_.join();

  auto c = evidence::Case::Open(case_dir(), evidence::Case::Access::kRead);
  ASSERT_TRUE(c.ok());
  auto entries = (*c)->log().All();
  ASSERT_TRUE(entries.ok());
  int decided = 0;
  for (const auto& e : *entries) {
    if (e.action == "finding_decided") {
      ++decided;
      EXPECT_EQ(e.actor, "ed");
      EXPECT_NE(e.details.find("same bikes, same cut"), std::string::npos);
    }
  }
  EXPECT_EQ(decided, 1);
  EXPECT_EQ(entries->back().action, "observation_added");
  EXPECT_EQ(entries->back().actor, "ed");
  evidence::VerifyReport report = evidence::VerifyCase(**c);
  for (const auto& p : report.problems) ADD_FAILURE() << p.code << ": " << p.message;
  EXPECT_TRUE(report.ok());
}

TEST_P(ServerApi, ReadsAnswerWhatTheCliPrints) {
  Login vi = LogIn("vi", "viewer-password");
  auto items = Client().Get("/api/items", With(vi, false));
  ASSERT_TRUE(items);
  auto cli = RunSightline({"list", "--case", case_dir(), "--json"});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_EQ(Json(items)["items"], nlohmann::json::parse(cli.out)["items"]);
  auto item = Client().Get("/api/items/2", With(vi, false));
  ASSERT_TRUE(item);
  auto show = RunSightline({"show", "--case", case_dir(), "--json", "2"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_EQ(Json(item), nlohmann::json::parse(show.out));
  auto findings = Client().Get("/api/findings?kind=same_footage&min_score=0.5", With(vi, false));
  ASSERT_TRUE(findings);
  EXPECT_EQ(Json(findings)["findings"].size(), 1u);
  auto none = Client().Get("/api/findings?min_score=0.95", With(vi, false));
  ASSERT_TRUE(none);
  EXPECT_EQ(Json(none)["findings"].size(), 0u);
  auto bad = Client().Get("/api/findings?kind=same_smell", With(vi, false));
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  auto places = Client().Get("/api/places", With(vi, false));
  ASSERT_TRUE(places);
  auto places_cli = RunSightline({"places", "--case", case_dir(), "--json"});
  ASSERT_EQ(places_cli.exit_code, 0) << places_cli.err;
  const nlohmann::json places_json = nlohmann::json::parse(places_cli.out);
  EXPECT_EQ(Json(places)["groups"], places_json["groups"]);
  EXPECT_EQ(Json(places)["ungrouped"], places_json["ungrouped"]);
  ASSERT_EQ(Json(places)["groups"].size(), 1u);  // the same footage: one place
  EXPECT_EQ(Json(places)["groups"][0]["links"][0]["kind"], "same_footage");
  auto summary = Client().Get("/api/case", With(vi, false));
  ASSERT_TRUE(summary);
  EXPECT_EQ(Json(summary)["items"], 2);
  EXPECT_EQ(Json(summary)["findings"]["suggested"], 1);
}

TEST_P(ServerApi, MediaAnswersRangeRequests) {
  Login vi = LogIn("vi", "viewer-password");
  const std::string bytes = ReadFile(dir_ / "a.mp4");
  ASSERT_GT(bytes.size(), 100u);
  httplib::Headers h = With(vi, false);
  h.emplace("Range", "bytes=10-19");
  auto part = Client().Get("/api/items/1/media", h);
  ASSERT_TRUE(part);
  EXPECT_EQ(part->status, 206);
  EXPECT_EQ(part->body, bytes.substr(10, 10));
  EXPECT_EQ(part->get_header_value("Content-Range"), "bytes 10-19/" + std::to_string(bytes.size()));
  EXPECT_EQ(part->get_header_value("Content-Type"), "video/mp4");
  httplib::Headers tail = With(vi, false);
  tail.emplace("Range", "bytes=-7");
  auto end = Client().Get("/api/items/1/media", tail);
  ASSERT_TRUE(end);
  EXPECT_EQ(end->status, 206);
  EXPECT_EQ(end->body, bytes.substr(bytes.size() - 7));
  httplib::Headers past = With(vi, false);
  past.emplace("Range", "bytes=" + std::to_string(bytes.size()) + "-");
  auto bad = Client().Get("/api/items/1/media", past);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 416);
  EXPECT_EQ(bad->get_header_value("Content-Range"), "bytes */" + std::to_string(bytes.size()));
  auto whole = Client().Get("/api/items/1/media", With(vi, false));
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->status, 200);
  EXPECT_EQ(whole->body, bytes);
  auto missing = Client().Get("/api/items/99/media", With(vi, false));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST_P(ServerApi, ChunkedUploadIngestsTheFileAndADuplicateIs409) {
  MakeMedia(
      {"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "3", "-pix_fmt", "yuv420p"},
      dir_ / "c.mp4");
  const std::string bytes = ReadFile(dir_ / "c.mp4");
  ASSERT_GT(bytes.size(), 3u * 1024);
  Login ed = LogIn("ed", "editor-password");
  auto upload = [&](const std::string& name) -> httplib::Result {
    auto start = Post(ed, "/api/uploads", {{"name", name}, {"size", bytes.size()}});
    EXPECT_TRUE(start && start->status == 201) << (start ? start->body : "");
    const std::string id = Json(start)["id"];
    const std::size_t chunk = bytes.size() / 3 + 1;
    for (std::size_t off = 0; off < bytes.size(); off += chunk) {
      auto put = Client().Put(("/api/uploads/" + id + "?offset=" + std::to_string(off)).c_str(),
                              With(ed), bytes.substr(off, chunk), "application/octet-stream");
      EXPECT_TRUE(put && put->status == 200) << (put ? put->body : "");
    }
    return Post(ed, "/api/uploads/" + id + "/finish", nlohmann::json::object());
  };
  auto done = upload("street.mp4");
  ASSERT_TRUE(done);
  ASSERT_EQ(done->status, 201) << done->body;
  nlohmann::json item = Json(done)["item"];
  EXPECT_EQ(item["sha256"], Sha256Hex(bytes));
  EXPECT_EQ(item["name"], "street.mp4");
  EXPECT_EQ(item["kind"], "video");
  auto items = Client().Get("/api/items", With(ed, false));
  EXPECT_EQ(Json(items)["items"].size(), 3u);
  auto again = upload("street-copy.mp4");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 409);
  EXPECT_EQ(Json(again)["item"]["id"], item["id"]);
  // Nothing left in staging.
  auto left = ListDirectory(case_dir() + "/workbench/uploads");
  ASSERT_TRUE(left.ok());
  EXPECT_TRUE(left->empty());
  // The ingest is in custody under ed's name.
  auto show = Client().Get(("/api/items/" + item["id"].dump()).c_str(), With(ed, false));
  EXPECT_EQ(Json(show)["custody"][0]["actor"], "ed");
}

TEST_P(ServerApi, AnUnfinishedUploadLeavesTheCaseUnchanged) {
  Login ed = LogIn("ed", "editor-password");
  auto before = Client().Get("/api/items", With(ed, false));
  auto start = Post(ed, "/api/uploads", {{"name", "half.mp4"}, {"size", 1000}});
  ASSERT_TRUE(start);
  ASSERT_EQ(start->status, 201);
  const std::string id = Json(start)["id"];
  const std::string path = "/api/uploads/" + id;
  auto put = Client().Put((path + "?offset=0").c_str(), With(ed), std::string(400, 'x'),
                          "application/octet-stream");
  ASSERT_TRUE(put);
  EXPECT_EQ(Json(put)["received"], 400);
  auto skip = Client().Put((path + "?offset=800").c_str(), With(ed), std::string(200, 'x'),
                           "application/octet-stream");
  ASSERT_TRUE(skip);
  EXPECT_EQ(skip->status, 409);
  EXPECT_EQ(Json(skip)["received"], 400);
  auto over = Client().Put((path + "?offset=400").c_str(), With(ed), std::string(700, 'x'),
                           "application/octet-stream");
  ASSERT_TRUE(over);
  EXPECT_EQ(over->status, 400);
  auto early = Post(ed, path + "/finish", nlohmann::json::object());
  ASSERT_TRUE(early);
  EXPECT_EQ(early->status, 400);
  auto after = Client().Get("/api/items", With(ed, false));
  EXPECT_EQ(Json(after)["items"], Json(before)["items"]);
  // Another user cannot see or touch it.
  Login ad = LogIn("ad", "admin-password");
  auto theirs = Client().Get(path.c_str(), With(ad, false));
  ASSERT_TRUE(theirs);
  EXPECT_EQ(theirs->status, 404);
  auto cancel = Client().Delete(path.c_str(), With(ed));
  ASSERT_TRUE(cancel);
  EXPECT_EQ(cancel->status, 204);
  EXPECT_FALSE(PathExists(case_dir() + "/workbench/uploads/" + id));
  auto huge = Post(ed, "/api/uploads", {{"name", "huge.mp4"}, {"size", 5 << 20}});
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->status, 413);
  auto slash = Post(ed, "/api/uploads", {{"name", "../x.mp4"}, {"size", 10}});
  ASSERT_TRUE(slash);
  EXPECT_EQ(slash->status, 400);
}

TEST_P(ServerApi, KeyframesAndMatchPictureAreJpeg) {
  Login vi = LogIn("vi", "viewer-password");
  auto list = Client().Get("/api/items/1/keyframes", With(vi, false));
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200) << list->body;
  nlohmann::json keyframes = Json(list)["keyframes"];
  ASSERT_FALSE(keyframes.empty());
  auto jpg = Client().Get(keyframes[0]["url"].get<std::string>().c_str(), With(vi, false));
  ASSERT_TRUE(jpg);
  EXPECT_EQ(jpg->status, 200);
  EXPECT_EQ(jpg->get_header_value("Content-Type"), "image/jpeg");
  EXPECT_EQ(jpg->body.substr(0, 2), "\xFF\xD8");
  auto beyond = Client().Get("/api/items/1/keyframes/999.jpg", With(vi, false));
  ASSERT_TRUE(beyond);
  EXPECT_EQ(beyond->status, 404);
  auto picture = Client().Get("/api/findings/1/picture.jpg", With(vi, false));
  ASSERT_TRUE(picture);
  EXPECT_EQ(picture->status, 200) << picture->body;
  EXPECT_EQ(picture->body.substr(0, 2), "\xFF\xD8");
}

TEST_P(ServerApi, StaticFilesHaveTypesAndASecurityPolicy) {
  auto index = Client().Get("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_NE(index->body.find("workbench"), std::string::npos);
  EXPECT_EQ(index->get_header_value("Content-Type"), "text/html; charset=utf-8");
  const std::string csp = index->get_header_value("Content-Security-Policy");
  EXPECT_NE(csp.find("default-src 'self'"), std::string::npos);
  EXPECT_EQ(csp.find("http"), std::string::npos);  // no outside host
  auto js = Client().Get("/assets/app.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  auto missing = Client().Get("/assets/none.js");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST_P(ServerApi, AdminManagesAccounts) {
  Login ad = LogIn("ad", "admin-password");
  auto add = Post(ad, "/api/users",
                  {{"user", "new.one"}, {"password", "new-password"}, {"role", "viewer"}});
  ASSERT_TRUE(add);
  EXPECT_EQ(add->status, 201) << add->body;
  auto dup = Post(ad, "/api/users",
                  {{"user", "new.one"}, {"password", "new-password"}, {"role", "viewer"}});
  ASSERT_TRUE(dup);
  EXPECT_EQ(dup->status, 409);
  Login fresh = LogIn("new.one", "new-password");
  auto del = Client().Delete("/api/users/new.one", With(ad));
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 204);
  auto gone = Client().Get("/api/me", With(fresh, false));
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->status, 401);
}

SIGHTLINE_ON_BACKENDS(ServerApi);

}  // namespace
}  // namespace sightline::server
