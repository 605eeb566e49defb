#include "cli/cli_common.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "common/date.h"
#include "common/field_errors.h"
#include "common/status_names.h"
#include "google/protobuf/util/json_util.h"
#include "importers/interchange.h"

namespace healthcontent::cli {

absl::StatusOr<CommandLine> CommandLine::Parse(const std::vector<std::string>& args,
                                               const std::vector<FlagSpec>& known) {
  CommandLine result;
  bool flags_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (flags_done || arg.size() < 2 || arg[0] != '-') {
      result.positional_.push_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      continue;
    }
    if (arg == "-h" || arg == "--help") {
      result.flags_["help"] = "";
      continue;
    }
    if (!absl::StartsWith(arg, "--")) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag ", arg));
    }
    std::string name = arg.substr(2);
    std::string value;
    bool has_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
      has_value = true;
    }
    auto spec =
        std::find_if(known.begin(), known.end(), [&](const FlagSpec& f) { return f.name == name; });
    if (spec == known.end()) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
    }
    if (spec->takes_value && !has_value) {
      if (i + 1 >= args.size()) {
        return absl::InvalidArgumentError(absl::StrCat("--", name, " needs a value"));
      }
      value = args[++i];
    } else if (!spec->takes_value && has_value) {
      return absl::InvalidArgumentError(absl::StrCat("--", name, " takes no value"));
    }
    result.flags_[name] = value;
  }
  return result;
}

bool CommandLine::Has(absl::string_view name) const { return flags_.find(name) != flags_.end(); }

std::string CommandLine::Get(absl::string_view name, absl::string_view fallback) const {
  auto it = flags_.find(name);
  return it == flags_.end() ? std::string(fallback) : it->second;
}

absl::StatusOr<int64_t> CommandLine::GetInt(absl::string_view name, int64_t fallback) const {
  auto it = flags_.find(name);
  if (it == flags_.end()) return fallback;
  int64_t value = 0;
  if (!absl::SimpleAtoi(it->second, &value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, "=", it->second, " is not a whole number"));
  }
  return value;
}

int Fail(int exit_code, absl::string_view message) {
  std::fprintf(stderr, "healthcontent: %.*s\n", static_cast<int>(message.size()), message.data());
  return exit_code;
}

int ExitCodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return kOk;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kPermissionDenied:
      return kUserError;
    default:
      return kServerError;
  }
}

std::vector<std::string> FieldViolationLines(const absl::Status& status) {
  std::vector<std::string> lines;
  google::rpc::BadRequest bad_request;
  if (!GetBadRequest(status, &bad_request)) return lines;
  for (const auto& violation : bad_request.field_violations()) {
    lines.push_back(absl::StrCat(violation.field(), ": ", violation.description()));
  }
  return lines;
}

namespace {
// Marks the statuses UsageError makes.
constexpr absl::string_view kUsagePayload = "healthcontent.cli/usage";
}  // namespace

absl::Status UsageError(absl::string_view message) {
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kUsagePayload, absl::Cord());
  return status;
}

int ReportError(const absl::Status& status) {
  std::string text = status.GetPayload(kUsagePayload).has_value()
                         ? absl::StrCat("healthcontent: ", status.message(), "\n")
                         : absl::StrCat("healthcontent: ", LowerStatusCodeName(status.code()), ": ",
                                        status.message(), "\n");
  for (const std::string& line : FieldViolationLines(status))
    absl::StrAppend(&text, "  ", line, "\n");
  std::fputs(text.c_str(), stderr);
  return ExitCodeFor(status);
}

int Finish(const absl::Status& status) { return status.ok() ? kOk : ReportError(status); }

std::string MessageJson(const google::protobuf::Message& message) {
  // The interchange format is exactly "indented protobuf JSON with a final
  // newline", so --json output and exported files read the same.
  return importers::FormatInterchangeJson(message);
}

std::string MessageJsonLine(const google::protobuf::Message& message) {
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(message, &out);
  out.push_back('\n');
  return out;
}

void PrintOut(absl::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

std::string DateText(const google::type::Date& date) {
  if (IsEmptyDate(date)) return "";
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

std::string TimestampText(const google::protobuf::Timestamp& timestamp) {
  if (timestamp.seconds() == 0 && timestamp.nanos() == 0) return "";
  return absl::FormatTime("%Y-%m-%d %H:%M:%SZ", absl::FromUnixSeconds(timestamp.seconds()),
                          absl::UTCTimeZone());
}

Progress::Progress(int total) : total_(total), enabled_(total > 1 && isatty(STDERR_FILENO)) {}

Progress::~Progress() { Clear(); }

void Progress::Update(int done, absl::string_view label) {
  if (!enabled_) return;
  constexpr int kBarWidth = 24;
  constexpr size_t kMaxLabel = 48;
  const int filled = total_ > 0 ? static_cast<int>(int64_t{kBarWidth} * done / total_) : 0;
  if (label.size() > kMaxLabel) label = label.substr(label.size() - kMaxLabel);
  std::string line =
      absl::StrCat("\r\033[K[", std::string(filled, '#'), std::string(kBarWidth - filled, '.'),
                   "] ", done, "/", total_, " ", label);
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::Clear() {
  if (!drawn_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace healthcontent::cli
