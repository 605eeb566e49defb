// ArticleService's work without gRPC: the reads (one article, a revision,
// listings, search, history, diffs) and the writes (publish, withdraw).
// Each method takes the call's scope (one dataset, one day), validates the
// whole request first (INVALID_ARGUMENT naming the field) and changes
// nothing on error.
//
// GetArticle, GetArticleRevision and ListArticles answer with the serialized
// response: the stored revisions' bytes with the view and the computed
// fields applied on the wire (domain/article_wire.h), never parsed or
// re-serialized; the service hands those bytes to gRPC as they are.
// Thread-safe.
#ifndef HEALTHCONTENT_API_ARTICLE_QUERY_H_
#define HEALTHCONTENT_API_ARTICLE_QUERY_H_

#include <string>

#include "absl/status/status.h"
#include "api/service_context.h"
#include "healthcontent/v1/article_service.pb.h"
#include "storage/article_store.h"

namespace healthcontent::api {

class ArticleQuery {
 public:
  // `services` outlives this object.
  explicit ArticleQuery(const ServiceContext* services) : services_(services) {}

  // A serialized Article: the revision in force on request.as_of (default:
  // the call's day), in the first available of request.language_codes.
  absl::Status Get(const CallScope& call, const v1::GetArticleRequest& request,
                   std::string* response) const;
  // A serialized Article: one revision by name; withdrawn articles' only
  // for an admin (CallScope::admin).
  absl::Status GetRevision(const CallScope& call, const v1::GetArticleRevisionRequest& request,
                           std::string* response) const;
  // A serialized ListArticlesResponse; a page stops short of
  // ServiceContext::max_response_bytes with a next_page_token.
  absl::Status List(const CallScope& call, const v1::ListArticlesRequest& request,
                    std::string* response) const;
  // UNAVAILABLE while there is no search index.
  absl::Status Search(const CallScope& call, const v1::SearchArticlesRequest& request,
                      v1::SearchArticlesResponse* response) const;
  absl::Status ListRevisions(const CallScope& call, const v1::ListArticleRevisionsRequest& request,
                             v1::ListArticleRevisionsResponse* response) const;
  absl::Status Diff(const CallScope& call, const v1::DiffArticleRevisionsRequest& request,
                    v1::ArticleDiff* response) const;
  // Publishes durably at the call's clock reading; the answer is the full
  // view of the revision published.
  absl::Status Publish(const CallScope& call, const v1::PublishArticleRevisionRequest& request,
                       v1::Article* response) const;
  absl::Status Withdraw(const CallScope& call, const v1::WithdrawArticleRequest& request) const;

 private:
  // The answer of a single-article read: the stored revision with the view,
  // a conditional read's etag and the computed fields applied.
  absl::Status Serve(const CallScope& call, const storage::ArticleStore::StoredRevision& stored,
                     v1::ArticleView view, const std::string& if_none_match, std::string* response,
                     bool language_fallback = false) const;
  // Applies the view, a conditional read's etag and the review status.
  absl::Status Shape(const CallScope& call, v1::ArticleView view, const std::string& if_none_match,
                     v1::Article* article) const;

  const ServiceContext* services_;
};

}  // namespace healthcontent::api

#endif  // HEALTHCONTENT_API_ARTICLE_QUERY_H_
