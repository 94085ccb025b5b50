#include "evidence/case.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "base/file.h"
#include "base/time.h"
#include "evidence/schema.h"
#include "evidence/sidecar_store.h"
#include "evidence/sqlite.h"

namespace sightline::evidence {

namespace {

constexpr char kDbName[] = "case.db";
constexpr char kCatalogUrlName[] = "catalog.url";
constexpr char kReadme[] =
    "This directory is a Sightline case.\n\n"
    "  case.db    SQLite database: the catalogue of items and the signed custody log\n"
    "             (or catalog.url: the PostgreSQL database that holds them)\n"
    "  objects/   the originals, named by their SHA-256 (objects/ab/cdef...), never modified\n"
    "  staging/   copies in flight during an ingest\n"
    "  derived/   data computed from the originals; safe to delete, it is rebuilt\n\n"
    "The formats are documented in Sightline's doc/case-format.md and doc/custody-log.md.\n"
    "Do not edit anything here by hand: 'sightline verify --case DIR' will report it.\n";

std::string NewCaseId() {
  unsigned char b[16];
  randombytes_buf(b, sizeof b);
  b[6] = (b[6] & 0x0f) | 0x40;  // RFC 4122 version 4
  b[8] = (b[8] & 0x3f) | 0x80;
  std::string hex = ToHex(b, sizeof b);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

// A catalogue being made by Create: ".case.db.creating-PID-RANDOM".
constexpr char kCreatingPrefix[] = ".case.db.creating-";

// Removes the catalogues that creations killed before they finished left in `dir` (those whose
// process is gone).
Status RemoveAbandonedCreations(const std::string& dir) {
  SL_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDirectory(dir));
  const std::string prefix = kCreatingPrefix;
  for (const std::string& name : names) {
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
    if (pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM)) continue;
    const std::string path = JoinPath(dir, name);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      return ErrnoStatus(path, "cannot remove what an interrupted creation left", errno);
    }
  }
  return Status();
}

// The URL recorded in dir/catalog.url, "" when the case keeps its catalogue in case.db.
Result<std::string> RecordedCatalogUrl(const std::string& dir) {
  const std::string path = JoinPath(dir, kCatalogUrlName);
  if (!PathExists(path)) return std::string();
  SL_ASSIGN_OR_RETURN(std::string url, ReadFileToString(path, 64 * 1024));
  while (!url.empty() && (url.back() == '\n' || url.back() == '\r' || url.back() == ' ')) {
    url.pop_back();
  }
  if (!IsPostgresUrl(url)) {
    return Corrupt(DisplayPath(path) + ": not a postgresql:// URL");
  }
  return url;
}

// Binds the new case directory `dir` to the PostgreSQL catalogue at `url`: makes the schema,
// checks that the database holds no case yet, and records the URL in dir/catalog.url. Returns the
// connection that holds the database's creation lock: whoever keeps it open until the case's
// first entry is written is the only one to bind that database.
Result<std::unique_ptr<SqlConnection>> BindSharedCatalogue(const std::string& dir,
                                                           const std::string& url) {
  SL_ASSIGN_OR_RETURN(std::unique_ptr<SqlConnection> sql, OpenSql(url));
  // A session lock, released when the connection closes.
  SL_RETURN_IF_ERROR(sql->Query("SELECT pg_advisory_lock(7301730176)").status());
  SL_RETURN_IF_ERROR(MigrateSchema(sql.get()));
  SL_ASSIGN_OR_RETURN(std::string held, Catalog(sql.get()).Info("case_id"));
  SL_ASSIGN_OR_RETURN(std::string recorded, RecordedCatalogUrl(dir));
  if (recorded == url) return sql;  // bound meanwhile by another creation of this directory
  if (!held.empty()) {
    // One database, one case: two directories sharing a catalogue would each hold originals the
    // other's custody log records.
    return InvalidArgument(sql->description() + " holds case " + held +
                           " already; give each case a database of its own (createdb)");
  }
  // 0600: the URL may name a user, or even a password.
  SL_RETURN_IF_ERROR(WriteFileAtomic(JoinPath(dir, kCatalogUrlName), url + "\n", 0600));
  SL_RETURN_IF_ERROR(FsyncDir(dir));
  return sql;
}

}  // namespace

Case::Case(std::string dir, std::unique_ptr<SqlConnection> sql, std::string catalog_url)
    : dir_(std::move(dir)),
      sql_(std::move(sql)),
      catalog_url_(std::move(catalog_url)),
      catalog_(sql_.get()),
      log_(sql_.get()),
      objects_(dir_) {}

bool Case::Exists(const std::string& dir) {
  return PathExists(JoinPath(dir, kDbName)) || PathExists(JoinPath(dir, kCatalogUrlName));
}

