// Keeps the server's resident memory (RSS) under a bound, and gives memory
// freed after a burst back to the operating system.
//
// gRPC's ResourceQuota bounds gRPC's own buffers, not the process: handler
// allocations, SQLite's caches and malloc's free lists are outside it. So a
// thread samples RSS from /proc/self/statm every `interval`:
//  - At or above shed_fraction of the limit, overloaded() turns true and the
//    services refuse new calls with RESOURCE_EXHAUSTED (api::BeginCall)
//    until RSS is back under resume_fraction; calls already admitted finish.
//    Health stays SERVING: the server still serves, it only sheds.
//  - Every trim_interval, when glibc's malloc holds more than
//    trim_threshold_bytes freed but not returned (mallinfo2), it calls
//    malloc_trim(0), which returns those pages to the kernel. Without it a
//    flood's peak stays resident for good (measured in bench/RESULTS.md).
// Under AddressSanitizer, whose quarantine holds freed memory by design, the
// guard samples but never sheds.
#ifndef HEALTHCONTENT_SERVER_MEMORY_GUARD_H_
#define HEALTHCONTENT_SERVER_MEMORY_GUARD_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace healthcontent::server {

// The resident set size of this process, in bytes; 0 if it cannot be read.
int64_t ResidentBytes();

class MemoryGuard {
 public:
  struct Options {
    // The bound; zero or less: never shed (trimming still runs).
    int64_t limit_bytes = 512ll << 20;
    double shed_fraction = 0.9;
    double resume_fraction = 0.8;
    absl::Duration interval = absl::Milliseconds(100);
    absl::Duration trim_interval = absl::Seconds(1);
    int64_t trim_threshold_bytes = 8ll << 20;
    // Tests replace the RSS reading.
    std::function<int64_t()> read_rss = ResidentBytes;
  };

  // Starts the sampling thread; the destructor stops it.
  explicit MemoryGuard(Options options);
  ~MemoryGuard();
  MemoryGuard(const MemoryGuard&) = delete;
  MemoryGuard& operator=(const MemoryGuard&) = delete;

  // True while new calls should be refused. Cheap: one atomic load.
  const std::atomic<bool>& overloaded() const { return overloaded_; }
  // The last RSS sampled, in bytes.
  int64_t rss_bytes() const { return rss_.load(std::memory_order_relaxed); }
  // malloc_trim calls made, and how often the guard began shedding.
  int64_t trims() const { return trims_.load(std::memory_order_relaxed); }
  int64_t sheds() const { return sheds_.load(std::memory_order_relaxed); }

  // One sampling step (the thread's loop body; tests call it directly).
  void Sample(absl::Time now);

 private:
  const Options options_;
  std::atomic<bool> overloaded_{false};
  std::atomic<int64_t> rss_{0};
  std::atomic<int64_t> trims_{0};
  std::atomic<int64_t> sheds_{0};
  absl::Time last_trim_check_ = absl::InfinitePast();  // the thread's own

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace healthcontent::server

#endif  // HEALTHCONTENT_SERVER_MEMORY_GUARD_H_
