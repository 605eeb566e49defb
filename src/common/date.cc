#include "common/date.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace healthcontent {
namespace {

absl::StatusOr<absl::CivilDay> MakeDay(int64_t year, int month, int day, absl::string_view shown) {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31) {
    return absl::InvalidArgumentError(absl::StrCat(shown, " is not a real date"));
  }
  absl::CivilDay civil(year, month, day);
  // CivilDay normalises 2023-02-30 to 2023-03-02; a real date survives unchanged.
  if (civil.year() != year || civil.month() != month || civil.day() != day) {
    return absl::InvalidArgumentError(absl::StrCat(shown, " is not a real date"));
  }
  return civil;
}

}  // namespace

absl::StatusOr<absl::CivilDay> ParseIsoDate(absl::string_view text) {
  bool shape_ok = text.size() == 10 && text[4] == '-' && text[7] == '-';
  for (size_t i = 0; shape_ok && i < text.size(); ++i) {
    if (i == 4 || i == 7) continue;
    shape_ok = absl::ascii_isdigit(static_cast<unsigned char>(text[i]));
  }
  std::string shown = absl::StrCat("\"", text.substr(0, 40), "\"");
  if (!shape_ok) {
    return absl::InvalidArgumentError(absl::StrCat(shown, " is not a date in the form YYYY-MM-DD"));
  }
  auto num = [&](size_t pos, size_t len) {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) v = v * 10 + (text[i] - '0');
    return v;
  };
  return MakeDay(num(0, 4), num(5, 2), num(8, 2), shown);
}

std::string FormatIsoDate(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

absl::StatusOr<absl::CivilDay> FromProtoDate(const google::type::Date& date) {
  return MakeDay(
      date.year(), date.month(), date.day(),
      absl::StrFormat("{year: %d, month: %d, day: %d}", date.year(), date.month(), date.day()));
}

google::type::Date ToProtoDate(absl::CivilDay day) {
  google::type::Date out;
  out.set_year(static_cast<int32_t>(day.year()));
  out.set_month(day.month());
  out.set_day(day.day());
  return out;
}

bool IsEmptyDate(const google::type::Date& date) {
  return date.year() == 0 && date.month() == 0 && date.day() == 0;
}

absl::CivilDay UtcDay(absl::Time now) {
  // UTC has no offsets to look up: whole days since the epoch, rounded down
  // (every call on the read path asks, so no time-zone machinery).
  if (now == absl::InfinitePast() || now == absl::InfiniteFuture()) {
    return absl::ToCivilDay(now, absl::UTCTimeZone());
  }
  const int64_t seconds = absl::ToUnixSeconds(now);  // rounds toward negative infinity
  int64_t days = seconds / 86400;
  if (seconds % 86400 < 0) --days;
  return absl::CivilDay(1970, 1, 1) + days;
}

}  // namespace healthcontent
