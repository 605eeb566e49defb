#include "api/therapy_type_service.h"

#include "api/status.h"
#include "common/page_token.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "domain/article_rules.h"

namespace healthcontent::api {

grpc::ServerUnaryReactor* TherapyTypeService::GetTherapyType(
    grpc::CallbackServerContext* context, const v1::GetTherapyTypeRequest* request,
    v1::TherapyType* response) {
  auto* reactor = context->DefaultReactor();
  absl::Status status = BeginCall(*services_, *context, Role::kNone);
  if (status.ok()) status = Get(*request, response);
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

grpc::ServerUnaryReactor* TherapyTypeService::ListTherapyTypes(
    grpc::CallbackServerContext* context, const v1::ListTherapyTypesRequest* request,
    v1::ListTherapyTypesResponse* response) {
  auto* reactor = context->DefaultReactor();
  absl::Status status = BeginCall(*services_, *context, Role::kNone);
  if (status.ok()) status = List(*request, response);
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

grpc::ServerUnaryReactor* TherapyTypeService::UpsertTherapyType(
    grpc::CallbackServerContext* context, const v1::UpsertTherapyTypeRequest* request,
    v1::TherapyType* response) {
  auto* reactor = context->DefaultReactor();
  absl::Status status = BeginCall(*services_, *context, Role::kPublisher);
  if (status.ok()) status = Upsert(*request, response);
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

absl::Status TherapyTypeService::Get(const v1::GetTherapyTypeRequest& request,
                                     v1::TherapyType* response) const {
  ASSIGN_OR_RETURN(const std::shared_ptr<const storage::Dataset> data, CallData(*services_));
  ASSIGN_OR_RETURN(std::string slug, ParseTherapyTypeName(request.name(), "name"));
  RETURN_IF_ERROR(CatchUpSchedules(*services_, *data));
  ASSIGN_OR_RETURN(*response, data->therapy_types->Get(slug));
  return absl::OkStatus();
}

absl::Status TherapyTypeService::List(const v1::ListTherapyTypesRequest& request,
                                      v1::ListTherapyTypesResponse* response) const {
  ASSIGN_OR_RETURN(const std::shared_ptr<const storage::Dataset> data, CallData(*services_));
  ASSIGN_OR_RETURN(int page_size, ResolvePageSize(request.page_size(), "page_size"));
  const uint64_t fingerprint = QueryFingerprint("ListTherapyTypes");
  ASSIGN_OR_RETURN(std::string after,
                   DecodePageToken(request.page_token(), fingerprint, "page_token"));
  RETURN_IF_ERROR(CatchUpSchedules(*services_, *data));
  ASSIGN_OR_RETURN(auto page, data->therapy_types->List(after, page_size));
  for (v1::TherapyType& tt : page.therapy_types) *response->add_therapy_types() = std::move(tt);
  if (page.has_more) {
    ASSIGN_OR_RETURN(std::string last,
                     ParseTherapyTypeName(response->therapy_types().rbegin()->name(), "name"));
    response->set_next_page_token(EncodePageToken(fingerprint, last));
  }
  return absl::OkStatus();
}

absl::Status TherapyTypeService::Upsert(const v1::UpsertTherapyTypeRequest& request,
                                        v1::TherapyType* response) const {
  ASSIGN_OR_RETURN(const std::shared_ptr<const storage::Dataset> data, CallData(*services_));
  RETURN_IF_ERROR(domain::ValidateUpsertTherapyType(request));
  ASSIGN_OR_RETURN(*response,
                   data->therapy_types->Upsert(request.therapy_type(), services_->now()));
  return absl::OkStatus();
}

}  // namespace healthcontent::api
