// ShardTailer: the statements that read archive_frame_hashes for one shard (shard_tail.h).
#include "archive/shard_tail.h"

#include <algorithm>
#include <cstring>

namespace sightline::archive {

using evidence::SqlBlob;
using evidence::SqlDialect;
using evidence::SqlRows;
using evidence::SqlValue;

namespace {

// This shard's rows of (after, through], and as a last row (id 0) the count of all rows in it:
// one statement, so both come from one snapshot of the catalogue.
constexpr const char* kRangeSql =
    "SELECT id, item_id, t, hash FROM archive_frame_hashes"
    " WHERE id > $1 AND id <= $2 AND item_id % $3 = $4"
    " UNION ALL SELECT 0, count(*), 0, NULL FROM archive_frame_hashes"
    " WHERE id > $1 AND id <= $2";

// Every row of (after, through] with its id; the hash only for this shard's rows.
constexpr const char* kAllIdsSql =
    "SELECT id, item_id, t, CASE WHEN item_id % $3 = $4 THEN hash END FROM archive_frame_hashes"
    " WHERE id > $1 AND id <= $2 ORDER BY id";

// The oldest transaction still running and the next to start (PostgreSQL 13 and later).
constexpr const char* kHorizonSql =
    "SELECT pg_snapshot_xmin(s)::text::bigint, pg_snapshot_xmax(s)::text::bigint"
    " FROM (SELECT pg_current_snapshot() AS s) q";

// A backlog above this many ids per shard is read as a bulk load (one table build at the end).
constexpr std::int64_t kBulkIdsPerShard = 200'000;

}  // namespace

bool ShardTailer::tracks_gaps() const {
  return static_cast<bool>(index_->options().horizon) ||
         catalog_->dialect() == SqlDialect::kPostgres;
}

Result<std::int64_t> ShardTailer::Head(TailStats* stats) {
  ++stats->statements;
  SL_ASSIGN_OR_RETURN(SqlRows r,
                      catalog_->Query("SELECT COALESCE(max(id), 0) FROM archive_frame_hashes"));
  return r.empty() ? 0 : r.Int(0, 0);
}

Result<TxHorizon> ShardTailer::Horizon(TailStats* stats) {
  if (index_->options().horizon) return index_->options().horizon();
  ++stats->statements;
  SL_ASSIGN_OR_RETURN(SqlRows r, catalog_->Query(kHorizonSql));
  if (r.empty()) return Internal(catalog_->description() + ": pg_current_snapshot() gave no row");
  return TxHorizon{r.Int(0, 0), r.Int(0, 1)};
}

Result<CatalogueRead> ShardTailer::ReadRange(std::int64_t after, std::int64_t through, bool all_ids,
                                             TailStats* stats) {
  const ShardSpec& spec = index_->spec();
  const std::vector<SqlValue> params = {after, through, static_cast<std::int64_t>(spec.count),
                                        static_cast<std::int64_t>(spec.shard)};
  CatalogueRead read;
  read.after = after;
  read.through = through;
  auto take_row = [&](const SqlRows& r, std::size_t i) {
    const std::int64_t item_id = r.Int(i, 1);
    if (!spec.Owns(item_id)) return;
    const auto* blob = std::get_if<SqlBlob>(&r.Row(i)[3]);
    if (blob == nullptr || blob->bytes.size() != 32) {
      index_->CountBadRow();
      return;
    }
    FrameRow row;
    row.id = r.Int(i, 0);
    row.item_id = item_id;
    row.t = r.Double(i, 2);
    std::memcpy(row.hash.data(), blob->bytes.data(), 32);
    read.rows.push_back(row);
  };
  if (!all_ids) {
    ++stats->statements;
    SL_ASSIGN_OR_RETURN(SqlRows r, catalog_->Query(kRangeSql, params));
    std::int64_t count = -1;
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (r.Int(i, 0) == 0) {
        count = r.Int(i, 1);
      } else {
        take_row(r, i);
      }
    }
    if (count < 0) return Internal(catalog_->description() + ": range read gave no count");
    // All ids there, or ids that can no longer appear (they commit in order): done.
    if (count == through - after || !tracks_gaps()) return read;
    read.rows.clear();
  }
  ++stats->statements;
  SL_ASSIGN_OR_RETURN(SqlRows r, catalog_->Query(kAllIdsSql, params));
  std::int64_t expected = after + 1;
  for (std::size_t i = 0; i < r.size(); ++i) {
    const std::int64_t id = r.Int(i, 0);
    if (id < expected || id > through) continue;  // not in the range (cannot happen)
    if (id > expected) read.missing.emplace_back(expected, id - 1);
    expected = id + 1;
    take_row(r, i);
  }
  if (expected <= through) read.missing.emplace_back(expected, through);
  return read;
}

