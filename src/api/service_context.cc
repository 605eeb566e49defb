#include "api/service_context.h"

#include "common/date.h"
#include "common/log.h"
#include "search/index_follower.h"

namespace healthcontent::api {

absl::StatusOr<std::shared_ptr<const storage::Dataset>> CallData(const ServiceContext& services) {
  std::shared_ptr<const storage::Dataset> data = services.data();
  if (data == nullptr) {
    return absl::UnavailableError(
        "this replica has no content bundle yet; it serves once one arrives in its --bundle_dir");
  }
  return data;
}

absl::StatusOr<CallScope> BeginScope(const ServiceContext& services, bool admin) {
  absl::StatusOr<std::shared_ptr<const storage::Dataset>> data = CallData(services);
  if (!data.ok()) return data.status();
  CallScope scope;
  scope.data = *std::move(data);
  scope.now = services.Now();
  scope.today = UtcDay(scope.now);
  scope.admin = admin;
  return scope;
}

absl::Status CatchUpSchedules(const ServiceContext& services, const CallScope& call) {
  if (services.read_only) return absl::OkStatus();
  absl::StatusOr<bool> due = call.data->articles->HasDueSchedules(call.today);
  if (!due.ok()) return due.status();
  if (!*due) return absl::OkStatus();
  absl::StatusOr<int> applied = call.data->articles->ApplyDueSchedules(call.now);
  if (!applied.ok()) return applied.status();
  if (*applied > 0 && services.search != nullptr) {
    // Search serves the revisions that took effect from this call on (it
    // would not serve the superseded ones meanwhile, but would miss them).
    absl::Status indexed = services.search->CatchUpNow();
    if (!indexed.ok()) LogWarn("search index catch-up failed", {{"error", indexed.message()}});
  }
  return absl::OkStatus();
}

}  // namespace healthcontent::api
