#include "common/log.h"

#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace healthcontent {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

// gtest's stderr capture: file descriptor 2 is redirected (dup2) to a temp
// file until GetCapturedStderr, so the log's write(2) calls land there.
void StartCapture() {
  FlushLogs();
  ::testing::internal::CaptureStderr();
}
std::string StopCapture() {
  FlushLogs();
  return ::testing::internal::GetCapturedStderr();
}

std::vector<std::string> Keys(const nlohmann::ordered_json& object) {
  std::vector<std::string> keys;
  for (const auto& item : object.items()) keys.push_back(item.key());
  return keys;
}

class LogTest : public ::testing::Test {
 protected:
  void TearDown() override { SetLogLevel(LogLevel::kInfo); }
};

TEST_F(LogTest, WritesOneJsonObjectPerLineWithTheFieldsInOrder) {
  StartCapture();
  LogInfo("serving", {{"listen", "127.0.0.1:50051"}, {"port", "50051"}});
  const std::string text = StopCapture();

  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.find('\n'), text.size() - 1) << text;
  const auto line = nlohmann::ordered_json::parse(text);
  EXPECT_THAT(Keys(line), ElementsAre("time", "level", "msg", "listen", "port"));
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["msg"], "serving");
  EXPECT_EQ(line["listen"], "127.0.0.1:50051");
  EXPECT_EQ(line["port"], "50051");

  const std::string time = line["time"].get<std::string>();
  EXPECT_THAT(time,
              MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z"));
  absl::Time parsed;
  std::string error;
  ASSERT_TRUE(absl::ParseTime(absl::RFC3339_full, time, &parsed, &error)) << error;
  EXPECT_LT(absl::AbsDuration(absl::Now() - parsed), absl::Seconds(5));
}

TEST_F(LogTest, WritesEachCallAsItsOwnLine) {
  StartCapture();
  LogInfo("one");
  LogError("two", {{"error", "NOT_FOUND: articles/x"}});
  const std::string text = StopCapture();

  std::vector<std::string> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << text;
  EXPECT_EQ(nlohmann::json::parse(lines[0])["msg"], "one");
  const auto second = nlohmann::ordered_json::parse(lines[1]);
  EXPECT_THAT(Keys(second), ElementsAre("time", "level", "msg", "error"));
  EXPECT_EQ(second["level"], "error");
  EXPECT_EQ(second["error"], "NOT_FOUND: articles/x");
}

// Lines logged at once from many threads gather into few writes: every line
// arrives whole, each thread's in its order, and a burst's last lines are
// written by the flusher without another line to carry them.
TEST_F(LogTest, LinesFromManyThreadsArriveWholeAndInEachThreadsOrder) {
  StartCapture();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < 500; ++i) {
        LogInfo("burst", {{"thread", std::to_string(t)}, {"i", std::to_string(i)}});
      }
    });
  }
  for (auto& thread : threads) thread.join();
  // Not FlushLogs: the flusher writes the tail within a millisecond or so.
  absl::SleepFor(absl::Milliseconds(500));
  const std::string text = ::testing::internal::GetCapturedStderr();
  std::vector<std::string> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2000u);
  std::map<std::string, int> next;
  for (const std::string& line : lines) {
    const auto json = nlohmann::json::parse(line);  // throws on a torn line
    const std::string thread = json["thread"];
    EXPECT_EQ(json["i"], std::to_string(next[thread]++)) << "thread " << thread;
  }
}

TEST_F(LogTest, EscapesQuotesBackslashesAndControlCharacters) {
  const std::string message =
      "say \"hi\"\nto C:\\temp\tnow\r\x01\x1f\x7f"
      " end";
  StartCapture();
  LogWarn(message, {{"key \"quoted\"", "line1\nline2"}});
  const std::string text = StopCapture();

  // The only raw newline ends the line; no other control byte is left raw.
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.find('\n'), text.size() - 1) << text;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    EXPECT_TRUE(c >= 0x20 && c != 0x7f) << "raw byte " << int{c} << " at " << i;
  }
  EXPECT_THAT(text, HasSubstr(R"("msg":"say \"hi\"\nto C:\\temp\tnow\r\u0001\u001f\u007f end")"));
  EXPECT_THAT(text, HasSubstr(R"("key \"quoted\"":"line1\nline2"})"));

  const auto line = nlohmann::json::parse(text);
  EXPECT_EQ(line["level"], "warn");
  EXPECT_EQ(line["msg"], message);
  EXPECT_EQ(line["key \"quoted\""], "line1\nline2");
}

