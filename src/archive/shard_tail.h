// Reads the catalogue's frame-hash rows into a ShardIndex: everything after its position in
// batches of ids (CatchUp, at start), then, polled, the new rows and the gaps it waits for (Poll).
// doc/hash-shards.md, "Tailing", explains the rule for ids that commit out of order.
//
// Statements (both dialects): one range read per batch, which returns this shard's rows of the
// range and the count of all rows in it; only when that count shows ids missing in the range, and
// the catalogue may still fill them (PostgreSQL), the range is read again with every row's id to
// find the gaps. On PostgreSQL a poll with open gaps also asks pg_current_snapshot() for the
// horizon of running transactions.
//
// Thread safety: one ShardTailer per thread; it owns no connection (the caller's, used by one
// thread at a time) and writes to the ShardIndex as its one writer.
#ifndef SIGHTLINE_ARCHIVE_SHARD_TAIL_H_
#define SIGHTLINE_ARCHIVE_SHARD_TAIL_H_

#include <cstdint>
#include <functional>

#include "archive/shard_index.h"
#include "base/status.h"
#include "evidence/sql.h"

namespace sightline::archive {

struct TailStats {
  std::int64_t rows_added = 0;  // rows of this shard indexed
  std::int64_t head = 0;        // the largest id in the catalogue when the poll began
  std::int64_t gap_ids_filled = 0;
  std::int64_t gap_ids_given_up = 0;
  int statements = 0;
};

class ShardTailer {
 public:
  ShardTailer(ShardIndex* index, evidence::SqlConnection* catalog)
      : index_(index), catalog_(catalog) {}

  // Reads every row after the index's position up to the newest id, deferring the index's tables
  // to the end when the backlog is large (a bulk build). `progress` (optional) hears the rows
  // added so far and the id reached, after each batch; when it returns false the read stops
  // there (kBusy; what was read stays applied).
  using Progress = std::function<bool(std::int64_t rows, std::int64_t through)>;
  Result<TailStats> CatchUp(const Progress& progress = {});
  // One poll: reads the open gaps again (giving up those whose transactions have all ended), then
  // the rows after scanned_to up to the newest id.
  Result<TailStats> Poll();

  // Checks that a loaded snapshot was made from this catalogue: its probe row is there with the
  // same content, and the catalogue reaches its position. kCorrupt naming the difference.
  Status VerifySnapshotProbe();

  // Whether missing ids are waited for (PostgreSQL, or a horizon given in the options).
  bool tracks_gaps() const;

 private:
  Result<std::int64_t> Head(TailStats* stats);
  Result<TxHorizon> Horizon(TailStats* stats);
  // Reads (after, through]: this shard's rows, and the missing ids when gaps are tracked.
  Result<CatalogueRead> ReadRange(std::int64_t after, std::int64_t through, bool all_ids,
                                  TailStats* stats);
  Status ReadNewUpTo(std::int64_t head, TailStats* stats, const Progress& progress);
  Status ReadGaps(TailStats* stats);

  ShardIndex* index_;
  evidence::SqlConnection* catalog_;
};

}  // namespace sightline::archive

#endif  // SIGHTLINE_ARCHIVE_SHARD_TAIL_H_
