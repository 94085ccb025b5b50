#include "evidence/catalog.h"

#include <cctype>

namespace sightline::evidence {

namespace {

constexpr char kItemSelect[] =
    "SELECT i.id, i.sha256, i.size, i.name, i.media_kind, i.media_problem, i.ingest_seq, "
    "(SELECT time FROM custody_log WHERE seq = i.ingest_seq) FROM items i ";

Item ItemRow(const SqliteStmt& s) {
  Item it;
  it.id = s.Int(0);
  it.sha256 = s.Text(1);
  it.size = static_cast<std::uint64_t>(s.Int(2));
  it.name = s.Text(3);
  it.media_kind = s.Text(4);
  it.media_problem = s.Text(5);
  it.ingest_seq = s.Int(6);
  it.ingested_at = s.Text(7);
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

std::optional<std::string> NonEmpty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

}  // namespace

Result<std::vector<Item>> Catalog::QueryItems(const std::string& where, const std::string& arg) {
  SL_ASSIGN_OR_RETURN(SqliteStmt s, db_->Prepare(kItemSelect + where + " ORDER BY i.id"));
  if (!arg.empty()) s.Bind(1, arg);
  std::vector<Item> out;
  for (;;) {
    SL_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(ItemRow(s));
  }
  return out;
}

Result<std::optional<Item>> Catalog::FindBySha(const std::string& sha256) {
  SL_ASSIGN_OR_RETURN(std::vector<Item> items, QueryItems("WHERE i.sha256 = ?1", sha256));
  if (items.empty()) return std::optional<Item>();
  return std::optional<Item>(items[0]);
}

Result<std::vector<Item>> Catalog::ListItems() { return QueryItems("", ""); }

Result<std::vector<ItemName>> Catalog::NamesOf(std::int64_t item_id) {
  SL_ASSIGN_OR_RETURN(SqliteStmt s,
                      db_->Prepare("SELECT id, name, name_hex, path, mtime, ingested_at, actor, "
                                   "source, note, custody_seq FROM item_names WHERE item_id = ?1 "
                                   "ORDER BY id"));
  s.Bind(1, item_id);
  std::vector<ItemName> out;
  for (;;) {
    SL_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    ItemName n;
    n.id = s.Int(0);
    n.name = s.Text(1);
    n.name_hex = s.Text(2);
    n.path = s.Text(3);
    n.mtime = s.Text(4);
    n.ingested_at = s.Text(5);
    n.actor = s.Text(6);
    n.source = s.Text(7);
    n.note = s.Text(8);
    n.custody_seq = s.Int(9);
    out.push_back(std::move(n));
  }
  return out;
}

Result<std::vector<Item>> Catalog::Resolve(const std::string& ref) {
  if (AllDigits(ref)) {
    SL_ASSIGN_OR_RETURN(std::vector<Item> by_id,
                        QueryItems("WHERE i.id = CAST(?1 AS INTEGER)", ref));
    if (!by_id.empty()) return by_id;
  }
  SL_ASSIGN_OR_RETURN(
      std::vector<Item> by_name,
      QueryItems("WHERE i.id IN (SELECT item_id FROM item_names WHERE name = ?1)", ref));
  if (!by_name.empty()) return by_name;
  if (IsHexPrefix(ref)) {
    std::string lower;
    for (char c : ref) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return QueryItems("WHERE substr(i.sha256, 1, length(?1)) = ?1", lower);
  }
  return std::vector<Item>();
}

Result<std::int64_t> Catalog::InsertItem(const Item& item) {
  SL_ASSIGN_OR_RETURN(SqliteStmt s,
                      db_->Prepare("INSERT INTO items (sha256, size, name, media_kind, "
                                   "media_problem, ingest_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  s.Bind(1, item.sha256).Bind(2, static_cast<std::int64_t>(item.size)).Bind(3, item.name);
  s.Bind(4, NonEmpty(item.media_kind)).Bind(5, NonEmpty(item.media_problem));
  s.Bind(6, item.ingest_seq);
  SL_RETURN_IF_ERROR(s.Run());
  return db_->LastInsertId();
}

Status Catalog::InsertName(std::int64_t item_id, const ItemName& n) {
  SL_ASSIGN_OR_RETURN(SqliteStmt s,
                      db_->Prepare("INSERT INTO item_names (item_id, name, name_hex, path, mtime, "
                                   "ingested_at, actor, source, note, custody_seq) VALUES (?1, ?2, "
                                   "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
  s.Bind(1, item_id).Bind(2, n.name).Bind(3, NonEmpty(n.name_hex)).Bind(4, n.path);
  s.Bind(5, NonEmpty(n.mtime)).Bind(6, n.ingested_at).Bind(7, n.actor).Bind(8, NonEmpty(n.source));
  s.Bind(9, NonEmpty(n.note)).Bind(10, n.custody_seq);
  return s.Run();
}

Result<std::string> Catalog::Metadata(std::int64_t item_id) {
  SL_ASSIGN_OR_RETURN(SqliteStmt s,
                      db_->Prepare("SELECT probe_json FROM item_metadata WHERE item_id = ?1"));
  s.Bind(1, item_id);
  SL_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.Text(0) : std::string();
}

Status Catalog::PutMetadata(std::int64_t item_id, int probe_version, const std::string& json) {
  SL_ASSIGN_OR_RETURN(SqliteStmt s,
                      db_->Prepare("INSERT OR REPLACE INTO item_metadata (item_id, probe_version, "
                                   "probe_json) VALUES (?1, ?2, ?3)"));
  s.Bind(1, item_id).Bind(2, static_cast<std::int64_t>(probe_version)).Bind(3, json);
  return s.Run();
}

Result<std::vector<StoredTimestamp>> Catalog::Timestamps() {
  SL_ASSIGN_OR_RETURN(
      SqliteStmt s, db_->Prepare("SELECT id, log_seq, log_head, tsa_url, response_der, chain_pem, "
                                 "gen_time, custody_seq FROM timestamps ORDER BY id"));
  std::vector<StoredTimestamp> out;
  for (;;) {
    SL_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    StoredTimestamp t;
    t.id = s.Int(0);
    t.log_seq = s.Int(1);
    t.log_head = s.Text(2);
    t.tsa_url = s.Text(3);
    t.response_der = s.Text(4);
    t.chain_pem = s.Text(5);
    t.gen_time = s.Text(6);
    t.custody_seq = s.Int(7);
    out.push_back(std::move(t));
  }
  return out;
}

Status Catalog::InsertTimestamp(const StoredTimestamp& t) {
  SL_ASSIGN_OR_RETURN(
      SqliteStmt s, db_->Prepare("INSERT INTO timestamps (log_seq, log_head, tsa_url, "
                                 "response_der, chain_pem, gen_time, custody_seq) VALUES (?1, ?2, "
                                 "?3, ?4, ?5, ?6, ?7)"));
  s.Bind(1, t.log_seq).Bind(2, t.log_head).Bind(3, t.tsa_url).BindBlob(4, t.response_der);
  s.Bind(5, t.chain_pem).Bind(6, t.gen_time).Bind(7, t.custody_seq);
  return s.Run();
}

Result<std::string> Catalog::Info(const std::string& key) {
  SL_ASSIGN_OR_RETURN(SqliteStmt s, db_->Prepare("SELECT value FROM case_info WHERE key = ?1"));
  s.Bind(1, key);
  SL_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.Text(0) : std::string();
}

Status Catalog::SetInfo(const std::string& key, const std::string& value) {
  SL_ASSIGN_OR_RETURN(
      SqliteStmt s, db_->Prepare("INSERT OR REPLACE INTO case_info (key, value) VALUES (?1, ?2)"));
  s.Bind(1, key).Bind(2, value);
  return s.Run();
}

}  // namespace sightline::evidence
