#include "common/field_errors.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace healthcontent {

absl::Status InvalidFieldError(absl::string_view field, absl::string_view description) {
  FieldViolations violations;
  violations.Add(field, description);
  return violations.ToStatus();
}

void FieldViolations::Add(absl::string_view field, absl::string_view description) {
  auto* violation = bad_request_.add_field_violations();
  violation->set_field(std::string(field));
  violation->set_description(std::string(description));
}

absl::Status FieldViolations::ToStatus() const {
  if (empty()) return absl::OkStatus();
  constexpr int kShownInMessage = 3;
  std::string message;
  for (int i = 0; i < size() && i < kShownInMessage; ++i) {
    const auto& v = bad_request_.field_violations(i);
    absl::StrAppend(&message, i == 0 ? "" : "; ", v.field(), ": ", v.description());
  }
  if (size() > kShownInMessage) {
    absl::StrAppend(&message, "; and ", size() - kShownInMessage,
                    " more (see the BadRequest details)");
  }
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kBadRequestTypeUrl, absl::Cord(bad_request_.SerializeAsString()));
  return status;
}

bool GetBadRequest(const absl::Status& status, google::rpc::BadRequest* out) {
  absl::optional<absl::Cord> payload = status.GetPayload(kBadRequestTypeUrl);
  if (!payload.has_value()) return false;
  return out->ParseFromString(std::string(*payload));
}

}  // namespace healthcontent
