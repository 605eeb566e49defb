#include "api/knowledge_service.h"

#include "absl/functional/function_ref.h"
#include "api/knowledge_query.h"
#include "api/status.h"
#include "common/status_macros.h"

namespace healthcontent::api {
namespace {

// The shape of every unary call here: the role check, then `run` on the
// call's data, then one status to the client.
grpc::ServerUnaryReactor* Unary(
    const ServiceContext& services, grpc::CallbackServerContext* context, Role role,
    absl::FunctionRef<absl::Status(const storage::Dataset&)> run) {
  auto* reactor = context->DefaultReactor();
  absl::Status status = BeginCall(services, *context, role);
  if (status.ok()) {
    absl::StatusOr<std::shared_ptr<const storage::Dataset>> data = CallData(services);
    status = data.ok() ? run(**data) : data.status();
  }
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

}  // namespace

grpc::ServerUnaryReactor* KnowledgeService::RetrieveKnowledge(
    grpc::CallbackServerContext* context, const v1::RetrieveKnowledgeRequest* request,
    v1::RetrieveKnowledgeResponse* response) {
  return Unary(*services_, context, Role::kNone, [&](const storage::Dataset& data) {
    return api::RetrieveKnowledge(data, services_->Today(), services_->due_soon_days, *request,
                                  response);
  });
}

grpc::ServerUnaryReactor* KnowledgeService::SetArticleCodes(
    grpc::CallbackServerContext* context, const v1::SetArticleCodesRequest* request,
    v1::ArticleCoding* response) {
  return Unary(*services_, context, Role::kPublisher, [&](const storage::Dataset& data) {
    return api::SetArticleCodes(data, services_->now(), *request, response);
  });
}

grpc::ServerUnaryReactor* KnowledgeService::ListArticleCodings(
    grpc::CallbackServerContext* context, const v1::ListArticleCodingsRequest* request,
    v1::ListArticleCodingsResponse* response) {
  return Unary(*services_, context, Role::kNone, [&](const storage::Dataset& data) {
    return api::ListArticleCodings(data, *request, response);
  });
}

}  // namespace healthcontent::api