Status ShardTailer::ReadNewUpTo(std::int64_t head, TailStats* stats, const Progress& progress) {
  const ShardSpec& spec = index_->spec();
  const std::int64_t span = std::max<std::int64_t>(1, index_->options().batch_rows) * spec.count;
  for (std::int64_t after = index_->scanned_to(); after < head;) {
    const std::int64_t through = std::min(head, after + span);
    SL_ASSIGN_OR_RETURN(CatalogueRead read, ReadRange(after, through, false, stats));
    stats->rows_added += static_cast<std::int64_t>(read.rows.size());
    SL_RETURN_IF_ERROR(index_->ApplyNew(read));
    after = through;
    if (progress && !progress(stats->rows_added, after) && after < head) {
      return Status(StatusCode::kBusy, "shard " + spec.Name() + ": stopped at id " +
                                           std::to_string(after) + " of " + std::to_string(head));
    }
  }
  return Status::Ok();
}

Status ShardTailer::ReadGaps(TailStats* stats) {
  std::vector<IdGap> gaps = index_->gaps();
  if (gaps.empty()) return Status::Ok();
  // The horizon is taken before the gaps are read again: a transaction it shows as ended has
  // either committed (and the read below sees its rows) or rolled back.
  SL_ASSIGN_OR_RETURN(TxHorizon horizon, Horizon(stats));
  const int limit = std::max(1, index_->options().max_gap_reads);
  if (static_cast<int>(gaps.size()) > limit) gaps.resize(static_cast<std::size_t>(limit));
  for (const IdGap& g : gaps) {
    SL_ASSIGN_OR_RETURN(CatalogueRead read, ReadRange(g.first - 1, g.last, true, stats));
    std::int64_t still_missing = 0;
    for (const auto& [first, last] : read.missing) still_missing += last - first + 1;
    stats->gap_ids_filled += (g.last - g.first + 1) - still_missing;
    stats->rows_added += static_cast<std::int64_t>(read.rows.size());
    SL_RETURN_IF_ERROR(index_->ApplyGapRead(read));
    stats->gap_ids_given_up += index_->SettleGaps(horizon, g.first, g.last);
  }
  return Status::Ok();
}

Result<TailStats> ShardTailer::Poll() {
  TailStats stats;
  SL_ASSIGN_OR_RETURN(stats.head, Head(&stats));
  SL_RETURN_IF_ERROR(ReadGaps(&stats));
  SL_RETURN_IF_ERROR(ReadNewUpTo(stats.head, &stats, {}));
  return stats;
}

Result<TailStats> ShardTailer::CatchUp(const Progress& progress) {
  TailStats stats;
  SL_ASSIGN_OR_RETURN(stats.head, Head(&stats));
  SL_RETURN_IF_ERROR(ReadGaps(&stats));
  const bool bulk = stats.head - index_->scanned_to() >
                    kBulkIdsPerShard * static_cast<std::int64_t>(index_->spec().count);
  if (bulk) index_->DeferIndexing(true);
  Status read = ReadNewUpTo(stats.head, &stats, progress);
  if (bulk) index_->DeferIndexing(false);
  SL_RETURN_IF_ERROR(read);
  return stats;
}

Status ShardTailer::VerifySnapshotProbe() {
  TailStats stats;
  SL_ASSIGN_OR_RETURN(std::int64_t head, Head(&stats));
  const std::int64_t scanned_to = index_->scanned_to();
  if (head < scanned_to) {
    return Corrupt("the snapshot covers ids up to " + std::to_string(scanned_to) + " but " +
                   catalog_->description() + " ends at id " + std::to_string(head) +
                   ": it was made from another catalogue");
  }
  const std::int64_t probe = index_->probe_id();
  if (probe == 0) return Status::Ok();
  SL_ASSIGN_OR_RETURN(
      SqlRows r,
      catalog_->Query("SELECT item_id, t, hash FROM archive_frame_hashes WHERE id = $1", {probe}));
  const std::string digest =
      r.empty() ? std::string()
                : ShardIndex::ProbeDigest(r.Int(0, 0), r.Double(0, 1), r.Text(0, 2));
  if (digest != index_->probe_digest()) {
    return Corrupt("row " + std::to_string(probe) + " of archive_frame_hashes in " +
                   catalog_->description() +
                   (r.empty() ? " is missing" : " differs from the one the snapshot indexed") +
                   ": the snapshot was made from another catalogue");
  }
  return Status::Ok();
}

}  // namespace sightline::archive
