// The names of the canonical status codes: one table for every place that
// prints a code (logs and metrics, the CLI, the Connect protocol). gRPC's and
// Abseil's codes share values and names, so a grpc::StatusCode is passed as
// static_cast<absl::StatusCode>(code).
#ifndef HEALTHCONTENT_COMMON_STATUS_NAMES_H_
#define HEALTHCONTENT_COMMON_STATUS_NAMES_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace healthcontent {

// How many canonical codes there are: OK (0) to UNAUTHENTICATED (16).
inline constexpr int kStatusCodeCount = 17;

// "NOT_FOUND": the canonical name of `code`, as gRPC and Abseil spell it
// (what logs and metric labels show). A value outside the canonical codes
// is "UNKNOWN". The view points into a table that lives for the whole
// program; thread-safe.
absl::string_view StatusCodeName(absl::StatusCode code);

// "not_found": the same in lower case, as grpcurl, buf curl and the Connect
// protocol print a code (Connect alone spells CANCELLED "canceled":
// http/connect.h). A value outside the canonical codes is "unknown".
absl::string_view LowerStatusCodeName(absl::StatusCode code);

}  // namespace healthcontent

#endif  // HEALTHCONTENT_COMMON_STATUS_NAMES_H_
