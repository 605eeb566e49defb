// healthcontent.v1.ArticleService over the callback API. Each handler is a
// few lines: Unary() (api/unary_call.h) over ArticleQuery (api/article_query.h).
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

#include "api/article_query.h"
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
  static std::set<std::string> RawMethodNames();

  explicit ArticleService(const ServiceContext* services) : services_(services), query_(services) {}

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
  grpc::ServerUnaryReactor* PublishArticleRevision(grpc::CallbackServerContext* context,
                                                   const v1::PublishArticleRevisionRequest* request,
                                                   v1::Article* response) override;
  grpc::ServerUnaryReactor* WithdrawArticle(grpc::CallbackServerContext* context,
                                            const v1::WithdrawArticleRequest* request,
                                            google::protobuf::Empty* response) override;

 private:
  // A raw read: parses `request` as a Request and answers with `read`'s
  // bytes, or from the response cache when it holds the answer for these
  // request bytes, day and caller kind (`method` tells the reads apart) at
  // the call's data version; a computed answer is then kept there.
  template <typename Request>
  absl::Status RawRead(const CallScope& call, char method, const grpc::ByteBuffer& request,
                       grpc::ByteBuffer* response,
                       absl::Status (ArticleQuery::*read)(const CallScope&, const Request&,
                                                          std::string*) const) const;

  const ServiceContext* services_;
  const ArticleQuery query_;
};

}  // namespace healthcontent::api

#endif  // HEALTHCONTENT_API_ARTICLE_SERVICE_H_
