#include "api/service_context.h"

#include <chrono>

#include "common/date.h"
#include "common/status_macros.h"

namespace healthcontent::api {

absl::CivilDay ServiceContext::Today() const { return UtcDay(now()); }

absl::Status CatchUpSchedules(const ServiceContext& services) {
  if (services.read_only) return absl::OkStatus();
  absl::StatusOr<bool> due = services.articles->HasDueSchedules(services.Today());
  if (!due.ok()) return due.status();
  if (!*due) return absl::OkStatus();
  return services.articles->ApplyDueSchedules(services.now()).status();
}

absl::Status BeginCall(const ServiceContext& services, const grpc::ServerContextBase& context,
                       Role needed) {
  if (context.deadline() <= std::chrono::system_clock::now()) {
    return absl::DeadlineExceededError("the call's deadline had passed when it arrived");
  }
  if (needed == Role::kNone) return services.authorizer->CheckRead(context);
  return services.authorizer->Require(context, needed);
}

}  // namespace healthcontent::api
