#include "api/auth.h"

#include <openssl/crypto.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/hash.h"

namespace healthcontent::api {

absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kReader:
      return "reader";
    case Role::kPublisher:
      return "publisher";
    case Role::kAdmin:
      return "admin";
    case Role::kNone:
      break;
  }
  return "none";
}

absl::StatusOr<std::vector<TokenEntry>> ParseTokensFile(absl::string_view text) {
  std::vector<TokenEntry> out;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    std::vector<absl::string_view> parts = absl::StrSplit(line, ' ', absl::SkipWhitespace());
    if (parts.size() != 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("tokens file line ", line_number, ": expected \"<role> <sha256-hex>\""));
    }
    TokenEntry entry;
    if (parts[0] == "reader")
      entry.role = Role::kReader;
    else if (parts[0] == "publisher")
      entry.role = Role::kPublisher;
    else if (parts[0] == "admin")
      entry.role = Role::kAdmin;
    else {
      return absl::InvalidArgumentError(absl::StrCat("tokens file line ", line_number,
                                                     ": unknown role \"", parts[0],
                                                     "\" (use reader, publisher or admin)"));
    }
    std::string hex = absl::AsciiStrToLower(parts[1]);
    bool is_hex = hex.size() == 64 && std::all_of(hex.begin(), hex.end(), [](char c) {
                    return absl::ascii_isxdigit(static_cast<unsigned char>(c));
                  });
    if (!is_hex) {
      return absl::InvalidArgumentError(
          absl::StrCat("tokens file line ", line_number,
                       ": the second column must be the 64-digit hex SHA-256 of the token"));
    }
    entry.sha256_hex = std::move(hex);
    out.push_back(std::move(entry));
  }
  return out;
}

absl::StatusOr<Role> Authorizer::RoleOf(const grpc::ServerContextBase& context) const {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) return Role::kNone;
  absl::string_view value(it->second.data(), it->second.size());
  constexpr absl::string_view kBearer = "Bearer ";
  if (!absl::StartsWithIgnoreCase(value, kBearer) || value.size() == kBearer.size()) {
    return absl::UnauthenticatedError("the authorization metadata must be \"Bearer <token>\"");
  }
  std::string presented = Sha256Hex(value.substr(kBearer.size()));
  Role found = Role::kNone;
  // Compare against every entry, in constant time each, so timing reveals
  // neither which entry matched nor how much of a hash did.
  for (const TokenEntry& entry : tokens_) {
    if (CRYPTO_memcmp(presented.data(), entry.sha256_hex.data(), presented.size()) == 0 &&
        entry.role > found) {
      found = entry.role;
    }
  }
  if (found == Role::kNone) return absl::UnauthenticatedError("the bearer token is not known");
  return found;
}

absl::Status Authorizer::Require(const grpc::ServerContextBase& context, Role needed) const {
  absl::StatusOr<Role> role = RoleOf(context);
  if (!role.ok()) return role.status();
  if (*role == Role::kNone) {
    return absl::UnauthenticatedError(
        absl::StrCat("this method needs the ", RoleName(needed),
                     " role: send metadata \"authorization: Bearer <token>\""));
  }
  if (*role < needed) {
    return absl::PermissionDeniedError(absl::StrCat("this method needs the ", RoleName(needed),
                                                    " role; the token has ", RoleName(*role)));
  }
  return absl::OkStatus();
}

absl::Status Authorizer::CheckRead(const grpc::ServerContextBase& context) const {
  if (!require_auth_for_reads_) return absl::OkStatus();
  return Require(context, Role::kReader);
}

bool Authorizer::IsAdmin(const grpc::ServerContextBase& context) const {
  absl::StatusOr<Role> role = RoleOf(context);
  return role.ok() && *role == Role::kAdmin;
}

}  // namespace healthcontent::api
