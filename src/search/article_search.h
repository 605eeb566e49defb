// SearchArticles without gRPC: the index proposes candidates, the database
// disposes of them.
//
// A candidate is served only when the database's live index holds the same
// revision of the same article that the search index matched, so a search
// never names an article that is withdrawn, or a revision that is
// superseded or not yet in force, whatever the search index's lag. The
// page is then read from the database (the stored revision), never from
// the search index.
#ifndef HEALTHCONTENT_SEARCH_ARTICLE_SEARCH_H_
#define HEALTHCONTENT_SEARCH_ARTICLE_SEARCH_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "domain/filter.h"
#include "healthcontent/v1/article.pb.h"
#include "search/search_index.h"
#include "storage/dataset.h"

namespace healthcontent::search {

struct SearchParams {
  std::string text;           // passes ValidateQuery
  std::string language_code;  // "" for every language
  const domain::FilterNode* filter = nullptr;
  int offset = 0;  // from the previous page's next_offset
  // From the previous page's index_sequence: the index must still be at
  // it, or its ranking (and so `offset`) may differ.
  std::optional<int64_t> index_sequence;
  int limit = 20;  // 1-100
  bool facets = false;
  absl::CivilDay today;
  int due_soon_days = 90;
};

struct SearchHit {
  v1::Article article;  // the stored in-force revision, as read from the database
  std::string snippet;
  double score = 0;
};

struct SearchOutcome {
  std::vector<SearchHit> hits;     // best first, at most limit
  std::optional<int> next_offset;  // set when another page follows
  int64_t index_sequence = 0;      // of the index this page was ranked by
  uint64_t estimated_matches = 0;
  bool matches_exact = false;
  std::string suggested_query;  // a spelling correction, when few hits
  std::vector<SearchIndex::FacetCount> therapy_type_counts;
  std::vector<SearchIndex::FacetCount> review_status_counts;
  bool facets_exact = false;
};

// A query that finds fewer hits than this, on its first page, gets a
// spelling suggestion when one finds something.
inline constexpr int kSuggestBelowHits = 3;

// Runs one search page. InvalidArgument for a filter that does not compile.
// Aborted naming "page_token" when params.index_sequence is set and the
// index has applied changes since: a later page of a new ranking could
// repeat or skip hits, so the search starts again from its first page.
absl::StatusOr<SearchOutcome> SearchArticles(const SearchIndex& index, const storage::Dataset& data,
                                             const SearchParams& params);

}  // namespace healthcontent::search

#endif  // HEALTHCONTENT_SEARCH_ARTICLE_SEARCH_H_
