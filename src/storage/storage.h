// The database as the rest of the service sees it: a migrated SQLite file,
// one read connection per thread and a single write connection.
#ifndef HEALTHCONTENT_STORAGE_STORAGE_H_
#define HEALTHCONTENT_STORAGE_STORAGE_H_

#include <memory>
#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "storage/connection_pool.h"
#include "storage/database.h"

namespace healthcontent::storage {

// Thread-safe.
class Storage {
 public:
  struct Options {
    // Serve reads only: no write connection, no migration (the schema must
    // already be current).
    bool read_only = false;
    // With read_only: open every connection immutable (see
    // Database::Options::immutable), for a replica serving a bundle that
    // nothing writes; no -wal/-shm files, works on a read-only filesystem.
    bool immutable = false;
  };

  // Opens `path`, creating and migrating it when writable. InvalidArgument
  // for immutable without read_only.
  static absl::StatusOr<std::unique_ptr<Storage>> Open(const std::string& path,
                                                       const Options& options);

  // The calling thread's read connection.
  absl::StatusOr<Database*> Reader() { return readers_.ForThisThread(); }

  // Runs `fn` on the write connection while holding the write lock, so
  // writers queue here rather than on SQLite's busy handler.
  // FailedPrecondition on a read-only storage.
  absl::Status Write(absl::FunctionRef<absl::Status(Database*)> fn);

  // Writes a consistent copy of the whole database to `destination` (which
  // must not exist) while the service keeps serving: VACUUM INTO from a read
  // transaction, so the copy is compact and sees exactly one commit state.
  absl::Status CopyTo(const std::string& destination);

  // Registers `listener` to run after every successful Write(), outside the
  // write lock, on the writing thread. Listeners must be quick and must not
  // write. Register before serving.
  void AddCommitListener(std::function<void()> listener);

  const std::string& path() const { return readers_.path(); }
  bool read_only() const { return writer_ == nullptr; }

 private:
  Storage(std::string path, Database::Options reader_options, std::unique_ptr<Database> writer);

  ConnectionPool readers_;
  absl::Mutex write_mu_;
  std::unique_ptr<Database> writer_ ABSL_GUARDED_BY(write_mu_);
  absl::Mutex listeners_mu_;
  std::vector<std::function<void()>> listeners_ ABSL_GUARDED_BY(listeners_mu_);
};

}  // namespace healthcontent::storage

#endif  // HEALTHCONTENT_STORAGE_STORAGE_H_
