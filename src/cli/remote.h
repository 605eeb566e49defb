// Reaching a health-content server: connection flags, channels, call
// contexts, and gRPC errors turned into absl::Status for printing.
#ifndef HEALTHCONTENT_CLI_REMOTE_H_
#define HEALTHCONTENT_CLI_REMOTE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cli/cli_common.h"
#include "grpcpp/grpcpp.h"

namespace healthcontent::cli {

inline constexpr char kDefaultServer[] = "127.0.0.1:50051";
inline constexpr char kServerEnv[] = "HEALTHCONTENT_SERVER";
inline constexpr char kTokenEnv[] = "HEALTHCONTENT_TOKEN";

// The connection flags every remote command accepts: --server, --token,
// --tls-ca, --tls-cert, --tls-key, --timeout.
std::vector<FlagSpec> RemoteFlags();

// The --help text describing RemoteFlags().
extern const char kRemoteFlagsHelp[];

struct RemoteOptions {
  std::string target;  // host:port
  std::string token;   // bearer token; empty sends none
  bool tls = false;
  std::string root_certs_pem;   // --tls-ca; empty: the system's roots
  std::string cert_chain_pem;   // --tls-cert (mutual TLS)
  std::string private_key_pem;  // --tls-key
  absl::Duration timeout = absl::Seconds(30);
};

// Reads the connection flags: --server, else $HEALTHCONTENT_SERVER, else
// 127.0.0.1:50051 ("http://" and "https://" prefixes are accepted; https
// means TLS); --token, else $HEALTHCONTENT_TOKEN; the TLS files. When
// `token_required_by` is not empty and no token is found, InvalidArgument
// says that command needs --token or HEALTHCONTENT_TOKEN.
absl::StatusOr<RemoteOptions> ReadRemoteOptions(const CommandLine& command_line,
                                                absl::string_view token_required_by = "");

// A channel to the server (plaintext or TLS as the options say).
std::shared_ptr<grpc::Channel> OpenChannel(const RemoteOptions& options);

// A call context with the bearer token (if any) and the deadline (none when
// `with_deadline` is false, for streams that follow the feed).
std::unique_ptr<grpc::ClientContext> NewContext(const RemoteOptions& options,
                                                bool with_deadline = true);

// The same code and message; google.rpc.BadRequest error details become the
// status payload that common/field_errors.h reads, so ReportError prints the
// field violations. UNAVAILABLE gets the target appended so the user sees
// which server could not be reached.
absl::Status FromGrpcStatus(const grpc::Status& status, const RemoteOptions& options);

// The `call` of FetchPages and GatherPages (cli_common.h) for a List or
// Search method: (const Request&, Response*) -> absl::Status, calling
// `method` of `stub` with a fresh NewContext(options), its status as
// FromGrpcStatus gives it. Keeps references to `options` and `stub`, which
// must outlive it.
template <typename Stub, typename Request, typename Response>
auto PageCall(const RemoteOptions& options, Stub& stub,
              grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*)) {
  return [&options, &stub, method](const Request& request, Response* response) {
    std::unique_ptr<grpc::ClientContext> context = NewContext(options);
    return FromGrpcStatus((stub.*method)(context.get(), request, response), options);
  };
}

}  // namespace healthcontent::cli

#endif  // HEALTHCONTENT_CLI_REMOTE_H_
