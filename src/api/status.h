// The one place absl::Status becomes grpc::Status.
#ifndef HEALTHCONTENT_API_STATUS_H_
#define HEALTHCONTENT_API_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace healthcontent::api {

// Same code and message. A google.rpc.BadRequest payload (see
// common/field_errors.h) becomes the call's error details
// (grpc-status-details-bin), so grpcurl and buf curl show the field violations.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace healthcontent::api

#endif  // HEALTHCONTENT_API_STATUS_H_
