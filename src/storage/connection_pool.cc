#include "storage/connection_pool.h"

#include <atomic>

#include "absl/container/flat_hash_map.h"

namespace healthcontent::storage {
namespace {

std::atomic<uint64_t> next_pool_id{1};

// Pool id -> this thread's connection in that pool.
absl::flat_hash_map<uint64_t, Database*>& ThreadConnections() {
  thread_local absl::flat_hash_map<uint64_t, Database*> connections;
  return connections;
}

}  // namespace

ConnectionPool::ConnectionPool(std::string path, Database::Options options)
    : id_(next_pool_id.fetch_add(1)), path_(std::move(path)), options_(options) {}

ConnectionPool::~ConnectionPool() = default;

absl::StatusOr<Database*> ConnectionPool::ForThisThread() {
  auto& mine = ThreadConnections();
  auto it = mine.find(id_);
  if (it != mine.end()) return it->second;
  absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(path_, options_);
  if (!db.ok()) return db.status();
  Database* raw = db->get();
  {
    absl::MutexLock lock(&mu_);
    connections_.push_back(*std::move(db));
  }
  mine.emplace(id_, raw);
  return raw;
}

}  // namespace healthcontent::storage
