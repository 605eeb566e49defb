#include "storage/recovery.h"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <system_error>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/files.h"
#include "common/status_macros.h"
#include "healthcontent/v1/change_service.pb.h"
#include "storage/bundle.h"
#include "storage/change_log.h"
#include "storage/database.h"

namespace healthcontent::storage {
namespace {

namespace fs = std::filesystem;

// The change sequence in a bundle's name (bundle-<12 digits>-<time>).
int64_t SequenceOfBundleName(const std::string& bundle_path) {
  const std::string name = fs::path(bundle_path).filename().string();
  int64_t sequence = 0;
  constexpr size_t kDigitsAt = sizeof("bundle-") - 1;
  if (name.size() < kDigitsAt + 12 || !absl::SimpleAtoi(name.substr(kDigitsAt, 12), &sequence)) {
    return 0;
  }
  return sequence;
}

// FailedPrecondition naming the first change, up to `through`, that the two
// databases hold differently (or only one of them holds).
absl::Status CheckSameHistory(Database* db, const std::string& db_path, Database* bundle,
                              const std::string& bundle_path, int64_t through) {
  constexpr absl::string_view kSql =
      "SELECT sequence, kind, resource, revision_id, etag, commit_time FROM changes "
      "WHERE sequence <= ?1 ORDER BY sequence";
  ASSIGN_OR_RETURN(Statement mine, db->Prepare(kSql));
  ASSIGN_OR_RETURN(Statement theirs, bundle->Prepare(kSql));
  mine.BindInt64(1, through);
  theirs.BindInt64(1, through);
  auto describe = [](const Statement& s) {
    return absl::StrCat(v1::Change::Kind_Name(static_cast<v1::Change::Kind>(s.ColumnInt64(1))), " ",
                        s.ColumnText(2), " ", s.ColumnText(3), " etag ", s.ColumnText(4));
  };
  while (true) {
    ASSIGN_OR_RETURN(bool a, mine.Step());
    ASSIGN_OR_RETURN(bool b, theirs.Step());
    if (!a && !b) return absl::OkStatus();
    const bool same =
        a && b && mine.ColumnInt64(0) == theirs.ColumnInt64(0) &&
        mine.ColumnInt64(1) == theirs.ColumnInt64(1) &&
        mine.ColumnText(2) == theirs.ColumnText(2) && mine.ColumnText(3) == theirs.ColumnText(3) &&
        mine.ColumnText(4) == theirs.ColumnText(4) && mine.ColumnInt64(5) == theirs.ColumnInt64(5);
    if (same) continue;
    const int64_t at = !a   ? theirs.ColumnInt64(0)
                       : !b ? mine.ColumnInt64(0)
                            : std::min(mine.ColumnInt64(0), theirs.ColumnInt64(0));
    return absl::FailedPreconditionError(absl::StrCat(
        db_path, " and bundle ", bundle_path, " are not the same history: at change sequence ", at,
        " the database has ", a && mine.ColumnInt64(0) == at ? describe(mine) : "nothing",
        " and the bundle ", b && theirs.ColumnInt64(0) == at ? describe(theirs) : "nothing",
        ". Nothing was changed; choose one by hand (see deploy/README.md, \"Disaster "
        "recovery\")."));
  }
}

// Replaces the database file (and its -wal/-shm) with a copy of `source`,
// fsynced before it takes the name.
absl::Status ReplaceDatabaseFile(const std::string& source, const std::string& db_path) {
  const std::string staging = db_path + ".recover-tmp";
  std::error_code ec;
  fs::remove(staging, ec);
  if (!fs::copy_file(source, staging, fs::copy_options::overwrite_existing, ec)) {
    return FileError("copying the bundle's database to", staging, ec.value());
  }
  RETURN_IF_ERROR(SyncPath(staging, /*directory=*/false));
  for (const char* suffix : {"-wal", "-shm"}) {
    fs::remove(db_path + suffix, ec);
    if (ec) return FileError("removing", db_path + suffix, ec.value());
  }
  fs::rename(staging, db_path, ec);
  if (ec) return FileError("renaming into place", db_path, ec.value());
  fs::path dir = fs::path(db_path).parent_path();
  return SyncPath(dir.empty() ? "." : dir.string(), /*directory=*/true);
}

}  // namespace

absl::Status CheckNotBehindBundles(Storage* storage, const std::string& bundle_dir) {
  const std::vector<std::string> bundles = ListBundles(bundle_dir);
  if (bundles.empty()) return absl::OkStatus();
  const int64_t bundle_sequence = SequenceOfBundleName(bundles.front());
  ASSIGN_OR_RETURN(int64_t db_sequence, ChangeLog(storage).LatestSequence());
  if (bundle_sequence <= db_sequence) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "writes are refused: the database ", storage->path(), " ends at change sequence ",
      db_sequence, " but bundle ", bundles.front(), " announces change sequence ", bundle_sequence,
      ", so it was restored from behind what replicas serve and its next "
      "writes would reuse sequence numbers. Stop the server, run `healthcontent recover --db=",
      storage->path(), " --bundle-dir=", bundle_dir, "` and start it again"));
}

