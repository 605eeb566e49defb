#include "importers/citation/dates.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "common/date.h"
#include "importers/citation/text.h"

namespace healthcontent::importers::citation {
namespace {

// Month name at i (with an optional "."): its number and end, or 0.
int MonthAt(absl::string_view s, size_t i, size_t* end) {
  size_t e = WordEnd(s, i);
  if (e == i) return 0;
  int m = MonthNumber(s.substr(i, e - i));
  if (m == 0) return 0;
  if (e < s.size() && s[e] == '.') ++e;
  *end = e;
  return m;
}

// The first year of a range: "1988–1992", "1999/2000", "1889-96"; 0 if none.
int YearOfRange(absl::string_view s, size_t i) {
  if (i > 0 && IsAlnumAt(s, PrevCp(s, i))) return 0;
  int y = 0;
  size_t e = ReadNumber(s, i, 5, &y);
  if (e - i != 4 || !IsPlausibleYear(y) || e >= s.size()) return 0;
  size_t len = s[e] == '/' ? 1 : IsDashCp(At(s, e).c) ? At(s, e).len : 0;
  if (len == 0) return 0;
  int second = 0;
  size_t f = ReadNumber(s, e + len, 5, &second);
  if (f - e - len < 2 || f - e - len > 4 || IsAlnumAt(s, f)) return 0;
  return y;
}

}  // namespace

bool IsPlausibleYear(int y) { return y >= 1500 && y <= 2099; }

size_t YearAt(absl::string_view s, size_t i, int* year) {
  if (i > 0 && (IsAlnumAt(s, PrevCp(s, i)) || s[i - 1] == '/' || s[i - 1] == '.')) return npos;
  if (i > 0 && IsDashCp(At(s, PrevCp(s, i)).c)) return npos;
  int y = 0;
  size_t e = ReadNumber(s, i, 5, &y);
  if (e - i != 4 || !IsPlausibleYear(y)) return npos;
  if (e < s.size() && absl::ascii_islower(static_cast<unsigned char>(s[e])) &&
      !IsLetterAt(s, e + 1))
    ++e;
  if (IsAlnumAt(s, e)) return npos;
  if (e < s.size() && (s[e] == '.' || s[e] == '/') && IsDigitAt(s, e + 1)) return npos;
  if (e < s.size() && IsDashCp(At(s, e).c) && IsDigitAt(s, e + At(s, e).len)) return npos;
  *year = y;
  return e;
}

int FirstYear(absl::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    int y = 0;
    if (IsDigitAt(s, i) && YearAt(s, i, &y) != npos) return y;
  }
  return 0;
}

int MonthNumber(absl::string_view word) {
  static constexpr absl::string_view kMonths[] = {"january",   "february", "march",    "april",
                                                  "may",       "june",     "july",     "august",
                                                  "september", "october",  "november", "december"};
  // French, German, Spanish and Italian names that citations in the corpora print.
  static constexpr absl::string_view kOther[12][4] = {
      {"janvier", "januar", "enero", "gennaio"},
      {"février", "februar", "febrero", "febbraio"},
      {"mars", "märz", "marzo", ""},
      {"avril", "abril", "aprile", ""},
      {"mai", "mayo", "maggio", ""},
      {"juin", "juni", "junio", "giugno"},
      {"juillet", "juli", "julio", "luglio"},
      {"août", "agosto", "", ""},
      {"septembre", "septiembre", "settembre", ""},
      {"octobre", "oktober", "octubre", "ottobre"},
      {"novembre", "noviembre", "", ""},
      {"décembre", "dezember", "diciembre", "dicembre"}};
  std::string w = absl::AsciiStrToLower(word);
  if (w.size() < 3) return 0;
  if (w == "sept") return 9;
  for (int m = 0; m < 12; ++m) {
    if (w == kMonths[m] || (w.size() == 3 && absl::StartsWith(kMonths[m], w))) return m + 1;
    for (absl::string_view other : kOther[m]) {
      if (!other.empty() && w == other) return m + 1;
    }
  }
  return 0;
}

