#include "evidence/catalog.h"

#include <cctype>

namespace sightline::evidence {

namespace {

constexpr char kItemSelect[] =
    "SELECT i.id, i.sha256, i.size, i.name, i.media_kind, i.media_problem, i.ingest_seq, "
    "(SELECT time FROM custody_log WHERE seq = i.ingest_seq) FROM items i ";

Item ItemRow(const SqlRows& r, std::size_t i) {
  Item it;
  it.id = r.Int(i, 0);
  it.sha256 = r.Text(i, 1);
  it.size = static_cast<std::uint64_t>(r.Int(i, 2));
  it.name = r.Text(i, 3);
  it.media_kind = r.Text(i, 4);
  it.media_problem = r.Text(i, 5);
  it.ingest_seq = r.Int(i, 6);
  it.ingested_at = r.Text(i, 7);
  return it;
}

bool AllDigits(const std::string& s) {
  if (s.empty() || s.size() > 18) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool IsHexPrefix(const std::string& s) {
  if (s.size() < 4 || s.size() > 64) return false;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

Result<std::vector<Item>> Catalog::QueryItems(const std::string& where, const SqlValue& arg) {
  std::vector<SqlValue> params;
  if (!std::holds_alternative<std::monostate>(arg)) params.push_back(arg);
  SL_ASSIGN_OR_RETURN(SqlRows r, db_->Query(kItemSelect + where + " ORDER BY i.id", params));
  std::vector<Item> out;
  for (std::size_t i = 0; i < r.size(); ++i) out.push_back(ItemRow(r, i));
  return out;
}

Result<std::optional<Item>> Catalog::FindBySha(const std::string& sha256) {
  SL_ASSIGN_OR_RETURN(std::vector<Item> items, QueryItems("WHERE i.sha256 = $1", sha256));
  if (items.empty()) return std::optional<Item>();
  return std::optional<Item>(items[0]);
}

Result<std::vector<Item>> Catalog::ListItems() { return QueryItems("", SqlValue()); }

Result<std::vector<ItemName>> Catalog::NamesOf(std::int64_t item_id) {
  SL_ASSIGN_OR_RETURN(SqlRows r,
                      db_->Query("SELECT id, name, name_hex, path, mtime, ingested_at, actor, "
                                 "source, note, custody_seq FROM item_names WHERE item_id = $1 "
                                 "ORDER BY id",
                                 {item_id}));
  std::vector<ItemName> out;
  for (std::size_t i = 0; i < r.size(); ++i) {
    ItemName n;
    n.id = r.Int(i, 0);
    n.name = r.Text(i, 1);
    n.name_hex = r.Text(i, 2);
    n.path = r.Text(i, 3);
    n.mtime = r.Text(i, 4);
    n.ingested_at = r.Text(i, 5);
    n.actor = r.Text(i, 6);
    n.source = r.Text(i, 7);
    n.note = r.Text(i, 8);
    n.custody_seq = r.Int(i, 9);
    out.push_back(std::move(n));
  }
  return out;
}

Result<std::vector<Item>> Catalog::Resolve(const std::string& ref) {
  if (AllDigits(ref)) {
    SL_ASSIGN_OR_RETURN(std::vector<Item> by_id,
                        QueryItems("WHERE i.id = $1", std::int64_t{std::stoll(ref)}));
    if (!by_id.empty()) return by_id;
  }
  SL_ASSIGN_OR_RETURN(
      std::vector<Item> by_name,
      QueryItems("WHERE i.id IN (SELECT item_id FROM item_names WHERE name = $1)", ref));
  if (!by_name.empty()) return by_name;
  if (IsHexPrefix(ref)) {
    std::string lower;
    for (char c : ref) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // Hex digits hold no LIKE wildcards.
    return QueryItems("WHERE i.sha256 LIKE $1", lower + "%");
  }
  return std::vector<Item>();
}

Result<std::int64_t> Catalog::InsertItem(const Item& item) {
  SL_ASSIGN_OR_RETURN(SqlRows r,
                      db_->Query("INSERT INTO items (sha256, size, name, media_kind, "
                                 "media_problem, ingest_seq) VALUES ($1, $2, $3, $4, $5, $6) "
                                 "RETURNING id",
                                 {item.sha256, static_cast<std::int64_t>(item.size), item.name,
                                  SqlTextOrNull(item.media_kind), SqlTextOrNull(item.media_problem),
                                  item.ingest_seq}));
  if (r.empty()) return Internal(db_->description() + ": INSERT INTO items returned no id");
  return r.Int(0, 0);
}

Status Catalog::InsertName(std::int64_t item_id, const ItemName& n) {
  return db_
      ->Query(
          "INSERT INTO item_names (item_id, name, name_hex, path, mtime, ingested_at, actor, "
          "source, note, custody_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
          {item_id, n.name, SqlTextOrNull(n.name_hex), n.path, SqlTextOrNull(n.mtime),
           n.ingested_at, n.actor, SqlTextOrNull(n.source), SqlTextOrNull(n.note), n.custody_seq})
      .status();
}

Result<std::string> Catalog::Metadata(std::int64_t item_id) {
  SL_ASSIGN_OR_RETURN(
      SqlRows r, db_->Query("SELECT probe_json FROM item_metadata WHERE item_id = $1", {item_id}));
  return r.empty() ? std::string() : r.Text(0, 0);
}

Status Catalog::PutMetadata(std::int64_t item_id, int probe_version, const std::string& json) {
  return db_
      ->Query(
          "INSERT INTO item_metadata (item_id, probe_version, probe_json) VALUES ($1, $2, $3) "
          "ON CONFLICT (item_id) DO UPDATE SET probe_version = excluded.probe_version, "
          "probe_json = excluded.probe_json",
          {item_id, std::int64_t{probe_version}, json})
      .status();
}

Result<std::vector<StoredTimestamp>> Catalog::Timestamps() {
  SL_ASSIGN_OR_RETURN(SqlRows r,
                      db_->Query("SELECT id, log_seq, log_head, tsa_url, response_der, chain_pem, "
                                 "gen_time, custody_seq FROM timestamps ORDER BY id"));
  std::vector<StoredTimestamp> out;
  for (std::size_t i = 0; i < r.size(); ++i) {
    StoredTimestamp t;
    t.id = r.Int(i, 0);
    t.log_seq = r.Int(i, 1);
    t.log_head = r.Text(i, 2);
    t.tsa_url = r.Text(i, 3);
    t.response_der = r.Text(i, 4);
    t.chain_pem = r.Text(i, 5);
    t.gen_time = r.Text(i, 6);
    t.custody_seq = r.Int(i, 7);
    out.push_back(std::move(t));
  }
  return out;
}

Status Catalog::InsertTimestamp(const StoredTimestamp& t) {
  return db_
      ->Query(
          "INSERT INTO timestamps (log_seq, log_head, tsa_url, response_der, chain_pem, "
          "gen_time, custody_seq) VALUES ($1, $2, $3, $4, $5, $6, $7)",
          {t.log_seq, t.log_head, t.tsa_url, SqlBlob{t.response_der}, t.chain_pem, t.gen_time,
           t.custody_seq})
      .status();
}

Result<std::string> Catalog::Info(const std::string& key) {
  SL_ASSIGN_OR_RETURN(SqlRows r, db_->Query("SELECT value FROM case_info WHERE key = $1", {key}));
  return r.empty() ? std::string() : r.Text(0, 0);
}

Status Catalog::SetInfo(const std::string& key, const std::string& value) {
  return db_
      ->Query(
          "INSERT INTO case_info (key, value) VALUES ($1, $2) "
          "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
          {key, value})
      .status();
}

}  // namespace sightline::evidence
