#include "common/token_bucket.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace healthcontent {

TokenBucket::TokenBucket(double rate, double burst, absl::Time now)
    : rate_(rate), burst_(std::max(burst, 1.0)), tokens_(burst_), last_(now) {}

void TokenBucket::Refill(absl::Time now) {
  if (now > last_) {
    tokens_ = std::min(burst_, tokens_ + absl::ToDoubleSeconds(now - last_) * rate_);
    last_ = now;
  }
}

int TokenBucket::Take(int want, absl::Time now) {
  assert(want >= 1);
  if (rate_ <= 0) return want;
  absl::MutexLock lock(&mu_);
  Refill(now);
  const int granted = static_cast<int>(std::min<double>(want, std::floor(tokens_)));
  tokens_ -= granted;
  return granted;
}

absl::Duration TokenBucket::TimeUntil(int tokens, absl::Time now) {
  if (rate_ <= 0) return absl::ZeroDuration();
  const double wanted = std::min<double>(tokens, burst_);
  absl::MutexLock lock(&mu_);
  Refill(now);
  if (tokens_ >= wanted) return absl::ZeroDuration();
  return absl::Seconds((wanted - tokens_) / rate_);
}

}  // namespace healthcontent
