#include "api/response_cache.h"

#include <utility>

#include "absl/hash/hash.h"

namespace healthcontent::api {

ResponseCache::ResponseCache(size_t max_bytes) : shard_bytes_(max_bytes / kShards) {}

ResponseCache::Shard& ResponseCache::ShardOf(absl::string_view key) {
  return shards_[absl::HashOf(key) % kShards];
}

void ResponseCache::Erase(Shard& shard, std::list<Entry>::iterator it) {
  shard.bytes -= it->Cost();
  shard.index.erase(absl::string_view(it->key));
  shard.lru.erase(it);
}

std::optional<grpc::Slice> ResponseCache::Find(absl::string_view key, const Version& version) {
  Shard& shard = ShardOf(key);
  absl::MutexLock lock(&shard.mu);
  auto found = shard.index.find(key);
  if (found == shard.index.end()) {
    misses_.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  auto it = found->second;
  if (!(it->version == version)) {
    Erase(shard, it);
    misses_.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  shard.lru.splice(shard.lru.begin(), shard.lru, it);
  hits_.fetch_add(1, std::memory_order_relaxed);
  return it->answer;
}

void ResponseCache::Insert(std::string key, const Version& version, grpc::Slice answer) {
  Entry entry{std::move(key), version, std::move(answer)};
  if (entry.Cost() > shard_bytes_) return;
  Shard& shard = ShardOf(entry.key);
  absl::MutexLock lock(&shard.mu);
  auto found = shard.index.find(absl::string_view(entry.key));
  if (found != shard.index.end()) Erase(shard, found->second);
  while (!shard.lru.empty() && shard.bytes + entry.Cost() > shard_bytes_) {
    Erase(shard, std::prev(shard.lru.end()));
  }
  shard.bytes += entry.Cost();
  shard.lru.push_front(std::move(entry));
  // The index's key views the list entry's string, which never moves.
  shard.index.emplace(absl::string_view(shard.lru.front().key), shard.lru.begin());
}

size_t ResponseCache::bytes() const {
  size_t total = 0;
  for (const Shard& shard : shards_) {
    absl::MutexLock lock(&shard.mu);
    total += shard.bytes;
  }
  return total;
}

}  // namespace healthcontent::api
