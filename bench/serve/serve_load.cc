// Load test of `sightline serve` (issue 8 acceptance): N clients browsing the API and M clients
// uploading clips in chunks, for a bounded time, against a server on loopback. Prints the
// request counts, errors (must be 0) and the latency percentiles of the API reads (goal: p95 <
// 100 ms). Standalone (cpp-httplib client only); bench/serve/run.sh builds the case and the
// server and runs it.
//
// usage: serve_load --port P --viewer USER:PASSWORD --editor PREFIX:PASSWORD --upload FILE
//                   [--items N] [--duration S] [--readers N] [--uploaders M]
// The readers share one viewer session (logging in 50 times would measure Argon2id, not the
// server); uploader i logs in as PREFIXi.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  int port = 0;
  double duration_s = 60;
  int readers = 50, uploaders = 5;
  std::string viewer, editor, upload_file;
  std::string reader_cookie;
  std::vector<std::string> writer_cookie, writer_csrf;  // one editor account per uploader
  int items = 1;
};

struct Stats {
  std::mutex mu;
  std::vector<double> read_ms;
  std::map<std::string, std::vector<double>> by_kind;  // latency per endpoint kind
  long reads = 0, read_errors = 0, uploads = 0, upload_errors = 0, chunks = 0;
  std::vector<std::string> samples;  // first few error descriptions
  void Error(const std::string& what) {
    std::lock_guard<std::mutex> lock(mu);
    if (samples.size() < 10) samples.push_back(what);
  }
};

void Reader(const Options& o, int index, Clock::time_point end, Stats* stats) {
  httplib::Client cli("127.0.0.1", o.port);
  cli.set_keep_alive(true);
  cli.set_tcp_nodelay(true);
  cli.set_read_timeout(30);
  std::mt19937 rng(1000 + index);  // fixed seeds: the same mix on every run
  const httplib::Headers auth = {{"Cookie", o.reader_cookie}};
  std::vector<double> mine;
  std::map<std::string, std::vector<double>> by_kind;
  long errors = 0;
  while (Clock::now() < end) {
    const int item = 1 + static_cast<int>(rng() % o.items);
    std::string path, kind;
    httplib::Headers headers = auth;
    const std::string id = std::to_string(item);
    static const char* const kKinds[] = {
        "/api/case",     "/api/items",         "/api/items/ID", "/api/findings",
        "/api/timeline", "/api/sources",       "/api/claims",   "/api/items/ID/events",
        "/api/me",       "/api/items/ID/media"};
    const std::size_t pick = rng() % 10;
    kind = kKinds[pick];
    path = kind;
    if (const std::size_t at = path.find("ID"); at != std::string::npos) path.replace(at, 2, id);
    if (pick == 9) headers.emplace("Range", "bytes=0-65535");  // a player's first request
    const auto t0 = Clock::now();
    auto res = cli.Get(path.c_str(), headers);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    if (!res || (res->status != 200 && res->status != 206)) {
      ++errors;
      stats->Error("GET " + path + " -> " +
                   (res ? std::to_string(res->status) + " " + res->body.substr(0, 200)
                        : httplib::to_string(res.error())));
      continue;
    }
    mine.push_back(ms);
    by_kind[kind].push_back(ms);
  }
  std::lock_guard<std::mutex> lock(stats->mu);
  stats->reads += static_cast<long>(mine.size()) + errors;
  stats->read_errors += errors;
  stats->read_ms.insert(stats->read_ms.end(), mine.begin(), mine.end());
  for (auto& [k, v] : by_kind)
    stats->by_kind[k].insert(stats->by_kind[k].end(), v.begin(), v.end());
}

void Uploader(const Options& o, const std::string& base, int index, Clock::time_point end,
              Stats* stats) {
  httplib::Client cli("127.0.0.1", o.port);
  cli.set_keep_alive(true);
  cli.set_tcp_nodelay(true);
  cli.set_read_timeout(120);
  const httplib::Headers auth = {{"Cookie", o.writer_cookie[index]},
                                 {"X-CSRF-Token", o.writer_csrf[index]}};
  constexpr std::size_t kChunk = 256 << 10;
  long done = 0, errors = 0, chunks = 0;
  for (int n = 0; Clock::now() < end; ++n) {
    // Unique content each time (a trailer after the clip), so that each upload is a new item.
    char trailer[64];
    std::snprintf(trailer, sizeof trailer, "serve-load uploader %d upload %d\n", index, n);
    const std::string bytes = base + trailer;
    const std::string name = "load-" + std::to_string(index) + "-" + std::to_string(n) + ".mp4";
    auto start =
        cli.Post("/api/uploads", auth,
                 "{\"name\":\"" + name + "\",\"size\":" + std::to_string(bytes.size()) + "}",
                 "application/json");
    if (!start || start->status != 201) {
      ++errors;
      stats->Error("POST /api/uploads -> " +
                   (start ? std::to_string(start->status) + " " + start->body.substr(0, 200)
                          : httplib::to_string(start.error())));
      continue;
    }
    const std::size_t at = start->body.find("\"id\":\"");
    const std::string id = start->body.substr(at + 6, 32);
    bool ok = true;
    for (std::size_t off = 0; off < bytes.size() && ok; off += kChunk) {
      auto put = cli.Put(("/api/uploads/" + id + "?offset=" + std::to_string(off)).c_str(), auth,
                         bytes.substr(off, kChunk), "application/octet-stream");
      ok = put && put->status == 200;
      ++chunks;
      if (!ok) {
        stats->Error("PUT chunk -> " + (put ? std::to_string(put->status) + " " + put->body
                                            : httplib::to_string(put.error())));
      }
    }
    if (!ok) {
      ++errors;
      continue;
    }
    auto finish =
        cli.Post(("/api/uploads/" + id + "/finish").c_str(), auth, "", "application/json");
    if (!finish || finish->status != 201) {
      ++errors;
      stats->Error("finish -> " + (finish ? std::to_string(finish->status) + " " + finish->body
                                          : httplib::to_string(finish.error())));
      continue;
    }
    ++done;
  }
  std::lock_guard<std::mutex> lock(stats->mu);
  stats->uploads += done + errors;
  stats->upload_errors += errors;
  stats->chunks += chunks;
}

