// A primary brought back from a replica of its database (Litestream) after
// its disk was lost: what keeps it from reusing change sequence numbers that
// replicas, bundles and feed readers have already seen.
//
// The restored database ends at some change sequence A. Two things can be
// newer than it:
//   - a bundle the old primary cut (sequence B > A), which read replicas
//     serve: the database must take the bundle's content before any write,
//     or its next writes would reuse A+1..B for other changes;
//   - changes the old primary committed and announced (WatchChanges on the
//     primary itself) in the last moments before the loss that never reached
//     the replica: nothing records how many, so the next sequence jumps
//     ahead past any of them.
// `RecoverPrimary` does both, offline (no server on the file). A primary
// started with --bundle_dir calls `CheckNotBehindBundles` and refuses writes
// while the database is behind (Storage::RefuseWrites).
#ifndef HEALTHCONTENT_STORAGE_RECOVERY_H_
#define HEALTHCONTENT_STORAGE_RECOVERY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/storage.h"

namespace healthcontent::storage {

// How far the first change after a recovery jumps past the newest sequence
// known (database or bundle). The old primary cannot have announced more
// changes than this after the newest bundle: a bundle is cut every few
// seconds, and a million changes is over an hour of publishing at its
// measured peak.
inline constexpr int64_t kDefaultSequenceGap = 1000000;

// FailedPrecondition, naming both sequences and the bundle, when the newest
// bundle in `bundle_dir` (by its name) announces a change sequence above the
// newest in `storage`; OK otherwise, also when there is no bundle. Reads
// bundle names only (cheap enough for every start).
absl::Status CheckNotBehindBundles(Storage* storage, const std::string& bundle_dir);

struct RecoveryReport {
  int64_t database_sequence = 0;  // the newest change in the database as found (0: none/missing)
  std::string bundle;             // the newest valid bundle ("" when none)
  int64_t bundle_sequence = 0;
  bool took_bundle = false;  // the database was replaced by the bundle's copy
  // Bundles skipped as invalid (newest first), with why.
  std::vector<std::string> skipped_bundles;
  // The sequence of the PRIMARY_RESTORED change recorded (the next change
  // gets the one after it); 0 when the newest change already was one.
  int64_t fence_sequence = 0;
};

// Readies a restored database at `db_path` (no server may have it open) to be
// a primary again:
//   0. The database must pass SQLite's integrity_check: DataLoss naming the
//      first problem otherwise, and nothing is changed.
//   1. Finds the newest bundle in `bundle_dir` that verifies (VerifyBundle);
//      invalid ones are skipped and reported.
//   2. Checks that the database and the bundle are the same history: every
//      change both hold (up to the smaller sequence) is the same change
//      (kind, resource, revision, etag, commit time). FailedPrecondition
//      naming the first sequence that differs otherwise; nothing is changed.
//   3. When the bundle is newer (or the database file is missing), replaces
//      the database with the bundle's copy: every revision with its original
//      sequence, etag and publish_time. The old file (and its -wal) is
//      replaced whole; the copy is fsynced before the rename.
//   4. Records a PRIMARY_RESTORED change `sequence_gap` past the newest
//      sequence, unless the newest change already is one (so running it
//      twice fences once).
// With no bundle at all it only fences. NotFound when neither the database
// nor a valid bundle exists.
absl::StatusOr<RecoveryReport> RecoverPrimary(const std::string& db_path,
                                              const std::string& bundle_dir, int64_t sequence_gap,
                                              absl::Time now);

}  // namespace healthcontent::storage

#endif  // HEALTHCONTENT_STORAGE_RECOVERY_H_