// DataLoss naming the first problem when `db` fails SQLite's integrity check:
// a restored copy can be damaged, and nothing must be built on it.
absl::Status CheckIntact(Database* db, const std::string& db_path) {
  absl::StatusOr<Statement> check = db->PrepareUncached("PRAGMA integrity_check(1)");
  absl::StatusOr<bool> row = check.ok() ? check->Step() : check.status();
  if (row.ok() && *row && check->ColumnText(0) == "ok") return absl::OkStatus();
  const std::string problem = !row.ok() ? std::string(row.status().message())
                              : *row    ? std::string(check->ColumnText(0))
                                        : "no answer";
  return absl::DataLossError(absl::StrCat(
      db_path, " is damaged (SQLite integrity_check: ", problem,
      "); nothing was changed. Move it aside and run recover again to start from the newest "
      "bundle, or restore an older copy (litestream restore -timestamp)"));
}

absl::StatusOr<RecoveryReport> RecoverPrimary(const std::string& db_path,
                                              const std::string& bundle_dir, int64_t sequence_gap,
                                              absl::Time now) {
  if (sequence_gap < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("the sequence gap must be at least 1; it is ", sequence_gap));
  }
  RecoveryReport report;
  std::string bundle_db;
  for (const std::string& candidate : ListBundles(bundle_dir)) {
    absl::StatusOr<BundleManifest> manifest = VerifyBundle(candidate);
    if (manifest.ok()) {
      report.bundle = manifest->path;
      report.bundle_sequence = manifest->change_sequence;
      bundle_db = absl::StrCat(manifest->path, "/", manifest->database_file);
      break;
    }
    report.skipped_bundles.push_back(std::string(manifest.status().message()));
  }

  std::error_code ec;
  const bool have_db = fs::exists(db_path, ec);
  if (!have_db && report.bundle.empty()) {
    return absl::NotFoundError(absl::StrCat(
        db_path, " does not exist and ", bundle_dir.empty() ? "no --bundle_dir was given" : "",
        bundle_dir.empty() ? "" : absl::StrCat(bundle_dir, " holds no valid bundle"),
        ": there is nothing to recover from (restore the database first, e.g. `litestream "
        "restore`)"));
  }
  if (have_db) {
    // Opened as the server would (migrated to this build's schema), then
    // closed again before anything replaces the file.
    ASSIGN_OR_RETURN(std::unique_ptr<Storage> storage, Storage::Open(db_path, {}));
    ASSIGN_OR_RETURN(Database * db, storage->Reader());
    RETURN_IF_ERROR(CheckIntact(db, db_path));
    ASSIGN_OR_RETURN(report.database_sequence, ChangeLog(storage.get()).LatestSequence());
    if (!report.bundle.empty()) {
      Database::Options immutable;
      immutable.immutable = true;
      ASSIGN_OR_RETURN(std::unique_ptr<Database> bundle, Database::Open(bundle_db, immutable));
      RETURN_IF_ERROR(CheckSameHistory(db, db_path, bundle.get(), report.bundle,
                                       std::min(report.database_sequence, report.bundle_sequence)));
    }
  }
  if (!report.bundle.empty() && (!have_db || report.bundle_sequence > report.database_sequence)) {
    RETURN_IF_ERROR(ReplaceDatabaseFile(bundle_db, db_path));
    report.took_bundle = true;
  }

  ASSIGN_OR_RETURN(std::unique_ptr<Storage> storage, Storage::Open(db_path, {}));
  RETURN_IF_ERROR(storage->Write([&](Database* db) -> absl::Status {
    ASSIGN_OR_RETURN(
        Statement newest,
        db->Prepare("SELECT sequence, kind FROM changes ORDER BY sequence DESC LIMIT 1"));
    ASSIGN_OR_RETURN(bool row, newest.Step());
    const int64_t last = row ? newest.ColumnInt64(0) : 0;
    if (row && newest.ColumnInt64(1) == v1::Change::PRIMARY_RESTORED) return absl::OkStatus();
    report.fence_sequence = last + sequence_gap;
    ASSIGN_OR_RETURN(
        Statement fence,
        db->Prepare(
            "INSERT INTO changes (sequence, kind, resource, commit_time) VALUES (?1, ?2, '', ?3)"));
    fence.BindInt64(1, report.fence_sequence)
        .BindInt64(2, v1::Change::PRIMARY_RESTORED)
        .BindInt64(3, absl::ToUnixMicros(now));
    return fence.Run();
  }));
  return report;
}

}  // namespace healthcontent::storage
