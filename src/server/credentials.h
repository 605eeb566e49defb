// Who may talk to the server: its TLS credentials and its token file.
#ifndef HEALTHCONTENT_SERVER_CREDENTIALS_H_
#define HEALTHCONTENT_SERVER_CREDENTIALS_H_

#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "api/auth.h"

namespace healthcontent::server {

struct TlsFiles {
  std::string cert;       // --tls_cert (PEM chain)
  std::string key;        // --tls_key (PEM private key)
  std::string client_ca;  // --tls_client_ca: require client certificates it signed
};

// Insecure credentials when no file is given; TLS (mutual with client_ca)
// otherwise. InvalidArgument naming the flags when cert and key are not
// given together, or client_ca without them; the read error of a file that
// cannot be read.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeCredentials(const TlsFiles& tls);

// The tokens of --auth_tokens_file (api::ParseTokensFile); none for an empty
// path. InvalidArgument naming the file and line of a bad entry.
absl::StatusOr<std::vector<api::TokenEntry>> LoadTokens(const std::string& path);

}  // namespace healthcontent::server

#endif  // HEALTHCONTENT_SERVER_CREDENTIALS_H_
