// The database schema and its migrations, tracked by PRAGMA user_version.
#ifndef HEALTHCONTENT_STORAGE_SCHEMA_H_
#define HEALTHCONTENT_STORAGE_SCHEMA_H_

#include "absl/status/status.h"
#include "storage/database.h"

namespace healthcontent::storage {

// The user_version a fully migrated database has.
int LatestSchemaVersion();

// Brings `db` up to LatestSchemaVersion(), each step in its own transaction.
// FailedPrecondition when the file was written by a newer build.
absl::Status MigrateSchema(Database* db);

// OK when `db` is at LatestSchemaVersion(); FailedPrecondition otherwise
// (read-only servers must not migrate).
absl::Status CheckSchemaVersion(Database* db);

}  // namespace healthcontent::storage

#endif  // HEALTHCONTENT_STORAGE_SCHEMA_H_
