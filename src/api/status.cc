#include "api/status.h"

#include "common/field_errors.h"
#include "google/rpc/status.pb.h"

namespace healthcontent::api {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  auto code = static_cast<grpc::StatusCode>(status.code());
  std::string message(status.message());
  google::rpc::BadRequest bad_request;
  if (!GetBadRequest(status, &bad_request)) return grpc::Status(code, message);
  google::rpc::Status details;
  details.set_code(static_cast<int>(code));
  details.set_message(message);
  details.add_details()->PackFrom(bad_request);
  return grpc::Status(code, message, details.SerializeAsString());
}

}  // namespace healthcontent::api
