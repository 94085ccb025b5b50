// An archive worker: claims jobs from the catalogue's queue (job_queue.h) and runs them, until
// told to stop or, with idle_exit_s, until the queue has stayed empty that long. Any number run
// at once, on any machines that reach the catalogue and the object store.
//
// Jobs:
//  - "analyze" (subject: an item's SHA-256): fetch the original from the object store (its hash
//    checked on read), extract its match signature, store the signature and its frame-hash rows,
//    and queue a "compare" of the item;
//  - "compare": find the items that share frames with it (candidates.h: the sharded index when
//    shards are registered, else a scan of the catalogue's rows) and run the exact segment match of
//    analysis/match on each pair; matches become "same_footage" findings.
// A job's results and its completion are one transaction, fenced by the claim's attempt number:
// a worker whose lease was taken over cannot write over the new holder.
//
// When the catalogue's server goes away (restart, failover) the worker reconnects with backoff
// and carries on; the job it was running is finished if its lease is still its own, or left to
// whoever claimed it since.
//
// Thread safety: Run() uses its own connections; one Worker per thread.
#ifndef SIGHTLINE_ARCHIVE_WORKER_H_
#define SIGHTLINE_ARCHIVE_WORKER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "archive/blob_store.h"
#include "base/status.h"
#include "evidence/frame_index.h"
#include "signals/visual/match_signature.h"

namespace sightline::archive {

// The analyzer versions results are keyed by. A change of the signature's format or parameters,
// or of the matcher, gives new keys, so old and new results are never mixed.
std::string SignatureVersion(const signals::visual::MatchSignatureOptions& options);
std::string MatchVersion(const signals::visual::MatchSignatureOptions& options);

struct WorkerOptions {
  std::string name;         // shown in the queue as the claimant; default host:pid
  double lease_s = 60;      // renewed every lease_s / 3 while a job runs
  double idle_exit_s = -1;  // < 0: wait for work forever
  int max_jobs = -1;        // stop after this many (< 0: no limit)
  double poll_s = 1.0;      // how often an idle worker asks for work
  int radius = 31;          // frame-hash radius for candidates (bits)
  std::string scratch_dir;  // where originals are fetched to; default $TMPDIR
  signals::visual::MatchSignatureOptions signature;
  // Told of each job as it ends ("done analyze 3f2a…", "failed …: why").
  std::function<void(const std::string&)> log;
  // Set to true to stop after the current job.
  const std::atomic<bool>* stop = nullptr;
};

struct WorkerStats {
  std::int64_t done = 0, failed = 0, lost = 0;  // lost: taken over after the lease expired
  std::int64_t reconnects = 0;
};

// Runs jobs from the catalogue at `catalog_url` with originals from `objects`.
Result<WorkerStats> RunWorker(const std::string& catalog_url, BlobStore* objects,
                              const WorkerOptions& options);

}  // namespace sightline::archive

#endif  // SIGHTLINE_ARCHIVE_WORKER_H_
