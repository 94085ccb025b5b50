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

Result<bool> HasSidecarTable(SqliteDb* db) {
  SL_ASSIGN_OR_RETURN(int version, StoredSchemaVersion(db));
  return version >= kSidecarSchema;
}

constexpr char kColumns[] =
    "id, item_id, kind, sha256, size, name, path, summary, actor, created_at, custody_seq";

Sidecar SidecarAt(const SqliteStmt& s) {
  Sidecar sc;
  sc.id = s.Int(0);
  sc.item_id = s.Int(1);
  sc.kind = s.Text(2);
  sc.sha256 = s.Text(3);
  sc.size = static_cast<std::uint64_t>(s.Int(4));
  sc.name = s.Text(5);
  sc.path = s.Text(6);
  sc.summary = s.Text(7);
  sc.actor = s.Text(8);
  sc.created_at = s.Text(9);
  sc.custody_seq = s.Int(10);
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
    SL_ASSIGN_OR_RETURN(SqliteStmt item, c.db()->Prepare("SELECT sha256 FROM items WHERE id = ?1"));
    item.Bind(1, item_id);
    SL_ASSIGN_OR_RETURN(bool found, item.Step());
    if (!found) return NotFound("no item #" + std::to_string(item_id) + " in this case");
    const std::string item_sha = item.Text(0);
    SL_ASSIGN_OR_RETURN(SqliteStmt existing,
                        c.db()->Prepare(std::string("SELECT ") + kColumns +
                                        " FROM sidecars WHERE item_id = ?1 AND sha256 = ?2"));
    existing.Bind(1, item_id).Bind(2, sc.sha256);
    SL_ASSIGN_OR_RETURN(bool known, existing.Step());
    if (known) {
      sc = SidecarAt(existing);
      out.already_present = true;
      return Status(StatusCode::kAlreadyExists, "already a sidecar of this item");
    }
    SL_ASSIGN_OR_RETURN(SqliteStmt ins,
                        c.db()->Prepare("INSERT INTO sidecars (item_id, kind, sha256, size, name, "
                                        "path, summary, actor, created_at, custody_seq) VALUES "
                                        "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
    ins.Bind(1, item_id)
        .Bind(2, kind)
        .Bind(3, sc.sha256)
        .Bind(4, static_cast<std::int64_t>(sc.size))
        .Bind(5, name)
        .Bind(6, origin)
        .Bind(7, summary)
        .Bind(8, who.actor)
        .Bind(9, ctx.time)
        .Bind(10, ctx.seq);
    SL_RETURN_IF_ERROR(ins.Run());
    sc.id = c.db()->LastInsertId();
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
  SL_ASSIGN_OR_RETURN(bool has_table, HasSidecarTable(c.db()));
  std::vector<Sidecar> out;
  if (!has_table) return out;
  SL_ASSIGN_OR_RETURN(SqliteStmt s,
                      c.db()->Prepare(std::string("SELECT ") + kColumns +
                                      " FROM sidecars WHERE ?1 = 0 OR item_id = ?1 ORDER BY id"));
  s.Bind(1, item_id);
  for (;;) {
    SL_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(SidecarAt(s));
  }
  return out;
}

Result<bool> IsSidecarObject(SqliteDb* db, const std::string& sha256) {
  SL_ASSIGN_OR_RETURN(bool has_table, HasSidecarTable(db));
  if (!has_table) return false;
  SL_ASSIGN_OR_RETURN(SqliteStmt s, db->Prepare("SELECT 1 FROM sidecars WHERE sha256 = ?1"));
  s.Bind(1, sha256);
  return s.Step();
}

}  // namespace sightline::evidence
