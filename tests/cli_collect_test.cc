// End-to-end: collecting a post. `ingest --url` downloads with yt-dlp from a loopback HTTP server
// (no internet), keeps the .info.json as a sidecar and records the post's source; a failed
// download and a missing yt-dlp change nothing. Sidecars beside local files: a yt-dlp .info.json,
// a WACZ capture, a screenshot; a broken WACZ is kept with a warning.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "base/file.h"
#include "base/sha256.h"
#include "evidence/zip_archive.h"
#include "local_tsa.h"
#include "test_util.h"

namespace sightline {
namespace {

using testing::ScratchDir;

bool HaveYtDlp() { return testing::RunProgram({"yt-dlp", "--version"}).exit_code == 0; }

std::string Sha256Of(const std::string& path) {
  auto d = Sha256File(path);
  return d.ok() ? ToHex(*d) : "";
}

// The HTTP path of a request ("/clip.mp4"), from its request line.
std::string RequestPath(const std::string& headers) {
  std::size_t a = headers.find(' ');
  std::size_t b = headers.find(' ', a + 1);
  return a == std::string::npos || b == std::string::npos ? "" : headers.substr(a + 1, b - a - 1);
}

class CollectCli : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = {"SIGHTLINE_KEY_DIR=" + (dir_ / "keys"), "SIGHTLINE_ACTOR=collector",
            // The server is on loopback: never through a proxy the environment may name.
            "no_proxy=127.0.0.1,localhost", "NO_PROXY=127.0.0.1,localhost"};
  }
  testing::CommandResult Run(const std::vector<std::string>& args) {
    return testing::RunSightline(args, env_);
  }
  nlohmann::json Json(const testing::CommandResult& r) {
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out << r.err;
    return j.is_discarded() ? nlohmann::json::object() : j;
  }
  std::string case_dir() const { return dir_ / "case"; }
  // Leftover download directories in the case's staging/.
  int DownloadDirs() {
    int n = 0;
    for (const auto& name : ListDirectory(case_dir() + "/staging").value_or({})) {
      n += name.rfind("url-", 0) == 0 ? 1 : 0;
    }
    return n;
  }
  ScratchDir dir_;
  std::vector<std::string> env_;
};

// Serves /clip.mp4 (with a Last-Modified, which yt-dlp takes as the upload time of a direct
// link); anything else is a 404.
class ClipServer {
 public:
  explicit ClipServer(std::string clip)
      : clip_(std::move(clip)), server_([this](const std::string&) { return Answer(); }) {}
  std::string Url(const std::string& path) const { return server_.Url(path); }
  int requests() const { return server_.requests(); }

 private:
  std::string Answer() {
    if (RequestPath(server_.last_headers()) != "/clip.mp4") {
      return testing::HttpResponse("404 Not Found", "text/plain", "no such post\n");
    }
    return "HTTP/1.0 200 OK\r\nContent-Type: video/mp4\r\nContent-Length: " +
           std::to_string(clip_.size()) +
           "\r\nLast-Modified: Tue, 24 Nov 2026 06:00:00 GMT\r\nConnection: close\r\n\r\n" + clip_;
  }
  std::string clip_;
  testing::LoopbackServer server_;
};

