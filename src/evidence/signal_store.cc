#include "evidence/signal_store.h"

#include <nlohmann/json.hpp>

#include "base/file.h"
#include "base/sha256.h"

namespace sightline::evidence {

namespace {

constexpr char kSignalColumns[] =
    "id, item_id, kind, version, params, path, sha256, summary, created_at, custody_seq";

StoredSignal SignalRow(const SqliteStmt& s) {
  StoredSignal r;
  r.id = s.Int(0);
  r.item_id = s.Int(1);
  r.key.kind = s.Text(2);
  r.key.version = static_cast<int>(s.Int(3));
  r.key.params = s.Text(4);
  r.path = s.Text(5);
  r.sha256 = s.Text(6);
  r.summary = s.Text(7);
  r.created_at = s.Text(8);
  r.custody_seq = s.Int(9);
  return r;
}

}  // namespace

Result<std::optional<StoredSignal>> FindSignal(Case& c, std::int64_t item_id,
                                               const SignalKey& key) {
  SL_ASSIGN_OR_RETURN(SqliteStmt s,
                      c.db()->Prepare(std::string("SELECT ") + kSignalColumns +
                                      " FROM signals WHERE item_id = ?1 AND kind = ?2 AND "
                                      "version = ?3 AND params = ?4"));
  s.Bind(1, item_id).Bind(2, key.kind).Bind(3, static_cast<std::int64_t>(key.version));
  s.Bind(4, key.params);
  SL_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<StoredSignal>();
  return std::optional<StoredSignal>(SignalRow(s));
}

Result<StoredSignal> StoreSignal(Case& c, const Identity& who, const Item& item,
                                 const SignalKey& key, const std::string& data,
                                 const std::string& summary,
                                 const std::vector<FrameHashRow>& frames,
                                 const std::string& extension) {
  // The file first: a crash before the transaction leaves only a rebuildable orphan in derived/.
  std::string params_digest = Sha256Hex(key.params).substr(0, 8);
  std::string relative = "derived/" + key.kind + "/" + item.sha256.substr(0, 2) + "/" +
                         item.sha256 + ".v" + std::to_string(key.version) + "." + params_digest +
                         "." + extension;
  std::string path = JoinPath(c.dir(), relative);
  SL_RETURN_IF_ERROR(MakeDirs(DirName(path)));
  SL_RETURN_IF_ERROR(WriteFileAtomic(path, data));

  StoredSignal stored;
  stored.item_id = item.id;
  stored.key = key;
  stored.path = relative;
  stored.sha256 = Sha256Hex(data);
  stored.summary = summary;
  Result<CustodyEntry> entry = c.Write(who, [&](Case::WriteContext& ctx) -> Result<CustodyRecord> {
    stored.created_at = ctx.time;
    stored.custody_seq = ctx.seq;
    SL_ASSIGN_OR_RETURN(SqliteStmt ins,
                        c.db()->Prepare("INSERT INTO signals (item_id, kind, version, params, "
                                        "path, sha256, summary, created_at, custody_seq) "
                                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
    ins.Bind(1, item.id).Bind(2, key.kind).Bind(3, static_cast<std::int64_t>(key.version));
    ins.Bind(4, key.params).Bind(5, relative).Bind(6, stored.sha256).Bind(7, summary);
    ins.Bind(8, ctx.time).Bind(9, ctx.seq);
    Status inserted = ins.Run();
    if (!inserted.ok()) {
      if (inserted.message().find("UNIQUE") != std::string::npos) {
        return Status(StatusCode::kAlreadyExists, "signal already stored");
      }
      return inserted;
    }
    stored.id = c.db()->LastInsertId();
    SL_ASSIGN_OR_RETURN(SqliteStmt row,
                        c.db()->Prepare("INSERT INTO frame_hashes (signal_id, t, hash, "
                                        "quality) VALUES (?1, ?2, ?3, ?4)"));
    for (const FrameHashRow& f : frames) {
      SL_RETURN_IF_ERROR(row.Reset());
      row.Bind(1, stored.id).Bind(4, static_cast<std::int64_t>(f.quality));
      SL_RETURN_IF_ERROR(
          row.BindDouble(2, f.t)
              .BindBlob(
                  3, std::string_view(reinterpret_cast<const char*>(f.hash.data()), f.hash.size()))
              .Run());
    }
    nlohmann::json details = {
        {"item_id", item.id},     {"kind", key.kind},
        {"version", key.version}, {"params", nlohmann::json::parse(key.params, nullptr, false)},
        {"path", relative},       {"sha256", stored.sha256},
        {"frames", frames.size()}};
    return CustodyRecord{"derive", item.sha256, details.dump()};
  });
  if (!entry.ok()) return entry.status();
  return stored;
}

Result<std::vector<FrameHashRow>> FrameRows(Case& c, std::int64_t signal_id) {
  SL_ASSIGN_OR_RETURN(SqliteStmt s, c.db()->Prepare("SELECT t, hash, quality FROM frame_hashes "
                                                    "WHERE signal_id = ?1 ORDER BY t"));
  s.Bind(1, signal_id);
  std::vector<FrameHashRow> out;
  for (;;) {
    SL_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    FrameHashRow r;
    r.t = s.Double(0);
    std::string blob = s.Text(1);
    if (blob.size() == r.hash.size()) std::copy(blob.begin(), blob.end(), r.hash.begin());
    r.quality = static_cast<int>(s.Int(2));
    out.push_back(r);
  }
  return out;
}

Result<std::string> ReadSignalData(Case& c, const StoredSignal& signal) {
  return ReadFileToString(JoinPath(c.dir(), signal.path), 1ull << 30);
}

Result<nlohmann::json> ReadSignalJson(Case& c, const StoredSignal& signal) {
  SL_ASSIGN_OR_RETURN(std::string text, ReadSignalData(c, signal));
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return Corrupt(signal.path + ": not JSON");
  return j;
}

}  // namespace sightline::evidence
