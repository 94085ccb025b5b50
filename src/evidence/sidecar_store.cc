#include "evidence/sidecar_store.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <nlohmann/json.hpp>

#include "base/file.h"
#include "evidence/schema.h"

namespace sightline::evidence {

namespace {

constexpr int kSidecarSchema = 5;  // evidence/schema.cc: migration 4 -> 5

Result<bool> HasSidecarTable(SqlConnection* db) {
  SL_ASSIGN_OR_RETURN(int version, StoredSchemaVersion(db));
  return version >= kSidecarSchema;
}

constexpr char kColumns[] =
    "id, item_id, kind, sha256, size, name, path, summary, actor, created_at, custody_seq";

Sidecar SidecarAt(const SqlRows& r, std::size_t i) {
  Sidecar sc;
  sc.id = r.Int(i, 0);
  sc.item_id = r.Int(i, 1);
  sc.kind = r.Text(i, 2);
  sc.sha256 = r.Text(i, 3);
  sc.size = static_cast<std::uint64_t>(r.Int(i, 4));
  sc.name = r.Text(i, 5);
  sc.path = r.Text(i, 6);
  sc.summary = r.Text(i, 7);
  sc.actor = r.Text(i, 8);
  sc.created_at = r.Text(i, 9);
  sc.custody_seq = r.Int(i, 10);
  return sc;
}

}  // namespace

Result<SidecarAdded> AddSidecar(Case& c, const Identity& who, std::int64_t item_id,
                                const std::string& kind, const std::string& path,
                                const std::string& name, const std::string& origin,
                                const std::string& summary) {
  SL_ASSIGN_OR_RETURN(UniqueFd fd, OpenForRead(path));
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus(path, "cannot stat", errno);
  if (!S_ISREG(st.st_mode)) {
    return InvalidArgument(DisplayPath(path) + ": not a regular file");
  }
  if (st.st_size == 0) return InvalidArgument(DisplayPath(path) + ": empty file");
  SL_ASSIGN_OR_RETURN(StagedObject staged, c.objects().Stage(fd.get(), path, {}));

  SidecarAdded out;
  Sidecar& sc = out.sidecar;
  sc.item_id = item_id;
  sc.kind = kind;
  sc.sha256 = staged.sha256();
  sc.size = staged.size();
  sc.name = name;
  sc.path = origin;
  sc.summary = summary;
  sc.actor = who.actor;
  Result<CustodyEntry> entry = c.Write(who, [&](Case::WriteContext& ctx) -> Result<CustodyRecord> {
    SqlConnection* db = c.sql();
    SL_ASSIGN_OR_RETURN(SqlRows item,
                        db->Query("SELECT sha256 FROM items WHERE id = $1", {item_id}));
    if (item.empty()) return NotFound("no item #" + std::to_string(item_id) + " in this case");
    const std::string item_sha = item.Text(0, 0);
    SL_ASSIGN_OR_RETURN(SqlRows existing,
                        db->Query(std::string("SELECT ") + kColumns +
                                      " FROM sidecars WHERE item_id = $1 AND sha256 = $2",
                                  {item_id, sc.sha256}));
    if (!existing.empty()) {
      sc = SidecarAt(existing, 0);
      out.already_present = true;
      return Status(StatusCode::kAlreadyExists, "already a sidecar of this item");
    }
    SL_ASSIGN_OR_RETURN(
        SqlRows ins, db->Query("INSERT INTO sidecars (item_id, kind, sha256, size, name, path, "
                               "summary, actor, created_at, custody_seq) VALUES ($1, $2, $3, "
                               "$4, $5, $6, $7, $8, $9, $10) RETURNING id",
                               {item_id, kind, sc.sha256, static_cast<std::int64_t>(sc.size), name,
                                origin, summary, who.actor, ctx.time, ctx.seq}));
    if (ins.empty()) return Internal(db->description() + ": INSERT INTO sidecars returned no id");
    sc.id = ins.Int(0, 0);
    sc.created_at = ctx.time;
    sc.custody_seq = ctx.seq;
    nlohmann::json details = {
        {"id", sc.id},     {"item_id", item_id}, {"kind", kind},  {"sidecar_sha256", sc.sha256},
        {"size", sc.size}, {"name", name},       {"path", origin}};
    // The item's hash is the entry's object: the sidecar is bound to that content.
    return CustodyRecord{"sidecar_added", item_sha, details.dump()};
  });
  if (!entry.ok()) {
    if (out.already_present) return out;
    return entry.status();
  }
  Status published = c.objects().Publish(&staged);
  if (!published.ok()) {
    // Recorded: the staged copy stays, and the next write to the case publishes it.
    staged.Keep();
    return Status(published.code(), "sidecar " + name + " recorded, but " + published.message() +
                                        " (the next write to the case completes it)");
  }
  return out;
}

Result<std::vector<Sidecar>> ListSidecars(Case& c, std::int64_t item_id) {
  SL_ASSIGN_OR_RETURN(int version, c.SchemaVersion());
  std::vector<Sidecar> out;
  if (version < kSidecarSchema) return out;
  SL_ASSIGN_OR_RETURN(
      SqlRows r,
      c.sql()->Query(std::string("SELECT ") + kColumns +
                         " FROM sidecars WHERE CAST($1 AS BIGINT) = 0 OR item_id = $1 ORDER BY id",
                     {item_id}));
  for (std::size_t i = 0; i < r.size(); ++i) out.push_back(SidecarAt(r, i));
  return out;
}

Result<bool> IsSidecarObject(SqlConnection* db, const std::string& sha256) {
  SL_ASSIGN_OR_RETURN(bool has_table, HasSidecarTable(db));
  if (!has_table) return false;
  SL_ASSIGN_OR_RETURN(SqlRows r, db->Query("SELECT 1 FROM sidecars WHERE sha256 = $1", {sha256}));
  return !r.empty();
}

}  // namespace sightline::evidence
