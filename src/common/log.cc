#include "common/log.h"

#include <errno.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace healthcontent {
namespace {

std::atomic<int> min_level{static_cast<int>(LogLevel::kInfo)};

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kReplacementCharacter[] = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

// The length of the well-formed UTF-8 sequence that starts `s` (whose first
// byte is >= 0x80), as `valid` = true; or, when it is ill-formed, the length
// of its longest well-formed prefix (at least 1), which is replaced by one
// U+FFFD (Unicode's "maximal subpart" practice). Table 3-7 of the Unicode
// standard: no overlong forms, no surrogates, nothing above U+10FFFF.
struct Utf8Sequence {
  bool valid;
  size_t length;
};
Utf8Sequence ScanUtf8(absl::string_view s) {
  const auto byte = [&s](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(0);
  int continuation_bytes;
  unsigned char second_min = 0x80, second_max = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    continuation_bytes = 1;
  } else if (lead == 0xE0) {
    continuation_bytes = 2;
    second_min = 0xA0;
  } else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF) {
    continuation_bytes = 2;
  } else if (lead == 0xED) {
    continuation_bytes = 2;
    second_max = 0x9F;
  } else if (lead == 0xF0) {
    continuation_bytes = 3;
    second_min = 0x90;
  } else if (lead >= 0xF1 && lead <= 0xF3) {
    continuation_bytes = 3;
  } else if (lead == 0xF4) {
    continuation_bytes = 3;
    second_max = 0x8F;
  } else {
    return {false, 1};
  }
  size_t i = 1;
  for (int k = 0; k < continuation_bytes; ++k, ++i) {
    if (i >= s.size()) return {false, i};
    const unsigned char min = k == 0 ? second_min : 0x80;
    const unsigned char max = k == 0 ? second_max : 0xBF;
    if (byte(i) < min || byte(i) > max) return {false, i};
  }
  return {true, i};
}

void AppendJsonString(absl::string_view s, std::string* out) {
  out->push_back('"');
  // Most values (method names, codes, numbers, ids) are printable ASCII
  // without quotes or backslashes: one append for the run of those.
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') break;
    ++i;
  }
  out->append(s.data(), i);
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      Utf8Sequence sequence = ScanUtf8(s.substr(i));
      if (sequence.valid) {
        out->append(s.data() + i, sequence.length);
      } else {
        out->append(kReplacementCharacter);
      }
      i += sequence.length;
      continue;
    }
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          const char escaped[] = {'\\', 'u', '0', '0', kHexDigits[c >> 4], kHexDigits[c & 0xF]};
          out->append(escaped, sizeof(escaped));
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out->push_back('"');
}

// Appends "2026-11-27T04:36:14.123Z". Formatting the date is the slow part,
// so each thread keeps the text of the last second it formatted.
void AppendTime(std::string* out) {
  const int64_t millis = absl::ToUnixMillis(absl::Now());  // rounds down
  int64_t seconds = millis / 1000;
  int64_t milli = millis % 1000;
  if (milli < 0) {
    milli += 1000;
    --seconds;
  }
  thread_local int64_t cached_seconds = std::numeric_limits<int64_t>::min();
  thread_local std::string cached_text;
  if (seconds != cached_seconds) {
    cached_text =
        absl::FormatTime("%Y-%m-%dT%H:%M:%S", absl::FromUnixSeconds(seconds), absl::UTCTimeZone());
    cached_seconds = seconds;
  }
  const char fraction[] = {'.', static_cast<char>('0' + milli / 100),
                           static_cast<char>('0' + milli / 10 % 10),
                           static_cast<char>('0' + milli % 10), 'Z'};
  out->append(cached_text);
  out->append(fraction, sizeof(fraction));
}

void WriteAll(const std::string& bytes) {
  // The loop only matters if stderr is interrupted or accepts part of it.
  const char* data = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t written = ::write(STDERR_FILENO, data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      return;  // nowhere to report a failure to log
    }
    data += written;
    left -= static_cast<size_t>(written);
  }
}

// Lines waiting for stderr. A line logged while stderr has been quiet for a
// millisecond is written at once by its own thread. Under load, lines gather
// instead and go out together, one write(2) for all that gathered, at most a
// millisecond later: by the thread that finds the millisecond over, or by a
// flusher thread when no line follows. Nobody waits for another's write.
struct Sink {
  static constexpr absl::Duration kGather = absl::Milliseconds(1);
  // Beyond this much pending (stderr blocked or far slower than the
  // loggers), lines are dropped and counted, and the count is logged when
  // the writer catches up.
  static constexpr size_t kMaxPendingBytes = 8 << 20;
  absl::Mutex mu;
  std::string pending ABSL_GUARDED_BY(mu);
  bool writing ABSL_GUARDED_BY(mu) = false;  // a thread is in WriteAll
  absl::Time last_write ABSL_GUARDED_BY(mu) = absl::InfinitePast();
  int64_t dropped ABSL_GUARDED_BY(mu) = 0;
  bool flusher_started ABSL_GUARDED_BY(mu) = false;
};

