// Calendar days: ISO-8601 text, google.type.Date and today's UTC date.
#ifndef HEALTHCONTENT_COMMON_DATE_H_
#define HEALTHCONTENT_COMMON_DATE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/type/date.pb.h"

namespace healthcontent {

// Parses exactly "YYYY-MM-DD" (a real calendar day, years 1-9999).
// InvalidArgument says what is wrong, starting lower-case so callers can
// prefix a field name: "\"2023-02-30\" is not a real date".
absl::StatusOr<absl::CivilDay> ParseIsoDate(absl::string_view text);

// "YYYY-MM-DD", zero-padded.
std::string FormatIsoDate(absl::CivilDay day);

// Converts a google.type.Date that must be a full, real date (no zero year,
// month or day). The message says what is wrong, as for ParseIsoDate.
absl::StatusOr<absl::CivilDay> FromProtoDate(const google::type::Date& date);

google::type::Date ToProtoDate(absl::CivilDay day);

// True when no part of the date is set (the proto default).
bool IsEmptyDate(const google::type::Date& date);

// The UTC calendar day of `now`.
absl::CivilDay UtcDay(absl::Time now);

}  // namespace healthcontent

#endif  // HEALTHCONTENT_COMMON_DATE_H_