// Logs in as "USER:PASSWORD"; sets the cookie ("sightline_session=…") and CSRF token.
bool LogIn(int port, const std::string& user_password, std::string* cookie, std::string* csrf) {
  const std::size_t colon = user_password.find(':');
  if (colon == std::string::npos) return false;
  httplib::Client cli("127.0.0.1", port);
  nlohmann::json body = {{"user", user_password.substr(0, colon)},
                         {"password", user_password.substr(colon + 1)}};
  auto res = cli.Post("/api/login", body.dump(), "application/json");
  if (!res || res->status != 200) {
    std::fprintf(stderr, "serve_load: login as %s failed: %s\n",
                 user_password.substr(0, colon).c_str(),
                 res ? res->body.c_str() : httplib::to_string(res.error()).c_str());
    return false;
  }
  const std::string set = res->get_header_value("Set-Cookie");
  *cookie = set.substr(0, set.find(';'));
  *csrf = nlohmann::json::parse(res->body).value("csrf", "");
  return true;
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const std::size_t k = std::min(v.size() - 1, static_cast<std::size_t>(p * (v.size() - 1) + 0.5));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--port")
      o.port = std::stoi(v);
    else if (k == "--duration")
      o.duration_s = std::stod(v);
    else if (k == "--readers")
      o.readers = std::stoi(v);
    else if (k == "--uploaders")
      o.uploaders = std::stoi(v);
    else if (k == "--viewer")
      o.viewer = v;
    else if (k == "--editor")
      o.editor = v;
    else if (k == "--upload")
      o.upload_file = v;
    else if (k == "--items")
      o.items = std::stoi(v);
    else {
      std::fprintf(stderr, "serve_load: unknown option %s\n", k.c_str());
      return 2;
    }
  }
  // Bounded: loopback only, at most 200 clients and 10 minutes.
  if (o.port <= 0 || o.readers < 0 || o.readers > 200 || o.uploaders < 0 || o.uploaders > 20 ||
      o.duration_s <= 0 || o.duration_s > 600 || o.upload_file.empty()) {
    std::fprintf(stderr,
                 "serve_load: give --port, --upload FILE; at most 200 readers, 20 "
                 "uploaders, 600 s\n");
    return 2;
  }
  std::string unused_csrf;
  if (!LogIn(o.port, o.viewer, &o.reader_cookie, &unused_csrf)) return 2;
  // --editor NAME:PASSWORD: uploader i logs in as NAMEi (each person uploads as themself).
  const std::size_t colon = o.editor.find(':');
  for (int i = 0; i < o.uploaders; ++i) {
    std::string cookie, csrf;
    if (colon == std::string::npos ||
        !LogIn(o.port, o.editor.substr(0, colon) + std::to_string(i) + o.editor.substr(colon),
               &cookie, &csrf)) {
      return 2;
    }
    o.writer_cookie.push_back(cookie);
    o.writer_csrf.push_back(csrf);
  }
  std::ifstream in(o.upload_file, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string base = buf.str();
  if (base.empty()) {
    std::fprintf(stderr, "serve_load: cannot read %s\n", o.upload_file.c_str());
    return 2;
  }
  Stats stats;
  const auto t0 = Clock::now();
  const auto end =
      t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.duration_s));
  std::vector<std::thread> threads;
  for (int i = 0; i < o.readers; ++i) threads.emplace_back(Reader, std::cref(o), i, end, &stats);
  for (int i = 0; i < o.uploaders; ++i) {
    threads.emplace_back(Uploader, std::cref(o), std::cref(base), i, end, &stats);
  }
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  const double p50 = Percentile(stats.read_ms, 0.50), p95 = Percentile(stats.read_ms, 0.95),
               p99 = Percentile(stats.read_ms, 0.99);
  const double max =
      stats.read_ms.empty() ? 0 : *std::max_element(stats.read_ms.begin(), stats.read_ms.end());
  std::printf("serve load: %d readers, %d uploaders, %.1f s\n", o.readers, o.uploaders, elapsed);
  std::printf(
      "  reads    %ld (%.0f/s), errors %ld; latency ms p50 %.1f  p95 %.1f  p99 %.1f  "
      "max %.1f\n",
      stats.reads, stats.reads / elapsed, stats.read_errors, p50, p95, p99, max);
  std::printf("  uploads  %ld finished+failed (%ld chunks of 256 KiB), errors %ld\n", stats.uploads,
              stats.chunks, stats.upload_errors);
  for (auto& [k, v] : stats.by_kind) {
    std::printf("    %-36s p50 %6.1f  p95 %6.1f ms  (%zu)\n", k.c_str(), Percentile(v, 0.5),
                Percentile(v, 0.95), v.size());
  }
  for (const auto& s : stats.samples) std::printf("  error: %s\n", s.c_str());
  const bool pass = stats.read_errors == 0 && stats.upload_errors == 0 && p95 < 100.0;
  std::printf("  %s (goal: no error, p95 of reads < 100 ms)\n", pass ? "PASS" : "FAIL");
  return pass ? 0 : 1;
}
