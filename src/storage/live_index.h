// Keeps the in-force index (live_articles), each live article's listing entry
// (live_listings: the in-force revision in the basic view), the therapy type counts
// (live_therapy_type_counts) of one article in step with its revisions. The
// search index (search/) follows these rows through the change feed.
#ifndef HEALTHCONTENT_STORAGE_LIVE_INDEX_H_
#define HEALTHCONTENT_STORAGE_LIVE_INDEX_H_

#include <cstdint>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "storage/database.h"

namespace healthcontent::storage {

// Points the article's index rows at its revision in force on `today`, or
// removes them when it is withdrawn or has none. Call inside the write
// transaction of every change to the article (checked: HC_DCHECK).
absl::Status RefreshLiveArticle(Database* db, int64_t article_id, absl::CivilDay today);

// Fills live_listings for every live article from its in-force
// revision's body (schema migration 4 -> 5). Call inside a write transaction
// (checked: HC_DCHECK).
absl::Status BackfillLiveListings(Database* db);

}  // namespace healthcontent::storage

#endif  // HEALTHCONTENT_STORAGE_LIVE_INDEX_H_