TEST_F(LogTest, KeepsValidUtf8AndReplacesInvalidBytes) {
  const std::string valid = "caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80";  // café 日 😀
  // A stray byte, a sequence cut short, a surrogate (ED A0 80), and a lead
  // byte at the very end. A sequence cut short is one U+FFFD; each byte of
  // the surrogate is one.
  const std::string invalid =
      "a\xff"
      "b\xe2\x82"
      "c\xed\xa0\x80"
      "d\xc3";
  const std::string replacement = "\xef\xbf\xbd";
  StartCapture();
  LogInfo("utf8", {{"valid", valid}, {"invalid", invalid}});
  const std::string text = StopCapture();

  const auto line = nlohmann::json::parse(text);  // throws on invalid UTF-8
  EXPECT_EQ(line["valid"], valid);
  EXPECT_EQ(line["invalid"], "a" + replacement + "b" + replacement + "c" + replacement +
                                 replacement + replacement + "d" + replacement);
}

TEST_F(LogTest, DropsLinesBelowTheLevel) {
  EXPECT_FALSE(LogEnabled(LogLevel::kDebug));  // the default is info
  EXPECT_TRUE(LogEnabled(LogLevel::kInfo));

  SetLogLevel(LogLevel::kWarn);
  EXPECT_FALSE(LogEnabled(LogLevel::kDebug));
  EXPECT_FALSE(LogEnabled(LogLevel::kInfo));
  EXPECT_TRUE(LogEnabled(LogLevel::kWarn));
  EXPECT_TRUE(LogEnabled(LogLevel::kError));
  StartCapture();
  LogDebug("d");
  LogInfo("i");
  Log(LogLevel::kInfo, "i2");
  LogWarn("w");
  LogError("e");
  std::string text = StopCapture();
  std::vector<std::string> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << text;
  EXPECT_EQ(nlohmann::json::parse(lines[0])["msg"], "w");
  EXPECT_EQ(nlohmann::json::parse(lines[0])["level"], "warn");
  EXPECT_EQ(nlohmann::json::parse(lines[1])["msg"], "e");
  EXPECT_EQ(nlohmann::json::parse(lines[1])["level"], "error");

  SetLogLevel(LogLevel::kDebug);
  StartCapture();
  LogDebug("d");
  text = StopCapture();
  const auto line = nlohmann::json::parse(text);
  EXPECT_EQ(line["level"], "debug");
  EXPECT_EQ(line["msg"], "d");
}

TEST(ParseLogLevelTest, AcceptsTheFourNames) {
  const struct {
    const char* text;
    LogLevel level;
  } cases[] = {{"debug", LogLevel::kDebug},
               {"info", LogLevel::kInfo},
               {"warn", LogLevel::kWarn},
               {"error", LogLevel::kError}};
  for (const auto& c : cases) {
    absl::StatusOr<LogLevel> level = ParseLogLevel(c.text);
    ASSERT_TRUE(level.ok()) << c.text << ": " << level.status();
    EXPECT_EQ(*level, c.level) << c.text;
    EXPECT_EQ(LogLevelName(c.level), c.text);
    EXPECT_EQ(AbslUnparseFlag(c.level), c.text);
  }
}

TEST(ParseLogLevelTest, RefusesAnythingElseNamingTheAcceptedValues) {
  for (const char* text : {"", "INFO", "warning", "verbose", "info "}) {
    absl::StatusOr<LogLevel> level = ParseLogLevel(text);
    ASSERT_FALSE(level.ok()) << text;
    EXPECT_EQ(level.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(level.status().message(),
              absl::StrCat("unknown log level \"", text, "\"; use debug, info, warn or error"));
  }
}

TEST(ParseLogLevelTest, ParsesFlags) {
  LogLevel level = LogLevel::kInfo;
  std::string error;
  EXPECT_TRUE(AbslParseFlag("warn", &level, &error));
  EXPECT_EQ(level, LogLevel::kWarn);
  EXPECT_FALSE(AbslParseFlag("loud", &level, &error));
  EXPECT_EQ(error, "unknown log level \"loud\"; use debug, info, warn or error");
  EXPECT_EQ(level, LogLevel::kWarn);
}

}  // namespace
}  // namespace healthcontent
