#include "storage/storage.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "storage/debug_check.h"
#include "storage/schema.h"

namespace healthcontent::storage {

Storage::Storage(std::string path, Database::Options reader_options,
                 std::unique_ptr<Database> writer)
    : readers_(std::move(path), reader_options), writer_(std::move(writer)) {}

absl::StatusOr<std::unique_ptr<Storage>> Storage::Open(const std::string& path,
                                                       const Options& options) {
  if (options.immutable && !options.read_only) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": only read-only storage can be opened immutable"));
  }
  const Database::Options reader_options{.read_only = true, .immutable = options.immutable};
  std::unique_ptr<Database> writer;
  if (options.read_only) {
    ASSIGN_OR_RETURN(auto probe, Database::Open(path, reader_options));
    RETURN_IF_ERROR(CheckSchemaVersion(probe.get()));
  } else {
    ASSIGN_OR_RETURN(writer, Database::Open(path, {.read_only = false}));
    RETURN_IF_ERROR(MigrateSchema(writer.get()));
  }
  return std::unique_ptr<Storage>(new Storage(path, reader_options, std::move(writer)));
}

absl::Status Storage::ReadOnlyError() const {
  return absl::FailedPreconditionError(
      absl::StrCat(readers_.path(), " is served read-only; send writes to the primary"));
}

struct Storage::PendingWrite {
  explicit PendingWrite(absl::FunctionRef<absl::Status(Database*)> f) : fn(f) {}
  absl::FunctionRef<absl::Status(Database*)> fn;
  absl::Status status;
  bool done = false;  // guarded by Storage::queue_mu_
};

void Storage::RefuseWrites(absl::Status why) {
  HC_DCHECK(!why.ok(), "RefuseWrites needs the reason writes are refused");
  absl::MutexLock lock(&queue_mu_);
  refused_ = std::move(why);
}

absl::Status Storage::writes_refused() const {
  absl::MutexLock lock(&queue_mu_);
  return refused_;
}

absl::Status Storage::Write(absl::FunctionRef<absl::Status(Database*)> fn) {
  if (writer_ == nullptr) return ReadOnlyError();
  PendingWrite me(fn);
  std::vector<PendingWrite*> group;
  {
    absl::MutexLock lock(&queue_mu_);
    if (!refused_.ok()) return refused_;
    queue_.push_back(&me);
    // Either a leader commits this write, or it reaches the front of the
    // queue while no group is running and leads the next one.
    auto done_or_leading = [this, &me]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_) {
      return me.done || (!leader_active_ && queue_.front() == &me);
    };
    queue_mu_.Await(absl::Condition(&done_or_leading));
    if (me.done) return me.status;
    leader_active_ = true;
    while (!queue_.empty() && static_cast<int>(group.size()) < kMaxWritesPerCommit) {
      group.push_back(queue_.front());
      queue_.pop_front();
    }
  }
  CommitGroup(group);
  bool any_ok = false;
  for (const PendingWrite* write : group) any_ok = any_ok || write->status.ok();
  // Counted before any writer of the group is released (see commits()).
  if (any_ok) commits_.fetch_add(1, std::memory_order_acq_rel);
  {
    absl::MutexLock lock(&queue_mu_);
    for (PendingWrite* write : group) {
      write->done = true;  // the waiter may return (and free `write`) from here on
    }
    leader_active_ = false;
  }
  if (any_ok) {
    absl::MutexLock lock(&listeners_mu_);
    for (const auto& listener : listeners_) listener();
  }
  return me.status;
}

absl::Status Storage::Configure(absl::FunctionRef<absl::Status(Database*)> fn) {
  if (writer_ == nullptr) return ReadOnlyError();
  {
    absl::MutexLock lock(&queue_mu_);
    auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_) {
      return !leader_active_ && queue_.empty();
    };
    queue_mu_.Await(absl::Condition(&idle));
    leader_active_ = true;
  }
  absl::Status status = fn(writer_.get());
  absl::MutexLock lock(&queue_mu_);
  leader_active_ = false;
  return status;
}

void Storage::CommitGroup(const std::vector<PendingWrite*>& group) {
  Database* db = writer_.get();
  size_t next = 0;
  while (next < group.size()) {
    HC_DCHECK(!db->InTransaction(), "a write left its transaction open");
    const size_t first = next;
    Transaction transaction(db);
    absl::Status begun = transaction.Begin();
    if (!begun.ok()) {
      for (; next < group.size(); ++next) group[next]->status = begun;
      break;
    }
    next = RunWrites(group, first);
    {
      absl::MutexLock lock(&queue_mu_);
      stats_.writes += static_cast<int64_t>(next - first);
      stats_.commits += 1;
    }
    if (!db->InTransaction()) {
      // SQLite rolled the whole transaction back (disk full, I/O error): the
      // writes before the last one run are gone too. The rest start a new
      // transaction.
      absl::Status lost = group[next - 1]->status;
      if (lost.ok()) {
        lost = absl::InternalError("the write transaction was rolled back unexpectedly");
      }
      for (size_t i = first; i < next; ++i) {
        if (group[i]->status.ok()) group[i]->status = lost;
      }
      continue;
    }
    // Nothing of the group is acknowledged before this COMMIT: the statuses
    // reach the writers only after CommitGroup returns.
    absl::Status committed = transaction.Commit();
    if (!committed.ok()) {
      for (size_t i = first; i < next; ++i) {
        if (group[i]->status.ok()) group[i]->status = committed;
      }
    }
  }
}

size_t Storage::RunWrites(const std::vector<PendingWrite*>& group, size_t next) {
  Database* db = writer_.get();
  for (; next < group.size(); ++next) {
    PendingWrite* write = group[next];
    Transaction savepoint(db);
    write->status = savepoint.Begin();
    if (write->status.ok()) write->status = write->fn(db);
    if (write->status.ok() && db->InTransaction()) write->status = savepoint.Commit();
    if (!db->InTransaction()) return next + 1;
    // On an error the savepoint's destructor rolls back this write alone.
  }
  return next;
}

Storage::WriteStats Storage::write_stats() const {
  absl::MutexLock lock(&queue_mu_);
  return stats_;
}

int Storage::QueuedWrites() const {
  absl::MutexLock lock(&queue_mu_);
  return static_cast<int>(queue_.size());
}

absl::Status Storage::CopyTo(const std::string& destination) {
  ASSIGN_OR_RETURN(Database * db, Reader());
  ASSIGN_OR_RETURN(Statement vacuum, db->PrepareUncached("VACUUM INTO ?1"));
  vacuum.BindText(1, destination);
  absl::Status status = vacuum.Run();
  if (!status.ok()) {
    return absl::Status(status.code(), absl::StrCat("copying the database to ", destination, ": ",
                                                    status.message()));
  }
  return absl::OkStatus();
}

void Storage::AddCommitListener(std::function<void()> listener) {
  absl::MutexLock lock(&listeners_mu_);
  listeners_.push_back(std::move(listener));
}

}  // namespace healthcontent::storage
