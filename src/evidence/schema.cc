#include "evidence/schema.h"

#include <regex>
#include <string>
#include <vector>

namespace sightline::evidence {

namespace {

// Migration i takes the schema from version i to i+1. Never edit a released migration: add one.
const std::vector<const char*>& Migrations() {
  static const std::vector<const char*> kMigrations = {
      // 0 -> 1: the foundation.
      R"sql(
CREATE TABLE case_info (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE custody_log (
  seq           INTEGER PRIMARY KEY,
  time          TEXT NOT NULL,
  actor         TEXT NOT NULL,
  action        TEXT NOT NULL,
  object_sha256 TEXT NOT NULL DEFAULT '',
  details       TEXT NOT NULL,
  prev_hash     TEXT NOT NULL,
  public_key    TEXT NOT NULL,
  entry_hash    TEXT NOT NULL UNIQUE,
  signature     TEXT NOT NULL
);
CREATE INDEX custody_log_object ON custody_log(object_sha256);
CREATE TRIGGER custody_log_no_update BEFORE UPDATE ON custody_log
  BEGIN SELECT RAISE(ABORT, 'the custody log is append-only'); END;
CREATE TRIGGER custody_log_no_delete BEFORE DELETE ON custody_log
  BEGIN SELECT RAISE(ABORT, 'the custody log is append-only'); END;
CREATE TABLE signers (
  public_key TEXT PRIMARY KEY,
  actor      TEXT NOT NULL,
  first_seq  INTEGER NOT NULL REFERENCES custody_log(seq) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE items (
  id            INTEGER PRIMARY KEY,
  sha256        TEXT NOT NULL UNIQUE,
  size          INTEGER NOT NULL,
  name          TEXT NOT NULL,
  media_kind    TEXT,
  media_problem TEXT,
  ingest_seq    INTEGER NOT NULL REFERENCES custody_log(seq) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE item_names (
  id          INTEGER PRIMARY KEY,
  item_id     INTEGER NOT NULL REFERENCES items(id),
  name        TEXT NOT NULL,
  name_hex    TEXT,
  path        TEXT NOT NULL,
  mtime       TEXT,
  ingested_at TEXT NOT NULL,
  actor       TEXT NOT NULL,
  source      TEXT,
  note        TEXT,
  custody_seq INTEGER NOT NULL REFERENCES custody_log(seq) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX item_names_item ON item_names(item_id);
CREATE TABLE item_metadata (
  item_id       INTEGER PRIMARY KEY REFERENCES items(id),
  probe_version INTEGER NOT NULL,
  probe_json    TEXT NOT NULL
);
CREATE TABLE timestamps (
  id           INTEGER PRIMARY KEY,
  log_seq      INTEGER NOT NULL REFERENCES custody_log(seq) DEFERRABLE INITIALLY DEFERRED,
  log_head     TEXT NOT NULL,
  tsa_url      TEXT NOT NULL,
  response_der BLOB NOT NULL,
  chain_pem    TEXT NOT NULL,
  gen_time     TEXT NOT NULL,
  custody_seq  INTEGER NOT NULL REFERENCES custody_log(seq) DEFERRABLE INITIALLY DEFERRED
);
)sql",
      // 1 -> 2: derived signals (fingerprints) per item, keyed by kind, algorithm version and
      // parameters so that a change of algorithm recomputes rather than mixes; frame hashes as
      // rows for indexing.
      R"sql(
CREATE TABLE signals (
  id          INTEGER PRIMARY KEY,
  item_id     INTEGER NOT NULL REFERENCES items(id),
  kind        TEXT NOT NULL,
  version     INTEGER NOT NULL,
  params      TEXT NOT NULL,
  path        TEXT NOT NULL,
  sha256      TEXT NOT NULL,
  summary     TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  custody_seq INTEGER NOT NULL REFERENCES custody_log(seq) DEFERRABLE INITIALLY DEFERRED,
  UNIQUE (item_id, kind, version, params)
);
CREATE TABLE frame_hashes (
  signal_id INTEGER NOT NULL REFERENCES signals(id),
  t         REAL NOT NULL,
  hash      BLOB NOT NULL,
  quality   INTEGER NOT NULL
);
CREATE INDEX frame_hashes_signal ON frame_hashes(signal_id);
)sql",
      // 2 -> 3: the investigation (case/): what analyses suggest (findings), what people decide
      // about them (decisions) and what they record and state (sources, observations, locations,
      // relations, claims). Rows are never deleted; a claim's confidence is updated in place, the
      // custody log keeping every earlier value.
      R"sql(
CREATE TABLE findings (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL,
  item_a      INTEGER NOT NULL REFERENCES items(id),
  item_b      INTEGER NOT NULL REFERENCES items(id),
  analyzer    TEXT NOT NULL,
  version     INTEGER NOT NULL,
  score       REAL NOT NULL,
  evidence    TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  custody_seq INTEGER NOT NULL REFERENCES custody_log(seq) DEFERRABLE INITIALLY DEFERRED,
  UNIQUE (kind, item_a, item_b, analyzer, version)
);
CREATE TABLE decisions (
  id          INTEGER PRIMARY KEY,
  finding_id  INTEGER NOT NULL REFERENCES findings(id),
  status      TEXT NOT NULL,
  reason      TEXT NOT NULL,
  actor       TEXT NOT NULL,
  time        TEXT NOT NULL,
  custody_seq INTEGER NOT NULL REFERENCES custody_log(seq) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX decisions_finding ON decisions(finding_id);
CREATE TABLE sources (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL,
  name        TEXT NOT NULL,
  handle      TEXT,
  platform    TEXT,
  url         TEXT,
  note        TEXT,
  actor       TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  custody_seq INTEGER NOT NULL REFERENCES custody_log(seq) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE item_sources (
  id          INTEGER PRIMARY KEY,
  item_id     INTEGER NOT NULL REFERENCES items(id),
  source_id   INTEGER NOT NULL REFERENCES sources(id),
  how         TEXT,
  url         TEXT,
  obtained_at TEXT,
  actor       TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  custody_seq INTEGER NOT NULL REFERENCES custody_log(seq) DEFERRABLE INITIALLY DEFERRED,
  UNIQUE (item_id, source_id)
);
CREATE TABLE observations (
  id          INTEGER PRIMARY KEY,
  item_id     INTEGER NOT NULL REFERENCES items(id),
  kind        TEXT NOT NULL,
  start_s     REAL,
  end_s       REAL,
  region      TEXT,
  text        TEXT NOT NULL,
  language    TEXT,
  original    TEXT,
  translation TEXT,
  actor       TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  custody_seq INTEGER NOT NULL REFERENCES custody_log(seq) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX observations_item ON observations(item_id);
CREATE TABLE locations (
  id             INTEGER PRIMARY KEY,
  item_id        INTEGER REFERENCES items(id),
  observation_id INTEGER REFERENCES observations(id),
  lat            REAL NOT NULL,
  lon            REAL NOT NULL,
  radius_m       REAL NOT NULL,
  method         TEXT NOT NULL,
  note           TEXT,
  actor          TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  custody_seq    INTEGER NOT NULL REFERENCES custody_log(seq) DEFERRABLE INITIALLY DEFERRED,
  CHECK (item_id IS NOT NULL OR observation_id IS NOT NULL)
);
CREATE TABLE relations (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL,
  item_a      INTEGER NOT NULL REFERENCES items(id),
  item_b      INTEGER NOT NULL REFERENCES items(id),
  offset_s    REAL,
  note        TEXT,
  actor       TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  custody_seq INTEGER NOT NULL REFERENCES custody_log(seq) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE claims (
  id          INTEGER PRIMARY KEY,
  statement   TEXT NOT NULL,
  confidence  TEXT NOT NULL,
  reason      TEXT,
  decided_by  TEXT,
  decided_at  TEXT,
  actor       TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  custody_seq INTEGER NOT NULL REFERENCES custody_log(seq) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE claim_evidence (
  id          INTEGER PRIMARY KEY,
  claim_id    INTEGER NOT NULL REFERENCES claims(id),
  role        TEXT NOT NULL,
  ref_kind    TEXT NOT NULL,
  ref_id      INTEGER NOT NULL,
  note        TEXT,
  actor       TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  custody_seq INTEGER NOT NULL REFERENCES custody_log(seq) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX claim_evidence_claim ON claim_evidence(claim_id);
)sql",
      // 3 -> 4: which items each analyzer (at each version) has compared with the rest, so that
      // `analyze` compares only new items with the others.
      R"sql(
CREATE TABLE analyzed (
  item_id     INTEGER NOT NULL REFERENCES items(id),
  analyzer    TEXT NOT NULL,
  version     INTEGER NOT NULL,
  custody_seq INTEGER NOT NULL REFERENCES custody_log(seq) DEFERRABLE INITIALLY DEFERRED,
  UNIQUE (item_id, analyzer, version)
);
)sql",
      // 4 -> 5: sidecars (files that came with an item: a yt-dlp .info.json, a WACZ capture, a
      // screenshot), stored in objects/ like originals and bound to the item by a custody entry;
      // and when the post an item was found at was published, an upper bound of its recording.
      R"sql(
CREATE TABLE sidecars (
  id          INTEGER PRIMARY KEY,
  item_id     INTEGER NOT NULL REFERENCES items(id),
  kind        TEXT NOT NULL,
  sha256      TEXT NOT NULL,
  size        INTEGER NOT NULL,
  name        TEXT NOT NULL,
  path        TEXT NOT NULL,
  summary     TEXT NOT NULL,
  actor       TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  custody_seq INTEGER NOT NULL REFERENCES custody_log(seq) DEFERRABLE INITIALLY DEFERRED,
  UNIQUE (item_id, sha256)
);
CREATE INDEX sidecars_sha256 ON sidecars(sha256);
ALTER TABLE item_sources ADD COLUMN published_at TEXT;
)sql",
  };
  return kMigrations;
}

// The migrations are written in SQLite's dialect. PostgreSQL gets the same tables with its own
// names for the types (64-bit integers, double precision, bytea; an identity column where SQLite
// numbers rows itself) and its own form of the custody log's append-only triggers.
std::string PostgresDdl(const std::string& sqlite_ddl) {
  static const std::regex kTrigger(R"(CREATE TRIGGER[^;]*;[^;]*;\s*)");
  std::string ddl = std::regex_replace(sqlite_ddl, kTrigger, "");
  static const std::regex kRowid(R"(\bid(\s+)INTEGER PRIMARY KEY\b)");
  ddl = std::regex_replace(ddl, kRowid, "id$1BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
  static const std::regex kInteger(R"(\bINTEGER\b)");
  ddl = std::regex_replace(ddl, kInteger, "BIGINT");
  static const std::regex kReal(R"(\bREAL\b)");
  ddl = std::regex_replace(ddl, kReal, "DOUBLE PRECISION");
  static const std::regex kBlob(R"(\bBLOB\b)");
  ddl = std::regex_replace(ddl, kBlob, "BYTEA");
  if (sqlite_ddl.find("CREATE TABLE custody_log") != std::string::npos) {
    ddl +=
        "CREATE FUNCTION custody_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'the custody log is append-only'; END $$;\n"
        "CREATE TRIGGER custody_log_no_change BEFORE UPDATE OR DELETE ON custody_log "
        "FOR EACH ROW EXECUTE FUNCTION custody_log_append_only();\n";
  }
  return ddl;
}

// Serialises migrations of one PostgreSQL catalogue between processes (released at commit).
constexpr char kPostgresMigrationLock[] = "SELECT pg_advisory_xact_lock(7301730175)";

}  // namespace

int CurrentSchemaVersion() { return static_cast<int>(Migrations().size()); }

Result<int> StoredSchemaVersion(SqlConnection* db) {
  if (db->dialect() == SqlDialect::kSqlite) {
    SL_ASSIGN_OR_RETURN(SqlRows r, db->Query("PRAGMA user_version"));
    return r.empty() ? 0 : static_cast<int>(r.Int(0, 0));
  }
  // PostgreSQL has no user_version: the version is a row of case_info, once that table exists.
  SL_ASSIGN_OR_RETURN(SqlRows exists, db->Query("SELECT to_regclass('case_info') IS NOT NULL"));
  if (exists.empty() || exists.Int(0, 0) == 0) return 0;
  SL_ASSIGN_OR_RETURN(SqlRows r,
                      db->Query("SELECT value FROM case_info WHERE key = 'schema_version'"));
  return r.empty() ? 0 : static_cast<int>(r.Int(0, 0));
}

Status MigrateSchema(SqlConnection* db) {
  SqlTransaction tx(db);
  SL_RETURN_IF_ERROR(tx.Begin());
  const bool postgres = db->dialect() == SqlDialect::kPostgres;
  if (postgres) SL_RETURN_IF_ERROR(db->Query(kPostgresMigrationLock).status());
  SL_ASSIGN_OR_RETURN(int version, StoredSchemaVersion(db));
  if (version > CurrentSchemaVersion()) {
    return Unsupported(db->description() + ": written by a newer Sightline (schema " +
                       std::to_string(version) + ", this build knows up to " +
                       std::to_string(CurrentSchemaVersion()) + "); upgrade Sightline");
  }
  if (version == CurrentSchemaVersion()) return Status::Ok();
  for (int v = version; v < CurrentSchemaVersion(); ++v) {
    const std::string ddl = Migrations()[static_cast<std::size_t>(v)];
    SL_RETURN_IF_ERROR(db->ExecScript(postgres ? PostgresDdl(ddl) : ddl));
  }
  const std::string now = std::to_string(CurrentSchemaVersion());
  if (postgres) {
    SL_RETURN_IF_ERROR(db->Query("INSERT INTO case_info (key, value) VALUES "
                                 "('schema_version', $1) ON CONFLICT (key) DO UPDATE SET "
                                 "value = excluded.value",
                                 {now})
                           .status());
  } else {
    SL_RETURN_IF_ERROR(db->ExecScript("PRAGMA user_version=" + now));
  }
  return tx.Commit();
}

}  // namespace sightline::evidence
