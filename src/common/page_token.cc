#include "common/page_token.h"

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/field_errors.h"

namespace healthcontent {
namespace {
constexpr absl::string_view kVersion = "p1";
constexpr size_t kMaxTokenLength = 4096;
}  // namespace

absl::StatusOr<int> ResolvePageSize(int32_t page_size, absl::string_view field) {
  if (page_size < 0) {
    return InvalidFieldError(field, absl::StrCat("must not be negative, got ", page_size));
  }
  if (page_size == 0) return kDefaultPageSize;
  return page_size > kMaxPageSize ? kMaxPageSize : static_cast<int>(page_size);
}

uint64_t QueryFingerprint(absl::string_view query_description) {
  // FNV-1a: stable across processes and builds, unlike absl::Hash.
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : query_description) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::string EncodePageToken(uint64_t fingerprint, absl::string_view last_key) {
  return absl::WebSafeBase64Escape(
      absl::StrCat(kVersion, ":", absl::Hex(fingerprint), ":", last_key));
}

absl::StatusOr<std::string> DecodePageToken(absl::string_view token, uint64_t fingerprint,
                                            absl::string_view field) {
  if (token.empty()) return std::string();
  std::string raw;
  if (token.size() > kMaxTokenLength || !absl::WebSafeBase64Unescape(token, &raw)) {
    return InvalidFieldError(field, "is not a page token issued by this service");
  }
  std::vector<absl::string_view> parts = absl::StrSplit(raw, absl::MaxSplits(':', 2));
  uint64_t token_fingerprint = 0;
  if (parts.size() != 3 || parts[0] != kVersion || parts[2].empty() ||
      !absl::SimpleHexAtoi(parts[1], &token_fingerprint)) {
    return InvalidFieldError(field, "is not a page token issued by this service");
  }
  if (token_fingerprint != fingerprint) {
    return InvalidFieldError(field,
                             "was issued for a different query (parent, filter or "
                             "order_by changed); start again without a page token");
  }
  return std::string(parts[2]);
}

}  // namespace healthcontent
