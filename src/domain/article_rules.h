// The rules of articles that know nothing of storage or gRPC: validation of a
// publish, how references are matched, etags and review dates.
#ifndef HEALTHCONTENT_DOMAIN_ARTICLE_RULES_H_
#define HEALTHCONTENT_DOMAIN_ARTICLE_RULES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "healthcontent/v1/article_service.pb.h"
#include "healthcontent/v1/therapy_type_service.pb.h"

namespace healthcontent::domain {

// Size limits of a publish, as documented in article_service.proto.
struct PublishLimits {
  size_t max_title = 300;  // also each also_called name
  int max_also_called = 50;
  size_t max_summary = 2000;
  size_t max_heading = 300;
  size_t max_span = 10000;
  int max_sections = 200;
  int max_blocks_per_section = 500;
  int max_list_items = 200;
  int max_therapy_types = 200;
  int max_references = 500;
  size_t max_reference_field = 2000;
  size_t max_change_summary = 2000;
  size_t max_request_id = 128;
  size_t max_total_bytes = 1 << 20;
};

// Checks every field of a publish request. OK, or InvalidArgument carrying a
// google.rpc.BadRequest with one violation per problem, named by its path in
// the request ("article.review_date", "article.references[2].doi").
absl::Status ValidatePublishRequest(const v1::PublishArticleRevisionRequest& request,
                                    const PublishLimits& limits = {});

// Checks an UpsertTherapyType request the same way.
absl::Status ValidateUpsertTherapyType(const v1::UpsertTherapyTypeRequest& request);

// The key two citations of the same work share: "doi:<lower-case doi>", else
// "pmid:<digits>", else "url:<normalised url>", else "text:<citation>".
std::string ReferenceMatchKey(const v1::Reference& reference);

// The {id} of references/{id} for a match key: stable, 16 hex digits.
std::string ReferenceIdForKey(const std::string& match_key);

// URL normalised for matching: scheme and host lower-cased, default port,
// fragment and a trailing slash dropped.
std::string NormalizeUrl(const std::string& url);

// Hash of what a publisher sent (output-only fields ignored): two publishes
// of the same review date with equal hashes are the same revision.
std::string PublishContentHash(const v1::PublishArticleRevisionRequest& request);

// Etag of a stored revision: a hash of everything in it but the etag itself,
// the publish time and the per-request flags.
std::string ComputeEtag(const v1::Article& article);

// True for a BCP-47 language tag as articles carry it: a 2-3 letter lower-case
// primary language, then optional "-" subtags of letters and digits ("en",
// "es-MX", "zh-Hant-TW").
bool IsValidLanguageCode(absl::string_view code);

// The default next review date: `years` after the review date (29 Feb -> 28 Feb).
absl::CivilDay DefaultNextReviewDate(absl::CivilDay review_date, int years);

// The article's readable text for the search index: headings, paragraphs
// and list items, one per line (title and summary are indexed separately).
std::string ArticleBodyText(const v1::Article& article);

// Review status on `today`: OVERDUE when next_review < today, DUE_SOON when
// it is within `due_soon_days` days from today, otherwise CURRENT.
v1::Article::ReviewStatus ComputeReviewStatus(absl::CivilDay next_review, absl::CivilDay today,
                                              int due_soon_days);

// The publish request that recreates a stored revision (the interchange
// format): output-only fields cleared, therapy types reduced to their names,
// reference names dropped, the default audience (AUDIENCE_PATIENT) left out.
// Publishing it again is an idempotent republish.
v1::PublishArticleRevisionRequest ToPublishRequest(v1::Article article, v1::ChangeType change_type,
                                                   std::string change_summary);

// Clears `article`'s next review date when it is just the default for its
// review date (`years` later): the publisher may as well have left it out,
// and exports leave it out so they match the files they came from.
void DropDefaultNextReviewDate(int years, v1::Article* article);

// Strips the body (lead, sections, references) for the BASIC view.
void ApplyBasicView(v1::Article* article);

// Reduces an article to the answer of a conditional read that matched.
void ReduceToNotModified(v1::Article* article);

}  // namespace healthcontent::domain

#endif  // HEALTHCONTENT_DOMAIN_ARTICLE_RULES_H_
