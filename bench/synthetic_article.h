// Synthetic articles shaped like the seed article (data/articles/): a lead,
// headed sections of paragraphs and bullet lists (some with a bold lead
// phrase or a link), 1-5 therapy types and 2-6 cited works, about 4-6 KB
// once stored and served in the FULL view.
//
// Content is a pure function of (seed, article index, revision ordinal,
// review date), so the corpus writer and the load generator's publishers
// produce the same request for the same inputs.
#ifndef HEALTHCONTENT_BENCH_SYNTHETIC_ARTICLE_H_
#define HEALTHCONTENT_BENCH_SYNTHETIC_ARTICLE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "corpus_names.h"
#include "healthcontent/v1/article_service.pb.h"
#include "healthcontent/v1/therapy_type.pb.h"

namespace healthcontent::bench {

// How many works a corpus of `articles` articles cites in all: one per
// eight articles, at least 64. Articles draw from the pool with a Zipf
// spread, so the most cited DOIs appear in thousands of articles.
int ReferencePoolSize(int64_t articles);

// Immutable after construction, so thread-safe.
class SyntheticArticles {
 public:
  // `therapy_types`: the therapy types as the server stores them, most
  // covered first; articles list 1-5 of them with a Zipf spread (none when
  // the list is empty).
  SyntheticArticles(uint64_t seed, int reference_pool, std::vector<v1::TherapyType> therapy_types);

  // Revision `ordinal` (0 for the first) of article `index`, named
  // articles/{slug} and reviewed on `review_date`: the article's content,
  // fixed by the seed and index, with a few blocks, a reference or a therapy
  // type changed for every ordinal after the first. Passes
  // domain::ValidatePublishRequest; next_review_date and request_id are left
  // for the server (its default review interval; no retry record).
  v1::PublishArticleRevisionRequest Revision(int64_t index, const std::string& slug, int ordinal,
                                             absl::CivilDay review_date) const;

  // Pool reference `i` (0 <= i < reference_pool): the same work, with the
  // same DOI or URL, in every article that cites it.
  v1::Reference PoolReference(int i) const;

 private:
  struct Writer;

  uint64_t seed_;
  int reference_pool_;
  std::vector<v1::TherapyType> therapy_types_;
  ZipfTable word_zipf_;
  ZipfTable therapy_type_zipf_;
  ZipfTable reference_zipf_;
};

}  // namespace healthcontent::bench

#endif  // HEALTHCONTENT_BENCH_SYNTHETIC_ARTICLE_H_
