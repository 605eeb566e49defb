// Years and dates as citations print them: a year standing alone ("2001",
// "1993a"), the first or last one in a text, month names in English and in
// the French, German, Spanish and Italian the corpora print, and whole dates
// in the dozen forms access notes use.
//
// Contract: a year is plausible from 1500 to 2099; functions that find no
// year return 0, DateAt returns end == npos. Nothing here checks that a day
// exists: SetDate does, through common/date.h. Pure functions, thread-safe.
#ifndef HEALTHCONTENT_IMPORTERS_CITATION_DATES_H_
#define HEALTHCONTENT_IMPORTERS_CITATION_DATES_H_

#include <cstddef>

#include "absl/strings/string_view.h"
#include "google/type/date.pb.h"
#include "importers/citation/code_points.h"

namespace healthcontent::importers::citation {

// A year a citation may print: 1500 to 2099.
bool IsPlausibleYear(int y);

// A year standing alone at i ("2001", "1993a"), not part of a longer number,
// a range or a decimal. Returns its end or npos.
size_t YearAt(absl::string_view s, size_t i, int* year);

// The first year standing alone (YearAt) in s; 0 if none.
int FirstYear(absl::string_view s);

// 1-12 for a month name or abbreviation in English ("March", "Mar", "Sept")
// or French, German, Spanish or Italian ("mars", "März", "agosto"), in any
// case; else 0.
int MonthNumber(absl::string_view word);

// True for "spring", "summer", "fall", "autumn" or "winter", in any case.
bool IsSeason(absl::string_view word);

// A date read by DateAt: day is 0 when none is printed ("March 2023"); `end`
// is the byte after it, npos when there is no date.
struct DayDate {
  int year = 0, month = 0, day = 0;
  size_t end = npos;
};

// A date at i in one of the forms citations print: "March 22, 2023",
// "22 March 2023", "2023 Mar 22", "2023-03-22", "19-Oct-2017", "3/22/2023",
// "22.03.2023", or without a day "March 2023". end is npos when none.
DayDate DateAt(absl::string_view s, size_t i);

// The last year standing alone in s, else the first year of a range
// ("(1999/2000)"), else one in a numeric date ("29/10/2010"); 0 if none.
int LastYear(absl::string_view s);

// Sets *out from d when d is a real day (no 0 day, no February 30); else
// returns false and leaves *out alone.
bool SetDate(const DayDate& d, google::type::Date* out);

}  // namespace healthcontent::importers::citation

#endif  // HEALTHCONTENT_IMPORTERS_CITATION_DATES_H_
