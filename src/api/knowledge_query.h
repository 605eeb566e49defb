// KnowledgeService's work without gRPC: clinical-code lookups
// (RetrieveKnowledge) and the coding history (SetArticleCodes,
// ListArticleCodings). Each function takes the call's Dataset and day,
// validates the whole request first (every problem a field violation, as
// INVALID_ARGUMENT naming the field) and changes nothing on error.
// Thread-safe.
#ifndef HEALTHCONTENT_API_KNOWLEDGE_QUERY_H_
#define HEALTHCONTENT_API_KNOWLEDGE_QUERY_H_

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "healthcontent/v1/knowledge_service.pb.h"
#include "storage/dataset.h"

namespace healthcontent::api {

// Limits of RetrieveKnowledgeRequest.
inline constexpr int kMaxCriteria = 20;
inline constexpr int kMaxKnowledgeResults = 50;
inline constexpr int kDefaultKnowledgeResults = 10;
inline constexpr int kMaxOriginalTextLength = 300;

// Answers `request` (see knowledge_service.proto) for its as_of day, or
// `today` when it has none. Review status is computed against `today`.
absl::Status RetrieveKnowledge(const storage::Dataset& data, absl::CivilDay today,
                               int due_soon_days, const v1::RetrieveKnowledgeRequest& request,
                               v1::RetrieveKnowledgeResponse* response);

// Records a coding from request.effective_date (default: the UTC day of
// `now`; earlier days are refused). NotFound for an unknown or withdrawn
// article.
absl::Status SetArticleCodes(const storage::Dataset& data, absl::Time now,
                             const v1::SetArticleCodesRequest& request,
                             v1::ArticleCoding* response);

// The coding history of request.parent, newest first.
absl::Status ListArticleCodings(const storage::Dataset& data,
                                const v1::ListArticleCodingsRequest& request,
                                v1::ListArticleCodingsResponse* response);

}  // namespace healthcontent::api

#endif  // HEALTHCONTENT_API_KNOWLEDGE_QUERY_H_
