#include "api/unary_call.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "api/status.h"

namespace healthcontent::api {

grpc::ServerUnaryReactor* Unary(const ServiceContext& services,
                                grpc::CallbackServerContext* context, const UnaryMethod& method,
                                RequestRef request,
                                absl::FunctionRef<absl::Status(const CallScope&)> run) {
  // Raw methods only: the server observes typed ones with an interceptor,
  // which also sees the calls whose request gRPC could not parse.
  UnaryObserver* const observer = request.bytes != nullptr ? services.observer : nullptr;
  CallFacts facts;
  if (observer != nullptr) observer->Begin(*context, method.path, facts);
  absl::Status status = BeginCall(services, *context, method.role);
  if (status.ok()) {
    const bool admin = method.needs_admin && services.authorizer->IsAdmin(*context);
    absl::StatusOr<CallScope> scope = BeginScope(services, admin);
    status = scope.ok() ? run(*scope) : scope.status();
  }
  grpc::Status result = ToGrpcStatus(status);
  // Before Finish: once the status is sent the context may be gone.
  if (observer != nullptr) observer->End(*context, request, facts, result.error_code());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(std::move(result));
  return reactor;
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