TEST_F(CollectCli, DownloadsAPostWithItsInfoAsSourceAndSidecar) {
  if (!HaveYtDlp()) GTEST_SKIP() << "yt-dlp is not installed (scripts/setup-debian.sh installs it)";
  testing::MakeTestVideo(dir_ / "served.mp4", 1.0);
  const std::string clip = testing::ReadFile(dir_ / "served.mp4");
  ClipServer server(clip);
  const std::string url = server.Url("/clip.mp4");

  auto r = Run({"ingest", "--case", case_dir(), "--url", url, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  nlohmann::json j = Json(r);
  ASSERT_EQ(j["files"].size(), 1u) << j;
  const nlohmann::json& f = j["files"][0];
  EXPECT_EQ(f["status"], "stored") << f;
  EXPECT_EQ(f["sha256"], Sha256Of(dir_ / "served.mp4"));
  EXPECT_EQ(f["size"], clip.size());
  EXPECT_EQ(f["path"], url);
  EXPECT_EQ(j["url"], url);
  EXPECT_FALSE(j["yt_dlp"]["version"].get<std::string>().empty());
  ASSERT_EQ(f["sidecars"].size(), 1u) << f;
  const nlohmann::json& sc = f["sidecars"][0];
  EXPECT_EQ(sc["kind"], "info_json");
  EXPECT_EQ(sc["status"], "stored");
  EXPECT_EQ(sc["summary"]["extractor"], "Generic");
  EXPECT_EQ(sc["summary"]["webpage_url"], url);
  EXPECT_EQ(sc["source"]["published_at"], "2026-11-24T06:00:00Z");
  EXPECT_GE(server.requests(), 1);

  // The info.json is an object of the case, bound to the media by a custody entry.
  const std::string sidecar_sha = sc["sha256"];
  const std::string object =
      case_dir() + "/objects/" + sidecar_sha.substr(0, 2) + "/" + sidecar_sha.substr(2);
  ASSERT_TRUE(PathExists(object)) << object;
  EXPECT_EQ(Sha256Of(object), sidecar_sha);
  auto info = nlohmann::json::parse(testing::ReadFile(object), nullptr, false);
  EXPECT_EQ(info.value("webpage_url", ""), url);

  auto show = Run({"show", "--case", case_dir(), "--json", "1"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  nlohmann::json s = Json(show);
  ASSERT_EQ(s["sidecars"].size(), 1u) << s["sidecars"];
  EXPECT_EQ(s["sidecars"][0]["sha256"], sidecar_sha);
  EXPECT_EQ(s["sidecars"][0]["path"], url);
  EXPECT_EQ(s["names"][0]["path"], url);
  bool bound = false;
  for (const auto& e : s["custody"]) {
    if (e["action"] != "sidecar_added") continue;
    auto d = nlohmann::json::parse(e["details"].get<std::string>(), nullptr, false);
    bound = e["object_sha256"] == f["sha256"] && d.value("sidecar_sha256", "") == sidecar_sha;
  }
  EXPECT_TRUE(bound) << s["custody"];
  ASSERT_EQ(s["sources"].size(), 1u) << s["sources"];
  const nlohmann::json& link = s["sources"][0];
  EXPECT_EQ(link["url"], url);
  EXPECT_EQ(link["how"].get<std::string>().rfind("downloaded with yt-dlp ", 0), 0u) << link;
  EXPECT_EQ(link["published_at"], "2026-11-24T06:00:00Z");
  EXPECT_FALSE(link["obtained_at"].get<std::string>().empty());

  auto sources = Json(Run({"source", "list", "--case", case_dir(), "--json"}));
  ASSERT_EQ(sources["sources"].size(), 1u) << sources;
  EXPECT_EQ(sources["sources"][0]["platform"], "web");
  EXPECT_EQ(sources["sources"][0]["name"], url.substr(7, url.find('/', 7) - 7));  // host:port

  // The upload time bounds the recording's start.
  auto timeline = Json(Run({"timeline", "--case", case_dir(), "--json"}));
  bool uploaded = false;
  for (const auto& b : timeline["items"][0]["basis"]) {
    uploaded |= b["kind"] == "uploaded" && b["latest"] == "2026-11-24T06:00:00.000Z";
  }
  EXPECT_TRUE(uploaded) << timeline["items"][0];

  EXPECT_EQ(DownloadDirs(), 0);
  auto verify = Run({"verify", "--case", case_dir(), "--json"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  EXPECT_GE(Json(verify)["bytes_hashed"].get<std::uint64_t>(), clip.size() + 100);

  // The same post again: the same content, already present, and the same source, already
  // linked; the new .info.json (its download time differs) is kept as a record of that visit.
  auto again = Run({"ingest", "--case", case_dir(), "--url", url, "--json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  nlohmann::json a = Json(again);
  EXPECT_EQ(a["files"][0]["status"], "already_present") << a;
  EXPECT_EQ(a["files"][0]["item_id"], 1);
  EXPECT_EQ(a["files"][0]["sidecars"][0]["source"]["id"], 1) << a;
  EXPECT_TRUE(a["files"][0]["sidecars"][0]["source"]["link"].is_null()) << a;
  EXPECT_EQ(Json(Run({"list", "--case", case_dir(), "--json"}))["items"].size(), 1u);
  EXPECT_EQ(Run({"verify", "--case", case_dir()}).exit_code, 0);
}

TEST_F(CollectCli, FailedDownloadChangesNothing) {
  if (!HaveYtDlp()) GTEST_SKIP() << "yt-dlp is not installed (scripts/setup-debian.sh installs it)";
  testing::MakeTestVideo(dir_ / "local.mp4", 1.0);
  ASSERT_EQ(Run({"ingest", "--case", case_dir(), dir_ / "local.mp4"}).exit_code, 0);
  auto before = Json(Run({"verify", "--case", case_dir(), "--json"}));
  ClipServer server(testing::ReadFile(dir_ / "local.mp4"));

  auto r = Run({"ingest", "--case", case_dir(), "--url", server.Url("/deleted-post.mp4")});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.err.find("404"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("please report"), std::string::npos) << r.err;
  auto after = Json(Run({"verify", "--case", case_dir(), "--json"}));
  EXPECT_EQ(after["items"], before["items"]);
  EXPECT_EQ(after["log_head"], before["log_head"]);
  EXPECT_EQ(after["ok"], true) << after;
  EXPECT_EQ(DownloadDirs(), 0);

  // Not a link: a usage error.
  EXPECT_EQ(Run({"ingest", "--case", case_dir(), "--url", "file:///etc/passwd"}).exit_code, 2);
}

TEST_F(CollectCli, WithoutYtDlpSaysWhatToInstall) {
  env_.push_back("SIGHTLINE_YT_DLP=/nonexistent/yt-dlp");
  auto r = Run({"ingest", "--case", case_dir(), "--url", "https://example.org/post/1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("yt-dlp is not installed"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("apt install yt-dlp"), std::string::npos) << r.err;
  EXPECT_FALSE(PathExists(case_dir())) << "no case is created for a download that cannot run";
}

void MakeWacz(const std::string& path) {
  auto zip = evidence::ZipWriter::Create(path);
  ASSERT_TRUE(zip.ok()) << zip.status().message();
  ASSERT_TRUE((*zip)
                  ->AddBytes("datapackage.json",
                             R"({"profile": "data-package", "wacz_version": "1.1.1",
                                   "resources": []})")
                  .ok());
  ASSERT_TRUE((*zip)
                  ->AddBytes("pages/pages.jsonl",
                             "{\"format\": \"json-pages-1.0\", \"id\": \"pages\"}\n"
                             "{\"id\": \"p1\", \"url\": \"https://t.me/resident_k/1842\", "
                             "\"ts\": \"2026-11-24T07:00:00Z\", \"title\": \"Post\"}\n")
                  .ok());
  ASSERT_TRUE((*zip)->Close().ok());
}

TEST_F(CollectCli, SidecarsBesideAFileAreKeptWithIt) {
  std::string in = dir_ / "in";
  ASSERT_EQ(::mkdir(in.c_str(), 0755), 0);
  testing::MakeTestVideo(in + "/clip.mp4", 1.0);
  testing::WriteFile(in + "/clip.info.json", R"({
    "id": "1842", "title": "Trucks on fire", "extractor_key": "Telegram",
    "uploader": "Resident K", "uploader_id": "@resident_k",
    "webpage_url": "https://t.me/resident_k/1842", "timestamp": 1795500000,
    "upload_date": "20261124", "epoch": 1795510000,
    "_version": {"version": "2023.03.04"}})");
  MakeWacz(in + "/clip.wacz");
  testing::MakeMedia({"-f", "lavfi", "-i", "testsrc=s=64x48", "-frames:v", "1"},
                     in + "/clip.screenshot.png");
  testing::MakeMedia({"-f", "lavfi", "-i", "testsrc=s=32x24", "-frames:v", "1"},
                     in + "/photo.png");  // an image of its own: an item

  auto r = Run({"ingest", "--case", case_dir(), "--json", in});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  nlohmann::json j = Json(r);
  ASSERT_EQ(j["files"].size(), 2u) << j;  // clip.mp4 and photo.png; the sidecars are not items
  EXPECT_EQ(j["summary"]["sidecars"], 3);
  const nlohmann::json* clip = nullptr;
  for (const auto& f : j["files"]) {
    if (f["path"].get<std::string>().find("clip.mp4") != std::string::npos) clip = &f;
  }
  ASSERT_NE(clip, nullptr);
  std::map<std::string, nlohmann::json> by_kind;
  for (const auto& s : (*clip)["sidecars"]) by_kind[s["kind"]] = s;
  ASSERT_EQ(by_kind.size(), 3u) << (*clip)["sidecars"];
  EXPECT_EQ(by_kind["wacz"]["summary"]["valid"], true);
  EXPECT_EQ(by_kind["wacz"]["summary"]["pages"][0]["url"], "https://t.me/resident_k/1842");
  EXPECT_EQ(by_kind["screenshot"]["name"], "clip.screenshot.png");
  EXPECT_EQ(by_kind["info_json"]["source"]["published_at"], "2026-11-24T06:00:00Z");

  auto show = Json(Run({"show", "--case", case_dir(), "--json", "clip.mp4"}));
  EXPECT_EQ(show["sidecars"].size(), 3u);
  ASSERT_EQ(show["sources"].size(), 1u);
  EXPECT_EQ(show["sources"][0]["how"], "downloaded with yt-dlp 2023.03.04");
  EXPECT_EQ(show["sources"][0]["url"], "https://t.me/resident_k/1842");
  EXPECT_EQ(show["sources"][0]["obtained_at"], "2026-11-24T08:46:40Z");  // yt-dlp's epoch
  auto sources = Json(Run({"source", "list", "--case", case_dir(), "--json"}));
  ASSERT_EQ(sources["sources"].size(), 1u);
  EXPECT_EQ(sources["sources"][0]["kind"], "account");
  EXPECT_EQ(sources["sources"][0]["handle"], "@resident_k");
  EXPECT_EQ(sources["sources"][0]["platform"], "Telegram");

  auto list = Json(Run({"list", "--case", case_dir(), "--json"}));
  EXPECT_EQ(list["items"].size(), 2u) << list;
  auto readable = Run({"show", "--case", case_dir(), "clip.mp4"});
  EXPECT_NE(readable.out.find("Sidecars (3)"), std::string::npos) << readable.out;
  auto verify = Run({"verify", "--case", case_dir()});
  EXPECT_EQ(verify.exit_code, 0) << verify.out;

  // An export of the clip carries its sidecars, byte for byte, and checks without the case.
  const std::string bundle = dir_ / "clip.zip";
  auto exported = Run({"export", "--case", case_dir(), "-o", bundle, "clip.mp4"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  auto checked = Run({"verify", "--bundle", bundle});
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
  auto manifest_text = testing::RunProgram({"unzip", "-p", bundle, "manifest.json"});
  ASSERT_EQ(manifest_text.exit_code, 0);
  const nlohmann::json manifest = nlohmann::json::parse(manifest_text.out);
  ASSERT_EQ(manifest["items"].size(), 1u);
  ASSERT_EQ(manifest["items"][0]["sidecars"].size(), 3u) << manifest["items"][0];
  for (const auto& sc : manifest["items"][0]["sidecars"]) {
    const std::string copy = dir_ / "unzipped";
    testing::WriteFile(
        copy, testing::RunProgram({"unzip", "-p", bundle, sc["file"].get<std::string>()}).out);
    EXPECT_EQ(Sha256Of(copy), sc["sha256"]) << sc;
  }

  // Ingesting again records nothing new; a second post from the same account reuses its source.
  auto head = Json(Run({"verify", "--case", case_dir(), "--json"}))["log_head"];
  auto again = Json(Run({"ingest", "--case", case_dir(), "--json", in}));
  EXPECT_EQ(again["summary"]["sidecars"], 0) << again;
  EXPECT_EQ(Json(Run({"verify", "--case", case_dir(), "--json"}))["log_head"], head);
  testing::MakeTestVideo(dir_ / "second.mp4", 2.0);
  testing::WriteFile(dir_ / "second.info.json",
                     R"({"id": "1843", "extractor_key": "Telegram", "uploader": "Resident K",
                         "uploader_id": "@resident_k", "upload_date": "20261125"})");
  auto second = Json(Run({"ingest", "--case", case_dir(), "--json", dir_ / "second.mp4"}));
  const auto& src = second["files"][0]["sidecars"][0]["source"];
  EXPECT_EQ(src["added"], false) << second;
  EXPECT_EQ(src["id"], 1);
  EXPECT_EQ(src["published_at"], "2026-11-25");
}

TEST_F(CollectCli, BrokenWaczIsKeptWithAWarning) {
  testing::MakeTestVideo(dir_ / "clip.mp4", 1.0);
  testing::WriteFile(dir_ / "clip.wacz", "PK\x03\x04 this capture was cut short");
  testing::WriteFile(dir_ / "clip.info.json", "{ not json");
  auto r = Run({"ingest", "--case", case_dir(), "--json", dir_ / "clip.mp4"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("not a readable WACZ"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("not read as a yt-dlp .info.json"), std::string::npos) << r.err;
  nlohmann::json j = Json(r);
  ASSERT_EQ(j["files"][0]["sidecars"].size(), 2u) << j;
  for (const auto& s : j["files"][0]["sidecars"]) {
    EXPECT_EQ(s["status"], "stored") << s;
    EXPECT_EQ(s["summary"]["valid"], false) << s;
  }
  EXPECT_EQ(Run({"verify", "--case", case_dir()}).exit_code, 0);

  // A sidecar is evidence like the original: verify re-hashes it and names a change.
  std::string sha;
  for (const auto& s : j["files"][0]["sidecars"]) {
    if (s["kind"] == "wacz") sha = s["sha256"];
  }
  ASSERT_EQ(sha.size(), 64u);
  const std::string object = case_dir() + "/objects/" + sha.substr(0, 2) + "/" + sha.substr(2);
  ASSERT_EQ(::chmod(object.c_str(), 0644), 0);
  testing::WriteFile(object, "rewritten");
  auto tampered = Run({"verify", "--case", case_dir()});
  EXPECT_EQ(tampered.exit_code, 1) << tampered.out;
  EXPECT_NE(tampered.out.find("object_modified"), std::string::npos) << tampered.out;
  EXPECT_NE(tampered.out.find("sidecar clip.wacz"), std::string::npos) << tampered.out;
}

}  // namespace
}  // namespace sightline
