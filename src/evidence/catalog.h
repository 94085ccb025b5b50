// The catalogue of a case's items: what each original is (hash, size, media kind) and every
// name and path under which it was presented for ingest. Reads are free; writes happen only
// inside Case::Write, which records them in the custody log.
#ifndef SIGHTLINE_EVIDENCE_CATALOG_H_
#define SIGHTLINE_EVIDENCE_CATALOG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "evidence/sql.h"

namespace sightline::evidence {

// One presentation of an item's content for ingest: the first, and every duplicate after it.
struct ItemName {
  std::int64_t id = 0;
  std::string name;      // file name, readable (bytes that are not UTF-8 shown as \xNN)
  std::string name_hex;  // the exact bytes of the name in hex, when it is not valid UTF-8
  std::string path;      // the path given to ingest, made absolute
  std::string mtime;     // the file's modification time, RFC 3339 UTC
  std::string ingested_at;
  std::string actor;
  std::string source;  // --source, "" when none
  std::string note;    // --note, "" when none
  std::int64_t custody_seq = 0;
};

struct Item {
  std::int64_t id = 0;
  std::string sha256;
  std::uint64_t size = 0;
  std::string name;           // the name it was first ingested under
  std::string media_kind;     // "video", "audio", "image", or "" when not readable as media
  std::string media_problem;  // why it cannot be read as media; "" when it can
  std::int64_t ingest_seq = 0;
  std::string ingested_at;  // of the first presentation
};

// An RFC 3161 token over the head of the custody log at `log_seq`.
struct StoredTimestamp {
  std::int64_t id = 0;
  std::int64_t log_seq = 0;
  std::string log_head;  // entry_hash of entry log_seq: the digest the token covers
  std::string tsa_url;
  std::string response_der;
  std::string chain_pem;
  std::string gen_time;
  std::int64_t custody_seq = 0;  // the "timestamp" entry that recorded it
};

class Catalog {
 public:
  explicit Catalog(SqlConnection* db) : db_(db) {}

  Result<std::optional<Item>> FindBySha(const std::string& sha256);
  Result<std::vector<Item>> ListItems();
  Result<std::vector<ItemName>> NamesOf(std::int64_t item_id);
  // Items matching a reference typed by a person: an id ("3"), a file name under which it was
  // ingested, or a prefix of at least 4 hex digits of its hash. Several matches are possible.
  Result<std::vector<Item>> Resolve(const std::string& ref);

  Result<std::int64_t> InsertItem(const Item& item);
  Status InsertName(std::int64_t item_id, const ItemName& name);
  // The metadata read at ingest (probe JSON), or "" when none was stored.
  Result<std::string> Metadata(std::int64_t item_id);
  Status PutMetadata(std::int64_t item_id, int probe_version, const std::string& json);

  Result<std::vector<StoredTimestamp>> Timestamps();
  Status InsertTimestamp(const StoredTimestamp& t);

  Result<std::string> Info(const std::string& key);  // "" when unset
  Status SetInfo(const std::string& key, const std::string& value);

 private:
  Result<std::vector<Item>> QueryItems(const std::string& where, const SqlValue& arg);
  SqlConnection* db_;
};

}  // namespace sightline::evidence

#endif  // SIGHTLINE_EVIDENCE_CATALOG_H_
