#include "api/reference_service.h"

#include "api/catalog_query.h"
#include "api/unary_call.h"

namespace healthcontent::api {
namespace {

constexpr UnaryMethod kGetReference{"/healthcontent.v1.ReferenceService/GetReference", Role::kNone};
constexpr UnaryMethod kListReferences{"/healthcontent.v1.ReferenceService/ListReferences",
                                      Role::kNone};

}  // namespace

grpc::ServerUnaryReactor* ReferenceService::GetReference(grpc::CallbackServerContext* context,
                                                         const v1::GetReferenceRequest* request,
                                                         v1::Reference* response) {
  return Unary(*services_, context, kGetReference, *request,
               [&](const CallScope& call) { return api::GetReference(call, *request, response); });
}

grpc::ServerUnaryReactor* ReferenceService::ListReferences(grpc::CallbackServerContext* context,
                                                           const v1::ListReferencesRequest* request,
                                                           v1::ListReferencesResponse* response) {
  return Unary(*services_, context, kListReferences, *request, [&](const CallScope& call) {
    return api::ListReferences(call, *request, response);
  });
}

}  // namespace healthcontent::api
