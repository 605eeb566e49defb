#include "server/credentials.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "importers/interchange.h"

namespace healthcontent::server {

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeCredentials(const TlsFiles& tls) {
  if (tls.cert.empty() != tls.key.empty()) {
    return absl::InvalidArgumentError("--tls_cert and --tls_key must be given together");
  }
  if (tls.cert.empty()) {
    if (!tls.client_ca.empty()) {
      return absl::InvalidArgumentError("--tls_client_ca needs --tls_cert and --tls_key");
    }
    return grpc::InsecureServerCredentials();
  }
  grpc::SslServerCredentialsOptions ssl;
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  ASSIGN_OR_RETURN(pair.cert_chain, importers::ReadFile(tls.cert));
  ASSIGN_OR_RETURN(pair.private_key, importers::ReadFile(tls.key));
  ssl.pem_key_cert_pairs.push_back(std::move(pair));
  if (!tls.client_ca.empty()) {
    ASSIGN_OR_RETURN(ssl.pem_root_certs, importers::ReadFile(tls.client_ca));
    ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

absl::StatusOr<std::vector<api::TokenEntry>> LoadTokens(const std::string& path) {
  if (path.empty()) return std::vector<api::TokenEntry>();
  ASSIGN_OR_RETURN(std::string text, importers::ReadFile(path));
  absl::StatusOr<std::vector<api::TokenEntry>> tokens = api::ParseTokensFile(text);
  if (!tokens.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", tokens.status().message()));
  }
  return tokens;
}

}  // namespace healthcontent::server
