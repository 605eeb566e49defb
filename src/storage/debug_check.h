// HC_DCHECK: asserts a precondition that a storage header states ("must run
// inside the write transaction"), as LevelDB's assert and Chromium's DCHECK
// do. A failed check prints the condition, the message and where, then
// aborts.
//
// Checks run in debug builds (no NDEBUG) and in every AddressSanitizer build,
// whatever its build type: scripts/build configures Release everywhere, so
// the sanitized tier (scripts/test --sanitize, build-sanitize/) is where the
// suite runs them. Elsewhere neither the condition nor the message is
// evaluated.
#ifndef HEALTHCONTENT_STORAGE_DEBUG_CHECK_H_
#define HEALTHCONTENT_STORAGE_DEBUG_CHECK_H_

#include <cstdio>
#include <cstdlib>

#include "absl/base/config.h"
#include "absl/strings/string_view.h"

#if !defined(NDEBUG) || defined(ABSL_HAVE_ADDRESS_SANITIZER)
#define HC_DCHECK_IS_ON 1
#else
#define HC_DCHECK_IS_ON 0
#endif

namespace healthcontent::storage {

// Whether HC_DCHECK checks in this build (for tests of the checks).
inline constexpr bool kDebugChecksOn = HC_DCHECK_IS_ON;

[[noreturn]] inline void DebugCheckFailed(const char* file, int line, const char* condition,
                                          absl::string_view message) {
  std::fprintf(stderr, "%s:%d: check failed: %s: %.*s\n", file, line, condition,
               static_cast<int>(message.size()), message.data());
  std::abort();
}

}  // namespace healthcontent::storage

// `message` (anything that converts to absl::string_view) is built only when
// the check fails.
#if HC_DCHECK_IS_ON
#define HC_DCHECK(condition, message) \
  ((condition)                        \
       ? static_cast<void>(0)         \
       : ::healthcontent::storage::DebugCheckFailed(__FILE__, __LINE__, #condition, (message)))
#else
// sizeof keeps the condition's names used without evaluating them.
#define HC_DCHECK(condition, message) static_cast<void>(sizeof(!(condition)))
#endif

#endif  // HEALTHCONTENT_STORAGE_DEBUG_CHECK_H_
