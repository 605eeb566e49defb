#include "api/reference_service.h"

#include "api/status.h"
#include "common/page_token.h"
#include "common/resource_name.h"
#include "common/status_macros.h"

namespace healthcontent::api {

grpc::ServerUnaryReactor* ReferenceService::GetReference(grpc::CallbackServerContext* context,
                                                         const v1::GetReferenceRequest* request,
                                                         v1::Reference* response) {
  auto* reactor = context->DefaultReactor();
  absl::Status status = BeginCall(*services_, *context, Role::kNone);
  if (status.ok()) status = Get(*request, response);
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

grpc::ServerUnaryReactor* ReferenceService::ListReferences(
    grpc::CallbackServerContext* context, const v1::ListReferencesRequest* request,
    v1::ListReferencesResponse* response) {
  auto* reactor = context->DefaultReactor();
  absl::Status status = BeginCall(*services_, *context, Role::kNone);
  if (status.ok()) status = List(*request, response);
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

absl::Status ReferenceService::Get(const v1::GetReferenceRequest& request,
                                   v1::Reference* response) const {
  ASSIGN_OR_RETURN(const std::shared_ptr<const storage::Dataset> data, CallData(*services_));
  ASSIGN_OR_RETURN(std::string id, ParseReferenceName(request.name(), "name"));
  ASSIGN_OR_RETURN(*response, data->references->Get(id));
  return absl::OkStatus();
}

absl::Status ReferenceService::List(const v1::ListReferencesRequest& request,
                                    v1::ListReferencesResponse* response) const {
  ASSIGN_OR_RETURN(const std::shared_ptr<const storage::Dataset> data, CallData(*services_));
  ASSIGN_OR_RETURN(int page_size, ResolvePageSize(request.page_size(), "page_size"));
  const uint64_t fingerprint = QueryFingerprint("ListReferences");
  ASSIGN_OR_RETURN(std::string after,
                   DecodePageToken(request.page_token(), fingerprint, "page_token"));
  ASSIGN_OR_RETURN(auto page, data->references->List(after, page_size));
  for (v1::Reference& ref : page.references) *response->add_references() = std::move(ref);
  if (page.has_more) {
    ASSIGN_OR_RETURN(std::string last,
                     ParseReferenceName(response->references().rbegin()->name(), "name"));
    response->set_next_page_token(EncodePageToken(fingerprint, last));
  }
  return absl::OkStatus();
}

}  // namespace healthcontent::api
