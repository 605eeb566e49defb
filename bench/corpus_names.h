// The synthetic corpus's names, review dates and words, shared by the corpus
// writer (which creates the articles) and the load generator (which asks for
// them without listing the database first).
//
// Everything here is a pure function of (seed, article index): no state, no
// I/O. Draws use std::mt19937_64, whose output the C++ standard fixes, and
// this file's own mapping to ranges (never the std:: distributions, whose
// algorithms differ between standard libraries), so one seed names the same
// corpus everywhere.
#ifndef HEALTHCONTENT_BENCH_CORPUS_NAMES_H_
#define HEALTHCONTENT_BENCH_CORPUS_NAMES_H_

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace healthcontent::bench {

using Rng = std::mt19937_64;

// Independent random streams of one article (or of one pooled reference).
enum class Stream : uint64_t {
  kDates = 1,
  kContent = 2,
  kRevision = 3,
  kReference = 4,
  kRequests = 5,
};

// The seed of stream `stream` of item `index` under the corpus seed `seed`
// (splitmix64 mixing, so neighbouring indexes give unrelated streams).
uint64_t StreamSeed(uint64_t seed, uint64_t index, Stream stream);

// Uniform in [0, n); n must be > 0.
uint64_t UniformIndex(Rng& rng, uint64_t n);

// Uniform in [0, 1).
double UniformUnit(Rng& rng);

// Draws 0..n-1 with probability proportional to 1/(i+1) (Zipf, exponent 1):
// index 0 is the most frequent. Immutable after construction, so thread-safe.
class ZipfTable {
 public:
  explicit ZipfTable(int n);
  int Sample(Rng& rng) const;
  int size() const { return static_cast<int>(cdf_.size()); }

 private:
  std::vector<double> cdf_;
};

// The 256 content words the corpus is written from: distinct, lower-case
// a-z only. Articles use them with a Zipf spread (the first most often);
// search benchmarks query them.
const std::vector<absl::string_view>& Vocabulary();

// Short function words mixed into sentences; never search terms.
const std::vector<absl::string_view>& FillerWords();

// Limits of the scheme: article indexes are 24 bits (three vocabulary words
// name an article), and revision dates must fit 2015-2026.
inline constexpr int64_t kMaxArticles = int64_t{1} << 24;
inline constexpr int kMaxRevisions = 1000;

// The three vocabulary indexes that name article `index`
// (0 <= index < kMaxArticles). A bijection: distinct articles get distinct
// words. Independent of the seed.
std::array<int, 3> ArticleNameWords(int64_t index);

// The slug of article `index`: its three words joined by '-', e.g.
// "lymphoma-dosage-fatigue". Distinct for distinct indexes.
std::string ArticleSlug(int64_t index);

// The review dates of the `revisions` (1..kMaxRevisions) revisions of article
// `index`, strictly increasing: the first in 2015-2018, the others spread
// from there to kLastRegularReviewDate. For about one article in 20 with two
// or more revisions, the last revision is dated in 2027 instead: a scheduled
// revision while that year is still ahead.
std::vector<absl::CivilDay> RevisionDates(uint64_t seed, int64_t index, int revisions);

inline constexpr absl::CivilDay kFirstReviewDate(2015, 1, 1);
inline constexpr absl::CivilDay kLastRegularReviewDate(2026, 6, 30);
inline constexpr absl::CivilDay kFirstScheduledDate(2027, 1, 1);

}  // namespace healthcontent::bench

#endif  // HEALTHCONTENT_BENCH_CORPUS_NAMES_H_
