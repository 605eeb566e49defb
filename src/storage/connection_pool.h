// One SQLite connection per thread, as SQLite is fastest and simplest that
// way: no connection is ever shared between threads, so none needs a lock.
#ifndef HEALTHCONTENT_STORAGE_CONNECTION_POOL_H_
#define HEALTHCONTENT_STORAGE_CONNECTION_POOL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "storage/database.h"

namespace healthcontent::storage {

// Hands each calling thread its own connection to one database file, opened
// on the thread's first call. Thread-safe. The pool owns every connection and
// closes them all when destroyed; it must outlive the threads' use of them.
class ConnectionPool {
 public:
  ConnectionPool(std::string path, Database::Options options);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;
  ~ConnectionPool();

  // This thread's connection (opened now if needed). Never null on success.
  absl::StatusOr<Database*> ForThisThread();

  const std::string& path() const { return path_; }

 private:
  const uint64_t id_;  // never reused, so a stale thread-local entry never matches
  const std::string path_;
  const Database::Options options_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<Database>> connections_ ABSL_GUARDED_BY(mu_);
};

}  // namespace healthcontent::storage

#endif  // HEALTHCONTENT_STORAGE_CONNECTION_POOL_H_
