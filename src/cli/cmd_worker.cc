// `sightline worker`: runs archive jobs (archive/worker.h) until stopped. Thin.
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "archive/blob_store.h"
#include "archive/worker.h"
#include "cli/command.h"
#include "cli/output.h"

namespace sightline::cli {
namespace {

const char kUsage[] =
    "usage: sightline worker --catalog URL --objects URL [--name NAME] [--lease SECONDS]\n"
    "                        [--idle-exit SECONDS] [--max-jobs N] [--radius BITS] [--json]\n"
    "\n"
    "Claims jobs from an archive's queue and runs them: analyze an item (fetch the original,\n"
    "its SHA-256 checked, and store its frame hashes), compare an item with the items that share\n"
    "frames with it (same_footage findings). Start as many as you like, on any machines that\n"
    "reach the catalogue and the objects (deploy/ has Slurm and Kubernetes examples).\n"
    "Ctrl-C or SIGTERM stops after the job at hand; a worker killed outright loses nothing: its\n"
    "job's lease runs out and another worker takes it (doc/archive.md).\n"
    "\n"
    "  --catalog URL        postgresql://… (shared) or a SQLite file (one machine)\n"
    "  --objects URL        where the originals are: a directory or s3://BUCKET?endpoint=…\n"
    "  --name NAME          shown as the job holder (default host:pid)\n"
    "  --lease SECONDS      how long a job stays ours without renewal (default 60; renewed\n"
    "                       every third of it)\n"
    "  --idle-exit SECONDS  exit once no job came for this long (default: wait for ever)\n"
    "  --max-jobs N         exit after N jobs\n"
    "  --radius BITS        frame-hash radius for candidates (default 31)\n"
    "  --json               at exit, {\"worker\",\"done\",\"failed\",\"lost\",\"reconnects\"}\n"
    "\n"
    "Each job's end is logged on stderr. Exit 0 when every job succeeded, 1 when one failed.\n";

int Run(const Args& args) {
  if (!args.positional().empty()) return UsageError("worker", "takes no arguments");
  const std::string catalog = args.Get("catalog");
  const std::string objects_url = args.Get("objects");
  if (catalog.empty()) return UsageError("worker", "--catalog URL is required");
  if (objects_url.empty()) return UsageError("worker", "--objects URL is required");
  archive::WorkerOptions o;
  o.name = args.Get("name");
  if (args.Has("lease") && !ParseNumber(args.Get("lease"), 1, 86400, &o.lease_s)) {
    return UsageError("worker", "--lease is a number of seconds from 1 to 86400");
  }
  if (args.Has("idle-exit") && !ParseNumber(args.Get("idle-exit"), 0, 1e9, &o.idle_exit_s)) {
    return UsageError("worker", "--idle-exit is a number of seconds");
  }
  if (args.Has("max-jobs") && !ParseWholeNumber(args.Get("max-jobs"), 1, 1 << 30, &o.max_jobs)) {
    return UsageError("worker", "--max-jobs is a whole number from 1");
  }
  if (args.Has("radius") && !ParseWholeNumber(args.Get("radius"), 0, 128, &o.radius)) {
    return UsageError("worker", "--radius is a whole number of bits from 0 to 128");
  }
  o.poll_s = std::min(1.0, o.idle_exit_s >= 0 ? std::max(0.1, o.idle_exit_s / 4) : 1.0);
  auto objects = archive::OpenBlobStore(objects_url);
  if (!objects.ok()) return FailWith("worker", objects.status());

  // SIGINT and SIGTERM are taken by a thread of our own (sigwait) that asks the loop to stop;
  // they are blocked before any thread starts, so that every thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::atomic<bool> stop{false};
  std::atomic<bool> finished{false};
  std::thread stopper([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    if (!finished.load()) {
      std::fprintf(stderr, "sightline worker: stopping after the current job\n");
      stop = true;
    }
  });
  o.stop = &stop;
  o.log = [](const std::string& line) {
    std::fprintf(stderr, "sightline worker: %s\n", line.c_str());
  };

  auto stats = archive::RunWorker(catalog, objects->get(), o);
  finished = true;
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  if (!stats.ok()) return FailWith("worker", stats.status());
  const std::string name = o.name.empty() ? "worker" : o.name;
  if (args.Has("json")) {
    PrintJson({{"worker", name},
               {"done", stats->done},
               {"failed", stats->failed},
               {"lost", stats->lost},
               {"reconnects", stats->reconnects}});
  } else {
    std::printf("%s: %lld done, %lld failed, %lld taken over, %lld reconnects\n", name.c_str(),
                static_cast<long long>(stats->done), static_cast<long long>(stats->failed),
                static_cast<long long>(stats->lost), static_cast<long long>(stats->reconnects));
  }
  return stats->failed > 0 ? kExitFailed : kExitOk;
}

}  // namespace

extern const Command kWorkerCommand = {
    "worker",
    "run archive jobs (analyze, compare) from a shared catalogue",
    kUsage,
    {{"json"}, {"catalog", "objects", "name", "lease", "idle-exit", "max-jobs", "radius"}, {}},
    Run,
};

}  // namespace sightline::cli