bool IsSeason(absl::string_view word) {
  std::string w = absl::AsciiStrToLower(word);
  return IsOneOf(w, {"spring", "summer", "fall", "autumn", "winter"});
}

DayDate DateAt(absl::string_view s, size_t i) {
  DayDate d;
  size_t e = 0;
  int a = 0, b = 0, c = 0;
  if (int m = MonthAt(s, i, &e)) {  // Month D, YYYY | Month YYYY
    size_t p = SkipSpaces(s, e);
    size_t q = ReadNumber(s, p, 2, &a);
    if (q > p && !IsDigitAt(s, q)) {
      size_t r = SkipSpaces(s, SkipChars(s, q, ","));
      size_t t = ReadNumber(s, r, 4, &b);
      if (t - r == 4 && !IsDigitAt(s, t)) return {b, m, a, t};
    }
    q = ReadNumber(s, p, 4, &b);
    if (q - p == 4 && !IsDigitAt(s, q)) return {b, m, 0, q};
    return d;
  }
  size_t p = ReadNumber(s, i, 4, &a);
  if (p == i) return d;
  if (p - i == 4) {  // YYYY-MM-DD | YYYY Mon D
    if (p < s.size() && s[p] == '-') {
      size_t q = ReadNumber(s, p + 1, 2, &b);
      if (q - p == 3 && q < s.size() && s[q] == '-') {
        size_t r = ReadNumber(s, q + 1, 2, &c);
        if (r - q == 3 && !IsDigitAt(s, r)) return {a, b, c, r};
      }
      return d;
    }
    size_t q = SkipSpaces(s, p);
    if (int m = MonthAt(s, q, &e)) {
      size_t r = SkipSpaces(s, e);
      size_t t = ReadNumber(s, r, 2, &c);
      if (t > r && !IsDigitAt(s, t)) return {a, m, c, t};
      return {a, m, 0, e};
    }
    return d;
  }
  if (p - i > 2) return d;
  if (p < s.size() && (s[p] == '/' || s[p] == '.')) {  // M/D/YYYY | D.M.YYYY
    char sep = s[p];
    size_t q = ReadNumber(s, p + 1, 2, &b);
    if (q > p + 1 && q < s.size() && s[q] == sep) {
      size_t r = ReadNumber(s, q + 1, 4, &c);
      if (r - q == 5 && !IsDigitAt(s, r)) {
        return sep == '/' ? DayDate{c, a, b, r} : DayDate{c, b, a, r};
      }
    }
    return d;
  }
  size_t q = p;
  if (q < s.size() && s[q] == '-') ++q;  // 19-Oct-2017
  q = SkipSpaces(s, q);
  if (int m = MonthAt(s, q, &e)) {  // D Month YYYY
    size_t r = SkipSpaces(s, SkipChars(s, e, ",-"));
    size_t t = ReadNumber(s, r, 4, &c);
    if (t - r == 4 && !IsDigitAt(s, t)) return {c, m, a, t};
  }
  return d;
}

int LastYear(absl::string_view s) {
  int found = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    int y = 0;
    if (IsDigitAt(s, i) && YearAt(s, i, &y) != npos) found = y;
  }
  for (size_t i = 0; found == 0 && i < s.size(); ++i) {
    if (IsDigitAt(s, i)) found = YearOfRange(s, i);
  }
  for (size_t i = 0; found == 0 && i + 10 <= s.size(); ++i) {
    DayDate d = IsDigitAt(s, i) && (i == 0 || !IsAlnumAt(s, i - 1)) ? DateAt(s, i) : DayDate{};
    if (d.end != npos && d.day != 0 && IsPlausibleYear(d.year)) found = d.year;
  }
  return found;
}

bool SetDate(const DayDate& d, google::type::Date* out) {
  google::type::Date date;
  date.set_year(d.year);
  date.set_month(d.month);
  date.set_day(d.day);
  if (!FromProtoDate(date).ok()) return false;
  *out = date;
  return true;
}

}  // namespace healthcontent::importers::citation
