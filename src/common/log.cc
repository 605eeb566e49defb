#include "common/log.h"

#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace healthcontent {
namespace {

std::string Quoted(absl::string_view value) {
  return absl::StrCat("\"", absl::StrReplaceAll(value, {{"\\", "\\\\"}, {"\"", "\\\""},
                                                       {"\n", "\\n"}}),
                      "\"");
}

void Write(absl::string_view level, absl::string_view message,
           std::initializer_list<LogField> fields) {
  std::string line = absl::StrCat(
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()),
      " level=", level, " msg=", Quoted(message));
  for (const auto& [key, value] : fields) absl::StrAppend(&line, " ", key, "=", Quoted(value));
  line.push_back('\n');
  // One write(2) per line keeps lines from interleaving between threads.
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace

void LogInfo(absl::string_view message, std::initializer_list<LogField> fields) {
  Write("info", message, fields);
}

void LogError(absl::string_view message, std::initializer_list<LogField> fields) {
  Write("error", message, fields);
}

}  // namespace healthcontent
