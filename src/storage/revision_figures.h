// Figures the server computes for a revision when it is published and stores
// with it: its reading level (domain/readability.h).
#ifndef HEALTHCONTENT_STORAGE_REVISION_FIGURES_H_
#define HEALTHCONTENT_STORAGE_REVISION_FIGURES_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "domain/readability.h"
#include "healthcontent/v1/article.pb.h"
#include "storage/database.h"

namespace healthcontent::storage {

// The process's readability scorer over the system's hyphenation
// dictionaries (/usr/share/hyphen), loaded on first use and kept.
// FailedPrecondition naming a missing dictionary. Thread-safe.
absl::StatusOr<const domain::ReadabilityScorer*> SharedReadabilityScorer();

// Sets `article`'s readability from its text and language.
absl::Status ScoreRevision(v1::Article* article);

// Schema migration 7 -> 8: scores every stored revision, adds the figures
// to its stored body (the etag is kept: it validates the text, which did
// not change), fills the revisions and live_articles figure columns and
// rebuilds the listing entries. Call inside the migration's transaction
// (checked: HC_DCHECK).
absl::Status BackfillRevisionFigures(Database* db);

}  // namespace healthcontent::storage

#endif  // HEALTHCONTENT_STORAGE_REVISION_FIGURES_H_
