#include "archive/candidates.h"

#include <algorithm>
#include <limits>
#include <map>

#include "archive/archive_catalog.h"
#include "archive/shard_query.h"
#include "archive/shard_registry.h"

namespace sightline::archive {

namespace am = analysis::match;

namespace {

// Exact hits among the catalogue's rows with id > `after_id`, by an in-memory index of them.
Result<std::vector<am::HashHit>> ScanRowsAfter(evidence::SqlConnection& db, std::int64_t after_id,
                                               const std::vector<am::Hash256>& queries,
                                               int radius) {
  ArchiveCatalog catalog(&db);
  std::map<std::int64_t, std::vector<am::HashFrame>> by_item;
  for (;;) {
    SL_ASSIGN_OR_RETURN(std::vector<ArchiveCatalog::HashRow> rows,
                        catalog.HashRowsAfter(after_id, 50000));
    if (rows.empty()) break;
    for (const auto& r : rows) by_item[r.item_id].push_back({r.t, r.hash});
    after_id = rows.back().id;
  }
  am::HashIndex index;
  for (auto& [id, frames] : by_item) index.Insert(id, frames);
  return index.Query(queries, radius);
}

}  // namespace

Result<CandidateLookup> FindCandidates(evidence::SqlConnection& db,
                                       const signals::visual::MatchSignature& sig, int radius) {
  CandidateLookup out;
  std::vector<am::Hash256> queries;
  std::vector<double> times;
  evidence::QueryFrames(sig, &queries, &times);
  out.query_hashes = queries.size();
  SL_ASSIGN_OR_RETURN(std::vector<ShardRecord> registered, ListShards(db));
  out.via = registered.empty() ? "scan" : "shards";
  if (queries.empty()) return out;
  std::int64_t scan_after = 0;
  std::vector<am::HashHit> hits;
  if (!registered.empty()) {
    SL_ASSIGN_OR_RETURN(ShardedHits sharded, QueryArchiveIndex(db, queries, radius));
    out.shards = static_cast<int>(sharded.shards.size());
    hits = std::move(sharded.hits);
    // Rows the shards have not settled yet (their tail runs about a second behind, and ids can
    // commit out of order) are looked up here, so that an item is found as soon as its analysis
    // has committed. Hits found twice are merged by HitsByItem.
    scan_after = std::numeric_limits<std::int64_t>::max();
    for (const ShardReply& r : sharded.shards) scan_after = std::min(scan_after, r.checkpoint);
  }
  SL_ASSIGN_OR_RETURN(std::vector<am::HashHit> recent,
                      ScanRowsAfter(db, scan_after, queries, radius));
  hits.insert(hits.end(), recent.begin(), recent.end());
  out.items = evidence::HitsByItem(hits, times);
  return out;
}

}  // namespace sightline::archive
