// Sidecars: files that came with an item and say something about it — the .info.json yt-dlp
// wrote when it downloaded the post, a WACZ web capture of the page, a screenshot of the post —
// kept byte for byte in objects/ like originals, and bound to the item's SHA-256 by a signed
// custody entry ("sidecar_added", whose object is the item's hash and whose details name the
// sidecar's own hash). A sidecar is not an item: it is listed with its item, not by `list`.
//
// Storage: table `sidecars` of case.db (schema 5); bytes in objects/ under their own SHA-256,
// staged and published exactly as ingest does, so that objects/ never holds a file the catalogue
// does not know. Thread safety: as Case.
#ifndef SIGHTLINE_EVIDENCE_SIDECAR_STORE_H_
#define SIGHTLINE_EVIDENCE_SIDECAR_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "evidence/case.h"
#include "evidence/identity.h"

namespace sightline::evidence {

struct Sidecar {
  std::int64_t id = 0;
  std::int64_t item_id = 0;
  std::string kind;    // "info_json", "wacz", "screenshot"
  std::string sha256;  // of the sidecar's own bytes: objects/ab/cdef…
  std::uint64_t size = 0;
  std::string name;     // file name, readable
  std::string path;     // where it was read from (absolute), or what it was downloaded from
  std::string summary;  // compact JSON: what was read from it (see doc/collect.md)
  std::string actor;
  std::string created_at;
  std::int64_t custody_seq = 0;
};

struct SidecarAdded {
  Sidecar sidecar;
  bool already_present = false;  // the item already had these bytes as a sidecar: nothing written
};

// Stores the file at `path` as a sidecar of item `item_id`: copied into staging while hashed,
// recorded with its custody entry, then published into objects/. It is recorded as `name`, come
// from `origin` (an absolute path, or the URL it was downloaded from). `summary` is compact JSON
// (the caller's reading of the file). Bytes the item already has as a sidecar are not recorded
// twice (already_present). Fails, storing nothing, when the file cannot be read, is empty, or the
// case cannot be written.
Result<SidecarAdded> AddSidecar(Case& c, const Identity& who, std::int64_t item_id,
                                const std::string& kind, const std::string& path,
                                const std::string& name, const std::string& origin,
                                const std::string& summary);

// The sidecars of one item (item_id != 0) or of all, by id. Empty for a case older than schema 5
// opened read-only.
Result<std::vector<Sidecar>> ListSidecars(Case& c, std::int64_t item_id);

// True when `sha256` is the content of some sidecar (for verify and the recovery of staging/).
Result<bool> IsSidecarObject(SqlConnection* db, const std::string& sha256);

}  // namespace sightline::evidence

#endif  // SIGHTLINE_EVIDENCE_SIDECAR_STORE_H_
