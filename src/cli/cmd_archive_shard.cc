// `sightline archive shard`: runs one shard of the archive's frame-hash index (issue 10,
// doc/hash-shards.md). Thin: the process is archive/shard_server.h; this parses the options, says
// where it listens, and stops on SIGINT/SIGTERM (after a snapshot).
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "archive/shard_server.h"
#include "cli/archive_commands.h"
#include "cli/command.h"
#include "cli/output.h"

namespace sightline::cli {

namespace {

const char kName[] = "archive shard";

const char kUsage[] =
    "usage: sightline archive shard --catalog URL --objects URL --shard I/N\n"
    "                               [--listen HOST:PORT] [--allow-remote] [--advertise HOST:PORT]\n"
    "                               [--snapshot-every SECONDS] [--poll SECONDS]\n"
    "\n"
    "Runs shard I of N of the archive's frame-hash index: the frame hashes of the items whose id\n"
    "mod N is I, loaded from the shard's latest snapshot in the object store and the catalogue's\n"
    "rows after it, then kept up to date by polling the catalogue. Answers queries over HTTP\n"
    "(`sightline archive search` asks every shard) and registers in the catalogue's\n"
    "archive_shards table. Run one process for each I in 0..N-1 (doc/hash-shards.md).\n"
    "\n"
    "  --catalog URL          the archive catalogue: postgresql://… or a SQLite file\n"
    "  --objects URL          the object store where snapshots are kept: a directory or s3://…\n"
    "  --shard I/N            which shard, e.g. 0/4\n"
    "  --listen HOST:PORT     where to answer (default 127.0.0.1:0, a free port); the first line\n"
    "                         on stdout is `listening http://HOST:PORT/`\n"
    "  --allow-remote         needed to listen on an address other than loopback (the API has no\n"
    "                         authentication: keep it on a private network)\n"
    "  --advertise HOST:PORT  the address registered for others to reach (default: --listen)\n"
    "  --snapshot-every S     seconds between snapshots while running (default 600; 0: only after\n"
    "                         the build and when stopping)\n"
    "  --poll S               seconds between reads of new rows (default 1)\n"
    "\n"
    "Stops on Ctrl-C or SIGTERM: unregisters, writes a snapshot, exits 0.\n";

bool SplitHostPort(const std::string& text, std::string* host, int* port) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  *host = text.substr(0, colon);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  } else if (host->find(':') != std::string::npos) {
    return false;
  }
  return ParseWholeNumber(text.substr(colon + 1), 0, 65535, port);
}

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

}  // namespace

int RunArchiveShard(const std::vector<std::string>& argv) {
  for (const std::string& a : argv) {
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return kExitOk;
    }
    if (a == "--") break;
  }
  const OptionSpec spec{
      {"allow-remote"},
      {"catalog", "objects", "shard", "listen", "advertise", "snapshot-every", "poll"},
      {}};
  auto parsed = Args::Parse(argv, spec);
  if (!parsed.ok()) return UsageError(kName, parsed.status().message());
  const Args& args = *parsed;
  if (!args.positional().empty()) return UsageError(kName, "unexpected argument");
  if (args.Get("catalog").empty()) return UsageError(kName, "--catalog URL is required");
  if (args.Get("objects").empty()) return UsageError(kName, "--objects URL is required");
  if (args.Get("shard").empty()) return UsageError(kName, "--shard I/N is required");
  auto shard = archive::ParseShardSpec(args.Get("shard"));
  if (!shard.ok()) return UsageError(kName, shard.status().message());

  archive::ShardServerOptions options;
  options.spec = *shard;
  options.catalog_url = args.Get("catalog");
  options.objects_url = args.Get("objects");
  if (!SplitHostPort(args.Get("listen", "127.0.0.1:0"), &options.listen_host,
                     &options.listen_port)) {
    return UsageError(kName, "--listen is HOST:PORT, e.g. 127.0.0.1:7301");
  }
  if (!IsLoopback(options.listen_host) && !args.Has("allow-remote")) {
    return UsageError(kName, "listening on " + options.listen_host +
                                 " exposes the index to the network without authentication: "
                                 "give --allow-remote, on a private network only");
  }
  if (args.Has("advertise")) {
    std::string host;
    int port = 0;
    if (!SplitHostPort(args.Get("advertise"), &host, &port) || port == 0) {
      return UsageError(kName, "--advertise is HOST:PORT with a port, e.g. 10.0.0.7:7301");
    }
    options.advertise = args.Get("advertise");
  }
  if (args.Has("snapshot-every") &&
      !ParseNumber(args.Get("snapshot-every"), 0, 1e7, &options.snapshot_every_seconds)) {
    return UsageError(kName, "--snapshot-every is a number of seconds (0 or more)");
  }
  if (args.Has("poll") && !ParseNumber(args.Get("poll"), 0.05, 3600, &options.poll_seconds)) {
    return UsageError(kName, "--poll is a number of seconds from 0.05 to 3600");
  }
  const char* tmp = std::getenv("TMPDIR");
  options.index.scratch_dir = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  options.log = [](const std::string& line) { Warn(kName, line); };

  // SIGINT and SIGTERM are taken by a thread of our own (sigwait) that stops the server; they are
  // blocked before any thread starts, so that every thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto server = archive::ShardServer::Create(options);
  if (!server.ok()) return FailWith(kName, server.status());
  auto port = (*server)->Bind();
  if (!port.ok()) return FailWith(kName, port.status());
  const std::string shown = options.listen_host.find(':') != std::string::npos
                                ? "[" + options.listen_host + "]"
                                : options.listen_host;
  std::printf("listening http://%s:%d/\n", shown.c_str(), *port);
  std::fflush(stdout);

  archive::ShardServer* s = server->get();
  std::thread stopper([s, stop_signals] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    s->Stop();
  });
  Status ran = s->Run();
  // Wake the stopper if the server ended by itself.
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  if (!ran.ok()) return FailWith(kName, ran);
  Warn(kName, "stopped");
  return kExitOk;
}

}  // namespace sightline::cli
