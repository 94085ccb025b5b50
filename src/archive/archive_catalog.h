// The archive's catalogue: every item of every case sent to the archive, keyed by SHA-256; the
// signals computed from them and the findings between them, keyed by (item, analyzer version) so
// that a retried job changes nothing; the frame-hash rows the sharded index is built from; and
// the head of each case's custody log at the time it was archived. The per-case custody log stays
// the unit of evidence: the archive records which log state it took each item from.
//
// One code path for both back-ends (evidence/sql.h): SQLite for one machine, PostgreSQL when
// many workers share the archive. The schema is in archive_catalog.cc and doc/archive.md.
//
// Thread safety: an ArchiveCatalog borrows a SqlConnection and shares its rule (one thread).
#ifndef SIGHTLINE_ARCHIVE_ARCHIVE_CATALOG_H_
#define SIGHTLINE_ARCHIVE_ARCHIVE_CATALOG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/match/hash_index.h"
#include "base/status.h"
#include "evidence/sql.h"

namespace sightline::archive {

struct ArchiveItem {
  std::int64_t id = 0;
  std::string sha256;
  std::uint64_t size = 0;
  std::string media_kind;  // as the case recorded it: "video", "audio", "image" or ""
  std::string name;        // the name it was first archived under
  double added_at = 0;     // seconds since 1970
};

struct ArchiveFinding {
  std::int64_t a_item = 0, b_item = 0;  // a_item < b_item
  std::string kind;                     // "same_footage"
  std::string version;                  // of the analyzer that found it
  double score = 0;
  std::string evidence_json;
};

struct ArchiveCounts {
  std::int64_t items = 0, cases = 0, signals = 0, findings = 0, frame_hashes = 0;
};

class ArchiveCatalog {
 public:
  explicit ArchiveCatalog(evidence::SqlConnection* db) : db_(db) {}

  // Creates the tables when missing; safe when several processes start at once.
  Status CreateSchema();

  // Adds the item, or finds it when its hash is catalogued already. Returns its id.
  Result<std::int64_t> AddItem(const ArchiveItem& item, bool* added = nullptr);
  Result<std::optional<ArchiveItem>> FindItem(const std::string& sha256);
  Result<std::optional<ArchiveItem>> ItemById(std::int64_t id);
  // Items whose hash starts with `prefix` (at least 4 hex digits) or whose name equals it.
  Result<std::vector<ArchiveItem>> Resolve(const std::string& ref);

  // Records that `case_id` (its directory `path`, its custody log's head) holds `item_ids`.
  Status RecordCase(const std::string& case_id, const std::string& path, std::int64_t head_seq,
                    const std::string& head_hash, const std::vector<std::int64_t>& item_ids);

  // Stores a signal and, when given, its frame-hash rows. Returns false (and stores nothing)
  // when (item, kind, version) is stored already: a retried job.
  Result<bool> PutSignal(std::int64_t item_id, const std::string& kind, const std::string& version,
                         const std::string& data,
                         const std::vector<analysis::match::HashFrame>& frames);
  Result<std::optional<std::string>> Signal(std::int64_t item_id, const std::string& kind,
                                            const std::string& version);
  // Returns false when the finding for (a, b, kind, version) exists already.
  Result<bool> PutFinding(const ArchiveFinding& f);
  // Findings that involve `item_id` (0: all), best first.
  Result<std::vector<ArchiveFinding>> Findings(std::int64_t item_id);

  // Frame-hash rows with id > `after_id`, in id order, at most `limit`.
  struct HashRow {
    std::int64_t id = 0, item_id = 0;
    double t = 0;
    analysis::match::Hash256 hash{};
  };
  Result<std::vector<HashRow>> HashRowsAfter(std::int64_t after_id, std::size_t limit);

  Result<ArchiveCounts> Counts();

  evidence::SqlConnection* db() { return db_; }

 private:
  evidence::SqlConnection* db_;
};

}  // namespace sightline::archive

#endif  // SIGHTLINE_ARCHIVE_ARCHIVE_CATALOG_H_
