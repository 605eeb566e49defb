// healthcontent.v1.ArticleService over the callback API. Handlers only check
// the call, translate the request for the ArticleStore and finish.
//
// GetArticle, GetArticleRevision and ListArticles are registered as raw
// methods: they parse the (small) request themselves and answer with the
// stored revisions' bytes, view and computed fields applied on the wire
// (domain/article_wire.h), so the hot read paths never parse or re-serialize
// an Article. Clients see the same messages as from any other method.
#ifndef HEALTHCONTENT_API_ARTICLE_SERVICE_H_
#define HEALTHCONTENT_API_ARTICLE_SERVICE_H_

#include <grpcpp/support/byte_buffer.h>

#include <set>
#include <string>

#include "absl/functional/function_ref.h"
#include "api/service_context.h"
#include "healthcontent/v1/article_service.grpc.pb.h"

namespace healthcontent::api {

using ArticleServiceBase = v1::ArticleService::WithRawCallbackMethod_GetArticle<
    v1::ArticleService::WithRawCallbackMethod_GetArticleRevision<
        v1::ArticleService::WithRawCallbackMethod_ListArticles<
            v1::ArticleService::CallbackService>>>;

class ArticleService final : public ArticleServiceBase {
 public:
  // The full names ("/healthcontent.v1.ArticleService/GetArticle") of the
  // methods ArticleServiceBase makes raw; whoever inspects requests (the
  // server's RpcObserver) must know them. Keep in step with the base above.
  static std::set<std::string> RawMethodNames() {
    const std::string prefix = std::string("/") + v1::ArticleService::service_full_name() + "/";
    return {prefix + "GetArticle", prefix + "GetArticleRevision", prefix + "ListArticles"};
  }

  explicit ArticleService(const ServiceContext* services) : services_(services) {}

  // Raw: the request is a serialized GetArticleRequest, the response a
  // serialized Article.
  grpc::ServerUnaryReactor* GetArticle(grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override;
  // Raw: GetArticleRevisionRequest in, Article out.
  grpc::ServerUnaryReactor* GetArticleRevision(grpc::CallbackServerContext* context,
                                               const grpc::ByteBuffer* request,
                                               grpc::ByteBuffer* response) override;
  // Raw: ListArticlesRequest in, ListArticlesResponse out.
  grpc::ServerUnaryReactor* ListArticles(grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response) override;
  grpc::ServerUnaryReactor* SearchArticles(grpc::CallbackServerContext* context,
                                           const v1::SearchArticlesRequest* request,
                                           v1::SearchArticlesResponse* response) override;
  grpc::ServerUnaryReactor* ListArticleRevisions(
      grpc::CallbackServerContext* context, const v1::ListArticleRevisionsRequest* request,
      v1::ListArticleRevisionsResponse* response) override;
  grpc::ServerUnaryReactor* DiffArticleRevisions(grpc::CallbackServerContext* context,
                                                 const v1::DiffArticleRevisionsRequest* request,
                                                 v1::ArticleDiff* response) override;
  grpc::ServerUnaryReactor* PublishArticleRevision(
      grpc::CallbackServerContext* context, const v1::PublishArticleRevisionRequest* request,
      v1::Article* response) override;
  grpc::ServerUnaryReactor* WithdrawArticle(grpc::CallbackServerContext* context,
                                            const v1::WithdrawArticleRequest* request,
                                            google::protobuf::Empty* response) override;

 private:
  // Answers a raw read from the response cache when it holds the answer for
  // this request, day and caller kind (`admin`) at the current data version,
  // else with `compute`, whose single-slice answer it then keeps. Without a
  // cache, just `compute`.
  absl::Status Cached(char method, bool admin, const grpc::ByteBuffer& request,
                      grpc::ByteBuffer* response,
                      absl::FunctionRef<absl::Status(grpc::ByteBuffer*)> compute) const;
  absl::Status Get(const v1::GetArticleRequest& request, grpc::ByteBuffer* response) const;
  absl::Status GetRevision(const grpc::CallbackServerContext& context,
                           const v1::GetArticleRevisionRequest& request,
                           grpc::ByteBuffer* response) const;
  // The answer of a single-article read: the stored revision with the view,
  // a conditional read's etag and the computed fields applied.
  absl::Status Serve(const storage::ArticleStore::StoredRevision& stored, v1::ArticleView view,
                     const std::string& if_none_match, grpc::ByteBuffer* response,
                     bool language_fallback = false) const;
  // Writes a serialized ListArticlesResponse: each listed article is its
  // stored revision with the view and computed fields applied on the wire.
  absl::Status List(const v1::ListArticlesRequest& request, grpc::ByteBuffer* response) const;
  absl::Status Search(const v1::SearchArticlesRequest& request,
                      v1::SearchArticlesResponse* response) const;
  absl::Status ListRevisions(const grpc::CallbackServerContext& context,
                             const v1::ListArticleRevisionsRequest& request,
                             v1::ListArticleRevisionsResponse* response) const;
  absl::Status Diff(const grpc::CallbackServerContext& context,
                    const v1::DiffArticleRevisionsRequest& request,
                    v1::ArticleDiff* response) const;
  // Applies the view, a conditional read's etag and the review status.
  absl::Status Shape(v1::ArticleView view, const std::string& if_none_match,
                     v1::Article* article) const;
  absl::Status Publish(const v1::PublishArticleRevisionRequest& request,
                       v1::Article* response) const;
  absl::Status Withdraw(const v1::WithdrawArticleRequest& request) const;

  const ServiceContext* services_;
};

}  // namespace healthcontent::api

#endif  // HEALTHCONTENT_API_ARTICLE_SERVICE_H_
