// The catalogue's schema and its migrations. The schema version is SQLite's user_version (on
// PostgreSQL, case_info's row 'schema_version'); each migration takes version N to N+1 inside one
// transaction, so a case is always at a version this or an older Sightline wrote.
// doc/case-format.md describes every table.
#ifndef SIGHTLINE_EVIDENCE_SCHEMA_H_
#define SIGHTLINE_EVIDENCE_SCHEMA_H_

#include "base/status.h"
#include "evidence/sql.h"

namespace sightline::evidence {

// The version this build writes.
int CurrentSchemaVersion();

// Brings the database up to CurrentSchemaVersion(). Fails, changing nothing, when the database
// was written by a newer Sightline.
Status MigrateSchema(SqlConnection* db);

// The database's version without changing it.
Result<int> StoredSchemaVersion(SqlConnection* db);

}  // namespace sightline::evidence

#endif  // SIGHTLINE_EVIDENCE_SCHEMA_H_
