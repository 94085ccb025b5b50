#include "evidence/signal_store.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "base/file.h"
#include "base/sha256.h"

namespace sightline::evidence {

namespace {

constexpr char kSignalColumns[] =
    "id, item_id, kind, version, params, path, sha256, summary, created_at, custody_seq";

StoredSignal SignalRow(const SqlRows& rows, std::size_t i) {
  StoredSignal r;
  r.id = rows.Int(i, 0);
  r.item_id = rows.Int(i, 1);
  r.key.kind = rows.Text(i, 2);
  r.key.version = static_cast<int>(rows.Int(i, 3));
  r.key.params = rows.Text(i, 4);
  r.path = rows.Text(i, 5);
  r.sha256 = rows.Text(i, 6);
  r.summary = rows.Text(i, 7);
  r.created_at = rows.Text(i, 8);
  r.custody_seq = rows.Int(i, 9);
  return r;
}

// Frame rows go in statements of this many rows: one round trip each on PostgreSQL, and well
// under SQLite's limit of 32766 parameters.
constexpr std::size_t kFrameRowsPerInsert = 250;

Status InsertFrameRows(SqlConnection* db, std::int64_t signal_id,
                       const std::vector<FrameHashRow>& frames) {
  for (std::size_t start = 0; start < frames.size(); start += kFrameRowsPerInsert) {
    const std::size_t end = std::min(frames.size(), start + kFrameRowsPerInsert);
    std::string sql = "INSERT INTO frame_hashes (signal_id, t, hash, quality) VALUES ";
    std::vector<SqlValue> params;
    params.reserve((end - start) * 4);
    for (std::size_t i = start; i < end; ++i) {
      const std::size_t p = params.size();
      sql += (i == start ? "($" : ", ($") + std::to_string(p + 1) + ", $" + std::to_string(p + 2) +
             ", $" + std::to_string(p + 3) + ", $" + std::to_string(p + 4) + ")";
      const FrameHashRow& f = frames[i];
      params.emplace_back(signal_id);
      params.emplace_back(f.t);
      params.emplace_back(
          SqlBlob{std::string(reinterpret_cast<const char*>(f.hash.data()), f.hash.size())});
      params.emplace_back(static_cast<std::int64_t>(f.quality));
    }
    SL_RETURN_IF_ERROR(db->Query(sql, params).status());
  }
  return Status::Ok();
}

}  // namespace

Result<std::optional<StoredSignal>> FindSignal(Case& c, std::int64_t item_id,
                                               const SignalKey& key) {
  SL_ASSIGN_OR_RETURN(SqlRows r,
                      c.sql()->Query(std::string("SELECT ") + kSignalColumns +
                                         " FROM signals WHERE item_id = $1 AND kind = $2 AND "
                                         "version = $3 AND params = $4",
                                     {item_id, key.kind, std::int64_t{key.version}, key.params}));
  if (r.empty()) return std::optional<StoredSignal>();
  return std::optional<StoredSignal>(SignalRow(r, 0));
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
    SL_ASSIGN_OR_RETURN(
        SqlRows ins,
        c.sql()->Query("INSERT INTO signals (item_id, kind, version, params, path, sha256, "
                       "summary, created_at, custody_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, "
                       "$8, $9) ON CONFLICT (item_id, kind, version, params) DO NOTHING "
                       "RETURNING id",
                       {item.id, key.kind, std::int64_t{key.version}, key.params, relative,
                        stored.sha256, summary, ctx.time, ctx.seq}));
    if (ins.empty()) return Status(StatusCode::kAlreadyExists, "signal already stored");
    stored.id = ins.Int(0, 0);
    SL_RETURN_IF_ERROR(InsertFrameRows(c.sql(), stored.id, frames));
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
  SL_ASSIGN_OR_RETURN(SqlRows rows, c.sql()->Query("SELECT t, hash, quality FROM frame_hashes "
                                                   "WHERE signal_id = $1 ORDER BY t",
                                                   {signal_id}));
  std::vector<FrameHashRow> out;
  out.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    FrameHashRow r;
    r.t = rows.Double(i, 0);
    std::string blob = rows.Text(i, 1);
    if (blob.size() == r.hash.size()) std::copy(blob.begin(), blob.end(), r.hash.begin());
    r.quality = static_cast<int>(rows.Int(i, 2));
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