Result<std::unique_ptr<Case>> Case::Open(const std::string& dir, Access access) {
  if (!IsDirectory(dir)) return NotFound(DisplayPath(dir) + ": no such case directory");
  if (!Exists(dir)) {
    return NotFound(DisplayPath(dir) + ": not a Sightline case (no case.db or catalog.url)");
  }
  SL_ASSIGN_OR_RETURN(std::string url, RecordedCatalogUrl(dir));
  std::unique_ptr<SqlConnection> sql;
  if (url.empty()) {
    auto mode = access == Access::kWrite ? SqliteDb::Mode::kReadWrite : SqliteDb::Mode::kReadOnly;
    SL_ASSIGN_OR_RETURN(auto db, SqliteDb::Open(JoinPath(dir, kDbName), mode));
    sql = SqliteConnectionOver(std::move(db));
  } else {
    Result<std::unique_ptr<SqlConnection>> opened = OpenSql(url);
    if (!opened.ok()) {
      return Status(opened.status().code(),
                    DisplayPath(dir) + ": its catalogue " + opened.status().message());
    }
    sql = std::move(*opened);
    // A reader cannot write by mistake, whatever it runs.
    if (access == Access::kRead) SL_RETURN_IF_ERROR(sql->SetReadOnly());
  }
  int version = CurrentSchemaVersion();
  if (access == Access::kWrite) {
    SL_RETURN_IF_ERROR(MigrateSchema(sql.get()));
  } else {
    SL_ASSIGN_OR_RETURN(version, StoredSchemaVersion(sql.get()));
    if (version > CurrentSchemaVersion()) {
      return Unsupported(DisplayPath(dir) + ": written by a newer Sightline (schema " +
                         std::to_string(version) + "); upgrade Sightline");
    }
  }
  std::unique_ptr<Case> c(new Case(dir, std::move(sql), url));
  c->schema_version_ = version;
  if (access == Access::kWrite) {
    for (const char* sub : {"objects", "staging", "derived"}) {
      SL_RETURN_IF_ERROR(MakeDirs(JoinPath(dir, sub)));
    }
    Catalog& catalog = c->catalog_;
    SqlConnection* db = c->sql();
    auto recovered = c->objects_.Recover([&catalog, db](const std::string& sha) -> Result<bool> {
      SL_ASSIGN_OR_RETURN(std::optional<Item> item, catalog.FindBySha(sha));
      if (item) return true;
      return IsSidecarObject(db, sha);  // sidecars are published the same way
    });
    if (!recovered.ok()) return recovered.status();
  }
  return c;
}

Result<int> Case::SchemaVersion() {
  if (schema_version_ == CurrentSchemaVersion()) return schema_version_;
  SL_ASSIGN_OR_RETURN(schema_version_, StoredSchemaVersion(sql()));
  return schema_version_;
}

Result<std::unique_ptr<Case>> Case::Create(const std::string& dir, const Identity& who,
                                           const std::string& catalog_url) {
  if (!catalog_url.empty() && !IsPostgresUrl(catalog_url)) {
    return InvalidArgument("catalogue " + catalog_url +
                           ": give a postgresql://… URL (a SQLite catalogue is the case's own "
                           "case.db, the default)");
  }
  if (Exists(dir)) {
    SL_ASSIGN_OR_RETURN(std::string recorded, RecordedCatalogUrl(dir));
    if (recorded != catalog_url) {
      return InvalidArgument(
          DisplayPath(dir) + " is a case whose catalogue is " +
          (recorded.empty() ? std::string("its own case.db") : "on " + recorded) + ", not " +
          (catalog_url.empty() ? std::string("case.db") : catalog_url) +
          "; open it without --db, or give another directory");
    }
  }
  for (const char* sub : {"objects", "staging", "derived"}) {
    SL_RETURN_IF_ERROR(MakeDirs(JoinPath(dir, sub)));
  }
  std::string readme = JoinPath(dir, "README.txt");
  if (!PathExists(readme)) SL_RETURN_IF_ERROR(WriteFileAtomic(readme, kReadme));
  std::unique_ptr<SqlConnection> binding;  // held until the first entry is written
  if (!catalog_url.empty() && !Exists(dir)) {
    SL_ASSIGN_OR_RETURN(binding, BindSharedCatalogue(dir, catalog_url));
  }
  const std::string db_path = JoinPath(dir, kDbName);
  if (!Exists(dir)) {
    // The catalogue is made under a name of this process's and linked into place once it holds
    // its schema and its first custody entry, so that case.db is never half made: a process
    // killed while creating leaves only its temporary file (removed by the next Create once that
    // process is gone), and of two processes creating at once the first link wins and the other
    // opens that case.
    SL_RETURN_IF_ERROR(RemoveAbandonedCreations(dir));
    const std::string making = JoinPath(
        dir, std::string(kCreatingPrefix) + std::to_string(::getpid()) + "-" + NewCaseId());
    {
      SL_ASSIGN_OR_RETURN(auto db, SqliteDb::Open(making, SqliteDb::Mode::kCreate));
      std::unique_ptr<Case> c(new Case(dir, SqliteConnectionOver(std::move(db)), ""));
      SL_RETURN_IF_ERROR(MigrateSchema(c->sql()));
      Status written = WriteCreated(*c, who).status();
      if (!written.ok()) {
        c.reset();
        ::unlink(making.c_str());
        return written;
      }
    }  // closed: nothing of it left in a journal
    const bool linked = ::link(making.c_str(), db_path.c_str()) == 0;
    const int link_error = errno;
    ::unlink(making.c_str());
    if (!linked && link_error != EEXIST) {
      return ErrnoStatus(db_path, "cannot put the new catalogue in place", link_error);
    }
    SL_RETURN_IF_ERROR(FsyncDir(dir));
    return Open(dir, Access::kWrite);
  }
  // A case.db made by an older Sightline without its first entry gets it now, as does a shared
  // catalogue just bound (or bound by a creation that was interrupted before its first entry).
  SL_ASSIGN_OR_RETURN(auto c, Open(dir, Access::kWrite));
  Result<CustodyEntry> created = WriteCreated(*c, who);
  if (!created.ok() && created.status().code() != StatusCode::kAlreadyExists) {
    return created.status();
  }
  return c;
}

