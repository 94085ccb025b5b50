// A case: the directory that holds an investigation's evidence.
//
//   case.db      SQLite catalogue (items, names, metadata, the investigation) and the custody log
//   catalog.url  instead of case.db: the PostgreSQL database that holds the catalogue, for a
//                desk that shares one server (doc/team-server.md)
//   objects/     originals named by SHA-256, read-only, never modified
//   staging/     copies in flight during ingest; cleaned by the next write
//   derived/     anything rebuildable from the originals (keyframes, fingerprints, …)
//
// Every change goes through Case::Write, which runs it in one transaction together with the
// signed custody entry that records it: both happen or neither does.
//
// Thread safety: a Case is used by one thread. Several processes may open the same case; their
// writes are serialised by SQLite's write lock, or on PostgreSQL by a lock on the custody log.
#ifndef SIGHTLINE_EVIDENCE_CASE_H_
#define SIGHTLINE_EVIDENCE_CASE_H_

#include <functional>
#include <memory>
#include <string>

#include "base/status.h"
#include "evidence/catalog.h"
#include "evidence/custody.h"
#include "evidence/custody_log.h"
#include "evidence/identity.h"
#include "evidence/object_store.h"
#include "evidence/sql.h"

namespace sightline::evidence {

class Case {
 public:
  enum class Access { kRead, kWrite };

  // True when `dir` holds a case (a case.db or a catalog.url).
  static bool Exists(const std::string& dir);
  // Opens an existing case. With kWrite, also migrates an older schema and finishes or cleans up
  // ingests that were interrupted (see ObjectStore::Recover).
  static Result<std::unique_ptr<Case>> Open(const std::string& dir, Access access);
  // Creates a case in `dir` (created if absent) and records its creation, signed by `who`.
  // When another process created it meanwhile, opens that case instead. `catalog_url` empty
  // keeps the catalogue in dir/case.db; "postgresql://…" puts it in that database, which must
  // not hold another case, and records the URL in dir/catalog.url. A case that exists already
  // is opened when its catalogue is the one asked for, and refused (kInvalidArgument) when not.
  static Result<std::unique_ptr<Case>> Create(const std::string& dir, const Identity& who,
                                              const std::string& catalog_url = "");

  // What a change sees while it runs: the seq and time its custody entry will carry.
  struct WriteContext {
    std::int64_t seq;
    std::string time;
    Catalog& catalog;
    CustodyLog& log;
  };
  using Change = std::function<Result<CustodyRecord>(WriteContext&)>;

  // The one way to change a case. Runs `change` inside a write transaction, appends the custody
  // record it returns (signed by `who`), and commits both. If `change` fails nothing is written
  // and its Status is returned. A signer new to this case is first recorded by a "signer_added"
  // entry signed with the new key.
  Result<CustodyEntry> Write(const Identity& who, const Change& change);

  const std::string& dir() const { return dir_; }
  std::string case_id();
  Catalog& catalog() { return catalog_; }
  CustodyLog& log() { return log_; }
  ObjectStore& objects() { return objects_; }
  // The catalogue's connection, for the case/ layer's own tables. Writes belong inside Write.
  SqlConnection* sql() { return sql_.get(); }
  // The catalogue's schema version (evidence/schema.h), for the layers whose tables came with a
  // migration. Asked of the catalogue until it is this Sightline's version, then kept: it cannot
  // change after that (Open refuses newer ones), while an older one may be migrated by a writer
  // under a reader. Saves the list calls a round trip each on PostgreSQL.
  Result<int> SchemaVersion();
  // The URL in catalog.url for a catalogue on PostgreSQL, "" for dir/case.db.
  const std::string& catalog_url() const { return catalog_url_; }
  std::string DerivedDir() const;

 private:
  // Records "case_created" (the case id, creation time and creator) as the first entry; fails
  // with kAlreadyExists when the case has it already.
  static Result<CustodyEntry> WriteCreated(Case& c, const Identity& who);
  Case(std::string dir, std::unique_ptr<SqlConnection> sql, std::string catalog_url);
  std::string dir_;
  std::unique_ptr<SqlConnection> sql_;
  std::string catalog_url_;
  int schema_version_ = 0;  // as last read (SchemaVersion)
  Catalog catalog_;
  CustodyLog log_;
  ObjectStore objects_;
};

}  // namespace sightline::evidence

#endif  // SIGHTLINE_EVIDENCE_CASE_H_
