// `sightline serve`: the workbench's HTTP server over one case (cpp-httplib). The JSON API under
// /api/ (doc/api.md) calls the same library functions as the CLI; everything else is the
// front-end's static files.
//
// Security model (doc/serve.md): every /api/ request other than POST /api/login needs a live
// session cookie (else 401); every request other than GET/HEAD needs the session's CSRF token in
// X-CSRF-Token (else 403); writes need the editor role and /api/users the admin role (else 403).
// These checks run before routing, so a path no handler knows is refused the same way. Every
// response carries a Content-Security-Policy that allows no outside host.
//
// Concurrency: cpp-httplib runs each connection on a worker thread (ServeOptions::threads of
// them); the case is shared as server/case_pool.h describes (reads in parallel on pooled
// read-only connections, writes serialised on one writable Case).
//
// Thread safety: Bind and Serve from one thread; Stop from any.
#ifndef SIGHTLINE_SERVER_HTTP_SERVER_H_
#define SIGHTLINE_SERVER_HTTP_SERVER_H_

#include <memory>
#include <string>

#include "base/status.h"
#include "server/server_context.h"

namespace sightline::server {

class WorkbenchServer {
 public:
  // Opens the case (for writing), its accounts and upload staging; fails when the case cannot be
  // opened or the signing key cannot be loaded.
  static Result<std::unique_ptr<WorkbenchServer>> Create(const ServeOptions& options);
  ~WorkbenchServer();

  // Binds `host`:`port` (port 0: any free port); returns the port bound.
  Result<int> Bind(const std::string& host, int port);
  // Serves until Stop(). Fails when not bound.
  Status Serve();
  void Stop();

  // Whether `host` is a loopback address (127.0.0.0/8, ::1, localhost).
  static bool IsLoopback(const std::string& host);

 private:
  explicit WorkbenchServer(const ServeOptions& options);
  void Install();
  std::unique_ptr<ServerContext> ctx_;
  std::unique_ptr<httplib::Server> http_;
};

}  // namespace sightline::server

#endif  // SIGHTLINE_SERVER_HTTP_SERVER_H_
