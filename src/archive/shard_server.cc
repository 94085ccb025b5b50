// ShardServer: one shard's process (shard_server.h).
#include "archive/shard_server.h"

#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "archive/blob_store.h"
#include "archive/shard_query.h"
#include "archive/shard_registry.h"
#include "archive/shard_tail.h"
#include "base/sha256.h"
#include "evidence/sql.h"

namespace sightline::archive {

namespace {

double Monotonic() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string Fixed(double v, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string RandomInstance() {
  std::random_device rd;
  std::uint8_t bytes[8];
  for (auto& b : bytes) b = static_cast<std::uint8_t>(rd());
  return ToHex(bytes, sizeof bytes);
}

void SendJsonText(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_content(body, "application/json");
}

void SendErrorJson(httplib::Response& res, int status, const std::string& message) {
  SendJsonText(res, status, nlohmann::json{{"error", message}}.dump());
}

}  // namespace

Result<std::unique_ptr<ShardServer>> ShardServer::Create(ShardServerOptions options) {
  if (options.spec.count < 1 || options.spec.shard < 0 ||
      options.spec.shard >= options.spec.count) {
    return InvalidArgument("shard " + options.spec.Name() + " is not I/N with 0 <= I < N");
  }
  if (options.catalog_url.empty()) return InvalidArgument("no catalogue given");
  if (options.objects_url.empty()) return InvalidArgument("no object store given");
  if (options.poll_seconds <= 0 || options.heartbeat_seconds <= 0) {
    return InvalidArgument("poll and heartbeat intervals must be positive");
  }
  return std::unique_ptr<ShardServer>(new ShardServer(std::move(options)));
}

ShardServer::ShardServer(ShardServerOptions options)
    : options_(std::move(options)),
      index_(std::make_unique<ShardIndex>(options_.spec, options_.index)),
      http_(std::make_unique<httplib::Server>()),
      instance_(RandomInstance()) {
  http_->new_task_queue = [n = options_.http_threads] {
    return new httplib::ThreadPool(static_cast<std::size_t>(std::max(2, n)));
  };
  http_->set_payload_max_length(16u << 20);
  http_->set_read_timeout(30);
  http_->set_write_timeout(30);
  http_->set_tcp_nodelay(true);
  http_->Get("/health", [this](const httplib::Request&, httplib::Response& res) {
    const ShardServerStatus s = status();
    nlohmann::json j = {{"shard", s.index.spec.shard},
                        {"shard_count", s.index.spec.count},
                        {"state", s.state},
                        {"address", s.address},
                        {"rows", s.index.rows},
                        {"checkpoint", s.index.checkpoint},
                        {"scanned_to", s.index.scanned_to},
                        {"head", s.head},
                        {"lag_ids", std::max<std::int64_t>(0, s.head - s.index.scanned_to)},
                        {"open_gaps", s.index.open_gaps},
                        {"gap_ids", s.index.gap_ids},
                        {"oldest_gap_seconds", s.index.oldest_gap_seconds},
                        {"poll_age_seconds", s.poll_age},
                        {"last_error", s.last_error},
                        {"rows_read", s.index.rows_read},
                        {"bad_rows", s.index.bad_rows},
                        {"memory_bytes", s.index.memory_bytes},
                        {"snapshot",
                         {{"rows", s.index.snapshot_rows},
                          {"scanned_to", s.index.snapshot_scanned_to},
                          {"written", s.snapshots_written}}}};
    SendJsonText(res, 200, j.dump());
  });
  http_->Post("/query", [this](const httplib::Request& req, httplib::Response& res) {
    if (!index_->status().ready) {
      SendErrorJson(res, 503, "shard " + options_.spec.Name() + " is still building its index");
      return;
    }
    auto request = DecodeShardQuery(req.body);
    if (!request.ok()) {
      SendErrorJson(res, 400, request.status().message());
      return;
    }
    auto answer = index_->Query(request->hashes, request->radius);
    if (!answer.ok()) {
      SendErrorJson(res, 400, answer.status().message());
      return;
    }
    SendJsonText(res, 200, EncodeShardAnswer(options_.spec, *answer));
  });
}

ShardServer::~ShardServer() { http_->stop(); }

void ShardServer::Log(const std::string& line) const {
  if (options_.log) options_.log("shard " + options_.spec.Name() + ": " + line);
}

void ShardServer::SetState(const std::string& state) {
  std::lock_guard lock(mu_);
  state_ = state;
}

void ShardServer::RecordError(const std::string& error) {
  bool fresh = false;
  {
    std::lock_guard lock(mu_);
    fresh = error != last_error_;
    last_error_ = error;
  }
  if (fresh && !error.empty()) Log(error);
}

bool ShardServer::WaitFor(double seconds) {
  std::unique_lock lock(mu_);
  wake_.wait_for(lock, std::chrono::duration<double>(seconds), [this] { return stopping_; });
  return !stopping_;
}

void ShardServer::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
}

ShardServerStatus ShardServer::status() const {
  ShardServerStatus s;
  s.index = index_->status();
  std::lock_guard lock(mu_);
  s.state = state_;
  s.address = address_;
  s.head = head_;
  s.poll_age = last_poll_ < 0 ? -1 : Monotonic() - last_poll_;
  s.last_error = last_error_;
  s.snapshots_written = snapshots_written_;
  return s;
}

Result<int> ShardServer::Bind() {
  const std::string host = options_.listen_host;
  int port = options_.listen_port;
  if (port == 0) {
    port = http_->bind_to_any_port(host);
    if (port <= 0) return IoError("cannot listen on " + host + ": no free port");
  } else if (!http_->bind_to_port(host, port)) {
    return IoError("cannot listen on " + host + ":" + std::to_string(port) +
                   " (in use, or not an address of this machine)");
  }
  port_ = port;
  std::string address = options_.advertise;
  if (address.empty()) {
    const bool v6 = host.find(':') != std::string::npos;
    address = (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
  }
  std::lock_guard lock(mu_);
  address_ = address;
  return port;
}

void ShardServer::HeartbeatLoop() {
  std::unique_ptr<evidence::SqlConnection> db;
  ShardRecord record;
  record.spec = options_.spec;
  record.instance = instance_;
  while (WaitFor(options_.heartbeat_seconds)) {
    if (!db) {
      auto opened = evidence::OpenSql(options_.catalog_url);
      if (!opened.ok()) {
        RecordError("heartbeat: " + opened.status().message());
        continue;
      }
      db = std::move(*opened);
    }
    const ShardServerStatus s = status();
    record.state = s.state == "ready" ? "ready" : "building";
    record.rows = s.index.rows;
    record.checkpoint = s.index.checkpoint;
    record.scanned_to = s.index.scanned_to;
    record.last_error = s.last_error;
    auto beat = HeartbeatShard(*db, record, s.poll_age);
    if (!beat.ok()) {
      RecordError(beat.status().message());
      if (db->connection_lost()) (void)db->Reconnect();
      continue;
    }
    if (!*beat && WaitFor(0)) {
      Log("another process has taken this shard over in archive_shards; stopping");
      Stop();
    }
  }
}

void ShardServer::MaybeSnapshot(bool force) {
  if (!store_ || !index_->changed_since_snapshot()) return;
  const double now = Monotonic();
  {
    std::lock_guard lock(mu_);
    if (!force && (options_.snapshot_every_seconds <= 0 ||
                   now - last_snapshot_ < options_.snapshot_every_seconds)) {
      return;
    }
    last_snapshot_ = now;
  }
  Status saved = index_->SaveSnapshot(*store_);
  if (!saved.ok()) {
    RecordError(saved.message());
    return;
  }
  const ShardStatus s = index_->status();
  {
    std::lock_guard lock(mu_);
    ++snapshots_written_;
  }
  Log("snapshot: " + std::to_string(s.snapshot_rows) + " frames up to id " +
      std::to_string(s.snapshot_scanned_to) + " in " + Fixed(Monotonic() - now, 1) + " s");
}

Status ShardServer::Run() {
  if (port_ == 0) return Internal("ShardServer::Run before Bind");
  std::atomic<bool> http_done{false};
  std::thread http_thread([this, &http_done] {
    if (!http_->listen_after_bind()) RecordError("the HTTP server stopped with an error");
    http_done = true;
  });
  std::thread heartbeat;
  auto finish = [&](Status s) {
    Stop();
    // httplib's stop() does nothing until the listening loop has started: retry until it ends.
    bool stopped = false;
    while (!http_done) {
      if (!stopped && http_->is_running()) {
        http_->stop();
        stopped = true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    http_thread.join();
    if (heartbeat.joinable()) heartbeat.join();
    return s;
  };

  auto catalog = evidence::OpenSql(options_.catalog_url);
  if (!catalog.ok()) return finish(catalog.status());
  evidence::SqlConnection& db = **catalog;
  auto store = OpenBlobStore(options_.objects_url);
  if (!store.ok()) return finish(store.status());
  store_ = std::move(*store);

  ShardRecord record;
  record.spec = options_.spec;
  record.instance = instance_;
  record.address = status().address;
  record.state = "building";
  Status registered = CreateShardRegistry(db);
  if (registered.ok()) registered = RegisterShard(db, record);
  if (!registered.ok()) return finish(registered);
  SetState("building");
  heartbeat = std::thread([this] { HeartbeatLoop(); });
  Log("listening on " + record.address + " (instance " + instance_ + ")");

  // The latest snapshot, if it is usable; else the index starts empty.
  const double t0 = Monotonic();
  Status loaded = index_->LoadSnapshot(*store_);
  ShardTailer tailer(index_.get(), &db);
  if (loaded.ok()) {
    Status same = tailer.VerifySnapshotProbe();
    if (!same.ok()) {
      Log("snapshot not used: " + same.message());
      index_->Reset();
    } else {
      const ShardStatus s = index_->status();
      Log("snapshot " + options_.spec.SnapshotKey() + ": " + std::to_string(s.rows) +
          " frames up to id " + std::to_string(s.scanned_to) + " (" + Fixed(Monotonic() - t0, 1) +
          " s)");
    }
  } else if (loaded.code() == StatusCode::kNotFound) {
    Log("no snapshot yet; building from the catalogue");
  } else {
    Log("snapshot not used (" + loaded.message() + "); building from the catalogue");
  }

  // Catch up with the catalogue before answering.
  double last_log = Monotonic();
  auto caught = tailer.CatchUp([&](std::int64_t rows, std::int64_t through) {
    if (Monotonic() - last_log >= 5) {
      last_log = Monotonic();
      Log("building: " + std::to_string(rows) + " frames read, at id " + std::to_string(through));
    }
    std::lock_guard lock(mu_);
    return !stopping_;
  });
  if (caught.ok()) {
    std::lock_guard lock(mu_);
    head_ = caught->head;
    last_poll_ = Monotonic();
  } else if (WaitFor(0)) {  // failed, not stopped
    MaybeSnapshot(true);    // keep what was read
    return finish(caught.status().WithContext("building shard " + options_.spec.Name()));
  }
  if (WaitFor(0)) {
    const ShardStatus s = index_->status();
    Log("ready: " + std::to_string(s.rows) + " frames up to id " + std::to_string(s.scanned_to) +
        " after " + Fixed(Monotonic() - t0, 1) + " s; index " +
        std::to_string(s.memory_bytes >> 20) + " MiB");
    index_->set_ready(true);
    SetState("ready");
    MaybeSnapshot(true);
  }

  // Tail until stopped.
  while (WaitFor(options_.poll_seconds)) {
    auto polled = tailer.Poll();
    if (polled.ok()) {
      {
        std::lock_guard lock(mu_);
        head_ = polled->head;
        last_poll_ = Monotonic();
      }
      RecordError("");
      if (polled->gap_ids_given_up > 0) {
        Log("gave up waiting for " + std::to_string(polled->gap_ids_given_up) +
            " missing ids (their transactions ended without a row)");
      }
    } else {
      RecordError("reading the catalogue: " + polled.status().message());
      if (db.connection_lost()) (void)db.Reconnect();
    }
    MaybeSnapshot(false);
  }

  SetState("stopping");
  Status unregistered = UnregisterShard(db, record);
  if (!unregistered.ok()) Log(unregistered.message());
  (void)finish(Status::Ok());
  MaybeSnapshot(true);
  return Status::Ok();
}

}  // namespace sightline::archive
