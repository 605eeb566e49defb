#include "api/knowledge_service.h"

#include "api/knowledge_query.h"
#include "api/unary_call.h"

namespace healthcontent::api {
namespace {

constexpr UnaryMethod kRetrieveKnowledge{"/healthcontent.v1.KnowledgeService/RetrieveKnowledge",
                                         Role::kNone};
constexpr UnaryMethod kSetArticleCodes{"/healthcontent.v1.KnowledgeService/SetArticleCodes",
                                       Role::kPublisher};
constexpr UnaryMethod kListArticleCodings{"/healthcontent.v1.KnowledgeService/ListArticleCodings",
                                          Role::kNone};

}  // namespace

grpc::ServerUnaryReactor* KnowledgeService::RetrieveKnowledge(
    grpc::CallbackServerContext* context, const v1::RetrieveKnowledgeRequest* request,
    v1::RetrieveKnowledgeResponse* response) {
  return Unary(*services_, context, kRetrieveKnowledge, *request, [&](const CallScope& call) {
    return api::RetrieveKnowledge(*call.data, call.today, services_->due_soon_days, *request,
                                  response);
  });
}

grpc::ServerUnaryReactor* KnowledgeService::SetArticleCodes(
    grpc::CallbackServerContext* context, const v1::SetArticleCodesRequest* request,
    v1::ArticleCoding* response) {
  return Unary(*services_, context, kSetArticleCodes, *request, [&](const CallScope& call) {
    return api::SetArticleCodes(*call.data, call.now, *request, response);
  });
}

grpc::ServerUnaryReactor* KnowledgeService::ListArticleCodings(
    grpc::CallbackServerContext* context, const v1::ListArticleCodingsRequest* request,
    v1::ListArticleCodingsResponse* response) {
  return Unary(*services_, context, kListArticleCodings, *request, [&](const CallScope& call) {
    return api::ListArticleCodings(*call.data, *request, response);
  });
}

}  // namespace healthcontent::api
