// One shard of the archive's frame-hash index: shard I of N holds the rows of the catalogue table
// archive_frame_hashes whose item_id mod N = I, in an analysis::match::HashIndex (row id = the
// item id, with the frame's time), so that a query gives every stored frame within a Hamming
// radius exactly as a brute-force scan of those rows would. doc/hash-shards.md has the design.
//
// The catalogue is the source of truth; a shard is a cache of it that can be rebuilt at any time:
//  - Snapshot: the index and the position it covers are written to the object store under
//    SnapshotKey() (one object: the HashIndex file with a trailer); a restarted or new process of
//    the same shard loads it and reads only the rows after it.
//  - Tail (shard_tail.cc): rows after the position are read from the catalogue in batches of ids.
//
// Position. Ids only grow, but on PostgreSQL a transaction can commit a row with a smaller id
// after another has committed a larger one. So the position is not one number but:
//  - scanned_to: every id up to it has been read at least once;
//  - gaps: ids up to scanned_to that had no row when read. Each gap is read again at every poll,
//    and given up only once every transaction that could still commit a row into it has ended
//    (PostgreSQL: the oldest running transaction id has passed the next id of a snapshot taken
//    gap_settle_seconds after the gap was first seen); on SQLite, writers are serialised and ids
//    commit in order, so a missing id is gone for good and no gap is kept;
//  - checkpoint: the largest id below every open gap (everything up to it is settled).
// The index holds exactly the shard's rows with id <= scanned_to outside the open gaps; the
// snapshot stores that position with it, so nothing is read twice or missed across a restart.
//
// Thread safety: Query, status() and the accessors may run concurrently with each other and with
// one thread that applies reads and writes snapshots (the tailer); the index is guarded by a
// reader-writer lock, held exclusively while a batch is inserted or a snapshot is written.
#ifndef SIGHTLINE_ARCHIVE_SHARD_INDEX_H_
#define SIGHTLINE_ARCHIVE_SHARD_INDEX_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analysis/match/hash_index.h"
#include "base/status.h"

namespace sightline::archive {

class BlobStore;

using analysis::match::Hash256;
using analysis::match::HashHit;  // id = the item id

// Which shard: I of N (0 <= I < N).
struct ShardSpec {
  int shard = 0;
  int count = 1;

  bool Owns(std::int64_t item_id) const { return ((item_id % count) + count) % count == shard; }
  // "I/N", as the command line takes it.
  std::string Name() const;
  // "index/frame-hashes/N-I/snapshot": the object holding this shard's snapshot.
  std::string SnapshotKey() const;
};
// Parses "I/N" with 1 <= N <= 4096 and 0 <= I < N; kInvalidArgument otherwise.
Result<ShardSpec> ParseShardSpec(std::string_view text);

// A row of archive_frame_hashes.
struct FrameRow {
  std::int64_t id = 0;
  std::int64_t item_id = 0;
  double t = 0;
  Hash256 hash{};
};

// What one read of the catalogue saw of the ids in (after, through]: the rows of this shard among
// them (any order), and the id ranges with no row at the time of the read, for catalogues where
// such an id may still be filled later (empty when all ids were there, or when the catalogue
// commits ids in order).
struct CatalogueRead {
  std::int64_t after = 0;
  std::int64_t through = 0;
  std::vector<FrameRow> rows;
  std::vector<std::pair<std::int64_t, std::int64_t>> missing;  // inclusive ranges, ascending
};

// Which transactions of the catalogue have ended (PostgreSQL's pg_current_snapshot()): every
// transaction id below xmin has ended; ids from xmax on had not started.
struct TxHorizon {
  std::int64_t xmin = 0;
  std::int64_t xmax = 0;
};

// An open gap: ids [first, last] read without a row.
struct IdGap {
  std::int64_t first = 0, last = 0;
  double seen_at = 0;          // monotonic seconds when first seen
  std::int64_t wait_xmax = 0;  // the horizon to wait past (0: not chosen yet)
};

struct ShardIndexOptions {
  // Seconds a gap stays open before the horizon it waits for is chosen: a transaction may draw
  // an id just before it is given a transaction id (doc/hash-shards.md, "Tailing").
  double gap_settle_seconds = 5;
  // Rows per read while tailing (ids per statement = rows × N).
  std::int64_t batch_rows = 50'000;
  // Gap reads per poll at most (the oldest gaps first).
  int max_gap_reads = 64;
  // Where snapshots are written and read before they go to or come from the object store.
  std::string scratch_dir = "/tmp";
  // How the tailer learns the horizon; empty: PostgreSQL's pg_current_snapshot() on a PostgreSQL
  // catalogue, none on SQLite (ids commit in order there). Tests set one to exercise gaps on
  // SQLite; then gaps are tracked whatever the dialect.
  std::function<Result<TxHorizon>()> horizon;
  // Seconds of a monotonic clock (tests set one).
  std::function<double()> clock;
};

// What a shard says about itself (/health).
struct ShardStatus {
  ShardSpec spec;
  bool ready = false;              // built: answers queries
  std::int64_t rows = 0;           // frames indexed
  std::int64_t checkpoint = 0;     // everything up to this id is settled
  std::int64_t scanned_to = 0;     // every id up to this was read
  std::int64_t open_gaps = 0;      // gap ranges still waited for
  std::int64_t gap_ids = 0;        // ids in them
  double oldest_gap_seconds = 0;   // how long the oldest has been open
  std::int64_t rows_read = 0;      // rows of this shard read from the catalogue by this process
  std::int64_t bad_rows = 0;       // rows skipped: a hash that is not 32 bytes
  std::int64_t snapshot_rows = 0;  // rows in the snapshot last loaded or written (0: none)
  std::int64_t snapshot_scanned_to = 0;
  std::size_t memory_bytes = 0;
};

// The answer of one shard to one query.
struct ShardAnswer {
  std::vector<HashHit> hits;  // ordered as HashIndex::Query orders them
  std::int64_t checkpoint = 0;
  std::int64_t scanned_to = 0;
  std::int64_t rows = 0;
};

class ShardIndex {
 public:
  ShardIndex(ShardSpec spec, ShardIndexOptions options);
  ShardIndex(const ShardIndex&) = delete;
  ShardIndex& operator=(const ShardIndex&) = delete;