Sink& TheSink() {
  static Sink* sink = new Sink();  // never destroyed: threads may log at exit
  return *sink;
}

// Called with sink.mu held and sink.writing false: writes everything
// pending, releasing the lock around each write(2).
void DrainLocked(Sink& sink) ABSL_EXCLUSIVE_LOCKS_REQUIRED(sink.mu) {
  sink.writing = true;
  std::string batch;
  while (!sink.pending.empty()) {
    batch.swap(sink.pending);
    sink.pending.clear();
    int64_t dropped = 0;
    std::swap(dropped, sink.dropped);
    sink.mu.Unlock();
    WriteAll(batch);
    batch.clear();
    if (dropped > 0) {
      WriteAll(
          absl::StrCat("{\"level\":\"warn\",\"msg\":\"log lines dropped: stderr did not "
                       "keep up\",\"dropped\":\"",
                       dropped, "\"}\n"));
    }
    sink.mu.Lock();
  }
  sink.writing = false;
  sink.last_write = absl::Now();
}

// Writes what gathered once no line has come for kGather.
void FlushLoop(Sink* sink) {
  absl::MutexLock lock(&sink->mu);
  while (true) {
    auto has_pending = [sink]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(sink->mu) {
      return !sink->pending.empty() && !sink->writing;
    };
    sink->mu.Await(absl::Condition(&has_pending));
    const absl::Time due = sink->last_write + Sink::kGather;
    const absl::Time now = absl::Now();
    if (now < due) {
      sink->mu.Unlock();
      absl::SleepFor(due - now);
      sink->mu.Lock();
      continue;
    }
    DrainLocked(*sink);
  }
}

void WriteLine(const std::string& line) {
  Sink& sink = TheSink();
  absl::MutexLock lock(&sink.mu);
  if (sink.pending.size() + line.size() > Sink::kMaxPendingBytes) {
    ++sink.dropped;
    return;
  }
  sink.pending.append(line);
  if (sink.writing) return;  // the writer takes it
  if (absl::Now() - sink.last_write >= Sink::kGather) {
    DrainLocked(sink);
    return;
  }
  if (!sink.flusher_started) {
    sink.flusher_started = true;
    std::thread(FlushLoop, &sink).detach();
    // A program that returns from main (or calls exit) writes what waits.
    std::atexit(FlushLogs);
  }
}

}  // namespace

void FlushLogs() {
  Sink& sink = TheSink();
  absl::MutexLock lock(&sink.mu);
  auto not_writing = [&sink]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(sink.mu) { return !sink.writing; };
  sink.mu.Await(absl::Condition(&not_writing));
  if (!sink.pending.empty()) DrainLocked(sink);
}

void SetLogLevel(LogLevel level) {
  min_level.store(static_cast<int>(level), std::memory_order_relaxed);
}

bool LogEnabled(LogLevel level) {
  return static_cast<int>(level) >= min_level.load(std::memory_order_relaxed);
}

absl::StatusOr<LogLevel> ParseLogLevel(absl::string_view text) {
  for (LogLevel level : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
    if (text == LogLevelName(level)) return level;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown log level \"", text, "\"; use debug, info, warn or error"));
}

absl::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "error";
}

bool AbslParseFlag(absl::string_view text, LogLevel* level, std::string* error) {
  absl::StatusOr<LogLevel> parsed = ParseLogLevel(text);
  if (!parsed.ok()) {
    *error = std::string(parsed.status().message());
    return false;
  }
  *level = *parsed;
  return true;
}

std::string AbslUnparseFlag(LogLevel level) { return std::string(LogLevelName(level)); }

void Log(LogLevel level, absl::string_view message, std::initializer_list<LogField> fields) {
  if (!LogEnabled(level)) return;
  std::string line;
  line.reserve(128 + message.size());
  line.append("{\"time\":\"");
  AppendTime(&line);
  line.append("\",\"level\":\"");
  line.append(LogLevelName(level).data(), LogLevelName(level).size());
  line.append("\",\"msg\":");
  AppendJsonString(message, &line);
  for (const auto& [key, value] : fields) {
    line.push_back(',');
    AppendJsonString(key, &line);
    line.push_back(':');
    AppendJsonString(value, &line);
  }
  line.append("}\n");
  WriteLine(line);
}

void LogDebug(absl::string_view message, std::initializer_list<LogField> fields) {
  Log(LogLevel::kDebug, message, fields);
}

void LogInfo(absl::string_view message, std::initializer_list<LogField> fields) {
  Log(LogLevel::kInfo, message, fields);
}

void LogWarn(absl::string_view message, std::initializer_list<LogField> fields) {
  Log(LogLevel::kWarn, message, fields);
}

void LogError(absl::string_view message, std::initializer_list<LogField> fields) {
  Log(LogLevel::kError, message, fields);
}

}  // namespace healthcontent