Result<CustodyEntry> Case::WriteCreated(Case& c, const Identity& who) {
  return c.Write(who, [&](WriteContext& ctx) -> Result<CustodyRecord> {
    SL_ASSIGN_OR_RETURN(std::string existing, ctx.catalog.Info("case_id"));
    if (!existing.empty()) return Status(StatusCode::kAlreadyExists, "case exists");
    std::string id = NewCaseId();
    SL_RETURN_IF_ERROR(ctx.catalog.SetInfo("case_id", id));
    SL_RETURN_IF_ERROR(ctx.catalog.SetInfo("created_at", ctx.time));
    SL_RETURN_IF_ERROR(ctx.catalog.SetInfo("created_by", who.actor));
    SL_RETURN_IF_ERROR(ctx.catalog.SetInfo("public_key", who.key.PublicHex()));
    nlohmann::json details = {{"case_id", id}, {"schema_version", CurrentSchemaVersion()}};
    return CustodyRecord{"case_created", "", details.dump()};
  });
}

Result<CustodyEntry> Case::Write(const Identity& who, const Change& change) {
  SqlTransaction tx(sql_.get());
  SL_RETURN_IF_ERROR(tx.Begin());
  if (sql_->dialect() == SqlDialect::kPostgres) {
    // One writer at a time extends the chain (SQLite's BEGIN IMMEDIATE does this there); readers
    // are not held up. Released at commit or rollback.
    SL_RETURN_IF_ERROR(sql_->Query("LOCK TABLE custody_log IN SHARE ROW EXCLUSIVE MODE").status());
  }
  SL_ASSIGN_OR_RETURN(std::optional<CustodyEntry> head, log_.Head());
  CustodyEntry entry;
  entry.seq = head ? head->seq + 1 : 1;
  entry.prev_hash = head ? head->entry_hash : kGenesisHash;
  entry.time = UtcNowRfc3339();
  entry.actor = who.actor;

  std::string public_key = who.key.PublicHex();
  SL_ASSIGN_OR_RETURN(bool known, log_.IsSigner(public_key));
  if (!known) {
    CustodyEntry added = entry;
    added.action = "signer_added";
    added.details = nlohmann::json{{"public_key", public_key}, {"actor", who.actor}}.dump();
    SL_RETURN_IF_ERROR(SignEntry(who.key, &added));
    SL_RETURN_IF_ERROR(log_.Append(added));
    SL_RETURN_IF_ERROR(log_.AddSigner(public_key, who.actor, added.seq));
    entry.seq = added.seq + 1;
    entry.prev_hash = added.entry_hash;
  }

  WriteContext ctx{entry.seq, entry.time, catalog_, log_};
  SL_ASSIGN_OR_RETURN(CustodyRecord record, change(ctx));
  entry.action = record.action;
  entry.object_sha256 = record.object_sha256;
  entry.details = record.details.empty() ? "{}" : record.details;
  SL_RETURN_IF_ERROR(SignEntry(who.key, &entry));
  SL_RETURN_IF_ERROR(log_.Append(entry));
  SL_RETURN_IF_ERROR(tx.Commit());
  return entry;
}

std::string Case::case_id() {
  Result<std::string> id = catalog_.Info("case_id");
  return id.ok() ? *id : "";
}

std::string Case::DerivedDir() const { return JoinPath(dir_, "derived"); }

}  // namespace sightline::evidence
