// Which archived items share frames with a signature: the first, cheap step of a search or a
// compare job, before the exact segment match. Through the sharded index when shards are
// registered in the catalogue (shard_query.h: all shards answer or the lookup fails), plus the
// rows committed after the shards' settled position, read from the catalogue, so that an item is
// findable the moment its analysis commits; else by a scan of all the catalogue's frame-hash rows
// into an in-memory index (exact too; right for a small archive, slow for millions of rows).
//
// Thread safety: uses `db` from the calling thread only.
#ifndef SIGHTLINE_ARCHIVE_CANDIDATES_H_
#define SIGHTLINE_ARCHIVE_CANDIDATES_H_

#include <string>
#include <vector>

#include "base/status.h"
#include "evidence/frame_index.h"
#include "evidence/sql.h"
#include "signals/visual/match_signature.h"

namespace sightline::archive {

struct CandidateLookup {
  std::vector<evidence::FrameIndexHit> items;  // most shared frames first
  std::string via;                             // "shards" or "scan"
  int shards = 0;                              // shards that answered
  std::size_t query_hashes = 0;
};

Result<CandidateLookup> FindCandidates(evidence::SqlConnection& db,
                                       const signals::visual::MatchSignature& sig, int radius);

}  // namespace sightline::archive

#endif  // SIGHTLINE_ARCHIVE_CANDIDATES_H_
