// Ready-to-send answers of the hot raw reads (GetArticle,
// GetArticleRevision, ListArticles), so that a repeated read costs a hash
// lookup instead of a SQLite transaction and re-encoding the revision.
//
//   ResponseCache cache(64 << 20);
//   ResponseCache::Version version = ResponseCache::VersionOf(*data);   // BEFORE reading
//   if (auto hit = cache.Find(key, version)) { ... send *hit ... }
//   ... compute the answer from `data` ...
//   cache.Insert(key, version, answer);
//
// Correctness rests on the version: the dataset's serial (a replica's bundle
// swap makes a new Dataset) and its storage's commit count, which grows
// before any write returns (storage::Storage::commits). An entry answers only
// lookups of the same version, so every commit empties the cache in effect,
// and a read that starts after a write returned never sees an answer
// computed before it. The version must be taken before the data is read: an
// answer computed from newer data under an older version is merely wasted.
// Whatever else an answer depends on (the day, the caller's admin rights)
// belongs in the key.
//
// Bounded by bytes (answers plus keys), least recently used out first, in
// 16 shards with a mutex each. Thread-safe. Answers are grpc::Slice: a hit
// takes a reference, no copy.
#ifndef HEALTHCONTENT_API_RESPONSE_CACHE_H_
#define HEALTHCONTENT_API_RESPONSE_CACHE_H_

#include <grpcpp/support/slice.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <list>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "storage/dataset.h"

namespace healthcontent::api {

class ResponseCache {
 public:
  struct Version {
    uint64_t dataset = 0;
    uint64_t commits = 0;
    friend bool operator==(const Version& a, const Version& b) {
      return a.dataset == b.dataset && a.commits == b.commits;
    }
  };
  // The version of what `data` holds now.
  static Version VersionOf(const storage::Dataset& data) {
    return {data.serial, data.storage->commits()};
  }

  // Holds at most `max_bytes` of keys and answers; 0 holds nothing.
  explicit ResponseCache(size_t max_bytes);
  ResponseCache(const ResponseCache&) = delete;
  ResponseCache& operator=(const ResponseCache&) = delete;

  // The answer stored under `key` for `version`; nullopt when there is none.
  // An entry of another version is removed.
  std::optional<grpc::Slice> Find(absl::string_view key, const Version& version);
  // Stores `answer` under `key` for `version`, replacing what was there. An
  // answer larger than a shard's share of the bound is not stored.
  void Insert(std::string key, const Version& version, grpc::Slice answer);

  uint64_t hits() const { return hits_.load(std::memory_order_relaxed); }
  uint64_t misses() const { return misses_.load(std::memory_order_relaxed); }
  size_t bytes() const;

 private:
  static constexpr size_t kShards = 16;
  struct Entry {
    std::string key;
    Version version;
    grpc::Slice answer;
    size_t Cost() const { return key.size() + answer.size() + sizeof(Entry); }
  };
  struct Shard {
    mutable absl::Mutex mu;
    std::list<Entry> lru ABSL_GUARDED_BY(mu);  // most recently used first
    absl::flat_hash_map<absl::string_view, std::list<Entry>::iterator> index ABSL_GUARDED_BY(mu);
    size_t bytes ABSL_GUARDED_BY(mu) = 0;
  };
  Shard& ShardOf(absl::string_view key);
  static void Erase(Shard& shard, std::list<Entry>::iterator it)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu);

  const size_t shard_bytes_;
  std::array<Shard, kShards> shards_;
  std::atomic<uint64_t> hits_{0};
  std::atomic<uint64_t> misses_{0};
};

}  // namespace healthcontent::api

#endif  // HEALTHCONTENT_API_RESPONSE_CACHE_H_
