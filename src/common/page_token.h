// Opaque page tokens (AIP-158) for keyset pagination.
//
// A token carries the sort key of the last item returned and a fingerprint of
// the query it belongs to (collection, parent, filter, ordering), so a token
// replayed against a different query is refused instead of silently skipping
// or repeating items. Tokens are not secret: they are only bound as SQL
// parameters, never spliced into SQL text.
#ifndef HEALTHCONTENT_COMMON_PAGE_TOKEN_H_
#define HEALTHCONTENT_COMMON_PAGE_TOKEN_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace healthcontent {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 1000;

// Resolves a request's page_size: negative is InvalidArgument naming `field`,
// 0 is kDefaultPageSize, larger than kMaxPageSize is clamped.
absl::StatusOr<int> ResolvePageSize(int32_t page_size, absl::string_view field);

// A stable 64-bit fingerprint of the text describing a query.
uint64_t QueryFingerprint(absl::string_view query_description);

// Encodes the resume point after `last_key` for the query with `fingerprint`.
std::string EncodePageToken(uint64_t fingerprint, absl::string_view last_key);

// Decodes `token` into the last key. An empty token decodes to "" (first
// page). InvalidArgument naming `field` when the token is malformed or was
// issued for another query.
absl::StatusOr<std::string> DecodePageToken(absl::string_view token, uint64_t fingerprint,
                                            absl::string_view field);

}  // namespace healthcontent

#endif  // HEALTHCONTENT_COMMON_PAGE_TOKEN_H_
