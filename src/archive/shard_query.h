// Queries the archive's frame-hash index across its shards: reads the registry (archive_shards),
// sends the query to every shard of the set in parallel and merges their hits into the order
// HashIndex::Query gives, so that the answer is the one a single index over all rows (or a
// brute-force scan of them) would give at the same radius.
//
// Never a partial answer: when any shard of the set is not registered, stale (no heartbeat or no
// catalogue read for stale_after_seconds), still building, unreachable or answers for another
// shard, the query fails and the message names every such shard and what to do.
//
// Also the wire format of a shard's HTTP API (doc/hash-shards.md, "HTTP API"), shared by the
// server (shard_server.h) and this client.
//
// Thread safety: functions; the connection is used by the calling thread only.
#ifndef SIGHTLINE_ARCHIVE_SHARD_QUERY_H_
#define SIGHTLINE_ARCHIVE_SHARD_QUERY_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "archive/shard_index.h"
#include "archive/shard_registry.h"
#include "base/status.h"
#include "evidence/sql.h"

namespace sightline::archive {

struct ShardQueryOptions {
  // The set to query: N of I/N. 0: the set that is registered (when several are, the complete
  // one with the most shards).
  int shard_count = 0;
  // A shard whose heartbeat or last catalogue read is older than this is stale.
  double stale_after_seconds = 15;
  // Per shard request (connect, send, answer).
  double timeout_seconds = 30;
};

// What one shard answered.
struct ShardReply {
  ShardRecord shard;
  std::int64_t checkpoint = 0;  // its position when it answered
  std::int64_t scanned_to = 0;
  std::int64_t rows = 0;
  std::size_t hits = 0;
  double seconds = 0;  // wall time of its request
};

struct ShardedHits {
  std::vector<HashHit> hits;  // id = item id; ordered by query, distance, item, time
  std::vector<ShardReply> shards;
};

// The shards of the set to query, one per I in 0..N-1, all live and ready; otherwise fails naming
// each missing, stale or building shard.
Result<std::vector<ShardRecord>> LiveShards(evidence::SqlConnection& catalog,
                                            const ShardQueryOptions& options);

// Sends the query to each of `shards` (a whole set, from LiveShards) in parallel and merges.
Result<ShardedHits> QueryShards(const std::vector<ShardRecord>& shards,
                                std::span<const Hash256> hashes, int radius,
                                double timeout_seconds);

// LiveShards, then QueryShards: what `sightline archive search` calls.
Result<ShardedHits> QueryArchiveIndex(evidence::SqlConnection& catalog,
                                      std::span<const Hash256> hashes, int radius,
                                      const ShardQueryOptions& options = {});

// --- Wire format (JSON) ---
// POST /query body: {"radius": R, "hashes": ["64 hex digits", …]}.
std::string EncodeShardQuery(std::span<const Hash256> hashes, int radius);
struct ShardQueryRequest {
  std::vector<Hash256> hashes;
  int radius = analysis::match::kDefaultHashRadius;
};
// kInvalidArgument naming what is wrong (at most kMaxQueryHashes hashes).
inline constexpr std::size_t kMaxQueryHashes = 100'000;
Result<ShardQueryRequest> DecodeShardQuery(const std::string& body);
// The answer: {"shard": I, "shard_count": N, "checkpoint": C, "scanned_to": S, "rows": R,
// "hits": [[query, item_id, t, distance], …]}.
std::string EncodeShardAnswer(const ShardSpec& spec, const ShardAnswer& answer);
Result<std::pair<ShardSpec, ShardAnswer>> DecodeShardAnswer(const std::string& body);

}  // namespace sightline::archive

#endif  // SIGHTLINE_ARCHIVE_SHARD_QUERY_H_
