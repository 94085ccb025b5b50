// The shard process: one shard of the archive's frame-hash index (shard_index.h) built from its
// latest snapshot and the catalogue, kept up to date by polling the catalogue, answering queries
// over HTTP (cpp-httplib; API in doc/hash-shards.md), registered in archive_shards with a
// heartbeat (shard_registry.h), and snapshotted to the object store periodically and when it
// stops. `sightline archive shard` runs one (src/cli/cmd_archive_shard.cc); tests run several in
// one process.
//
// Threads: Run() tails the catalogue on the calling thread; the HTTP server and the heartbeat have
// a thread each, and each thread that talks to the catalogue opens its own connection.
//
// Thread safety: Stop() and status() may be called from any thread; the rest from one.
#ifndef SIGHTLINE_ARCHIVE_SHARD_SERVER_H_
#define SIGHTLINE_ARCHIVE_SHARD_SERVER_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "archive/shard_index.h"
#include "base/status.h"

namespace httplib {
class Server;
}

namespace sightline::archive {

class BlobStore;

struct ShardServerOptions {
  ShardSpec spec;
  std::string catalog_url;  // evidence::OpenSql
  std::string objects_url;  // OpenBlobStore: where snapshots live
  std::string listen_host = "127.0.0.1";
  int listen_port = 0;  // 0: a free port
  // "HOST:PORT" others reach this shard at, as registered; empty: the listening host and port.
  std::string advertise;
  double poll_seconds = 1;
  // Seconds between snapshots while running (when anything changed); 0: only after the build
  // and when stopping.
  double snapshot_every_seconds = 600;
  double heartbeat_seconds = 2;
  int http_threads = 8;
  ShardIndexOptions index;
  // Progress and warnings, one line each (the CLI prints them to stderr); may be empty.
  std::function<void(const std::string&)> log;
};

// /health and the registry's view of the process.
struct ShardServerStatus {
  ShardStatus index;
  std::string state;       // "starting", "building", "ready", "stopping"
  std::string address;     // as registered
  std::int64_t head = 0;   // the catalogue's newest id at the last poll
  double poll_age = -1;    // seconds since the last successful poll (-1: none yet)
  std::string last_error;  // of the last failed poll or snapshot ("" after a success)
  std::int64_t snapshots_written = 0;
};

class ShardServer {
 public:
  static Result<std::unique_ptr<ShardServer>> Create(ShardServerOptions options);
  ~ShardServer();
  ShardServer(const ShardServer&) = delete;
  ShardServer& operator=(const ShardServer&) = delete;

  // Binds the listening socket; returns the port (the chosen one when the options gave 0).
  Result<int> Bind();
  // Serves (after Bind): registers, loads the snapshot, catches up, then polls until Stop().
  // On stop: unregisters, stops serving, writes a snapshot if anything changed. Fails when the
  // catalogue or object store cannot be opened, or the first build cannot finish; later poll
  // failures are retried (and reported in /health and the registry).
  Status Run();
  // Makes Run return (from any thread; not from a signal handler).
  void Stop();
  ShardServerStatus status() const;
  // The index (for tests and benches).
  const ShardIndex& index() const { return *index_; }

 private:
  explicit ShardServer(ShardServerOptions options);
  void Log(const std::string& line) const;
  void SetState(const std::string& state);
  void RecordError(const std::string& error);
  bool WaitFor(double seconds);  // false when stopped
  void HeartbeatLoop();
  // Writes a snapshot when the index changed and (unless forced) the interval has passed.
  void MaybeSnapshot(bool force);

  ShardServerOptions options_;
  std::unique_ptr<ShardIndex> index_;
  std::unique_ptr<httplib::Server> http_;
  std::unique_ptr<BlobStore> store_;  // used by the Run thread only
  std::string instance_;
  int port_ = 0;

  mutable std::mutex mu_;  // guards the fields below and wakes the waits
  std::condition_variable wake_;
  bool stopping_ = false;
  std::string state_ = "starting";
  std::string address_;
  std::int64_t head_ = 0;
  double last_poll_ = -1;  // monotonic seconds
  std::string last_error_;
  std::int64_t snapshots_written_ = 0;
  double last_snapshot_ = 0;
};

}  // namespace sightline::archive

#endif  // SIGHTLINE_ARCHIVE_SHARD_SERVER_H_
