// The table archive_shards in the catalogue, where running shard processes say where they answer:
// one row per (shard_count, shard), written by the process serving it (shard_server.h) every few
// seconds, read by the fan-out client (shard_query.h). Times are the database server's clock
// (SqlNow), so that machines with different clocks agree on which shard is stale.
//
//   archive_shards(shard_count BIGINT, shard BIGINT, address TEXT, instance TEXT, state TEXT,
//                  rows_indexed BIGINT, checkpoint BIGINT, scanned_to BIGINT,
//                  started_at DOUBLE PRECISION, heartbeat_at DOUBLE PRECISION,
//                  polled_at DOUBLE PRECISION, last_error TEXT,
//                  PRIMARY KEY (shard_count, shard))
//
// A process that starts for a shard takes its row over (a newer instance wins); the older one
// finds its instance gone at its next heartbeat and stops. A process that stops cleanly removes
// its row; one that dies leaves a row whose heartbeat grows stale.
//
// Thread safety: functions of a connection, used by one thread at a time.
#ifndef SIGHTLINE_ARCHIVE_SHARD_REGISTRY_H_
#define SIGHTLINE_ARCHIVE_SHARD_REGISTRY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "archive/shard_index.h"
#include "base/status.h"
#include "evidence/sql.h"

namespace sightline::archive {

struct ShardRecord {
  ShardSpec spec;
  std::string address;   // "HOST:PORT" its HTTP endpoint answers at
  std::string instance;  // random, new for every process
  std::string state;     // "building" or "ready"
  std::int64_t rows = 0;
  std::int64_t checkpoint = 0;
  std::int64_t scanned_to = 0;
  double started_at = 0;  // database clock, seconds since 1970
  double heartbeat_at = 0;
  double polled_at = 0;  // when it last read the catalogue successfully (0: not yet)
  std::string last_error;
  // Read back only: seconds since the heartbeat and since the last poll, by the database clock.
  double heartbeat_age = 0;
  double poll_age = 0;
};

// Creates archive_shards when missing (CREATE TABLE IF NOT EXISTS; both dialects).
Status CreateShardRegistry(evidence::SqlConnection& db);

// Registers `record` (its spec, address, instance, state), replacing any row of the same shard.
Status RegisterShard(evidence::SqlConnection& db, const ShardRecord& record);
// Updates the row's state, counts and heartbeat; `poll_age` seconds ago is when it last polled
// (negative: never). Returns false when the row is no longer this instance's (taken over or
// removed).
Result<bool> HeartbeatShard(evidence::SqlConnection& db, const ShardRecord& record,
                            double poll_age);
// Removes the row if it is still this instance's.
Status UnregisterShard(evidence::SqlConnection& db, const ShardRecord& record);

// Every registered shard, by shard_count then shard; empty when the table does not exist.
Result<std::vector<ShardRecord>> ListShards(evidence::SqlConnection& db);

}  // namespace sightline::archive

#endif  // SIGHTLINE_ARCHIVE_SHARD_REGISTRY_H_
