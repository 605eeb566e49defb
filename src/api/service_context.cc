#include "api/service_context.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "common/status_macros.h"

namespace healthcontent::api {

absl::CivilDay ServiceContext::Today() const { return UtcDay(now()); }

absl::StatusOr<std::shared_ptr<const storage::Dataset>> CallData(const ServiceContext& services) {
  std::shared_ptr<const storage::Dataset> data = services.data();
  if (data == nullptr) {
    return absl::UnavailableError(
        "this replica has no content bundle yet; it serves once one arrives in its --bundle_dir");
  }
  return data;
}

absl::Status CatchUpSchedules(const ServiceContext& services, const storage::Dataset& data) {
  if (services.read_only) return absl::OkStatus();
  absl::StatusOr<bool> due = data.articles->HasDueSchedules(services.Today());
  if (!due.ok()) return due.status();
  if (!*due) return absl::OkStatus();
  return data.articles->ApplyDueSchedules(services.now()).status();
}

absl::Status BeginCall(const ServiceContext& services, const grpc::ServerContextBase& context,
                       Role needed) {
  if (context.deadline() <= std::chrono::system_clock::now()) {
    return absl::DeadlineExceededError("the call's deadline had passed when it arrived");
  }
  if (services.read_only && needed > Role::kReader) {
    return absl::FailedPreconditionError(absl::StrCat(
        "this server is a read-only replica serving content bundles; send writes to the primary",
        services.primary.empty() ? "" : absl::StrCat(" at ", services.primary)));
  }
  if (needed == Role::kNone) return services.authorizer->CheckRead(context);
  return services.authorizer->Require(context, needed);
}

}  // namespace healthcontent::api
