// How every unary handler of ours runs, in a few lines over a gRPC-free
// query:
//
//   grpc::ServerUnaryReactor* ReferenceService::GetReference(
//       grpc::CallbackServerContext* context, const v1::GetReferenceRequest* request,
//       v1::Reference* response) {
//     return Unary(*services_, context, kGetReference, *request,
//                  [&](const CallScope& call) { return GetReference(call, *request, response); });
//   }
//
// Unary() observes a raw method's call (UnaryObserver: its request id,
// metrics and log line; typed methods are observed by the server's
// interceptor), runs the checks every call starts with (BeginCall), takes the
// call's scope (one dataset, one clock reading), runs the query and finishes
// the call with its status. Streaming methods use BeginCall and CallClient
// directly.
#ifndef HEALTHCONTENT_API_UNARY_CALL_H_
#define HEALTHCONTENT_API_UNARY_CALL_H_

#include <google/protobuf/message.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/server_callback.h>

#include <chrono>
#include <cstddef>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "api/auth.h"
#include "api/service_context.h"

namespace healthcontent::api {

// A unary method of ours.
struct UnaryMethod {
  // Its full path: "/healthcontent.v1.ArticleService/GetArticle".
  const char* path;
  // The role it needs; Role::kNone is a read (open unless reads need auth).
  Role role;
  // Whether the call's scope says if the caller is an admin (CallScope::admin).
  bool needs_admin = false;
};

// A unary call's request as the handler received it: a generated message, or
// for a raw method the serialized message.
struct RequestRef {
  RequestRef(const google::protobuf::Message& message) : message(&message) {}  // NOLINT
  RequestRef(const grpc::ByteBuffer& bytes) : bytes(&bytes) {}                 // NOLINT
  const google::protobuf::Message* message = nullptr;
  const grpc::ByteBuffer* bytes = nullptr;
};

// The facts gathered about one call, kept on the handler's stack (fixed
// buffers: no allocation per call).
struct CallFacts {
  static constexpr size_t kMaxRequestId = 64;
  static constexpr size_t kMaxResource = 200;
  // The observer's record of the method (opaque to everyone else).
  const void* method = nullptr;
  std::chrono::steady_clock::time_point start;
  char request_id[kMaxRequestId];
  size_t request_id_length = 0;
  char resource[kMaxResource];
  size_t resource_length = 0;
};

// Counts and logs the unary calls of our raw methods (the hot reads) from
// their handlers, which costs less per call than a gRPC interceptor
// (server/rpc_observer.h implements it, and observes every other call as an
// interceptor: those include calls gRPC ends before a handler runs).
// Thread-safe.
class UnaryObserver {
 public:
  virtual ~UnaryObserver() = default;
  // As the call begins, before any check: starts `facts` (method, start).
  virtual void Begin(grpc::CallbackServerContext& context, const char* method_path,
                     CallFacts& facts) = 0;
  // Just before the status is sent, with the request Begin saw: counts the
  // call once and, when it is logged, reads its request id and resource.
  // Sends the request id back when the client sent one or the call is
  // logged: a generated id no log line carries would lead nowhere.
  virtual void End(grpc::CallbackServerContext& context, RequestRef request, CallFacts& facts,
                   grpc::StatusCode code) = 0;
};

// Observes, checks, scopes and runs one unary call, then finishes it with
// run's status (translated by ToGrpcStatus). `run` is called only when the
// checks pass and data is being served.
grpc::ServerUnaryReactor* Unary(const ServiceContext& services,
                                grpc::CallbackServerContext* context, const UnaryMethod& method,
                                RequestRef request,
                                absl::FunctionRef<absl::Status(const CallScope&)> run);

// The client a call is charged to: its IP address, or the address a
// trusted proxy forwarded it for (common/client_address.h).
std::string CallClient(const ServiceContext& services, const grpc::ServerContextBase& context);

// The checks every call starts with: ResourceExhausted while the server
// sheds load (ServiceContext::overloaded); DeadlineExceeded when the client's
// deadline has already passed (so no database work is done for it);
// FailedPrecondition for a write (`needed` above kReader) on a read-only
// replica, naming the primary; then `needed` (Role::kNone means a read, open
// unless reads require auth).
absl::Status BeginCall(const ServiceContext& services, const grpc::ServerContextBase& context,
                       Role needed);

}  // namespace healthcontent::api

#endif  // HEALTHCONTENT_API_UNARY_CALL_H_
