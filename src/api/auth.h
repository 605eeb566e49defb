// Bearer-token authorisation for the gRPC API.
//
// The tokens file has one line per token: `<role> <sha256-hex of the token>`,
// roles `reader`, `publisher`, `admin` (each includes the ones before it);
// blank lines and `#` comments are ignored. Tokens themselves are never stored
// or logged, and are compared as hashes in constant time.
#ifndef HEALTHCONTENT_API_AUTH_H_
#define HEALTHCONTENT_API_AUTH_H_

#include <grpcpp/server_context.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace healthcontent::api {

enum class Role { kNone = 0, kReader = 1, kPublisher = 2, kAdmin = 3 };

absl::string_view RoleName(Role role);

struct TokenEntry {
  Role role;
  std::string sha256_hex;  // 64 lower-case hex digits
};

// Parses a tokens file's text. InvalidArgument names the line that is wrong.
absl::StatusOr<std::vector<TokenEntry>> ParseTokensFile(absl::string_view text);

// Immutable after construction, so thread-safe.
class Authorizer {
 public:
  // No tokens: every write is refused (UNAUTHENTICATED), reads follow
  // `require_auth_for_reads`.
  Authorizer(std::vector<TokenEntry> tokens, bool require_auth_for_reads)
      : tokens_(std::move(tokens)), require_auth_for_reads_(require_auth_for_reads) {}

  // The role of the call's `authorization: Bearer <token>`: kNone when there
  // is no such header; Unauthenticated when the header is malformed or the
  // token unknown.
  absl::StatusOr<Role> RoleOf(const grpc::ServerContextBase& context) const;

  // OK when the call may proceed with `needed`: Unauthenticated without a
  // known token, PermissionDenied when the token's role is too low.
  absl::Status Require(const grpc::ServerContextBase& context, Role needed) const;

  // Require(kReader) when reads need auth, else OK.
  absl::Status CheckRead(const grpc::ServerContextBase& context) const;

  // True when the call carries a valid admin token (for admin-only views).
  bool IsAdmin(const grpc::ServerContextBase& context) const;

 private:
  std::vector<TokenEntry> tokens_;
  bool require_auth_for_reads_;
};

}  // namespace healthcontent::api

#endif  // HEALTHCONTENT_API_AUTH_H_
