// UTF-8 validity of bytes from outside (pages, requests).
#ifndef HEALTHCONTENT_COMMON_UTF8_H_
#define HEALTHCONTENT_COMMON_UTF8_H_

#include "absl/strings/string_view.h"

namespace healthcontent {

// True when `s` is well-formed UTF-8 (RFC 3629): no stray or missing
// continuation bytes, no overlong forms, no surrogates, nothing past U+10FFFF.
bool IsValidUtf8(absl::string_view s);

// The largest position <= `pos` (and <= s.size()) where a character of `s`
// starts: where cutting `s` keeps every character whole.
size_t Utf8CharBoundary(absl::string_view s, size_t pos);

}  // namespace healthcontent

#endif  // HEALTHCONTENT_COMMON_UTF8_H_
