#include "histogram.h"

#include <algorithm>
#include <cmath>

namespace healthcontent::bench {
namespace {

// Values below 2^kSubBucketBits have a bucket each; above, the top
// kSubBucketBits bits of a value choose its bucket.
constexpr int kSubBucketBits = 7;
constexpr int kHalf = 1 << (kSubBucketBits - 1);  // 64
// Largest shift kept: values up to 2^(kMaxShift + kSubBucketBits) ns (~5 h).
constexpr int kMaxShift = 37;
constexpr int kBuckets = (kMaxShift + 1) * kHalf + 2 * kHalf;

}  // namespace

LatencyHistogram::LatencyHistogram() : counts_(kBuckets, 0) {}

int LatencyHistogram::BucketOf(int64_t nanos) {
  if (nanos < 2 * kHalf) return static_cast<int>(std::max<int64_t>(nanos, 0));
  const uint64_t v = static_cast<uint64_t>(nanos);
  const int msb = 63 - __builtin_clzll(v);
  const int shift = msb - (kSubBucketBits - 1);  // >= 1; v >> shift is in [64, 128)
  if (shift > kMaxShift) return kBuckets - 1;
  return shift * kHalf + static_cast<int>(v >> shift);
}

int64_t LatencyHistogram::BucketUpperBound(int bucket) {
  if (bucket < 2 * kHalf) return bucket;
  const int shift = bucket / kHalf - 1;
  const int64_t mantissa = bucket - shift * kHalf;  // in [64, 128)
  return ((mantissa + 1) << shift) - 1;
}

void LatencyHistogram::Record(int64_t nanos) {
  nanos = std::max<int64_t>(nanos, 0);
  ++counts_[BucketOf(nanos)];
  ++count_;
  sum_ += nanos;
  max_ = std::max(max_, nanos);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
}

int64_t LatencyHistogram::Quantile(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  const int64_t rank = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(q * count_)));
  int64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(BucketUpperBound(static_cast<int>(i)), max_);
  }
  return max_;
}

}  // namespace healthcontent::bench
