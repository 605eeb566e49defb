// Structured logs on stderr for operators and log collectors: one JSON object
// per line,
//   {"time":"2026-11-27T04:36:14.123Z","level":"info","msg":"serving","listen":"127.0.0.1:50051"}
// "time" is UTC with milliseconds, "level" is debug, info, warn or error, "msg"
// says what happened, and the fields follow in the order given, every value a
// JSON string. Keys and values are escaped as JSON requires (quotes,
// backslash, control characters as \u00XX or \n \r \t) and invalid UTF-8
// becomes U+FFFD, so every line parses. A field must not be named time, level
// or msg (the key would repeat).
//
// Never log tokens or other credentials, nor article bodies: log the resource
// name instead.
//
// Thread-safe. Lines never interleave. A line logged while stderr has been
// quiet for a millisecond is written at once; under load, lines gather and
// are written together, one write(2) for all, at most a millisecond later
// (a flusher thread writes the last ones), and no caller waits for the write
// (see FlushLogs). If stderr stops taking lines, up to 8 MiB wait and later
// ones are dropped and counted in a "log lines dropped" line. A process
// killed outright loses at most the last millisecond's lines.
#ifndef HEALTHCONTENT_COMMON_LOG_H_
#define HEALTHCONTENT_COMMON_LOG_H_

#include <initializer_list>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace healthcontent {

using LogField = std::pair<absl::string_view, absl::string_view>;

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// Lines below `level` are dropped; the default is kInfo.
void SetLogLevel(LogLevel level);
// Whether a line at `level` would be written: check it before computing
// costly fields.
bool LogEnabled(LogLevel level);

// "debug", "info", "warn" or "error" (exactly); InvalidArgument naming the
// accepted values otherwise.
absl::StatusOr<LogLevel> ParseLogLevel(absl::string_view text);
// The inverse of ParseLogLevel: "debug", "info", "warn" or "error".
absl::string_view LogLevelName(LogLevel level);
// So that a flag can be a LogLevel: ABSL_FLAG(healthcontent::LogLevel, ...).
bool AbslParseFlag(absl::string_view text, LogLevel* level, std::string* error);
std::string AbslUnparseFlag(LogLevel level);

// Returns once every line logged before the call has been written (tests
// that read stderr; before exit).
void FlushLogs();

// Writes one line at `level` unless the threshold drops it.
void Log(LogLevel level, absl::string_view message, std::initializer_list<LogField> fields = {});
void LogDebug(absl::string_view message, std::initializer_list<LogField> fields = {});
void LogInfo(absl::string_view message, std::initializer_list<LogField> fields = {});
void LogWarn(absl::string_view message, std::initializer_list<LogField> fields = {});
void LogError(absl::string_view message, std::initializer_list<LogField> fields = {});

}  // namespace healthcontent

#endif  // HEALTHCONTENT_COMMON_LOG_H_
