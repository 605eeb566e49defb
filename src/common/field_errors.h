// InvalidArgument statuses that say which request field is wrong.
//
// A field violation travels as a google.rpc.BadRequest payload on the
// absl::Status (type URL kBadRequestTypeUrl); api/status.cc turns it into gRPC
// error details so grpcurl / buf curl users see one violation per problem.
#ifndef HEALTHCONTENT_COMMON_FIELD_ERRORS_H_
#define HEALTHCONTENT_COMMON_FIELD_ERRORS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/rpc/error_details.pb.h"

namespace healthcontent {

inline constexpr absl::string_view kBadRequestTypeUrl = "type.googleapis.com/google.rpc.BadRequest";

// InvalidArgument with message "`field`: `description`" and one violation.
absl::Status InvalidFieldError(absl::string_view field, absl::string_view description);

// Collects violations; ToStatus() is OK when none were added.
class FieldViolations {
 public:
  void Add(absl::string_view field, absl::string_view description);
  bool empty() const { return bad_request_.field_violations().empty(); }
  int size() const { return bad_request_.field_violations_size(); }

  // InvalidArgument whose message lists the first few violations and whose
  // payload holds all of them; OK when there are none.
  absl::Status ToStatus() const;

 private:
  google::rpc::BadRequest bad_request_;
};

// The BadRequest carried by `status`, if any.
bool GetBadRequest(const absl::Status& status, google::rpc::BadRequest* out);

}  // namespace healthcontent

#endif  // HEALTHCONTENT_COMMON_FIELD_ERRORS_H_
