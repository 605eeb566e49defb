#include "api/service_context.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "search/index_follower.h"

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
  absl::StatusOr<int> applied = data.articles->ApplyDueSchedules(services.now());
  if (!applied.ok()) return applied.status();
  if (*applied > 0 && services.search != nullptr) {
    // Search serves the revisions that took effect from this call on (it
    // would not serve the superseded ones meanwhile, but would miss them).
    absl::Status indexed = services.search->CatchUpNow();
    if (!indexed.ok()) LogWarn("search index catch-up failed", {{"error", indexed.message()}});
  }
  return absl::OkStatus();
}

std::string CallClient(const ServiceContext& services, const grpc::ServerContextBase& context) {
  absl::string_view forwarded_for;
  const auto& metadata = context.client_metadata();
  if (auto it = metadata.find("x-forwarded-for"); it != metadata.end()) {
    forwarded_for = absl::string_view(it->second.data(), it->second.size());
  }
  return ClientAddress(context.peer(), forwarded_for, services.trusted_proxies);
}

absl::Status BeginCall(const ServiceContext& services, const grpc::ServerContextBase& context,
                       Role needed) {
  if (services.overloaded != nullptr && services.overloaded->load(std::memory_order_relaxed)) {
    return absl::ResourceExhaustedError(
        "the server is over its memory bound (--memory_limit_bytes) and refuses new calls "
        "until it recovers; retry in a second");
  }
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
