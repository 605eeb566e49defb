// Structured one-line logs on stderr, for operators and log collectors:
//   2026-11-27T04:36:14.123Z level=info msg="serving" listen=127.0.0.1:50051
// Thread-safe (each line is one write). Never log tokens or article bodies.
#ifndef HEALTHCONTENT_COMMON_LOG_H_
#define HEALTHCONTENT_COMMON_LOG_H_

#include <initializer_list>
#include <utility>

#include "absl/strings/string_view.h"

namespace healthcontent {

using LogField = std::pair<absl::string_view, absl::string_view>;

void LogInfo(absl::string_view message, std::initializer_list<LogField> fields = {});
void LogError(absl::string_view message, std::initializer_list<LogField> fields = {});

}  // namespace healthcontent

#endif  // HEALTHCONTENT_COMMON_LOG_H_
