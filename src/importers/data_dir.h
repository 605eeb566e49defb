// Loads a data directory (see data/README.md) into the stores, through the
// same validation and publish rules as the gRPC write methods.
#ifndef HEALTHCONTENT_IMPORTERS_DATA_DIR_H_
#define HEALTHCONTENT_IMPORTERS_DATA_DIR_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/article_store.h"
#include "storage/therapy_type_store.h"

namespace healthcontent::importers {

struct DataDirSummary {
  int therapy_types = 0;
  int revisions = 0;
};

// Upserts every therapy-types/*.json, then publishes every
// articles/*/*.json in name order (so older reviews go first). Stops at the
// first file that fails, with an error naming it; files loaded before it
// stay loaded (each is its own transaction).
absl::StatusOr<DataDirSummary> LoadDataDir(const std::string& dir,
                                           storage::TherapyTypeStore* therapy_types,
                                           storage::ArticleStore* articles, absl::Time now);

}  // namespace healthcontent::importers

#endif  // HEALTHCONTENT_IMPORTERS_DATA_DIR_H_
