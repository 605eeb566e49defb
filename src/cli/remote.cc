#include "cli/remote.h"

#include <chrono>
#include <cstdlib>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/field_errors.h"
#include "common/status_macros.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "importers/interchange.h"

namespace healthcontent::cli {

// Answers can be larger than gRPC's 4 MiB default: a full page of articles.
constexpr int kMaxReceiveBytes = 64 << 20;

const char kRemoteFlagsHelp[] =
    R"(Connection flags:
  --server=HOST:PORT  the server (default $HEALTHCONTENT_SERVER, else 127.0.0.1:50051);
                      an https:// prefix means TLS
  --token=TOKEN       bearer token (default $HEALTHCONTENT_TOKEN); writes need one
  --tls-ca=PEM        connect with TLS, trusting this CA bundle (default: system roots
                      when TLS is asked for with https:// or --tls-cert)
  --tls-cert=PEM      client certificate chain for mutual TLS (with --tls-key)
  --tls-key=PEM       client private key for mutual TLS
  --timeout=DURATION  deadline of each call, e.g. 30s (default), 2m
)";

std::vector<FlagSpec> RemoteFlags() {
  return {{"server", true},   {"token", true},   {"tls-ca", true},
          {"tls-cert", true}, {"tls-key", true}, {"timeout", true}};
}

namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

absl::StatusOr<std::string> ReadPem(const CommandLine& command_line, absl::string_view flag) {
  std::string path = command_line.Get(flag);
  auto pem = importers::ReadFile(path);
  if (!pem.ok()) {
    return UsageError(absl::StrCat("--", flag, ": ", pem.status().message()));
  }
  return pem;
}

}  // namespace

absl::StatusOr<RemoteOptions> ReadRemoteOptions(const CommandLine& command_line,
                                                absl::string_view token_required_by) {
  RemoteOptions options;
  options.target = command_line.Get("server", Env(kServerEnv));
  if (options.target.empty()) options.target = kDefaultServer;
  absl::string_view target = options.target;
  if (absl::ConsumePrefix(&target, "https://")) {
    options.tls = true;
  } else {
    absl::ConsumePrefix(&target, "http://");
  }
  while (absl::ConsumeSuffix(&target, "/")) {
  }
  options.target = std::string(target);
  options.token = command_line.Get("token", Env(kTokenEnv));
  if (!token_required_by.empty() && options.token.empty()) {
    return UsageError(absl::StrCat(token_required_by,
                                   " needs a bearer token: pass --token=TOKEN or set ", kTokenEnv));
  }
  if (command_line.Has("tls-ca")) {
    options.tls = true;
    ASSIGN_OR_RETURN(options.root_certs_pem, ReadPem(command_line, "tls-ca"));
  }
  if (command_line.Has("tls-cert") != command_line.Has("tls-key")) {
    return UsageError("--tls-cert and --tls-key go together");
  }
  if (command_line.Has("tls-cert")) {
    options.tls = true;
    ASSIGN_OR_RETURN(options.cert_chain_pem, ReadPem(command_line, "tls-cert"));
    ASSIGN_OR_RETURN(options.private_key_pem, ReadPem(command_line, "tls-key"));
  }
  if (command_line.Has("timeout")) {
    absl::Duration timeout;
    if (!absl::ParseDuration(command_line.Get("timeout"), &timeout) ||
        timeout <= absl::ZeroDuration()) {
      return UsageError(absl::StrCat("--timeout=", command_line.Get("timeout"),
                                     " is not a positive duration such as 30s"));
    }
    options.timeout = timeout;
  }
  return options;
}

std::shared_ptr<grpc::Channel> OpenChannel(const RemoteOptions& options) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxReceiveBytes);
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (options.tls) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = options.root_certs_pem;
    ssl.pem_cert_chain = options.cert_chain_pem;
    ssl.pem_private_key = options.private_key_pem;
    credentials = grpc::SslCredentials(ssl);
  } else {
    credentials = grpc::InsecureChannelCredentials();
  }
  return grpc::CreateCustomChannel(options.target, credentials, args);
}

std::unique_ptr<grpc::ClientContext> NewContext(const RemoteOptions& options, bool with_deadline) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!options.token.empty()) {
    context->AddMetadata("authorization", absl::StrCat("Bearer ", options.token));
  }
  if (with_deadline) {
    context->set_deadline(std::chrono::system_clock::now() +
                          absl::ToChronoMilliseconds(options.timeout));
  }
  return context;
}

absl::Status FromGrpcStatus(const grpc::Status& status, const RemoteOptions& options) {
  if (status.ok()) return absl::OkStatus();
  std::string message = status.error_message();
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    absl::StrAppend(&message, " (server ", options.target, ")");
  }
  absl::Status result(static_cast<absl::StatusCode>(status.error_code()), message);
  google::rpc::Status details;
  if (!status.error_details().empty() && details.ParseFromString(status.error_details())) {
    google::rpc::BadRequest all;
    for (const auto& any : details.details()) {
      google::rpc::BadRequest bad_request;
      if (any.UnpackTo(&bad_request)) all.MergeFrom(bad_request);
    }
    if (all.field_violations_size() > 0) {
      result.SetPayload(kBadRequestTypeUrl, absl::Cord(all.SerializeAsString()));
    }
  }
  return result;
}

}  // namespace healthcontent::cli
