// Calls the server's own gRPC services by method path over its in-process
// channel, with wire bytes in and out: the one route by which the HTTP face
// reaches a handler, so auth, validation, limits, metrics and logs are the
// gRPC ones and no handler exists twice.
#ifndef HEALTHCONTENT_HTTP_GRPC_BRIDGE_H_
#define HEALTHCONTENT_HTTP_GRPC_BRIDGE_H_

#include <grpcpp/channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/status.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace healthcontent::http {

// What travels with a call as gRPC metadata.
struct CallOptions {
  // Lower-case keys (authorization, x-request-id, x-forwarded-for, ...).
  std::vector<std::pair<std::string, std::string>> metadata;
  absl::Time deadline = absl::InfiniteFuture();
};

struct CallResult {
  grpc::Status status;
  // The response's wire bytes (unary calls).
  std::string response;
  // The server's initial and trailing metadata.
  std::multimap<std::string, std::string> headers;
  std::multimap<std::string, std::string> trailers;
};

class GrpcBridge {
 public:
  explicit GrpcBridge(std::shared_ptr<grpc::Channel> channel);

  // One unary call of `path` ("/pkg.Service/Method"); blocks until it ends.
  CallResult Unary(const std::string& path, const std::string& request, const CallOptions& options);

  // One server-streaming call. `on_message` gets each response's wire bytes
  // in order, one at a time (the next is not read until it returns, so a
  // slow HTTP client slows the stream instead of buffering it); returning
  // false cancels the call (the client went away). When no message comes
  // for `idle_timeout`, the call is cancelled and ends UNAVAILABLE saying so:
  // over HTTP/1.1 a client that has gone is only noticed at the next write,
  // so an idle stream must not hold its worker for ever. Blocks until the
  // call ends; the result holds its status and metadata.
  CallResult ServerStream(const std::string& path, const std::string& request,
                          const CallOptions& options, absl::Duration idle_timeout,
                          const std::function<bool(const std::string& message)>& on_message);

 private:
  std::shared_ptr<grpc::Channel> channel_;
  grpc::GenericStub stub_;
};

}  // namespace healthcontent::http

#endif  // HEALTHCONTENT_HTTP_GRPC_BRIDGE_H_
