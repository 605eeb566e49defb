// What the search index (search/) reads from one database: live articles in
// their revision in force, by id, and the sets of ids a filter or a therapy
// type selects. Ids are articles.id, stable for the life of the database and
// kept by its bundles, so the index uses them as its document ids.
#ifndef HEALTHCONTENT_STORAGE_SEARCH_SOURCE_H_
#define HEALTHCONTENT_STORAGE_SEARCH_SOURCE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "domain/filter.h"
#include "healthcontent/v1/article.pb.h"
#include "storage/storage.h"

namespace healthcontent::storage {

// A live article as listings serve it: its revision in force as of the last
// refresh of the live index (storage/live_index.h).
struct LiveDocument {
  int64_t article_id = 0;
  std::string slug;
  std::string review_date;       // YYYY-MM-DD, the in-force revision's id
  std::string next_review_date;  // YYYY-MM-DD
  std::string language_code;
  v1::Article article;  // the stored revision, as GetArticleRevision reads it
  // For a translation, whether it is behind its source on the day given to
  // LiveDocuments (UNSPECIFIED when no day was given).
  v1::Article::TranslationStatus translation_status = v1::Article::TRANSLATION_STATUS_UNSPECIFIED;
};

// Thread-safe; every call reads one consistent snapshot of the database.
class SearchSource {
 public:
  explicit SearchSource(Storage* storage) : storage_(storage) {}

  // Ids of live articles greater than `after_id`, ascending, at most `limit`.
  absl::StatusOr<std::vector<int64_t>> LiveArticleIds(int64_t after_id, int limit) const;

  // The ids of the named articles, withdrawn ones included; unknown slugs are
  // left out.
  absl::StatusOr<std::vector<int64_t>> ArticleIds(const std::vector<std::string>& slugs) const;

  // Ids of live articles whose in-force revision lists the therapy type.
  absl::StatusOr<std::vector<int64_t>> LiveArticleIdsWithTherapyType(
      const std::string& therapy_type_slug) const;

  // Ids of live articles that `filter` (ListArticles syntax, already parsed)
  // selects on `today`. InvalidArgument when it does not compile.
  absl::StatusOr<absl::flat_hash_set<int64_t>> FilterLiveArticleIds(
      const domain::FilterNode& filter, absl::CivilDay today, int due_soon_days) const;

  // The live ones among `ids` (at most 1,000), in the order of `ids`;
  // withdrawn and unknown ids are left out. DataLoss for a stored revision
  // that cannot be decoded.
  // With `today`, each document's translation status on that day.
  absl::StatusOr<std::vector<LiveDocument>> LiveDocuments(
      const std::vector<int64_t>& ids, std::optional<absl::CivilDay> today = std::nullopt) const;

 private:
  Storage* storage_;
};

}  // namespace healthcontent::storage

#endif  // HEALTHCONTENT_STORAGE_SEARCH_SOURCE_H_
