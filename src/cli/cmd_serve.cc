// `sightline serve`: the workbench web app over a case (issue 8). Thin: the server is
// src/server/http_server.h; this parses the options, says where it listens, and stops on
// SIGINT/SIGTERM.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <thread>

#include "base/file.h"
#include "cli/case_access.h"
#include "cli/command.h"
#include "cli/output.h"
#include "evidence/sql.h"
#include "server/http_server.h"
#include "version.h"

namespace sightline::cli {
namespace {

const char kUsage[] =
    "usage: sightline serve --case DIR [--db URL] [--listen HOST:PORT] [--web DIR]\n"
    "                       [--allow-remote] [--secure-cookies] [--threads N]\n"
    "                       [--max-upload-mb N]\n"
    "\n"
    "Serves the workbench for the case DIR: the web app at / and its JSON API under /api/\n"
    "(doc/api.md). Log in with an account made by `sightline user add`; what people do is\n"
    "recorded in the case's custody log under their account name, signed with your key.\n"
    "\n"
    "  --db URL            the catalogue in a PostgreSQL database (postgresql://…) for a desk\n"
    "                      sharing one server: a new case DIR is created with it there; an\n"
    "                      existing case must be the one that database holds\n"
    "                      (doc/team-server.md). Default: the case's own DIR/case.db\n"
    "  --listen HOST:PORT  where to listen (default 127.0.0.1:8080); port 0 picks a free port.\n"
    "                      The first line on stdout is `listening http://HOST:PORT/`.\n"
    "  --allow-remote      needed to listen on an address other than loopback; put a TLS\n"
    "                      reverse proxy in front (doc/serve.md) and give --secure-cookies\n"
    "  --web DIR           the front-end's files (default: the web/dist `make build` wrote)\n"
    "  --threads N         worker threads, one per open connection (default 64)\n"
    "  --max-upload-mb N   largest file accepted by upload (default 4096)\n"
    "\n"
    "Stops on Ctrl-C. Accounts, sessions and limits: doc/serve.md.\n";

// Splits "HOST:PORT" or "[V6]:PORT"; false when it is not one.
bool SplitListen(const std::string& text, std::string* host, int* port) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  *host = text.substr(0, colon);
  if (host->find(':') != std::string::npos && host->front() != '[') return false;
  return ParseWholeNumber(text.substr(colon + 1), 0, 65535, port);
}

int Run(const Args& args) {
  const std::string dir = args.Get("case");
  if (dir.empty()) return UsageError("serve", "--case DIR is required");
  if (!args.positional().empty()) return UsageError("serve", "unexpected argument");
  std::string host;
  int port = 0;
  if (!SplitListen(args.Get("listen", "127.0.0.1:8080"), &host, &port)) {
    return UsageError("serve", "--listen is HOST:PORT, e.g. 127.0.0.1:8080");
  }
  const bool loopback = server::WorkbenchServer::IsLoopback(host);
  if (!loopback && !args.Has("allow-remote")) {
    return UsageError("serve", "listening on " + host +
                                   " exposes the case to the network: give --allow-remote, "
                                   "behind a TLS reverse proxy (doc/serve.md)");
  }
  if (args.Has("db") && !evidence::IsPostgresUrl(args.Get("db"))) {
    return UsageError("serve",
                      "--db takes a postgresql://… URL (a case's own catalogue, "
                      "case.db, needs no option)");
  }
  if (args.Has("db")) {
    // Made, or checked to be the case that database holds, before the server opens it.
    if (!OpenOrCreateCase("serve", dir, args.Get("db"))) return kExitFailed;
  }
  server::ServeOptions options;
  options.case_dir = dir;
  options.web_dir = args.Get("web", kBuiltWebDir);
  options.secure_cookies = args.Has("secure-cookies");
  if (args.Has("threads") && !ParseWholeNumber(args.Get("threads"), 4, 1024, &options.threads)) {
    return UsageError("serve", "--threads is a whole number from 4 to 1024");
  }
  if (args.Has("max-upload-mb")) {
    int mb = 0;
    if (!ParseWholeNumber(args.Get("max-upload-mb"), 1, 1 << 20, &mb)) {
      return UsageError("serve", "--max-upload-mb is a whole number of MiB from 1");
    }
    options.upload_limits.max_bytes = static_cast<std::uint64_t>(mb) << 20;
  }

  // SIGINT and SIGTERM are taken by a thread of our own (sigwait) that stops the server; they
  // are blocked before the server starts its threads, which inherit the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto srv = server::WorkbenchServer::Create(options);
  if (!srv.ok()) return FailWith("serve", srv.status());
  auto bound = (*srv)->Bind(host, port);
  if (!bound.ok()) return FailWith("serve", bound.status());
  if (!loopback) {
    Warn("serve", "WARNING: listening on " + host +
                      ", reachable from the network. Serve it only behind a TLS reverse proxy "
                      "(doc/serve.md) with --secure-cookies; plain HTTP exposes passwords and "
                      "session cookies.");
  }
  if (!IsDirectory(options.web_dir)) {
    Warn("serve", "the front-end is not built (" + options.web_dir +
                      " is missing): run `make build`; the API works without it");
  }
  const std::string shown_host =
      host.find(':') != std::string::npos && host.front() != '[' ? "[" + host + "]" : host;
  std::printf("listening http://%s:%d/\n", shown_host.c_str(), *bound);
  std::fflush(stdout);
  std::fprintf(stderr, "sightline serve: case %s at http://%s:%d/ (Ctrl-C stops)\n",
               DisplayPath(dir).c_str(), shown_host.c_str(), *bound);

  server::WorkbenchServer* s = srv->get();
  std::thread stopper([s, stop_signals] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    s->Stop();
  });
  Status served = s->Serve();
  // Wake the stopper if the server ended by itself.
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  std::fprintf(stderr, "sightline serve: stopped\n");
  if (!served.ok()) return FailWith("serve", served);
  return kExitOk;
}

}  // namespace

extern const Command kServeCommand = {
    "serve",
    "the workbench web app for a case (JSON API and front-end)",
    kUsage,
    {{"allow-remote", "secure-cookies"},
     {"case", "db", "listen", "web", "threads", "max-upload-mb"},
     {}},
    Run,
};

}  // namespace sightline::cli
