// archive_shards: the registry of running shard processes (shard_registry.h).
#include "archive/shard_registry.h"

namespace sightline::archive {

using evidence::SqlDialect;
using evidence::SqlNow;
using evidence::SqlRows;
using evidence::SqlValue;

Status CreateShardRegistry(evidence::SqlConnection& db) {
  evidence::SqlTransaction tx(&db);
  SL_RETURN_IF_ERROR(tx.Begin());
  // PostgreSQL's CREATE TABLE IF NOT EXISTS fails when another session creates the same table at
  // the same moment (both see it missing; one fails on pg_type): shards starting together take
  // turns (the lock is released at commit).
  if (db.dialect() == SqlDialect::kPostgres) {
    SL_RETURN_IF_ERROR(db.Query("SELECT pg_advisory_xact_lock(7301730174)").status());
  }
  Status created = db.ExecScript(
      "CREATE TABLE IF NOT EXISTS archive_shards ("
      " shard_count BIGINT NOT NULL,"
      " shard BIGINT NOT NULL,"
      " address TEXT NOT NULL,"
      " instance TEXT NOT NULL,"
      " state TEXT NOT NULL,"
      " rows_indexed BIGINT NOT NULL DEFAULT 0,"
      " checkpoint_id BIGINT NOT NULL DEFAULT 0,"
      " scanned_to BIGINT NOT NULL DEFAULT 0,"
      " started_at DOUBLE PRECISION NOT NULL,"
      " heartbeat_at DOUBLE PRECISION NOT NULL,"
      " polled_at DOUBLE PRECISION NOT NULL DEFAULT 0,"
      " last_error TEXT NOT NULL DEFAULT '',"
      " PRIMARY KEY (shard_count, shard))");
  if (!created.ok()) return created.WithContext(db.description() + ": creating archive_shards");
  return tx.Commit();
}

Status RegisterShard(evidence::SqlConnection& db, const ShardRecord& record) {
  const std::string now = SqlNow(db.dialect());
  const std::string sql =
      "INSERT INTO archive_shards (shard_count, shard, address, instance, state, rows_indexed,"
      " checkpoint_id, scanned_to, started_at, heartbeat_at, polled_at, last_error)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, " +
      now + ", " + now +
      ", 0, '')"
      " ON CONFLICT (shard_count, shard) DO UPDATE SET address = excluded.address,"
      " instance = excluded.instance, state = excluded.state,"
      " rows_indexed = excluded.rows_indexed, checkpoint_id = excluded.checkpoint_id,"
      " scanned_to = excluded.scanned_to, started_at = excluded.started_at,"
      " heartbeat_at = excluded.heartbeat_at, polled_at = excluded.polled_at,"
      " last_error = excluded.last_error";
  auto r =
      db.Query(sql, {static_cast<std::int64_t>(record.spec.count),
                     static_cast<std::int64_t>(record.spec.shard), record.address, record.instance,
                     record.state, record.rows, record.checkpoint, record.scanned_to});
  if (!r.ok()) return r.status().WithContext("registering shard " + record.spec.Name());
  return Status::Ok();
}

Result<bool> HeartbeatShard(evidence::SqlConnection& db, const ShardRecord& record,
                            double poll_age) {
  const std::string now = SqlNow(db.dialect());
  const std::string sql =
      "UPDATE archive_shards SET state = $4, rows_indexed = $5, checkpoint_id = $6,"
      " scanned_to = $7, heartbeat_at = " +
      now + ", polled_at = CASE WHEN CAST($8 AS DOUBLE PRECISION) < 0 THEN 0 ELSE " + now +
      " - CAST($8 AS DOUBLE PRECISION) END, last_error = $9"
      " WHERE shard_count = $1 AND shard = $2 AND instance = $3 RETURNING shard";
  auto r = db.Query(
      sql, {static_cast<std::int64_t>(record.spec.count),
            static_cast<std::int64_t>(record.spec.shard), record.instance, record.state,
            record.rows, record.checkpoint, record.scanned_to, poll_age, record.last_error});
  if (!r.ok()) return r.status().WithContext("heartbeat of shard " + record.spec.Name());
  return !r->empty();
}

Status UnregisterShard(evidence::SqlConnection& db, const ShardRecord& record) {
  auto r =
      db.Query("DELETE FROM archive_shards WHERE shard_count = $1 AND shard = $2 AND instance = $3",
               {static_cast<std::int64_t>(record.spec.count),
                static_cast<std::int64_t>(record.spec.shard), record.instance});
  if (!r.ok()) return r.status().WithContext("unregistering shard " + record.spec.Name());
  return Status::Ok();
}

Result<std::vector<ShardRecord>> ListShards(evidence::SqlConnection& db) {
  const char* exists_sql =
      db.dialect() == SqlDialect::kPostgres
          ? "SELECT 1 WHERE to_regclass('archive_shards') IS NOT NULL"
          : "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'archive_shards'";
  SL_ASSIGN_OR_RETURN(SqlRows exists, db.Query(exists_sql));
  std::vector<ShardRecord> out;
  if (exists.empty()) return out;
  const std::string now = SqlNow(db.dialect());
  SL_ASSIGN_OR_RETURN(
      SqlRows r,
      db.Query("SELECT shard_count, shard, address, instance, state, rows_indexed, checkpoint_id,"
               " scanned_to, started_at, heartbeat_at, polled_at, last_error, " +
               now + " - heartbeat_at, CASE WHEN polled_at > 0 THEN " + now +
               " - polled_at ELSE -1 END FROM archive_shards ORDER BY shard_count, shard"));
  for (std::size_t i = 0; i < r.size(); ++i) {
    ShardRecord s;
    s.spec.count = static_cast<int>(r.Int(i, 0));
    s.spec.shard = static_cast<int>(r.Int(i, 1));
    s.address = r.Text(i, 2);
    s.instance = r.Text(i, 3);
    s.state = r.Text(i, 4);
    s.rows = r.Int(i, 5);
    s.checkpoint = r.Int(i, 6);
    s.scanned_to = r.Int(i, 7);
    s.started_at = r.Double(i, 8);
    s.heartbeat_at = r.Double(i, 9);
    s.polled_at = r.Double(i, 10);
    s.last_error = r.Text(i, 11);
    s.heartbeat_age = r.Double(i, 12);
    s.poll_age = r.Double(i, 13);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace sightline::archive