  const ShardSpec& spec() const { return spec_; }
  const ShardIndexOptions& options() const { return options_; }

  // --- Applying reads (the tailer's thread) ---
  // Adds a read of new ids: `read.after` must be scanned_to(). Rows not of this shard or not in
  // the range are refused (kInvalidArgument), as a read that does not follow on is.
  Status ApplyNew(const CatalogueRead& read);
  // Adds a read again of ids in (after, through] that covers open gaps: rows whose ids lie in a
  // gap are inserted and the gaps shrink to `read.missing`; other rows are already indexed and
  // skipped. `read.through` must be <= scanned_to().
  Status ApplyGapRead(const CatalogueRead& read);
  // Given a horizon taken before the gap reads of this poll, for the open gaps within
  // [first, last] (those that were read again after it): chooses the horizon to wait for of those
  // open gap_settle_seconds, and gives up those whose horizon has passed. Returns how many ids
  // were given up.
  std::int64_t SettleGaps(const TxHorizon& horizon, std::int64_t first, std::int64_t last);
  // For bulk loads: while deferred, inserted rows are only scanned (HashIndex::DeferIndexing).
  void DeferIndexing(bool defer);
  void set_ready(bool ready);
  // Counts a row skipped for a malformed hash.
  void CountBadRow();

  // --- Reading (any thread) ---
  // Every frame of this shard within `radius` of any of `hashes` (HashIndex::Query).
  Result<ShardAnswer> Query(std::span<const Hash256> hashes, int radius) const;
  // The same by brute force (HashIndex::Scan): the reference for tests and benches.
  Result<ShardAnswer> Scan(std::span<const Hash256> hashes, int radius) const;
  ShardStatus status() const;
  std::int64_t scanned_to() const;
  std::int64_t checkpoint() const;
  std::vector<IdGap> gaps() const;
  // Whether rows were added since the last snapshot loaded or written.
  bool changed_since_snapshot() const;

  // --- Snapshots (format: doc/hash-shards.md) ---
  // Writes the index and its position to `store` under spec().SnapshotKey(), through a file in
  // options().scratch_dir. Queries wait while the index file is written (not while it uploads).
  Status SaveSnapshot(BlobStore& store);
  // Replaces the index and position by the snapshot in `store`: kNotFound when there is none,
  // kCorrupt when it fails a check or was made for another shard (the index is then unchanged).
  // The probe (an id and a digest of its row) lets the caller check that the snapshot was made
  // from this catalogue (shard_tail.h, VerifySnapshotProbe).
  Status LoadSnapshot(BlobStore& store);
  // The row of this shard with the largest id applied, and its digest (0 / "" when none).
  std::int64_t probe_id() const;
  std::string probe_digest() const;
  // Forgets everything (after a snapshot from another catalogue).
  void Reset();
  // The digest a probe row has: SHA-256 of "item_id t hash-hex".
  static std::string ProbeDigest(std::int64_t item_id, double t, std::string_view hash_bytes);

 private:
  double Now() const;
  void InsertRows(std::vector<FrameRow> rows);  // caller holds mu_ exclusively
  void UpdateCheckpoint();                      // caller holds mu_ exclusively

  const ShardSpec spec_;
  const ShardIndexOptions options_;

  mutable std::shared_mutex mu_;
  analysis::match::HashIndex index_;
  std::int64_t scanned_to_ = 0;
  std::int64_t checkpoint_ = 0;
  std::vector<IdGap> gaps_;  // ascending, disjoint, within (checkpoint_, scanned_to_]
  bool ready_ = false;
  bool changed_ = false;
  std::int64_t rows_read_ = 0;
  std::int64_t bad_rows_ = 0;
  std::int64_t snapshot_rows_ = 0;
  std::int64_t snapshot_scanned_to_ = 0;
  std::int64_t probe_id_ = 0;
  std::string probe_digest_;
};

}  // namespace sightline::archive

#endif  // SIGHTLINE_ARCHIVE_SHARD_INDEX_H_
