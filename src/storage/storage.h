// The database as the rest of the service sees it: a migrated SQLite file,
// one read connection per thread and a single write connection.
#ifndef HEALTHCONTENT_STORAGE_STORAGE_H_
#define HEALTHCONTENT_STORAGE_STORAGE_H_

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
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

  // Runs `fn` on the write connection inside a write transaction and returns
  // its status once that transaction has committed durably
  // (synchronous=FULL), or the error that kept it from committing. A write
  // that returns OK is on disk; nothing is acknowledged before its COMMIT.
  //
  // Group commit: calls that arrive while a commit is in progress queue up,
  // and the next caller in line runs up to kMaxWritesPerCommit of them in one
  // transaction with one fsync. Each `fn` runs in its own Transaction nested
  // in the group's (a savepoint): returning OK keeps its writes, returning an
  // error rolls back only them and the others still commit; if the COMMIT
  // itself fails, every write of the group fails with that error. So `fn`
  // opens no Transaction of its own (one would nest again, harmlessly), and
  // whatever it calls that "must run inside the write transaction" does.
  // `fn` sees the writes queued before it as committed (they run in order).
  // `fn` must not COMMIT or ROLLBACK on its own. FailedPrecondition on a
  // read-only storage.
  absl::Status Write(absl::FunctionRef<absl::Status(Database*)> fn);

  static constexpr int kMaxWritesPerCommit = 64;

  // From now on every Write() fails with `why` (which must not be OK) and
  // writes nothing, until the process restarts: for a primary whose database
  // must not take writes (it is behind a published bundle; see
  // storage/recovery.h). Reads go on.
  void RefuseWrites(absl::Status why);
  // The status RefuseWrites set; OK while writes are taken.
  absl::Status writes_refused() const;

  // Runs `fn` on the write connection outside any transaction, once no write
  // is running and none is queued: for connection settings that SQLite
  // refuses inside a transaction (PRAGMA synchronous, say). Tools only; the
  // server never changes its write connection. FailedPrecondition on a
  // read-only storage.
  absl::Status Configure(absl::FunctionRef<absl::Status(Database*)> fn);

  struct WriteStats {
    int64_t writes = 0;   // Write() calls that reached the write connection
    int64_t commits = 0;  // transactions committed (or attempted) for them
  };
  // Totals since Open, for metrics and tests: writes / commits is the mean
  // group size.
  WriteStats write_stats() const;

  // How many Write() calls are waiting for the current group to finish.
  int QueuedWrites() const;

  // Writes a consistent copy of the whole database to `destination` (which
  // must not exist) while the service keeps serving: VACUUM INTO from a read
  // transaction, so the copy is compact and sees exactly one commit state.
  absl::Status CopyTo(const std::string& destination);

  // Registers `listener` to run after every successful Write(), outside the
  // write lock, on the writing thread. Listeners must be quick and must not
  // write. Register before serving.
  void AddCommitListener(std::function<void()> listener);

  // How many write groups have committed something since Open. It grows
  // before any writer of the group returns, so a read that starts after a
  // Write() returned sees a larger count than any read that ended before the
  // commit: derived data (the response cache) keyed by it never outlives
  // the state it was computed from.
  uint64_t commits() const { return commits_.load(std::memory_order_acquire); }

  const std::string& path() const { return readers_.path(); }
  bool read_only() const { return writer_ == nullptr; }

 private:
  Storage(std::string path, Database::Options reader_options, std::unique_ptr<Database> writer);

  // FailedPrecondition for a write to read-only storage.
  absl::Status ReadOnlyError() const;

  struct PendingWrite;
  // Runs `group` in as few transactions as possible and sets each status.
  void CommitGroup(const std::vector<PendingWrite*>& group) ABSL_LOCKS_EXCLUDED(queue_mu_);
  // Runs group[next], group[next + 1], ... each in its own nested Transaction
  // of the open group transaction, until the group ends or SQLite rolls that
  // transaction back by itself; returns the index after the last one run.
  size_t RunWrites(const std::vector<PendingWrite*>& group, size_t next)
      ABSL_LOCKS_EXCLUDED(queue_mu_);

  ConnectionPool readers_;
  // Only the group leader (leader_active_) touches writer_.
  const std::unique_ptr<Database> writer_;
  mutable absl::Mutex queue_mu_;
  std::deque<PendingWrite*> queue_ ABSL_GUARDED_BY(queue_mu_);
  bool leader_active_ ABSL_GUARDED_BY(queue_mu_) = false;
  WriteStats stats_ ABSL_GUARDED_BY(queue_mu_);
  absl::Status refused_ ABSL_GUARDED_BY(queue_mu_);
  std::atomic<uint64_t> commits_{0};
  absl::Mutex listeners_mu_;
  std::vector<std::function<void()>> listeners_ ABSL_GUARDED_BY(listeners_mu_);
};

}  // namespace healthcontent::storage

#endif  // HEALTHCONTENT_STORAGE_STORAGE_H_
