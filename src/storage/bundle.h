// Content bundles: consistent, checksummed snapshots of the database that
// read replicas download and serve.
//
// A bundle is a directory named bundle-<change sequence, 12 digits>-<UTC time
// as YYYYMMDDTHHMMSSmmmZ>, so names sort oldest to newest (up to sequence
// 999999999999), holding
//   healthcontent.db  a compact copy of the database (rollback journal mode,
//                     no -wal file: it can be opened immutable)
//   MANIFEST.json     what the copy holds and its size and SHA-256
// A bundle appears whole or not at all: it is written in a .staging-*
// directory beside it, fsynced, and renamed into place.
//
// Thread-safety: the functions keep no state; concurrent cuts into the same
// directory are safe (each stages in its own directory).
#ifndef HEALTHCONTENT_STORAGE_BUNDLE_H_
#define HEALTHCONTENT_STORAGE_BUNDLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/storage.h"

namespace healthcontent::storage {

// The MANIFEST.json format this build writes and reads.
inline constexpr int kBundleFormat = 1;
inline constexpr char kBundleManifestFile[] = "MANIFEST.json";

// MANIFEST.json, field for field (JSON keys are the field names), except path.
struct BundleManifest {
  int format = kBundleFormat;
  int64_t change_sequence = 0;                     // the newest change in the copy; 0 when none
  int64_t article_count = 0;                       // rows in articles (withdrawn ones included)
  int64_t revision_count = 0;                      // rows in revisions
  int schema_version = 0;                          // PRAGMA user_version of the copy
  std::string created;                             // RFC 3339 UTC, to the millisecond
  std::string database_file = "healthcontent.db";  // inside the bundle directory
  int64_t database_bytes = 0;
  std::string sha256;  // lower-case hex SHA-256 of the database file
  std::string path;    // the bundle directory; not in the JSON
};

// The manifest as 2-space indented JSON with a final newline, keys in the
// order above: what MANIFEST.json holds. With include_path, "path" is added
// at the end (what `healthcontent bundle` prints).
std::string BundleManifestJson(const BundleManifest& manifest, bool include_path = false);

// Cuts a bundle of `storage` into a new directory in `out_dir` (created if
// missing) while the storage keeps serving and writing: Storage::CopyTo
// (VACUUM INTO, one read transaction) into out_dir/.staging-XXXXXX, then the
// counts, change sequence and schema version are read from the copy itself
// (opened immutable, as a replica will), so the manifest describes exactly
// the file. The file, the manifest, the staging directory and out_dir are
// fsynced around the final rename. `now` names the bundle and fills
// `created`. Returns the manifest with `path` set to the new bundle
// (absolute).
//
// On any failure the staging directory is removed, no bundle is left in
// out_dir (which stays created) and the status names the step and the path:
// AlreadyExists when a bundle of the same name exists (same sequence cut in
// the same millisecond), ResourceExhausted when the disk is full,
// PermissionDenied, NotFound, or Unavailable for other I/O errors; errors of
// the copy keep Storage::CopyTo's code.
absl::StatusOr<BundleManifest> CutBundle(Storage* storage, const std::string& out_dir,
                                         absl::Time now);

// Checks that `bundle_dir` is a whole, uncorrupted bundle this build can
// serve, cheapest checks first, and returns its manifest (with `path` set to
// bundle_dir). Every refusal names the bundle and what is wrong:
//   NotFound            bundle_dir is not a directory
//   FailedPrecondition  no MANIFEST.json (not a finished bundle), a format
//                       other than kBundleFormat, or a schema version other
//                       than LatestSchemaVersion() (in the manifest or the file)
//   DataLoss            an unreadable manifest or one missing a field, a
//                       missing database file, a size other than the
//                       manifest's (a partial copy), a checksum mismatch
//                       (corrupt), a file that does not open read-only as a
//                       database, or a change sequence, article count or
//                       revision count other than the manifest's
// Reads the whole database file once (for the checksum) and opens it
// immutable; creates no files.
absl::StatusOr<BundleManifest> VerifyBundle(const std::string& bundle_dir);

// The bundle directories in `dir` (dir/bundle-...), newest first: highest
// change sequence, then latest time. Staging directories and every other
// entry are ignored; a missing or unreadable `dir` gives an empty list.
std::vector<std::string> ListBundles(const std::string& dir);

// Removes all but the newest `keep` bundles in `dir`, and staging
// directories in which nothing has changed for an hour (left over by a
// crashed cut; a younger one may be a cut in progress and is kept).
// InvalidArgument when keep < 1; NotFound when `dir` is not a directory.
// Tries every removal; the status names the first that failed.
absl::Status PruneBundles(const std::string& dir, int keep);

}  // namespace healthcontent::storage

#endif  // HEALTHCONTENT_STORAGE_BUNDLE_H_
