// A token bucket: `rate` tokens a second, at most `burst` saved up. Callers
// pass the time, so tests drive it with a fake clock. Thread-safe.
//
//   TokenBucket replay(/*rate=*/10000, /*burst=*/1000, absl::Now());
//   int granted = replay.Take(100, absl::Now());  // 0..100
#ifndef HEALTHCONTENT_COMMON_TOKEN_BUCKET_H_
#define HEALTHCONTENT_COMMON_TOKEN_BUCKET_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace healthcontent {

class TokenBucket {
 public:
  // Starts full. `rate` > 0 and `burst` >= 1; a rate of zero or less means
  // unlimited (Take always grants what is asked).
  TokenBucket(double rate, double burst, absl::Time now);

  // Takes up to `want` (>= 1) whole tokens and returns how many it took:
  // 0 when fewer than one is available.
  int Take(int want, absl::Time now);

  // How long until `tokens` (at most the burst) are available; zero when
  // they are.
  absl::Duration TimeUntil(int tokens, absl::Time now);

 private:
  void Refill(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const double rate_;
  const double burst_;
  absl::Mutex mu_;
  double tokens_ ABSL_GUARDED_BY(mu_);
  absl::Time last_ ABSL_GUARDED_BY(mu_);
};

}  // namespace healthcontent

#endif  // HEALTHCONTENT_COMMON_TOKEN_BUCKET_H_
