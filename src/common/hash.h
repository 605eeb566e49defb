// Cryptographic digests (OpenSSL), for etags, stable ids and token files.
#ifndef HEALTHCONTENT_COMMON_HASH_H_
#define HEALTHCONTENT_COMMON_HASH_H_

#include <string>

#include "absl/strings/string_view.h"

namespace healthcontent {

// Lower-case hex SHA-256 of `data` (64 characters).
std::string Sha256Hex(absl::string_view data);

}  // namespace healthcontent

#endif  // HEALTHCONTENT_COMMON_HASH_H_
