// What every healthcontent subcommand shares: its flag parser, how errors and
// results are printed, exit codes, and a progress bar for long work.
//
// Output rules: results go to stdout (human text by default, protobuf JSON
// with --json); errors, hints and progress go to stderr, so a script piping
// stdout never sees them.
#ifndef HEALTHCONTENT_CLI_CLI_COMMON_H_
#define HEALTHCONTENT_CLI_CLI_COMMON_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/type/date.pb.h"

namespace healthcontent::cli {

// Exit codes of every subcommand.
inline constexpr int kOk = 0;
inline constexpr int kUserError = 1;    // bad arguments or input, or refused by the rules
inline constexpr int kServerError = 2;  // the server or the disk failed

// A flag a subcommand accepts: `--name` (a switch) or `--name=VALUE`
// (also `--name VALUE`).
struct FlagSpec {
  std::string name;  // without the leading "--"
  bool takes_value = false;
};

// A subcommand's arguments after the subcommand's name.
class CommandLine {
 public:
  // Splits `args` into flags and positional arguments. "--" ends the flags.
  // InvalidArgument names an unknown flag, a missing value or a value given
  // to a switch. "-h" is read as "--help", which every subcommand accepts.
  static absl::StatusOr<CommandLine> Parse(const std::vector<std::string>& args,
                                           const std::vector<FlagSpec>& known);

  bool Has(absl::string_view name) const;
  // The flag's value, or `fallback` when it was not given.
  std::string Get(absl::string_view name, absl::string_view fallback = "") const;
  // The flag as an integer; InvalidArgument names the flag when it is not one.
  absl::StatusOr<int64_t> GetInt(absl::string_view name, int64_t fallback) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string, std::less<>> flags_;
  std::vector<std::string> positional_;
};

// Prints "healthcontent: <message>" on stderr and returns `exit_code`.
int Fail(int exit_code, absl::string_view message);

// kUserError for the codes that mean "your request was wrong or not
// allowed" (INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION,
// OUT_OF_RANGE, UNAUTHENTICATED, PERMISSION_DENIED), kServerError otherwise.
int ExitCodeFor(const absl::Status& status);

// The google.rpc.BadRequest field violations `status` carries, each as
// "field: description" (empty when it carries none).
std::vector<std::string> FieldViolationLines(const absl::Status& status);

// InvalidArgument for a command used wrongly (missing argument, bad flag
// value): ReportError prints it as "healthcontent: <message>", without a code.
absl::Status UsageError(absl::string_view message);

// Prints "healthcontent: <code>: <message>" and then each field violation on
// its own indented line, on stderr; returns ExitCodeFor(status).
int ReportError(const absl::Status& status);

// kOk, or ReportError(status).
int Finish(const absl::Status& status);

// Pages through a List or Search method from `request`'s page_token on.
// `call(request, &response)` makes one call (its status is returned at
// once when not OK); `take(response)` receives each page and may move its
// items out. Stops after the last page, or after the first when
// `all_pages` is false. Returns the page token that follows the last page
// fetched: "" when it was the last.
template <typename Response, typename Request, typename Call, typename Take>
absl::StatusOr<std::string> FetchPages(Request request, bool all_pages, Call call, Take take) {
  do {
    Response response;
    absl::Status status = call(request, &response);
    if (!status.ok()) return status;
    take(response);
    request.set_page_token(response.next_page_token());
  } while (all_pages && !request.page_token().empty());
  return request.page_token();
}

// FetchPages gathered into one response: every item of every page fetched,
// in order, in the repeated field whose generated mutable accessor is
// `items` (&v1::ListArticlesResponse::mutable_articles), and next_page_token
// the page token that follows the last page fetched ("" after the last).
template <typename Response, typename Item, typename Request, typename Call>
absl::StatusOr<Response> GatherPages(
    Request request, bool all_pages, Call call,
    google::protobuf::RepeatedPtrField<Item>* (Response::*items)()) {
  Response all;
  absl::StatusOr<std::string> next =
      FetchPages<Response>(std::move(request), all_pages, call, [&](Response& page) {
        for (Item& item : *(page.*items)()) (all.*items)()->Add(std::move(item));
      });
  if (!next.ok()) return next.status();
  all.set_next_page_token(*std::move(next));
  return all;
}

// Protobuf JSON (lowerCamelCase names) of `message`: indented with a final
// newline (what --json prints), or on one line for JSON Lines streams.
std::string MessageJson(const google::protobuf::Message& message);
std::string MessageJsonLine(const google::protobuf::Message& message);

// Writes `text` to stdout.
void PrintOut(absl::string_view text);

// "2023-05-19"; "" for an empty date.
std::string DateText(const google::type::Date& date);
// "2026-06-01 12:00:05Z" (UTC, to the second); "" for an unset timestamp.
std::string TimestampText(const google::protobuf::Timestamp& timestamp);

// A one-line progress bar on stderr:
//   [##########..........] 12/40 articles/foo/2023-05-19.json
// drawn only when stderr is a terminal and there is more than one step, so
// pipes and logs never see it. Not thread-safe.
class Progress {
 public:
  explicit Progress(int total);
  ~Progress();  // erases the bar
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Redraws the bar with `done` steps finished and `label` for the current one.
  void Update(int done, absl::string_view label);
  // Erases the bar; call before writing a line to stdout on the same terminal.
  void Clear();

 private:
  int total_;
  bool enabled_;
  bool drawn_ = false;
};

}  // namespace healthcontent::cli

#endif  // HEALTHCONTENT_CLI_CLI_COMMON_H_
