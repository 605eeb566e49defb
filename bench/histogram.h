// A latency histogram with logarithmic buckets, in the manner of
// HdrHistogram: each power of two is split into 64 linear sub-buckets, so a
// recorded value is known to within 1/64 (1.6%) of itself, from 1 ns to
// about 5 hours, in a fixed 20 KB. Merging two histograms adds their counts.
//
// Not thread-safe: give each thread its own and Merge() them at the end.
#ifndef HEALTHCONTENT_BENCH_HISTOGRAM_H_
#define HEALTHCONTENT_BENCH_HISTOGRAM_H_

#include <cstdint>
#include <vector>

namespace healthcontent::bench {

class LatencyHistogram {
 public:
  LatencyHistogram();

  // Records one value in nanoseconds; negative values count as 0 and values
  // beyond the range as the largest bucket.
  void Record(int64_t nanos);
  void Merge(const LatencyHistogram& other);

  int64_t count() const { return count_; }
  int64_t max() const { return max_; }
  double mean() const { return count_ == 0 ? 0 : static_cast<double>(sum_) / count_; }

  // The smallest recorded value v such that a fraction q (0..1) of the
  // values are <= v, reported as the upper end of v's bucket (never above
  // max()). 0 when empty.
  int64_t Quantile(double q) const;

 private:
  static int BucketOf(int64_t nanos);
  static int64_t BucketUpperBound(int bucket);

  std::vector<int64_t> counts_;
  int64_t count_ = 0;
  int64_t sum_ = 0;
  int64_t max_ = 0;
};

}  // namespace healthcontent::bench

#endif  // HEALTHCONTENT_BENCH_HISTOGRAM_H_
