#include "server/memory_guard.h"

#include <malloc.h>
#include <unistd.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace healthcontent::server {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kUnderAsan = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kUnderAsan = true;
#else
constexpr bool kUnderAsan = false;
#endif
#else
constexpr bool kUnderAsan = false;
#endif

}  // namespace

int64_t ResidentBytes() {
  std::FILE* file = std::fopen("/proc/self/statm", "r");
  if (file == nullptr) return 0;
  long long pages_total = 0;
  long long pages_resident = 0;
  const int read = std::fscanf(file, "%lld %lld", &pages_total, &pages_resident);
  std::fclose(file);
  if (read != 2) return 0;
  return pages_resident * static_cast<int64_t>(sysconf(_SC_PAGESIZE));
}

MemoryGuard::MemoryGuard(Options options) : options_(std::move(options)) {
  thread_ = std::thread([this] {
    absl::MutexLock lock(&mu_);
    while (!mu_.AwaitWithTimeout(absl::Condition(&stopping_), options_.interval)) {
      mu_.Unlock();
      Sample(absl::Now());
      mu_.Lock();
    }
  });
}

MemoryGuard::~MemoryGuard() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void MemoryGuard::Sample(absl::Time now) {
  if (now - last_trim_check_ >= options_.trim_interval) {
    last_trim_check_ = now;
    const struct mallinfo2 info = mallinfo2();
    // fordblks: free bytes inside malloc's arenas, not yet given back.
    if (static_cast<int64_t>(info.fordblks) > options_.trim_threshold_bytes) {
      malloc_trim(0);
      trims_.fetch_add(1, std::memory_order_relaxed);
    }
  }
  const int64_t rss = options_.read_rss();
  rss_.store(rss, std::memory_order_relaxed);
  if (kUnderAsan || options_.limit_bytes <= 0) return;
  const bool was = overloaded_.load(std::memory_order_relaxed);
  const double limit = static_cast<double>(options_.limit_bytes);
  if (!was && rss >= options_.shed_fraction * limit) {
    overloaded_.store(true, std::memory_order_relaxed);
    sheds_.fetch_add(1, std::memory_order_relaxed);
    LogWarn(
        "memory over its bound: refusing new calls",
        {{"rss_bytes", absl::StrCat(rss)}, {"limit_bytes", absl::StrCat(options_.limit_bytes)}});
  } else if (was && rss < options_.resume_fraction * limit) {
    overloaded_.store(false, std::memory_order_relaxed);
    LogInfo(
        "memory back under its bound: accepting calls",
        {{"rss_bytes", absl::StrCat(rss)}, {"limit_bytes", absl::StrCat(options_.limit_bytes)}});
  }
}

}  // namespace healthcontent::server
