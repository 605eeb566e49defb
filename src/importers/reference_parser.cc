#include "importers/reference_parser.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/date.h"

namespace healthcontent::importers {
namespace {

using Kind = v1::Reference::Kind;
constexpr size_t npos = absl::string_view::npos;

// A span taken out of the text (a URL, a DOI, an access note, an edition)
// leaves this byte behind: a hard boundary between parts of the citation.
// Clean() turns any such byte in the input into a space.
constexpr char kCut = '\x1f';

// Limits of the publish validation (domain/article_rules.cc); a longer value
// would make the reference unpublishable, so it is left out instead.
constexpr size_t kMaxNameBytes = 300;
constexpr size_t kMaxTextBytes = 2000;
constexpr size_t kMaxShortBytes = 100;
constexpr size_t kMaxUrlBytes = 2000;

// ---------------------------------------------------------------------------
// Code points. The text is valid UTF-8 by the time these run.

struct CodePoint {
  char32_t c;
  size_t len;
};

CodePoint At(absl::string_view s, size_t i) {
  unsigned char b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) return {b, 1};
  size_t n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
  if (n == 0 || i + n > s.size()) return {0xFFFD, 1};
  char32_t c = b & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return {c, n};
}

bool IsUpperCp(char32_t c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z';
  if (c >= 0xC0 && c <= 0xDE) return c != 0xD7;
  if (c >= 0x100 && c <= 0x17F) {  // Latin Extended-A: mostly upper/lower pairs
    if (c == 0x138 || c == 0x149 || c == 0x17F) return false;
    if (c == 0x178) return true;
    if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return c % 2 == 1;
    return c % 2 == 0;
  }
  return (c >= 0x391 && c <= 0x3A9) || (c >= 0x400 && c <= 0x42F);
}

bool IsLowerCp(char32_t c) {
  if (c < 0x80) return c >= 'a' && c <= 'z';
  if (c >= 0xDF && c <= 0xFF) return c != 0xF7;
  if (c >= 0x100 && c <= 0x17F) return !IsUpperCp(c);
  return (c >= 0x180 && c <= 0x24F) || (c >= 0x3B1 && c <= 0x3C9) || (c >= 0x430 && c <= 0x45F);
}

bool IsCombiningCp(char32_t c) { return c >= 0x300 && c <= 0x36F; }

bool IsLetterCp(char32_t c) {
  return IsUpperCp(c) || IsLowerCp(c) || IsCombiningCp(c) || (c >= 0x250 && c <= 0x2AF) ||
         (c >= 0x370 && c <= 0x3FF) || (c >= 0x400 && c <= 0x52F) ||
         (c >= 0x3040 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF);
}

bool IsSpaceCp(char32_t c) {
  return c <= 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
         c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

bool IsInvisibleCp(char32_t c) {
  return c == 0xAD || (c >= 0x200B && c <= 0x200D) || c == 0x2060 || c == 0xFEFF;
}

bool IsDashCp(char32_t c) { return c == '-' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212; }

bool IsOpenQuoteCp(char32_t c) {
  return c == '"' || c == 0x201C || c == 0x2018 || c == 0xAB || c == 0x201E || c == 0x2039;
}

bool IsQuoteCp(char32_t c) {
  return c == '"' || c == '\'' || (c >= 0x2018 && c <= 0x201F) || c == 0xAB || c == 0xBB ||
         c == 0x2039 || c == 0x203A;
}

bool IsUpperAt(absl::string_view s, size_t i) { return i < s.size() && IsUpperCp(At(s, i).c); }
bool IsLowerAt(absl::string_view s, size_t i) { return i < s.size() && IsLowerCp(At(s, i).c); }
bool IsLetterAt(absl::string_view s, size_t i) { return i < s.size() && IsLetterCp(At(s, i).c); }
bool IsDigitAt(absl::string_view s, size_t i) {
  return i < s.size() && absl::ascii_isdigit(static_cast<unsigned char>(s[i]));
}
bool IsAlnumAt(absl::string_view s, size_t i) { return IsDigitAt(s, i) || IsLetterAt(s, i); }

// Index of the code point that ends just before `i`.
size_t PrevCp(absl::string_view s, size_t i) {
  if (i == 0) return 0;
  size_t j = i - 1;
  while (j > 0 && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80 && i - j < 4) --j;
  return j;
}

bool IsLetterBefore(absl::string_view s, size_t i) {
  return i > 0 && IsLetterCp(At(s, PrevCp(s, i)).c);
}

// ---------------------------------------------------------------------------
// Text clean-up.

std::string ValidUtf8(absl::string_view in) {
  std::string out;
  out.reserve(in.size());
  size_t i = 0;
  while (i < in.size()) {
    unsigned char b = static_cast<unsigned char>(in[i]);
    if (b < 0x80) {
      out.push_back(static_cast<char>(b));
      ++i;
      continue;
    }
    size_t n = 0;
    char32_t min = 0;
    if (b >= 0xC2 && b <= 0xDF) {
      n = 2;
      min = 0x80;
    } else if (b >= 0xE0 && b <= 0xEF) {
      n = 3;
      min = 0x800;
    } else if (b >= 0xF0 && b <= 0xF4) {
      n = 4;
      min = 0x10000;
    }
    bool ok = n > 0 && i + n <= in.size();
    char32_t c = ok ? (b & (0x7F >> n)) : 0;
    for (size_t k = 1; ok && k < n; ++k) {
      unsigned char cb = static_cast<unsigned char>(in[i + k]);
      if ((cb & 0xC0) != 0x80) ok = false;
      c = (c << 6) | (cb & 0x3F);
    }
    if (ok && (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))) ok = false;
    if (ok) {
      out.append(in.data() + i, n);
      i += n;
    } else {
      out.append("\xEF\xBF\xBD");
      ++i;
    }
  }
  return out;
}

// End of an inline markup tag some sources leave in ("<i>", "</italic>"), or npos.
size_t MarkupTagEnd(absl::string_view s, size_t i) {
  static constexpr absl::string_view kTags[] = {"i",   "b",  "u",  "em", "strong", "italic",
                                                "bold", "sup", "sub", "sc", "span"};
  size_t p = i + 1;
  if (p < s.size() && s[p] == '/') ++p;
  size_t q = p;
  while (q < s.size() && q - p < 8 && absl::ascii_isalpha(static_cast<unsigned char>(s[q]))) ++q;
  if (q >= s.size() || s[q] != '>' || q == p) return npos;
  std::string name = absl::AsciiStrToLower(s.substr(p, q - p));
  for (absl::string_view tag : kTags) {
    if (name == tag) return q + 1;
  }
  return npos;
}

// The first kMaxParsedCitationBytes of `in` (valid UTF-8) with markup dropped,
// every kind of space and control character made one ASCII space, and no
// space before "," or ";".
std::string Clean(absl::string_view in) {
  size_t limit = std::min(in.size(), kMaxParsedCitationBytes);
  while (limit > 0 && limit < in.size() && (static_cast<unsigned char>(in[limit]) & 0xC0) == 0x80) {
    --limit;
  }
  absl::string_view s = in.substr(0, limit);
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '<') {
      size_t end = MarkupTagEnd(s, i);
      if (end != npos) {
        i = end;
        continue;
      }
    }
    // TeX quotes: ``Title,'' -> “Title,”
    if ((s[i] == '`' || s[i] == '\'') && i + 1 < s.size() && s[i + 1] == s[i]) {
      if (pending_space && !out.empty()) out.push_back(' ');
      pending_space = false;
      out.append(s[i] == '`' ? "\xE2\x80\x9C" : "\xE2\x80\x9D");
      i += 2;
      continue;
    }
    CodePoint cp = At(s, i);
    if (IsSpaceCp(cp.c)) {
      pending_space = true;
    } else if (!IsInvisibleCp(cp.c)) {
      if (pending_space && !out.empty() && cp.c != ',' && cp.c != ';') out.push_back(' ');
      pending_space = false;
      out.append(s.data() + i, cp.len);
    }
    i += cp.len;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Small helpers on words.

bool StartsWithAt(absl::string_view s, size_t i, absl::string_view lit) {
  return i <= s.size() && absl::StartsWithIgnoreCase(s.substr(i), lit);
}

// Position of `needle` in `hay`, ignoring ASCII case; npos when absent.
size_t FindIgnoreCase(absl::string_view hay, absl::string_view needle) {
  if (needle.size() > hay.size()) return npos;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (absl::EqualsIgnoreCase(hay.substr(i, needle.size()), needle)) return i;
  }
  return npos;
}

// `lit` at i, case-insensitively, not followed by a letter.
bool WordAt(absl::string_view s, size_t i, absl::string_view lit) {
  return StartsWithAt(s, i, lit) && !IsLetterAt(s, i + lit.size());
}

size_t SkipSpaces(absl::string_view s, size_t i) {
  while (i < s.size() && s[i] == ' ') ++i;
  return i;
}

size_t SkipChars(absl::string_view s, size_t i, absl::string_view chars) {
  while (i < s.size() && chars.find(s[i]) != npos) ++i;
  return i;
}

// End of the word at i: letters, with inner apostrophes and hyphens.
size_t WordEnd(absl::string_view s, size_t i) {
  size_t p = i;
  while (p < s.size()) {
    CodePoint cp = At(s, p);
    if (IsLetterCp(cp.c)) {
      p += cp.len;
      continue;
    }
    bool joiner = cp.c == '\'' || cp.c == 0x2019 || IsDashCp(cp.c);
    if (joiner && p > i && IsLetterAt(s, p + cp.len)) {
      p += cp.len;
      continue;
    }
    break;
  }
  return p;
}

size_t CountCps(absl::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); i += At(s, i).len) ++n;
  return n;
}

bool ContainsDigit(absl::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)); });
}

bool IsOneOf(absl::string_view word, std::initializer_list<absl::string_view> list) {
  for (absl::string_view w : list) {
    if (word == w) return true;
  }
  return false;
}

// Strips spaces, cut marks and the punctuation that separates parts of a
// citation from both ends, and a bracket left without its partner.
absl::string_view TrimField(absl::string_view v) {
  for (int round = 0; round < 4; ++round) {
    size_t before = v.size();
    while (!v.empty() && absl::string_view(" \x1f,;:.-&").find(v.front()) != npos) v.remove_prefix(1);
    while (!v.empty() && absl::string_view(" \x1f,;:.&").find(v.back()) != npos) v.remove_suffix(1);
    for (auto [open, close] : {std::pair<char, char>{'(', ')'}, {'[', ']'}}) {
      size_t opens = std::count(v.begin(), v.end(), open);
      size_t closes = std::count(v.begin(), v.end(), close);
      if (!v.empty() && v.back() == close && closes > opens) v.remove_suffix(1);
      if (!v.empty() && v.front() == open && opens > closes) v.remove_prefix(1);
      if (!v.empty() && v.back() == open) v.remove_suffix(1);
      if (!v.empty() && v.front() == close) v.remove_prefix(1);
    }
    if (v.size() == before) break;
  }
  return v;
}

// ---------------------------------------------------------------------------
// Numbers and dates.

// Reads up to `max` ASCII digits at i; returns the end (i when none).
size_t ReadNumber(absl::string_view s, size_t i, size_t max, int* value) {
  size_t p = i;
  int v = 0;
  while (p < s.size() && p - i < max && absl::ascii_isdigit(static_cast<unsigned char>(s[p]))) {
    v = v * 10 + (s[p] - '0');
    ++p;
  }
  *value = v;
  return p;
}

bool IsPlausibleYear(int y) { return y >= 1500 && y <= 2099; }

// A year standing alone at i ("2001", "1993a"), not part of a longer number,
// a range or a decimal. Returns its end or npos.
size_t YearAt(absl::string_view s, size_t i, int* year) {
  if (i > 0 && (IsAlnumAt(s, PrevCp(s, i)) || s[i - 1] == '/' || s[i - 1] == '.')) return npos;
  if (i > 0 && IsDashCp(At(s, PrevCp(s, i)).c)) return npos;
  int y = 0;
  size_t e = ReadNumber(s, i, 5, &y);
  if (e - i != 4 || !IsPlausibleYear(y)) return npos;
  if (e < s.size() && absl::ascii_islower(static_cast<unsigned char>(s[e])) && !IsLetterAt(s, e + 1)) ++e;
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

// 1-12 for an English month name or abbreviation ("March", "Mar", "Sept"), else 0.
int MonthNumber(absl::string_view word) {
  static constexpr absl::string_view kMonths[] = {"january", "february", "march",     "april",
                                                  "may",     "june",     "july",      "august",
                                                  "september", "october", "november", "december"};
  // French, German, Spanish and Italian names that citations in the corpora print.
  static constexpr absl::string_view kOther[12][4] = {
      {"janvier", "januar", "enero", "gennaio"},  {"février", "februar", "febrero", "febbraio"},
      {"mars", "märz", "marzo", ""},              {"avril", "abril", "aprile", ""},
      {"mai", "mayo", "maggio", ""},              {"juin", "juni", "junio", "giugno"},
      {"juillet", "juli", "julio", "luglio"},     {"août", "agosto", "", ""},
      {"septembre", "septiembre", "settembre", ""}, {"octobre", "oktober", "octubre", "ottobre"},
      {"novembre", "noviembre", "", ""},          {"décembre", "dezember", "diciembre", "dicembre"}};
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

struct DayDate {
  int year = 0, month = 0, day = 0;
  size_t end = npos;
};

// A date at i in one of the forms citations print: "March 22, 2023",
// "22 March 2023", "2023 Mar 22", "2023-03-22", "19-Oct-2017", "3/22/2023",
// "22.03.2023", or without a day "March 2023". end is npos when none.
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

// The last year standing alone in s, else the first year of a range
// ("(1999/2000)"), else one in a numeric date ("29/10/2010"); 0 if none.
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

// ---------------------------------------------------------------------------
// Parts taken out before the structure is read: access notes, URLs, DOIs,
// PubMed ids, ISBNs and boilerplate. Each leaves a kCut behind.

void Cut(std::string* t, size_t begin, size_t end) {
  t->replace(begin, end - begin, 1, kCut);
}

// Start of the word that ends just before i (skipping spaces), for look-behind.
bool PrecededBy(absl::string_view s, size_t i, absl::string_view lit, size_t* start) {
  size_t p = i;
  while (p > 0 && s[p - 1] == ' ') --p;
  if (p < lit.size()) return false;
  size_t b = p - lit.size();
  if (!absl::EqualsIgnoreCase(s.substr(b, lit.size()), lit)) return false;
  if (b > 0 && IsLetterBefore(s, b) && absl::ascii_isalpha(static_cast<unsigned char>(lit[0]))) {
    return false;
  }
  *start = b;
  return true;
}

// "Accessed March 22, 2023", "Last accessed August 13, 2018", "[cited 2023
// Mar 22]", "Retrieved 2010-08-07", "(accessed 20 March 2012)".
void ExtractAccessNotes(std::string* t, v1::Reference* ref) {
  static constexpr absl::string_view kKeys[] = {
      "last accessed", "date accessed", "accessed on", "accessed", "retrieved on", "retrieved",
      "last viewed",   "viewed on",     "viewed",      "cited",    "consulted on", "consulted",
      "abgerufen am",  "zugegriffen am", "consulté le"};
  for (size_t i = 0; i < t->size(); ++i) {
    if (!absl::ascii_isalpha(static_cast<unsigned char>((*t)[i])) || IsLetterBefore(*t, i)) continue;
    for (absl::string_view key : kKeys) {
      if (!WordAt(*t, i, key)) continue;
      size_t p = SkipSpaces(*t, SkipChars(*t, SkipSpaces(*t, i + key.size()), ":"));
      DayDate d = DateAt(*t, p);
      if (d.end == npos || (d.day == 0 && key == "cited")) break;
      size_t begin = i, end = d.end;
      size_t open = 0;
      if (PrecededBy(*t, i, "[", &open) || PrecededBy(*t, i, "(", &open)) {
        char close = (*t)[open] == '[' ? ']' : ')';
        size_t q = SkipChars(*t, end, ". ");
        if (q < t->size() && (*t)[q] == close) {
          begin = open;
          end = q + 1;
        }
      }
      google::type::Date date;
      if (d.day != 0 && !ref->has_accessed_date() && SetDate(d, &date)) {
        *ref->mutable_accessed_date() = date;
      }
      Cut(t, begin, end);
      i = begin;
      break;
    }
  }
}

bool IsUrlByte(unsigned char c) { return c > 0x20 && c < 0x7F && c != '"' && c != '<' && c != '>'; }

// End of the URL text at i: printable ASCII but quotes and angle brackets,
// and letters or signs beyond ASCII that are not quotation marks ("/˜jason/").
size_t UrlTokenEnd(absl::string_view s, size_t i) {
  while (i < s.size()) {
    unsigned char b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if (!IsUrlByte(b)) break;
      ++i;
      continue;
    }
    CodePoint cp = At(s, i);
    if (IsQuoteCp(cp.c) || IsSpaceCp(cp.c) || IsDashCp(cp.c) || cp.c == 0xFFFD) break;
    i += cp.len;
  }
  return i;
}

bool HasFileExtension(absl::string_view token) {
  static constexpr absl::string_view kExtensions[] = {".pdf", ".html", ".htm", ".php", ".aspx",
                                                      ".asp", ".jsp",  ".cfm", ".ps",  ".txt",
                                                      ".xml", ".doc",  ".docx"};
  std::string lower = absl::AsciiStrToLower(token);
  for (absl::string_view ext : kExtensions) {
    if (absl::EndsWith(lower, ext)) return true;
  }
  return false;
}

// True when the token after a space continues a URL that a line break split:
// "http://www. boston.com/...", "https://www.cia.gov/ library/...".
bool ContinuesUrl(absl::string_view url, absl::string_view next) {
  while (!next.empty() && absl::string_view(".,;:)]").find(next.back()) != npos) next.remove_suffix(1);
  if (next.empty() || url.empty()) return false;
  for (char c : next) {
    if (!IsUrlByte(static_cast<unsigned char>(c))) return false;
  }
  if (StartsWithAt(next, 0, "http") || StartsWithAt(next, 0, "www.") || StartsWithAt(next, 0, "doi")) {
    return false;
  }
  bool url_has_path = url.find('/', url.find("//") == npos ? 0 : url.find("//") + 2) != npos;
  if (url_has_path && HasFileExtension(next) && next.find('/') == npos) return true;
  bool joinable_end = absl::string_view("/.-_=?&").find(url.back()) != npos;
  bool joinable_start = absl::string_view("-/._").find(next.front()) != npos;
  // ".../community development/assets/pdf/CommunityColleges.pdf"
  if (url_has_path && absl::ascii_islower(static_cast<unsigned char>(next.front())) &&
      next.find('/') != npos && next.find('.') != npos) {
    return true;
  }
  if (!joinable_end && !joinable_start) return false;
  if (!joinable_start && !absl::ascii_islower(static_cast<unsigned char>(next.front())) &&
      !absl::ascii_isdigit(static_cast<unsigned char>(next.front()))) {
    return false;
  }
  return next.find_first_of("./?=&-_%") != npos;
}

// Strips what follows a URL in running text: sentence punctuation and a
// closing bracket that the URL did not open.
absl::string_view TrimUrlEnd(absl::string_view url) {
  while (!url.empty()) {
    char c = url.back();
    if (absl::string_view(".,;:!?'*").find(c) != npos) {
      url.remove_suffix(1);
      continue;
    }
    if (c == ')' || c == ']' || c == '}') {
      char open = c == ')' ? '(' : c == ']' ? '[' : '{';
      if (std::count(url.begin(), url.end(), open) < std::count(url.begin(), url.end(), c)) {
        url.remove_suffix(1);
        continue;
      }
    }
    break;
  }
  return url;
}

bool IsValidDoiShape(absl::string_view doi) {
  if (!absl::StartsWith(doi, "10.") || doi.size() > 300) return false;
  size_t slash = doi.find('/');
  if (slash == npos || slash < 4 || slash + 1 >= doi.size()) return false;
  for (size_t i = 3; i < slash; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(doi[i])) && doi[i] != '.') return false;
  }
  for (size_t i = slash + 1; i < doi.size(); ++i) {
    if (static_cast<unsigned char>(doi[i]) <= 0x20) return false;
  }
  return true;
}

std::string DigitsAt(absl::string_view s, size_t i) {
  size_t e = i;
  while (e < s.size() && absl::ascii_isdigit(static_cast<unsigned char>(s[e]))) ++e;
  return std::string(s.substr(i, e - i));
}

// PubMed id of a PubMed address, or "".
std::string PmidOfUrl(absl::string_view url) {
  std::string lower = absl::AsciiStrToLower(url);
  if (lower.find("ncbi.nlm.nih.gov") == npos && lower.find("pubmed") == npos) return "";
  for (absl::string_view key : {"list_uids=", "/pubmed/", "pubmed.ncbi.nlm.nih.gov/"}) {
    size_t k = absl::string_view(lower).find(key);
    if (k != npos) {
      std::string digits = DigitsAt(url, k + key.size());
      if (!digits.empty() && digits.size() <= 10) return digits;
    }
  }
  return "";
}

// DOI of a doi.org address, or "".
std::string DoiOfUrl(absl::string_view url) {
  std::string lower = absl::AsciiStrToLower(url);
  size_t host = lower.find("doi.org/");
  if (host == npos) return "";
  std::string doi(url.substr(host + 8));
  for (size_t k; (k = absl::AsciiStrToLower(doi).find("%2f")) != npos;) doi.replace(k, 3, "/");
  return IsValidDoiShape(doi) ? doi : "";
}

// The lead-in that introduces a URL ("Retrieved from", "Available at:",
// "URL:"): start of the words to remove with it, or `url_begin`.
size_t UrlLeadIn(absl::string_view s, size_t url_begin) {
  static constexpr absl::string_view kKeys[] = {
      "retrieved", "available", "url", "online", "accessed", "see", "en ligne", "retirado",
      "abgerufen", "verfügbar", "disponible", "disponível", "from", "[internet]"};
  size_t floor = url_begin > 120 ? url_begin - 120 : 0;
  size_t b = url_begin;
  while (b > floor && s[b - 1] != kCut && !(s[b - 1] == ' ' && b >= 2 && s[b - 2] == '.')) --b;
  for (size_t i = b; i < url_begin; ++i) {
    if (IsLetterBefore(s, i)) continue;
    for (absl::string_view key : kKeys) {
      if (WordAt(s, i, key) || (key.back() == ']' && StartsWithAt(s, i, key))) {
        size_t open = 0;
        if (PrecededBy(s, i, "(", &open) || PrecededBy(s, i, "[", &open)) return open;
        return i;
      }
    }
  }
  return url_begin;
}

void ExtractUrls(std::string* t, v1::Reference* ref) {
  size_t i = 0;
  for (int found = 0; found < 16 && i < t->size(); ++i) {
    bool www = StartsWithAt(*t, i, "www.") && IsAlnumAt(*t, i + 4) &&
               (i == 0 || !IsUrlByte(static_cast<unsigned char>((*t)[i - 1])) || (*t)[i - 1] == '(' ||
                (*t)[i - 1] == '[');
    if (!www && !StartsWithAt(*t, i, "http://") && !StartsWithAt(*t, i, "https://")) continue;
    ++found;
    size_t end = UrlTokenEnd(*t, i);
    std::string url = t->substr(i, end - i);
    for (int joins = 0; joins < 4 && end + 1 < t->size() && (*t)[end] == ' '; ++joins) {
      size_t next_end = UrlTokenEnd(*t, end + 1);
      absl::string_view next = absl::string_view(*t).substr(end + 1, next_end - end - 1);
      if (!ContinuesUrl(url, next)) break;
      url += std::string(next);
      end = next_end;
    }
    absl::string_view trimmed = TrimUrlEnd(url);
    // Where the printed URL ends in the text: drop as many bytes as the trim did.
    size_t text_end = end - (url.size() - trimmed.size());
    std::string value(trimmed);
    if (www) value = "http://" + value;
    size_t begin = UrlLeadIn(*t, i);
    size_t open = 0;
    if (begin == i && (PrecededBy(*t, i, "<", &open) || PrecededBy(*t, i, "(", &open) ||
                       PrecededBy(*t, i, "[", &open))) {
      begin = open;
    }
    if (begin < i && (begin == 0 || (*t)[begin] == '(' || (*t)[begin] == '[' || (*t)[begin] == '<')) {
      char close = (*t)[begin] == '(' ? ')' : (*t)[begin] == '[' ? ']' : '>';
      size_t q = SkipChars(*t, text_end, ". ");
      if (q < t->size() && (*t)[q] == close) text_end = q + 1;
    }
    if (ref->url().empty() && value.size() <= kMaxUrlBytes && value.size() > 11) ref->set_url(value);
    if (ref->doi().empty()) ref->set_doi(DoiOfUrl(value));
    if (ref->pmid().empty()) ref->set_pmid(PmidOfUrl(value));
    Cut(t, begin, std::max(text_end, begin));
    i = begin;
  }
}

// Bare DOIs anywhere ("doi:10.x/y", "DOI: 10.x/y", "[doi>10.x/y]").
void ExtractDois(std::string* t, v1::Reference* ref) {
  for (size_t i = 0; i + 3 < t->size(); ++i) {
    if (!StartsWithAt(*t, i, "10.") || (i > 0 && IsAlnumAt(*t, PrevCp(*t, i)))) continue;
    size_t p = i + 3;
    while (p < t->size() && (IsDigitAt(*t, p) || ((*t)[p] == '.' && IsDigitAt(*t, p + 1)))) ++p;
    if (p - i < 7 || p >= t->size() || (*t)[p] != '/') continue;
    size_t end = p + 1;
    while (end < t->size()) {
      CodePoint cp = At(*t, end);
      if (cp.c <= 0x20 || cp.c == kCut || cp.c == '"' || cp.c == '<' || cp.c == '>' ||
          (cp.c >= 0x80 && IsQuoteCp(cp.c))) {
        break;
      }
      end += cp.len;
    }
    absl::string_view doi = TrimUrlEnd(absl::string_view(*t).substr(i, end - i));
    size_t doi_end = i + doi.size();
    size_t begin = i;
    size_t b = i;
    while (b > 0 && ((*t)[b - 1] == ' ' || (*t)[b - 1] == ':' || (*t)[b - 1] == '>')) --b;
    size_t start = 0;
    if (PrecededBy(*t, b, "doi", &start)) begin = start;
    size_t open = 0;
    if (PrecededBy(*t, begin, "(", &open) || PrecededBy(*t, begin, "[", &open)) {
      char close = (*t)[open] == '(' ? ')' : ']';
      if (doi_end < t->size() && (*t)[doi_end] == close) {
        begin = open;
        ++doi_end;
      }
    }
    if (ref->doi().empty() && IsValidDoiShape(doi)) ref->set_doi(std::string(doi));
    Cut(t, begin, doi_end);
    i = begin;
  }
}

// "PMID: 123", "PubMed PMID: 123", "PMCID: PMC123", "ISBN 978-...", "ISSN 1234-5678".
void ExtractIds(std::string* t, v1::Reference* ref) {
  for (size_t i = 0; i < t->size(); ++i) {
    if (IsLetterBefore(*t, i)) continue;
    size_t key_end = npos;
    bool pmid = false;
    for (absl::string_view key : {"pmid", "pmcid", "isbn-13", "isbn-10", "isbn", "issn"}) {
      if (WordAt(*t, i, key)) {
        key_end = i + key.size();
        pmid = key == "pmid";
        break;
      }
    }
    if (key_end == npos) continue;
    size_t p = SkipSpaces(*t, SkipChars(*t, SkipSpaces(*t, key_end), ":"));
    if (StartsWithAt(*t, p, "pmc")) p += 3;
    size_t end = p;
    while (end < t->size() && (IsDigitAt(*t, end) || (*t)[end] == '-' || (*t)[end] == 'X' ||
                               (*t)[end] == 'x' || ((*t)[end] == ' ' && IsDigitAt(*t, end + 1)))) {
      ++end;
    }
    if (end == p) continue;
    if (pmid && ref->pmid().empty()) {
      std::string digits = DigitsAt(*t, p);
      if (!digits.empty() && digits.size() <= 10) ref->set_pmid(digits);
    }
    size_t begin = i, start = 0;
    if (pmid && PrecededBy(*t, i, "pubmed", &start)) begin = start;
    Cut(t, begin, end);
    i = begin;
  }
}

void ExtractBoilerplate(std::string* t) {
  static constexpr absl::string_view kPhrases[] = {
      "also available online", "available online with free registration",
      "available online with free subscription", "available online", "[epub ahead of print]",
      "epub ahead of print", "[internet]", "[online]", "[en ligne]"};
  for (size_t i = 0; i < t->size(); ++i) {
    if (IsLetterBefore(*t, i)) continue;
    for (absl::string_view phrase : kPhrases) {
      if (StartsWithAt(*t, i, phrase) && !IsLetterAt(*t, i + phrase.size())) {
        Cut(t, i, i + phrase.size());
        break;
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Names.

bool IsParticle(absl::string_view w) {
  return IsOneOf(w, {"van", "von", "de", "der", "den", "del", "della", "delle", "des", "di", "da",
                     "do", "dos", "das", "du", "la", "le", "ten", "ter", "te", "zu", "zum", "vom",
                     "bin", "ibn", "al", "el", "y"});
}

// Words that start titles, not names.
bool IsStopWord(absl::string_view w) {
  std::string l = absl::AsciiStrToLower(w);
  return IsOneOf(l, {"the", "a", "an", "in", "on", "of", "for", "and", "to", "from", "with", "by",
                     "at", "as", "is", "are", "how", "what", "why", "when", "where", "who", "which",
                     "this", "that", "these", "toward", "towards", "notes", "proceedings",
                     "journal", "report", "chapter", "part", "introduction", "handbook", "review",
                     "annual", "guidelines", "guide", "new", "understanding", "using", "use",
                     "effects", "effect", "analysis", "study", "evaluation", "international",
                     "if", "do", "does", "can", "should", "not", "no", "our", "some", "all",
                     "available", "retrieved", "accessed", "vol", "volume", "pp", "eds", "ed",
                     "edited", "ibid", "id", "anon", "anonymous"});
}

// A capitalised word of two or more letters at i ("Papiez", "O'Connor",
// "KENNEDY", "Pérez-Higueras"); its end or npos.
size_t CapWordEnd(absl::string_view s, size_t i) {
  if (!IsUpperAt(s, i)) return npos;
  size_t e = WordEnd(s, i);
  if (CountCps(s.substr(i, e - i)) < 2) return npos;
  return e;
}

size_t ParticlesEnd(absl::string_view s, size_t i) {
  for (int k = 0; k < 3; ++k) {
    size_t e = WordEnd(s, i);
    if (e == i || e >= s.size() || s[e] != ' ' || !IsParticle(s.substr(i, e - i))) break;
    i = e + 1;
  }
  return i;
}

// "J.", "J.A.", "J. A.", "J.-P.", "J-L.", "Th." at i; the end (after the last ".") or npos.
size_t DottedInitialsEnd(absl::string_view s, size_t i) {
  if (IsUpperAt(s, i) && i + 3 < s.size() && s[i + 1] == '-' && IsUpperAt(s, i + 2) &&
      s[i + 3] == '.') {
    return i + 4;
  }
  size_t p = i, end = npos;
  for (int groups = 0; groups < 6 && p < s.size(); ++groups) {
    if (!IsUpperAt(s, p)) break;
    size_t q = p + At(s, p).len;
    if (IsLowerAt(s, q) && q + At(s, q).len < s.size() && s[q + At(s, q).len] == '.') {
      q += At(s, q).len;
    }
    if (q >= s.size() || s[q] != '.') break;
    end = q + 1;
    p = end;
    if (p < s.size() && (s[p] == ' ' || s[p] == '-')) {
      size_t r = p + 1;
      if (r < s.size() && s[r] == '-') ++r;
      if (!IsUpperAt(s, r)) break;
      size_t r2 = r + At(s, r).len;
      if (IsLowerAt(s, r2)) r2 += At(s, r2).len;
      if (r2 >= s.size() || s[r2] != '.') break;
      p = r;
    }
  }
  return end;
}

// One to four capitals without dots ("MA", "J"), not followed by a letter.
size_t BareInitialsEnd(absl::string_view s, size_t i) {
  size_t p = i;
  int n = 0;
  while (p < s.size() && n < 5 && IsUpperAt(s, p)) {
    p += At(s, p).len;
    ++n;
  }
  if (n == 0 || n > 4 || IsLetterAt(s, p)) return npos;
  return p;
}

// " Jr", " Sr.", " III", " 2nd" after a name; the end or npos.
size_t SuffixEnd(absl::string_view s, size_t i) {
  if (i >= s.size() || s[i] != ' ') return npos;
  for (absl::string_view suffix : {"Jr", "Sr", "III", "II", "IV", "2nd", "3rd", "4th", "5th"}) {
    if (absl::StartsWith(s.substr(i + 1), suffix) && !IsAlnumAt(s, i + 1 + suffix.size())) {
      size_t e = i + 1 + suffix.size();
      if (e < s.size() && s[e] == '.') ++e;
      return e;
    }
  }
  return npos;
}

// "et al", "et al.", "and others", "a kol.", "u. a." at i; the end or npos.
size_t EtAlEnd(absl::string_view s, size_t i) {
  for (absl::string_view form : {"et al.", "et al", "et. al.", "and others", "a kol.", "u. a.",
                                 "et coll.", "y col.", "e outros"}) {
    if (StartsWithAt(s, i, form) && !IsLetterAt(s, i + form.size())) {
      size_t e = i + form.size();
      if (e < s.size() && s[e] == '.' && form.back() != '.') ++e;
      return e;
    }
  }
  return npos;
}

// What may follow a name: a separator, a terminator, "and", "et al", a date.
bool NameCanEndAt(absl::string_view s, size_t q, bool ended_with_dot) {
  if (q >= s.size()) return true;
  char c = s[q];
  if (c == ',' || c == ';' || c == ':' || c == '.' || c == '(' || c == kCut) return true;
  if (c == ' ') {
    size_t r = q + 1;
    if (WordAt(s, r, "and") || (r < s.size() && (s[r] == '&' || s[r] == '(')) ||
        WordAt(s, r, "und") || EtAlEnd(s, r) != npos ||
        (WordAt(s, r, "et") && IsUpperAt(s, SkipSpaces(s, r + 2)))) {
      return true;
    }
    int year = 0;
    if (IsDigitAt(s, r) && YearAt(s, r, &year) != npos) return true;
    if (r < s.size() && IsOpenQuoteCp(At(s, r).c)) return true;  // P. Yang and J. H. Chern "Design ..."
  }
  return ended_with_dot;
}

struct NameMatch {
  size_t end = npos;
  bool dot = false;
};

bool FirstWordIsStop(absl::string_view s, size_t i) {
  size_t e = WordEnd(s, i);
  if (e < s.size() && s[e] == '.' && CountCps(s.substr(i, e - i)) == 1) return false;  // "A."
  return e > i && IsStopWord(s.substr(i, e - i));
}

bool HasLowerCase(absl::string_view w) {
  for (size_t i = 0; i < w.size(); i += At(w, i).len) {
    if (IsLowerCp(At(w, i).c)) return true;
  }
  return false;
}

// Family name then initials: "Papiez MA", "de la Macorra JC", "Fraumeni JF
// Jr", "KENNEDY E.G.".
NameMatch TryFamilyInitials(absl::string_view s, size_t i) {
  if (FirstWordIsStop(s, i)) return {};
  size_t e = CapWordEnd(s, ParticlesEnd(s, i));
  for (int words = 1; e != npos && words <= 3; ++words) {
    if (e >= s.size() || s[e] != ' ') return {};
    size_t q = e + 1;
    size_t end = DottedInitialsEnd(s, q);
    bool dot = end != npos;
    size_t bare = BareInitialsEnd(s, q);
    // "Smith J, Doe A. Title": one initial and a stop before a space is the
    // bare initial and the end of the list; "Ferrière L., Koeberl C." keeps it.
    if (dot && bare != npos && end == bare + 1 && end + 1 < s.size() && s[end] == ' ' &&
        IsUpperAt(s, end + 1)) {
      dot = false;
    }
    if (!dot) end = bare;
    if (end != npos) {
      size_t suffix = SuffixEnd(s, end);
      if (suffix != npos) {
        end = suffix;
        dot = s[end - 1] == '.';
      }
      if (!NameCanEndAt(s, end, dot)) return {};
      return {end, dot};
    }
    e = CapWordEnd(s, ParticlesEnd(s, q));
  }
  return {};
}

// Family name, comma, given names or initials: "Romero, C.", "Adams,
// Nicholson B.", "Davis, Natalie Zemon", "Santos Otero, A. de".
NameMatch TryInverted(absl::string_view s, size_t i) {
  if (FirstWordIsStop(s, i)) return {};
  size_t e = CapWordEnd(s, ParticlesEnd(s, i));
  if (e == npos) return {};
  // "Van der Burght, A. T.": a capitalised particle, lower-case ones, the name.
  if (e < s.size() && s[e] == ' ' && IsParticle(absl::AsciiStrToLower(s.substr(i, e - i)))) {
    size_t after = CapWordEnd(s, ParticlesEnd(s, e + 1));
    if (after != npos && after > e + 1 && s.substr(e + 1, after - e - 1).find(' ') != npos) e = after;
  }
  int family_words = 1;
  if (e < s.size() && s[e] == ' ') {
    // "Santos Otero, A." but not "Altekruse SF, Kosary CL" (two names in the NLM form).
    size_t e2 = CapWordEnd(s, e + 1);
    if (e2 != npos && BareInitialsEnd(s, e + 1) != e2) {
      size_t jr = SuffixEnd(s, e2);
      if (jr != npos && jr < s.size() && s[jr] == ',') e2 = jr;
      if (e2 < s.size() && s[e2] == ',') {
        e = e2;
        family_words = 2;
      }
    }
  }
  if (size_t jr = SuffixEnd(s, e); jr != npos && jr < s.size() && s[jr] == ',') e = jr;
  if (e >= s.size() || s[e] != ',') return {};
  size_t q = e + 1;
  if (q < s.size() && s[q] == ' ') ++q;
  for (absl::string_view suffix : {"Jr., ", "Jr, ", "Sr., "}) {
    if (absl::StartsWith(s.substr(q), suffix)) q += suffix.size();
  }
  // Given names, initials and particles ("C.", "Nicholson B.", "Natalie
  // Zemon", "H. Igor", "Kenneth A", "Michel de", "Michael S. Scott", "A.
  // de"): the longest run that can end a name.
  NameMatch best;
  size_t end = q;
  bool has_initial = false;
  int words_after_initial = 0;
  for (int given_words = 0; given_words < 4; ++given_words) {
    size_t p = given_words == 0 ? q : end + 1;
    if (given_words > 0 && (end >= s.size() || s[end] != ' ')) break;
    bool dot = false;
    size_t next = DottedInitialsEnd(s, p);
    if (next != npos) {
      dot = has_initial = true;
    } else if ((next = BareInitialsEnd(s, p)) != npos && next - p <= 2) {
      has_initial = true;
    } else if ((next = CapWordEnd(s, p)) != npos) {
      if (FirstWordIsStop(s, p)) break;
    } else if (given_words > 0) {
      size_t pe = WordEnd(s, p);
      if (pe > p && IsParticle(s.substr(p, pe - p))) next = pe;
    }
    if (next == npos) break;
    end = next;
    size_t suffix = SuffixEnd(s, end);
    if (suffix != npos) {
      end = suffix;
      dot = s[end - 1] == '.';
    }
    bool given_pair = family_words == 2 && given_words >= 1 && !has_initial;
    // "Ansoff, H. Igor." but not "Hunt, E. B. Concept Learning: ...".
    if (has_initial && !dot) ++words_after_initial;
    bool word_after_initial = words_after_initial > 1 || (words_after_initial == 1 && end < s.size() && s[end] == ':');
    if (NameCanEndAt(s, end, dot) && !given_pair && !word_after_initial) best = {end, dot};
  }
  return best;
}

// Given names or initials, then family name: "S. E. Han", "Catherine Wah",
// "Larry D. Wittie", "Lars Ole Andersen". The longest that can end there.
NameMatch TryGivenFirst(absl::string_view s, size_t i) {
  if (FirstWordIsStop(s, i)) return {};
  NameMatch best;
  size_t p = i;
  for (int tokens = 0; tokens < 5 && p < s.size(); ++tokens) {
    // Given names and initials, with or without stops ("Adam DI Kramer",
    // "C Lawrence Zitnick"), then a family name with a lower-case letter or
    // in capitals ("Jing LIU").
    size_t end = DottedInitialsEnd(s, p);
    bool family = false;
    // "Ai Li." ends with a family name, not with an initial like "Th.".
    if (end == p + 3 && tokens > 0 && IsLowerAt(s, p + 1) && NameCanEndAt(s, end - 1, false)) {
      best = {end - 1, false};
    }
    if (end == npos) {
      size_t cap = CapWordEnd(s, p);
      size_t bare = BareInitialsEnd(s, p);
      if (cap != npos && (tokens == 0 || HasLowerCase(s.substr(p, cap - p)) || cap - p >= 3)) {
        end = cap;
        family = tokens > 0;
      } else if (bare != npos) {
        end = bare;
      } else if (tokens > 0) {
        size_t pe = WordEnd(s, p);
        if (pe > p && pe < s.size() && s[pe] == ' ' && IsParticle(s.substr(p, pe - p))) end = pe;
      }
      if (end == npos) break;
    }
    if (family && NameCanEndAt(s, end, false)) best = {end, false};
    if (end >= s.size() || s[end] != ' ') break;
    p = end + 1;
  }
  return best;
}

enum class NameForm { kNone, kFamilyInitials, kInverted, kGivenFirst };

NameMatch TryForm(NameForm form, absl::string_view s, size_t i) {
  switch (form) {
    case NameForm::kFamilyInitials:
      return TryFamilyInitials(s, i);
    case NameForm::kInverted:
      return TryInverted(s, i);
    case NameForm::kGivenFirst:
      return TryGivenFirst(s, i);
    case NameForm::kNone:
      break;
  }
  return {};
}

// ", eds." "(Eds.)" " ed.:" "(Hrsg.)" after a list of names; its end or npos.
size_t EditorMarkerEnd(absl::string_view s, size_t i) {
  size_t p = SkipSpaces(s, SkipChars(s, i, ", "));
  bool paren = p < s.size() && s[p] == '(';
  if (paren) ++p;
  for (absl::string_view key : {"editors", "editor", "eds", "ed", "hrsg", "hg", "dir", "dirs",
                                "coord", "org", "orgs", "éd", "éds"}) {
    if (!WordAt(s, p, key)) continue;
    size_t e = p + key.size();
    if (e < s.size() && s[e] == '.') ++e;
    if (paren) {
      if (e >= s.size() || s[e] != ')') return npos;
      ++e;
    }
    return e;
  }
  return npos;
}

struct NameList {
  std::vector<absl::string_view> names;
  bool et_al = false;
  bool editors = false;
  bool joined_by_and = false;  // "X and Y", "X & Y"
  NameForm style = NameForm::kNone;  // the form of the first name
  size_t end = 0;              // just after the last name, "et al" or editor marker
};

// Reads the names that start a citation (or follow "In:"), in whichever of
// the three printed forms the first name uses; later names may switch form
// ("Lee, L. L., W. E. Howard, and R. E. Marsh").
NameList ReadNames(absl::string_view s, size_t i) {
  NameList out;
  out.end = i;
  NameForm style = NameForm::kNone;
  std::vector<size_t> ends;          // where each name ended
  std::vector<NameForm> forms;
  bool after_and = false;
  size_t p = i;
  for (int guard = 0; guard < 1000 && p < s.size(); ++guard) {
    p = SkipSpaces(s, p);
    size_t et_al = EtAlEnd(s, p);
    if (et_al != npos) {
      if (!out.names.empty()) {
        out.et_al = true;
        out.end = et_al;
      }
      break;
    }
    if (!out.names.empty() && (StartsWithAt(s, p, "...") || StartsWithAt(s, p, "\xE2\x80\xA6"))) {
      p = SkipChars(s, p, ". ");
      if (StartsWithAt(s, p, "\xE2\x80\xA6")) p += 3;
      continue;
    }
    NameForm order[3] = {NameForm::kFamilyInitials, NameForm::kInverted, NameForm::kGivenFirst};
    if (style == NameForm::kInverted) {
      order[0] = NameForm::kInverted;
      order[1] = NameForm::kGivenFirst;
      order[2] = NameForm::kFamilyInitials;
    } else if (style == NameForm::kGivenFirst) {
      order[0] = NameForm::kGivenFirst;
      order[1] = NameForm::kInverted;
      order[2] = NameForm::kNone;
    } else if (style == NameForm::kFamilyInitials) {
      // "Hussain I.; Abu Rizaiza, O.S.; Habib, M.A."
      order[1] = NameForm::kInverted;
      order[2] = NameForm::kNone;
    }
    // The longest reading wins: "Mark C. Suchman" over "Mark C.".
    NameMatch m;
    NameForm form = NameForm::kNone;
    for (NameForm f : order) {
      NameMatch candidate = TryForm(f, s, p);
      if (candidate.end == npos || (m.end != npos && candidate.end <= m.end)) continue;
      // In a list of inverted names a given-first name before ":" is a title
      // ("Tomlinson, Gary, Metaphysical Song: An Essay on Opera").
      if (!out.names.empty() && !after_and && style != NameForm::kFamilyInitials &&
          f == NameForm::kGivenFirst && candidate.end < s.size() && s[candidate.end] == ':') {
        continue;
      }
      m = candidate;
      form = f;
    }
    if (m.end == npos) {
      // "McGuinness, Patrick, Maurice Maeterlinck and the Making of Modern
      // Theatre": when nothing follows "and", the name before it was a title.
      if (after_and && out.names.size() >= 2 && forms.back() == NameForm::kGivenFirst &&
          style != NameForm::kGivenFirst) {
        out.names.pop_back();
        ends.pop_back();
        out.end = ends.back();
      }
      break;
    }
    if (style == NameForm::kNone) style = form;
    size_t q = m.end;
    // ", Jr." belongs to the name before it.
    for (absl::string_view suffix : {", Jr.", ", Jr", ", Sr.", ", III", ", II"}) {
      if (absl::StartsWith(s.substr(q), suffix) && !IsLetterAt(s, q + suffix.size())) {
        q += suffix.size();
        break;
      }
    }
    out.names.push_back(s.substr(p, q - p));
    ends.push_back(q);
    forms.push_back(form);
    out.end = q;
    if (after_and) out.joined_by_and = true;
    after_and = false;
    if (q >= s.size()) break;
    if (s[q] == ',' || s[q] == ';') {
      size_t r = SkipSpaces(s, SkipChars(s, q, ",; "));

      if (WordAt(s, r, "and")) {
        r += 3;
        after_and = true;
      } else if (r < s.size() && s[r] == '&') {
        r += 1;
        after_and = true;
      } else if (WordAt(s, r, "et") && EtAlEnd(s, r) == npos && IsUpperAt(s, SkipSpaces(s, r + 2))) {
        r += 2;
        after_and = true;
      }
      p = r;
      continue;
    }
    if (s[q] == ' ') {
      size_t r = q + 1;
      if (WordAt(s, r, "and") || WordAt(s, r, "und")) {
        p = r + 3;
        after_and = true;
        continue;
      }
      if (WordAt(s, r, "et") && EtAlEnd(s, r) == npos && IsUpperAt(s, SkipSpaces(s, r + 2))) {
        p = r + 2;
        after_and = true;
        continue;
      }
      if (r < s.size() && s[r] == '&') {
        p = r + 1;
        after_and = true;
        continue;
      }
      if (EtAlEnd(s, r) != npos) {
        p = r;
        continue;
      }
    }
    break;
  }
  // Title words read as given-first names: what follows the list starts in
  // lower case ("Adolf Hitler, Mein Kampf, trans. ...") or nothing but a year
  // or a publisher follows ("Damer T. Edward, Attacking Faulty Reasoning,
  // Wadsworth Publishing Company, Belmont, California 1980.").
  while (out.names.size() >= 2 && forms.back() != NameForm::kFamilyInitials &&
         EditorMarkerEnd(s, out.end) == npos) {
    absl::string_view last = out.names.back();
    bool initials = false;
    for (size_t k = 0; k + 1 < last.size(); ++k) {
      if (IsUpperAt(last, k) && (last[k + 1] == '.' || last[k + 1] == ' ' || last[k + 1] == ',') &&
          (k == 0 || last[k - 1] == ' ' || last[k - 1] == '.')) {
        initials = true;
      }
    }
    if (initials || out.et_al) break;
    size_t r = SkipSpaces(s, SkipChars(s, out.end, " ,;"));
    absl::string_view after = s.substr(r);
    int y = 0;
    bool lower_next = IsLowerAt(s, r) && !WordAt(s, r, "in") && !WordAt(s, r, "and");
    bool nothing_next = after.empty() || after[0] == kCut ||
                        (IsDigitAt(after, 0) && YearAt(after, 0, &y) != npos &&
                         TrimField(after.substr(4)).size() <= 1);
    if (!lower_next && !nothing_next) break;
    out.names.pop_back();
    ends.pop_back();
    forms.pop_back();
    out.end = ends.back();
  }
  out.style = style;
  if (!out.names.empty()) {
    size_t marker = EditorMarkerEnd(s, out.end);
    if (marker != npos) {
      out.editors = true;
      out.end = marker;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Segments: the parts of a citation between sentence-ending full stops.

bool IsAbbreviation(absl::string_view w) {
  return IsOneOf(
      w, {"vol",   "Vol",   "vols",   "Vols",  "no",    "No",    "nos",    "Nos",   "pp",    "Pp",
          "p",     "ed",    "Ed",     "eds",   "Eds",   "edn",   "Edn",    "rev",   "Rev",   "repr",
          "trans", "Trans", "transl", "suppl", "Suppl", "pt",    "Pt",     "ch",    "Ch",    "chap",
          "Chap",  "fig",   "Fig",    "vs",    "cf",    "etc",   "al",     "ca",    "approx", "Dr",
          "Mr",    "Mrs",   "Ms",     "Jr",    "Sr",    "St",    "Inc",    "Ltd",   "Co",    "Corp",
          "Bros",  "Jan",   "Feb",    "Mar",   "Apr",   "Jun",   "Jul",    "Aug",   "Sep",   "Sept",
          "Oct",   "Nov",   "Dec",    "Acad",  "Am",    "Ann",   "Appl",   "Arch",  "Assoc", "Biochem",
          "Biol",  "Bull",  "Chem",   "Clin",  "Comput", "Conf", "Curr",   "Dept",  "Ecol",  "Econ",
          "Educ",  "Eng",   "Engl",   "Environ", "Eur", "Exp",   "Geophys", "Immunol", "Inf", "Inst",
          "Int",   "Intl",  "Jpn",    "Lett",  "Math",  "Mech",  "Med",    "Mol",   "Natl",  "Neurosci",
          "Oncol", "Opt",   "Pharm",  "Pharmacol", "Philos", "Phys", "Physiol", "Proc", "Psychol",
          "Rep",   "Res",   "Sci",    "Soc",   "Stat",  "Surg",  "Symp",   "Syst",  "Technol", "Theor",
          "Univ",  "Gen",   "Br",     "Aust",  "Ger",   "Mass",  "Calif",  "Md",    "Va",    "Ga",
          "Fla",   "Ill",   "Wis",    "Pa",    "Mich",  "Conn",  "Minn",   "Tenn",  "Ont",   "Mt",
          "Ft",    "op",    "cit",    "ibid",  "Ibid",  "ff",    "ser",    "Ser",   "Bd",    "Jg",
          "Hrsg",  "Hg",    "Aufl",   "vyd",   "Nr",    "nr",    "resp",   "Fasc",  "fasc",  "Iss",
          "Intern", "Electr", "Comm", "Commun", "Anal",  "Nat",   "Hum",    "Genet", "Rec",   "Mag",
          "Neurol", "Cardiol", "Gastroenterol", "Dermatol", "Pediatr", "Radiol", "Obstet",
          "Gynecol", "Epidemiol", "Microbiol", "Pathol", "Ophthalmol", "Otolaryngol", "Urol",
          "Endocrinol", "Metab", "Nutr", "Respir", "Crit", "Oper", "Stud", "Sociol", "Anthropol",
          "Polit", "Hist", "Lit", "Ling", "Linguist", "Cogn", "Behav", "Sch", "Ind", "Mater",
          "Struct", "Geol", "Astrophys", "Astron", "Mon", "Not", "Zh", "Izv", "Dokl", "Akad",
          "Nauk",  "Intell", "Artif", "Discr", "Comput", "Sys", "Softw", "Inform", "Process"});
}

// True when the "." at i ends a sentence: followed by a space and a
// capital, digit, quote or bracket, and not the stop of an initial or a
// known abbreviation.
bool SentenceEndsAt(absl::string_view r, size_t i) {
  if (i + 1 < r.size() && r[i + 1] != ' ' && r[i + 1] != kCut) return false;
  size_t j = SkipSpaces(r, i + 1);
  if (j >= r.size()) return true;
  if (IsLowerAt(r, j)) return false;
  size_t ws = i;
  while (ws > 0 && IsAlnumAt(r, PrevCp(r, ws))) ws = PrevCp(r, ws);
  absl::string_view word = r.substr(ws, i - ws);
  if (word.empty()) return true;
  if (CountCps(word) == 1 && IsUpperAt(word, 0)) return false;  // an initial: "J. Smith", "U.S."
  if (CountCps(word) == 1 && IsDigitAt(r, j)) return false;      // "v. 33", "p. 45"
  if (IsDigitAt(word, 0) && word.size() >= 3 &&
      IsOneOf(word.substr(word.size() - 2), {"st", "nd", "rd", "th"})) {
    return false;  // "Proc. 5th. BCS-FACS Refinement Workshop"
  }
  return !IsAbbreviation(word);
}

struct Seg {
  size_t b = 0, e = 0;  // [b, e) of the body text, trimmed
};

std::vector<Seg> SplitSegments(absl::string_view r) {
  std::vector<Seg> out;
  size_t start = 0;
  auto flush = [&](size_t end) {
    absl::string_view piece = TrimField(r.substr(start, end - start));
    if (!piece.empty()) {
      size_t b = piece.data() - r.data();
      out.push_back({b, b + piece.size()});
    }
  };
  for (size_t i = 0; i < r.size(); ++i) {
    char c = r[i];
    if (c == kCut) {
      flush(i);
      start = i + 1;
    } else if (c == '?' || c == '!') {
      size_t j = i + 1;
      if (j < r.size() && r[j] == '.') ++j;
      if (j >= r.size() || r[j] == ' ' || r[j] == kCut) {
        flush(j);
        start = j;
        i = j - 1;
      }
    } else if (c == '.' && SentenceEndsAt(r, i)) {
      flush(i);
      start = i + 1;
    } else if (c == ']' && i + 1 < r.size() && r[i + 1] == ' ' && IsUpperAt(r, i + 2)) {
      // NLM prints translated titles in brackets, without a stop: "[Effect of
      // acupuncture on ...] Zhongguo Zhong Xi Yi Jie He Za Zhi 14 (9): ..."
      size_t b = SkipSpaces(r, start);
      if (b < r.size() && r[b] == '[' && r.substr(b, i - b).find(']') == npos) {
        flush(i + 1);
        start = i + 1;
      }
    }
  }
  flush(r.size());
  return out;
}

// ---------------------------------------------------------------------------
// Journal numbers: volume, issue, pages, year in a segment's tail.

bool IsNumberKeyword(absl::string_view lower) {
  return IsOneOf(lower, {"vol", "vols", "volume", "v", "no", "nos", "nr", "n°", "nº", "num",
                         "number", "issue", "iss", "pp", "p", "pg", "pgs", "pages", "page", "suppl",
                         "supp", "supplement", "pt", "part", "passim", "art", "article", "et",
                         "and", "spec", "s", "bd", "jg", "heft", "fasc", "t", "tome", "tomo",
                         "sect", "section", "e", "n"});
}

bool IsMonthOrSeasonWord(absl::string_view word) {
  if (word.empty()) return false;
  size_t start = 0;
  bool any = false;
  for (size_t i = 0; i <= word.size();) {
    size_t len = i < word.size() && IsDashCp(At(word, i).c) ? At(word, i).len : 1;
    if (i == word.size() || word[i] == '/' || IsDashCp(At(word, i).c)) {
      absl::string_view part = word.substr(start, i - start);
      while (!part.empty() && (part.back() == '.' || part.back() == ',')) part.remove_suffix(1);
      if (!part.empty()) {
        if (MonthNumber(part) == 0 && !IsSeason(part)) return false;
        any = true;
      }
      start = i + len;
    }
    i += len;
  }
  return any;
}

absl::string_view StripPunct(absl::string_view w) {
  while (!w.empty() && absl::string_view("()[],.;:").find(w.front()) != npos) w.remove_prefix(1);
  while (!w.empty() && absl::string_view("()[],.;:").find(w.back()) != npos) w.remove_suffix(1);
  return w;
}

// A canonical lower-case roman numeral below 400 ("ix", "xlv"; not "il").
bool IsRomanNumeral(absl::string_view w) {
  static constexpr absl::string_view kOnes[] = {"", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix"};
  static constexpr absl::string_view kTens[] = {"", "x", "xx", "xxx", "xl", "l", "lx", "lxx", "lxxx", "xc"};
  static constexpr absl::string_view kHundreds[] = {"", "c", "cc", "ccc"};
  if (w.empty() || w.size() > 12 || w.find_first_not_of("ivxlc") != npos) return false;
  for (int v = 1; v < 400; ++v) {
    std::string r = absl::StrCat(kHundreds[v / 100], kTens[(v / 10) % 10], kOnes[v % 10]);
    if (w == r) return true;
  }
  return false;
}

// Roman page numbers: "ix", "i-iv".
bool IsRomanPages(absl::string_view w) {
  size_t dash = w.find('-');
  if (dash == npos) return IsRomanNumeral(w);
  return IsRomanNumeral(w.substr(0, dash)) && IsRomanNumeral(w.substr(dash + 1));
}

bool IsNumericChunk(absl::string_view chunk, absl::string_view previous) {
  if (!chunk.empty() && chunk.front() == '(' && chunk.find(')') != npos) {
    // "(4)", "(1 Suppl)", "(spring 2000)", "(C10)", not "(SIAM)" or "(IJCNN89)".
    absl::string_view inner = StripPunct(chunk);
    size_t space = inner.find(' ');
    absl::string_view first = inner.substr(0, space);
    return ContainsDigit(chunk) && (space == npos ? IsNumericChunk(first, "") || false
                                                  : true) &&
           (IsNumericChunk(first, "") || IsMonthOrSeasonWord(StripPunct(first)));
  }
  absl::string_view core = StripPunct(chunk);
  if (core.empty()) return true;
  if (std::all_of(core.begin(), core.end(), [](char c) { return c == '-' || c == '/'; }) ||
      core == "\xE2\x80\x93" || core == "\xE2\x80\x94") {
    return true;  // "43 - 102"
  }
  if (absl::ascii_isdigit(static_cast<unsigned char>(core[0]))) return true;
  // Letter-prefixed numbers: "A27", "CD003297", "e123", "S12", "v.13", "p.367-390", "n°5",
  // "A-SL-66".
  size_t k = 0;
  while (k < core.size() && k < 9 && !absl::ascii_isdigit(static_cast<unsigned char>(core[k]))) ++k;
  if (k < core.size() && k <= 8 && absl::ascii_isdigit(static_cast<unsigned char>(core[k]))) {
    absl::string_view prefix = core.substr(0, k);
    while (!prefix.empty() && (prefix.back() == '.' || prefix.back() == '-')) prefix.remove_suffix(1);
    std::string lower = absl::AsciiStrToLower(prefix);
    bool letters = !prefix.empty() && std::all_of(prefix.begin(), prefix.end(), [](char c) {
      return absl::ascii_isalpha(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80;
    });
    bool capitals = std::all_of(prefix.begin(), prefix.end(), [](char c) {
      return absl::ascii_isupper(static_cast<unsigned char>(c)) || c == '-';
    });
    bool after_colon = !previous.empty() && previous.back() == ':';
    if ((letters && prefix.size() <= 3) || IsNumberKeyword(lower) ||
        (capitals && prefix.size() <= 4 && after_colon)) {
      return true;
    }
  }
  std::string lower = absl::AsciiStrToLower(core);
  if (IsNumberKeyword(lower) || IsMonthOrSeasonWord(core)) return true;
  // NLM tails: "1730-6; discussion 1737-40", "e89; author reply e88", "33 p following 502".
  if (IsOneOf(core, {"discussion", "quiz", "author", "reply", "following", "erratum", "comment",
                     "pas", "NP", "n.p", "sec"})) {
    return true;
  }
  if (IsRomanPages(core) && !previous.empty() &&
      (previous.back() == ',' || previous.back() == ':')) {
    return true;
  }
  if (core.size() >= 2 && IsRomanPages(absl::AsciiStrToLower(core)) &&
      std::all_of(core.begin(), core.end(), [](char c) { return absl::ascii_isupper(static_cast<unsigned char>(c)); })) {
    return true;  // "Harvard Business Review, XLV", "Lunar and Planetary Science XXI"
  }
  if (CountCps(core) == 1 && IsUpperAt(core, 0)) {
    std::string prev = absl::AsciiStrToLower(StripPunct(previous));
    return IsOneOf(prev, {"part", "pt", "section", "sect", "suppl"});
  }
  return false;
}

// Start of the run of number-like words that ends `seg` ("Cancer Treat Rev
// 27 (4): 235-46, 2001" -> the "27"); seg.size() when there is none.
size_t NumericTailStart(absl::string_view seg) {
  // Chunks are space-separated words; a bracketed group ("(12 Suppl
  // American):") is one chunk.
  std::vector<std::pair<size_t, size_t>> chunks;
  size_t i = 0;
  while (i < seg.size() && chunks.size() < 200) {
    i = SkipSpaces(seg, i);
    if (i >= seg.size()) break;
    size_t e = i + 1;
    if (seg[i] == '(') {
      size_t close = seg.find(')', i);
      if (close != npos && close - i < 60) e = close + 1;
    }
    while (e < seg.size() && seg[e] != ' ' && seg[e] != '(') ++e;
    chunks.push_back({i, e});
    i = e;
  }
  size_t start = seg.size();
  for (size_t k = chunks.size(); k-- > 0;) {
    absl::string_view chunk = seg.substr(chunks[k].first, chunks[k].second - chunks[k].first);
    absl::string_view previous =
        k > 0 ? seg.substr(chunks[k - 1].first, chunks[k - 1].second - chunks[k - 1].first) : "";
    if (!IsNumericChunk(chunk, previous)) break;
    start = chunks[k].first;
  }
  // A run that starts with a joining word belongs to the text before it.
  while (start < seg.size()) {
    size_t e = WordEnd(seg, start);
    std::string w = absl::AsciiStrToLower(seg.substr(start, e - start));
    if (e == start || !IsOneOf(w, {"and", "et", "e", "s", "t", "n", "v", "p"}) ||
        (e < seg.size() && seg[e] != ' ')) {
      break;
    }
    start = SkipSpaces(seg, e);
  }
  return start;
}

struct Numbers {
  std::string volume, issue, pages;
  int year = 0;
  bool year_semicolon = false;  // "2001;27(4)": Vancouver / AMA
  bool colon = false;           // "27 (4): 235-46" or NLM's empty "Journal : , 2018"
  bool volume_keyword = false;  // "Vol. 39"

  bool LooksLikeJournal() const {
    return (!volume.empty() && (!pages.empty() || !issue.empty() || year != 0)) || year_semicolon ||
           (!issue.empty() && !pages.empty()) ||
           (colon && (!issue.empty() || !volume.empty() || year != 0)) || volume_keyword;
  }
};

struct Token {
  enum Type { kWord, kNumber, kAlnum, kRange, kOpen, kClose, kColon, kSemicolon, kComma } type;
  absl::string_view text;
};

std::vector<Token> Tokenize(absl::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size() && out.size() < 200) {
    char c = s[i];
    if (c == ' ' || c == '.' || c == kCut) {
      ++i;
      continue;
    }
    if (c == '(' || c == '[') {
      out.push_back({Token::kOpen, s.substr(i, 1)});
      ++i;
      continue;
    }
    if (c == ')' || c == ']') {
      out.push_back({Token::kClose, s.substr(i, 1)});
      ++i;
      continue;
    }
    if (c == ':' || c == ';' || c == ',') {
      out.push_back({c == ':' ? Token::kColon : c == ';' ? Token::kSemicolon : Token::kComma,
                     s.substr(i, 1)});
      ++i;
      continue;
    }
    size_t e = i;
    while (e < s.size() && absl::string_view(" ()[]:;,").find(s[e]) == npos && s[e] != kCut) ++e;
    absl::string_view raw = s.substr(i, e - i);
    while (!raw.empty() && raw.back() == '.') raw.remove_suffix(1);
    i = e;
    if (raw.empty()) continue;
    size_t first_digit = 0;
    while (first_digit < raw.size() && !absl::ascii_isdigit(static_cast<unsigned char>(raw[first_digit]))) {
      ++first_digit;
    }
    if (first_digit == raw.size()) {
      out.push_back({Token::kWord, raw});
      continue;
    }
    if (first_digit > 0) {
      // "v.13", "p.367-390", "Suppl.1", "n°5": a keyword glued to its number.
      absl::string_view prefix = raw.substr(0, first_digit);
      absl::string_view stem = prefix;
      while (!stem.empty() && (stem.back() == '.' || stem.back() == ' ')) stem.remove_suffix(1);
      std::string lower = absl::AsciiStrToLower(stem);
      if (stem.size() < prefix.size() || IsOneOf(lower, {"n°", "nº", "no", "vol", "pp", "p"})) {
        if (IsNumberKeyword(lower) || IsOneOf(lower, {"suppl", "n°", "nº"})) {
          out.push_back({Token::kWord, stem});
          raw.remove_prefix(first_digit);
          first_digit = 0;
        }
      }
    }
    // A range has a dash with a digit on both sides.
    size_t dash = npos;
    for (size_t k = 1; k < raw.size(); k += At(raw, k).len) {
      if (IsDashCp(At(raw, k).c)) {
        dash = k;
        break;
      }
    }
    if (dash != npos && ContainsDigit(raw.substr(0, dash)) &&
        ContainsDigit(raw.substr(dash + At(raw, dash).len))) {
      out.push_back({Token::kRange, raw});
    } else if (first_digit == 0) {
      out.push_back({Token::kNumber, raw});
    } else {
      out.push_back({Token::kAlnum, raw});
    }
  }
  return out;
}

// "43 - 102" is one range.
void MergeSpacedRanges(std::vector<Token>* tokens) {
  std::vector<Token>& t = *tokens;
  std::vector<Token> out;
  for (size_t i = 0; i < t.size(); ++i) {
    bool dash = t[i].type == Token::kWord &&
                (t[i].text == "-" || t[i].text == "\xE2\x80\x93" || t[i].text == "\xE2\x80\x94");
    bool value_before =
        !out.empty() && (out.back().type == Token::kNumber || out.back().type == Token::kAlnum);
    bool value_after =
        i + 1 < t.size() && (t[i + 1].type == Token::kNumber || t[i + 1].type == Token::kAlnum);
    if (dash && value_before && value_after) {
      const char* b = out.back().text.data();
      const char* e = t[i + 1].text.data() + t[i + 1].text.size();
      out.back() = {Token::kRange, absl::string_view(b, e - b)};
      ++i;
      continue;
    }
    out.push_back(t[i]);
  }
  t = std::move(out);
}

bool IsYearToken(const Token& t, int* year) {
  if (t.type != Token::kNumber) return false;
  absl::string_view s = t.text;
  if (s.size() == 5 && absl::ascii_islower(static_cast<unsigned char>(s[4]))) s.remove_suffix(1);
  if (s.size() != 4) return false;
  int y = 0;
  if (ReadNumber(s, 0, 4, &y) != 4 || !IsPlausibleYear(y)) return false;
  *year = y;
  return true;
}

bool IsValueToken(const Token& t) {
  return t.type == Token::kNumber || t.type == Token::kAlnum || t.type == Token::kRange;
}

std::string JoinTokens(const std::vector<Token>& tokens, size_t b, size_t e) {
  if (b >= e) return "";
  const char* first = tokens[b].text.data();
  const char* last = tokens[e - 1].text.data() + tokens[e - 1].text.size();
  return std::string(TrimField(absl::string_view(first, last - first)));
}

// Which year-like token of [b, e) is the year: one followed by ";" (Vancouver
// "2001;27:1-5", perhaps with a month between), else the last; npos if none.
// The others are numbers ("Evid Based Complement Alternat Med 2012: 501796,
// 2012", "52 (16): 1756, 1760, 1995").
size_t ChooseYear(const std::vector<Token>& t, size_t b, size_t e) {
  size_t last = npos;
  int depth = 0;
  for (size_t i = b; i < e; ++i) {
    if (t[i].type == Token::kOpen) ++depth;
    if (t[i].type == Token::kClose && depth > 0) --depth;
    int year = 0;
    if (depth > 0 || !IsYearToken(t[i], &year)) continue;
    if (i > b && t[i - 1].type == Token::kColon) continue;
    size_t j = i + 1;
    while (j < e && j - i <= 3 && (t[j].type == Token::kWord || (t[j].type == Token::kNumber && t[j].text.size() <= 2))) ++j;
    if (j < e && t[j].type == Token::kSemicolon) return i;
    last = i;
  }
  return last;
}

void ReadNumberTokens(const std::vector<Token>& t, size_t b, size_t e, Numbers* n) {
  size_t year_index = ChooseYear(t, b, e);
  for (size_t i = b; i < e; ++i) {
    const Token& tok = t[i];
    auto next_value = [&](size_t from) -> size_t {
      size_t j = from;
      while (j < e && t[j].type == Token::kComma) ++j;
      return j < e && IsValueToken(t[j]) ? j : npos;
    };
    switch (tok.type) {
      case Token::kWord: {
        std::string kw = absl::AsciiStrToLower(tok.text);
        size_t j = next_value(i + 1);
        if (j == npos) break;
        if (IsOneOf(kw, {"vol", "vols", "volume", "v", "bd", "jg", "t", "tome", "tomo"})) {
          if (n->volume.empty()) n->volume = std::string(t[j].text);
          n->volume_keyword = true;
          i = j;
        } else if (IsOneOf(kw, {"no", "nos", "nr", "n°", "nº", "n", "num", "number", "issue", "iss",
                                "heft", "fasc"})) {
          if (n->issue.empty()) n->issue = std::string(t[j].text);
          i = j;
        } else if (IsOneOf(kw, {"pp", "p", "pg", "pgs", "pages", "page", "s"})) {
          if (n->pages.empty()) n->pages = std::string(t[j].text);
          i = j;
        }
        break;
      }
      case Token::kOpen: {
        size_t close = i + 1;
        int depth = 1;
        for (; close < e; ++close) {
          if (t[close].type == Token::kOpen) ++depth;
          if (t[close].type == Token::kClose && --depth == 0) break;
        }
        int year = 0;
        bool has_year = false, has_keyword = false;
        for (size_t k = i + 1; k < close; ++k) {
          if (IsYearToken(t[k], &year)) has_year = true;
          if (t[k].type == Token::kWord) {
            std::string kw = absl::AsciiStrToLower(t[k].text);
            if (IsOneOf(kw, {"vol", "volume", "pp", "p", "pages", "no"})) has_keyword = true;
          }
        }
        if (has_year) {
          if (n->year == 0) n->year = year;
        } else if (has_keyword) {
          ReadNumberTokens(t, i + 1, close, n);
        } else if (close > i + 1 && n->issue.empty()) {
          n->issue = JoinTokens(t, i + 1, close);
        }
        i = close;
        break;
      }
      case Token::kColon: {
        n->colon = true;
        if (i + 1 < e && (IsValueToken(t[i + 1]) ||
                          (t[i + 1].type == Token::kWord && IsRomanPages(t[i + 1].text)))) {
          if (n->pages.empty()) n->pages = std::string(t[i + 1].text);
          ++i;
        }
        break;
      }
      case Token::kSemicolon:
        if (year_index != npos && year_index < i && i - year_index <= 4) n->year_semicolon = true;
        break;
      case Token::kNumber:
      case Token::kAlnum:
      case Token::kRange: {
        int year = 0;
        if (i == year_index) {
          IsYearToken(tok, &year);
          if (n->year == 0) n->year = year;
          // "2019 Jan 3;380(1)": the month and day before the ";" are the date.
          size_t j = i + 1;
          while (j < e && j - i <= 3 &&
                 (t[j].type == Token::kWord || (t[j].type == Token::kNumber && t[j].text.size() <= 2))) {
            ++j;
          }
          if (j < e && j > i + 1 && t[j].type == Token::kSemicolon) i = j - 1;
        } else if (tok.type == Token::kRange) {
          if (n->pages.empty()) n->pages = std::string(tok.text);
        } else if (n->volume.empty() && n->pages.empty() && n->issue.empty()) {
          n->volume = std::string(tok.text);
        } else if (n->pages.empty()) {
          size_t j = i + 1;
          while (j < e && t[j].type == Token::kComma) ++j;
          bool issue_next = j < e && (t[j].type == Token::kOpen || t[j].type == Token::kColon);
          if (issue_next && n->issue.empty()) {
            n->issue = std::string(tok.text);
          } else if (!issue_next) {
            n->pages = std::string(tok.text);
          }
        }
        break;
      }
      case Token::kClose:
      case Token::kComma:
        break;
    }
  }
}

Numbers ReadNumbers(absl::string_view tail) {
  Numbers n;
  std::vector<Token> tokens = Tokenize(tail);
  MergeSpacedRanges(&tokens);
  ReadNumberTokens(tokens, 0, tokens.size(), &n);
  return n;
}

// ---------------------------------------------------------------------------
// Publishers.

bool HasPublisherWord(absl::string_view s) {
  static constexpr absl::string_view kWords[] = {
      "press",     "publisher",  "publishers", "publishing", "publications", "verlag",
      "books",     "editions",   "éditions",   "ediciones",  "editora",      "editore",
      "edizioni",  "elsevier",   "springer",   "wiley",      "sage",         "routledge",
      "macmillan", "mcgraw-hill", "norton",    "blackwell",  "lippincott",   "saunders",
      "mosby",     "thieme",     "karger",     "pearson",    "prentice-hall", "prentice",
      "addison-wesley", "inc",   "ltd",        "gmbh",       "verlagsgesellschaft", "harper",
      "penguin",   "scribner",   "knopf",      "doubleday",  "basic",        "academic",
      "kaufmann",  "kluwer",     "plenum",     "north-holland", "birkhäuser", "birkhauser",
      "dekker",    "crc",        "wiley-interscience", "butterworth", "butterworths", "heinemann",
      "hachette",  "gallimard",  "flammarion", "seuil",      "puf",          "armand"};
  std::string lower = absl::AsciiStrToLower(s);
  for (size_t i = 0; i < lower.size(); ++i) {
    if (i > 0 && IsLetterBefore(lower, i)) continue;
    for (absl::string_view w : kWords) {
      if (WordAt(lower, i, w)) return true;
    }
  }
  return false;
}

// "New York, NY", "Bethesda, Md", "[Philadelphia, Pa]", "Ross-on-Wye".
bool LooksLikePlace(absl::string_view s) {
  s = TrimField(s);
  if (s.empty() || s.size() > 45 || ContainsDigit(s)) return false;
  int words = 0;
  for (size_t i = 0; i < s.size();) {
    i = SkipChars(s, i, " ,[]");
    if (i >= s.size()) break;
    size_t e = WordEnd(s, i);
    if (e == i) {
      ++i;
      continue;
    }
    absl::string_view w = s.substr(i, e - i);
    if (!IsUpperAt(s, i) && !IsParticle(w) && !IsOneOf(w, {"on", "upon", "am", "sur", "and"})) {
      return false;
    }
    ++words;
    i = e;
  }
  return words > 0 && words <= 5;
}

struct PublisherPart {
  std::string publisher, pages, volume;
  int year = 0;
};

// "Place: Publisher, Year[, pp x-y]", "Publisher; Year", "Eastland Press, 1981".
bool ReadPublisher(absl::string_view seg, PublisherPart* out) {
  size_t tail = NumericTailStart(seg);
  Numbers n = ReadNumbers(seg.substr(tail));
  absl::string_view head = TrimField(seg.substr(0, tail));
  absl::string_view before_tail = absl::StripTrailingAsciiWhitespace(seg.substr(0, tail));
  bool semicolon_year = !before_tail.empty() && before_tail.back() == ';';
  // ", Chapter 7, pp 78-90", ", Section 29", "NIH Pub. No. 05-5302" say nothing of the publisher.
  for (absl::string_view key : {", Chapter", ", Section", ". NIH Pub", ", NIH Pub"}) {
    size_t k = head.find(key);
    if (k != npos) head = TrimField(head.substr(0, k));
  }
  if (tail < seg.size() && n.year == 0) {
    int y = LastYear(seg.substr(0, tail));
    if (y != 0 && head.size() > 4 && ContainsDigit(head.substr(head.size() - 4))) {
      n.year = y;
      head = TrimField(head.substr(0, head.size() - 4));
    }
  }
  // "Journal of Intelligent Information Systems, 1995" names a container.
  std::string lower_head = absl::AsciiStrToLower(head);
  for (absl::string_view w : {"journal", "proceedings", "proc.", "transactions", "bulletin",
                              "annals", "letters", "magazine", "quarterly", "conference",
                              "symposium", "workshop", "review", "revue", "zeitschrift"}) {
    if (absl::string_view(lower_head).find(w) != npos) return false;
  }
  size_t colon = head.find(": ");
  if (colon == npos && !head.empty() && head.back() == ':') colon = head.size() - 1;
  std::string publisher;
  if (colon != npos && colon <= 45 && LooksLikePlace(head.substr(0, colon))) {
    publisher = std::string(TrimField(head.substr(colon + 1)));
    if (publisher.empty() && n.year == 0) return false;
  } else if (HasPublisherWord(head) && !ContainsDigit(head)) {
    publisher = std::string(head);
  } else if (n.year != 0 && !head.empty() && !ContainsDigit(head) && semicolon_year &&
             std::count(head.begin(), head.end(), ' ') <= 5 && n.volume.empty() && n.pages.empty()) {
    // AMA: "Mayo Clinic; 2020". Without the semicolon "Name, 2020" is as
    // often a journal or a newspaper as a publisher.
    publisher = std::string(head);
  } else {
    return false;
  }
  out->publisher = publisher;
  out->year = n.year;
  out->pages = n.pages;
  out->volume = n.volume_keyword ? n.volume : "";
  return true;
}

// A trailing "(Place: Publisher, Year)" as Chicago notes print it.
bool SplitParentheticalPublisher(absl::string_view* text, PublisherPart* out) {
  absl::string_view t = TrimField(*text);
  if (t.empty() || t.back() != ')') return false;
  size_t open = t.rfind('(');
  if (open == npos || open == 0) return false;
  absl::string_view inner = t.substr(open + 1, t.size() - open - 2);
  if (inner.find(':') == npos || FirstYear(inner) == 0) return false;
  if (!ReadPublisher(inner, out)) return false;
  *text = TrimField(t.substr(0, open));
  return true;
}

// ---------------------------------------------------------------------------
// The parser.

bool StartsIn(absl::string_view seg) {
  if (StartsWithAt(seg, 0, "In:")) return true;
  if (!(absl::StartsWith(seg, "In ") || absl::StartsWith(seg, "in "))) return false;
  size_t p = 3;
  if (p >= seg.size()) return false;
  CodePoint cp = At(seg, p);
  return IsUpperCp(cp.c) || IsDigitAt(seg, p) || IsQuoteCp(cp.c) || seg[p] == '[';
}

// Closing quote that matches the opening one at i; npos when none closes a title.
size_t ClosingQuote(absl::string_view s, size_t i, size_t* after) {
  CodePoint open = At(s, i);
  std::vector<char32_t> closers;
  switch (open.c) {
    case 0x201C: closers = {0x201D, '"'}; break;
    case '"': closers = {'"', 0x201D}; break;
    case 0x2018: closers = {0x2019}; break;
    case 0xAB: closers = {0xBB}; break;
    case 0x201E: closers = {0x201C, 0x201D}; break;
    case 0x2039: closers = {0x203A}; break;
    default: return npos;
  }
  for (size_t p = i + open.len; p < s.size();) {
    CodePoint cp = At(s, p);
    if (cp.c == kCut) return npos;
    if (std::find(closers.begin(), closers.end(), cp.c) != closers.end()) {
      size_t q = p + cp.len;
      // An apostrophe inside a word ("What’s") does not close.
      if (!IsLetterAt(s, q)) {
        size_t r = SkipSpaces(s, q);
        bool punct_inside = p > 0 && absl::string_view(",.;:?!").find(s[p - 1]) != npos;
        bool ends_title = r >= s.size() || absl::string_view(",.;:").find(s[r]) != npos ||
                          s[r] == kCut || !IsLowerAt(s, r) || WordAt(s, r, "in") || punct_inside;
        if (ends_title) {
          *after = q;
          return p;
        }
      }
    }
    p += cp.len;
  }
  return npos;
}

// An organisation's name: title-case words ending with a word such as
// "Society", "Group", "Task Force" ("U.S. Preventive Services Task Force",
// "The ATAC Trialists' Group", "National Collaborating Centre for Cancer (UK)").
bool LooksLikeOrganisation(absl::string_view name, bool anywhere = false) {
  static constexpr absl::string_view kLastWords[] = {
      "society",   "institute",  "institutes", "network",     "association", "organization",
      "organisation", "center",  "centre",     "centers",     "committee",   "group",
      "agency",    "department", "council",    "foundation",  "college",     "board",
      "collaboration", "consortium", "service", "services",   "administration", "ministry",
      "office",    "university", "trialists",  "commission",  "academy",     "panel",
      "force",     "program",    "programme",  "investigators", "alliance",  "coalition",
      "federation", "authority", "union",      "nations",     "bureau",      "corporation",
      "survey",    "collaborative", "project",  "registry",   "initiative",  "league"};
  name = TrimField(name);
  if (!name.empty() && name.back() == ')') {
    size_t open = name.rfind('(');
    if (open != npos && open > 0) name = TrimField(name.substr(0, open));
  }
  if (name.empty() || name.size() > 200) return false;
  std::vector<absl::string_view> words;
  for (size_t i = 0; i < name.size();) {
    size_t e = name.find(' ', i);
    if (e == npos) e = name.size();
    if (e > i) words.push_back(name.substr(i, e - i));
    i = e + 1;
  }
  if (words.empty() || words.size() > (anywhere ? 30 : 14)) return false;
  size_t first_end = WordEnd(words[0], 0);
  if (IsStopWord(words[0].substr(0, first_end)) && !absl::EqualsIgnoreCase(words[0], "the")) return false;
  for (absl::string_view w : words) {
    if (IsUpperAt(w, 0) || w == "&" || IsParticle(w) || (anywhere && IsDigitAt(w, 0)) ||
        (anywhere && w[0] == '(') ||
        IsOneOf(w, {"of", "for", "the", "and", "on", "in", "to", "at", "into", "et", "al", "al."})) {
      if (!anywhere && ContainsDigit(w)) return false;
      continue;
    }
    return false;
  }
  auto is_org_word = [](absl::string_view word) {
    std::string lower = absl::AsciiStrToLower(TrimField(word));
    while (!lower.empty() && (lower.back() == '\'' || lower.back() == ',' || lower.back() == ')')) {
      lower.pop_back();
    }
    for (absl::string_view w : kLastWords) {
      if (lower == w) return true;
    }
    return false;
  };
  if (is_org_word(words.back())) return true;
  if (!anywhere) return false;
  for (absl::string_view w : words) {
    if (is_org_word(w)) return true;
  }
  return false;
}

// End of a group author that starts the citation, ended by ":" (NLM) or a
// sentence stop (AMA): "American Cancer Society: Cancer Facts and Figures
// 2018." Returns npos when the first part is not an organisation's name.
// With ":" (NLM) the part may hold several names and an organisation word
// anywhere ("Collaborative Group on Hormonal Factors in Breast Cancer:",
// "Breast Cancer Family Registry, Ontario Cancer Genetics Network (Canada):").
size_t GroupAuthorEnd(absl::string_view s, size_t p, bool* colon) {
  for (size_t i = p; i < s.size() && i - p < 200; ++i) {
    if (s[i] == kCut) return npos;
    int year = 0;
    if (s[i] == '(' && i > p && YearAt(s, i + 1, &year) != npos) {
      // "World Health Organization (2009). Title"
      *colon = false;
      return LooksLikeOrganisation(s.substr(p, i - p), false) ? i : npos;
    }
    *colon = s[i] == ':' && i + 1 < s.size() && s[i + 1] == ' ';
    if (!*colon && !(s[i] == '.' && SentenceEndsAt(s, i))) continue;
    return LooksLikeOrganisation(s.substr(p, i - p), *colon) ? i : npos;
  }
  return npos;
}

class Parser {
 public:
  explicit Parser(v1::Reference* ref) : ref_(ref) {}

  void Parse(absl::string_view input) {
    text_ = Clean(input);
    ExtractAccessNotes(&text_, ref_);
    ExtractUrls(&text_, ref_);
    ExtractDois(&text_, ref_);
    ExtractIds(&text_, ref_);
    ExtractBoilerplate(&text_);
    // Nothing to read (empty, spaces, punctuation): the kind stays unspecified.
    bool readable = false;
    for (size_t i = 0; i < text_.size() && !readable; i += At(text_, i).len) {
      readable = IsAlnumAt(text_, i);
    }
    if (!readable && ref_->url().empty() && ref_->doi().empty()) return;

    absl::string_view s = text_;
    size_t p = SkipCitationNumber(s);
    p = ReadLeadingNames(s, p);
    p = ReadLeadingDate(s, p);
    ReadBody(s.substr(p));

    if (year_ == 0) year_ = LastYear(s.substr(p));
    if (year_ != 0) ref_->set_year(year_);
    ref_->set_kind(kind_);
  }

 private:
  // "[13]", "60.", "36 " before the first author.
  static size_t SkipCitationNumber(absl::string_view s) {
    size_t p = SkipSpaces(s, 0);
    if (p < s.size() && (s[p] == '[' || s[p] == '(')) {
      char close = s[p] == '[' ? ']' : ')';
      size_t q = p + 1;
      while (q < s.size() && q - p <= 4 && IsDigitAt(s, q)) ++q;
      if (q > p + 1 && q - p <= 4 && q < s.size() && s[q] == close) return SkipSpaces(s, q + 1);
      // A label: "[Allison2006-MIT] G. Allison, ..."
      size_t label_end = s.find(']', p);
      if (s[p] == '[' && label_end != npos && label_end - p <= 30 &&
          s.substr(p, label_end - p).find(' ') == npos && ContainsDigit(s.substr(p, label_end - p))) {
        return SkipSpaces(s, label_end + 1);
      }
      return p;
    }
    size_t q = p;
    while (q < s.size() && q - p < 3 && IsDigitAt(s, q)) ++q;
    if (q == p || IsDigitAt(s, q)) return p;
    if (q < s.size() && (s[q] == '.' || s[q] == ')') && q + 1 < s.size() && s[q + 1] == ' ') {
      return SkipSpaces(s, q + 1);
    }
    if (q < s.size() && s[q] == ' ' && IsUpperAt(s, q + 1)) return SkipSpaces(s, q + 1);
    return p;
  }

  static void AddNames(const NameList& list, google::protobuf::RepeatedPtrField<std::string>* out) {
    for (absl::string_view name : list.names) {
      absl::string_view trimmed = TrimField(name);
      // Keep the stop of a trailing initial: "Romero, C." not "Romero, C".
      if (trimmed.size() < name.size() && name[trimmed.size()] == '.' &&
          IsUpperAt(trimmed, PrevCp(trimmed, trimmed.size()))) {
        trimmed = name.substr(0, trimmed.size() + 1);
      }
      if (!trimmed.empty() && trimmed.size() <= kMaxNameBytes) out->Add(std::string(trimmed));
    }
  }

  size_t ReadLeadingNames(absl::string_view s, size_t p) {
    // "———." / "---." repeat the previous entry's authors.
    size_t q = p;
    while (q < s.size() && (s[q] == '-' || s[q] == '_' || IsDashCp(At(s, q).c))) q += At(s, q).len;
    if (q - p >= 2) return SkipSpaces(s, SkipChars(s, q, ".,"));

    bool colon = false;
    size_t group = GroupAuthorEnd(s, p, &colon);
    if (group != npos) {
      // "K. Chandy and J. Misra, Parallel Program Design:" are people.
      NameList people = ReadNames(s, p);
      if (!people.names.empty() && people.style != NameForm::kGivenFirst) group = npos;
      if (!people.names.empty() && DottedInitialsEnd(s, p) != npos) group = npos;
    }
    if (group != npos) {
      // One author per comma-separated part; persons among them keep their names.
      absl::string_view names = s.substr(p, group - p);
      size_t et_al = names.find("et al");
      if (colon && et_al != npos) {
        ref_->set_et_al(true);
        names = names.substr(0, et_al);
      }
      size_t b = 0;
      int depth = 0;
      for (size_t i = 0; i <= names.size(); ++i) {
        char c = i < names.size() ? names[i] : ',';
        if (c == '(') ++depth;
        if (c == ')' && depth > 0) --depth;
        if ((c == ',' || c == ';') && (depth == 0 || i == names.size()) && (colon || i == names.size())) {
          absl::string_view part = TrimField(names.substr(b, i - b));
          if (!part.empty() && part.size() <= kMaxNameBytes) ref_->add_authors(std::string(part));
          b = i + 1;
        }
      }
      return SkipSpaces(s, SkipChars(s, group, " .:"));
    }
    NameList list = ReadNames(s, p);
    if (list.names.empty()) {
      // A single name with a year: "Grondin, 1991: Title", "Homer (1990)".
      size_t e = CapWordEnd(s, p);
      int y = 0;
      if (e != npos && !FirstWordIsStop(s, p)) {
        size_t at = SkipSpaces(s, SkipChars(s, e, ","));
        if (at < s.size() && s[at] == '(') ++at;
        if (at > e && YearAt(s, at, &y) != npos) {
          ref_->add_authors(std::string(s.substr(p, e - p)));
          return SkipSpaces(s, SkipChars(s, e, " ,"));
        }
      }
      return p;
    }
    // A lone given-first name must end with a stop, a colon or a date, or name
    // an organisation; otherwise it is probably the title.
    if (list.names.size() == 1 && !list.et_al && !list.editors) {
      size_t end = list.end;
      char next = end < s.size() ? s[end] : '.';
      bool initials = false;
      for (absl::string_view n = list.names[0]; !n.empty(); n.remove_prefix(1)) {
        if (n.size() >= 2 && IsUpperAt(n, 0) && n[1] == '.') initials = true;
      }
      bool family_initials = TryFamilyInitials(s, p).end != npos;
      if (!family_initials && !initials && next == ':' && !LooksLikeOrganisation(list.names[0])) return p;
    }
    if (list.editors) {
      AddNames(list, ref_->mutable_editors());
      ref_->set_editors_et_al(list.et_al);
    } else {
      AddNames(list, ref_->mutable_authors());
      ref_->set_et_al(list.et_al);
    }
    size_t e = list.end;
    // "Stirner, Max (Johann Kaspar Schmidt)." an alias, not a date.
    size_t a = SkipSpaces(s, e);
    if (a < s.size() && s[a] == '(') {
      size_t close = s.find(')', a);
      if (close != npos && close - a < 60 && FirstYear(s.substr(a, close - a)) == 0 &&
          !ContainsDigit(s.substr(a, close - a)) && EditorMarkerEnd(s, a) == npos) {
        e = close + 1;
      }
    }
    comma_style_ = e < s.size() && (s[e] == ',' || (s[e] == ':' && list.style == NameForm::kInverted));
    return SkipSpaces(s, SkipChars(s, e, " .,:;"));
  }

  // "(2009).", "(2015, Aug 6).", "(n.d.).", "2011." after the names.
  size_t ReadLeadingDate(absl::string_view s, size_t p) {
    if (p >= s.size()) return p;
    if (s[p] == '(') {
      size_t close = s.find(')', p);
      if (close == npos || close - p > 40) return p;
      absl::string_view inner = s.substr(p + 1, close - p - 1);
      int y = FirstYear(inner);
      std::string lower = absl::AsciiStrToLower(inner);
      bool undated = lower == "n.d." || lower == "n.d" || lower == "s.d." || lower == "in press" ||
                     lower == "forthcoming";
      if (y == 0 && !undated) return p;
      year_ = y;
      comma_style_ = close + 1 < s.size() && s[close + 1] == ',';
      return SkipSpaces(s, SkipChars(s, close + 1, " .,:;"));
    }
    int y = 0;
    size_t e = YearAt(s, p, &y);
    if (e != npos) {
      size_t b = e < s.size() && s[e] == ' ' ? e + 1 : e;
      size_t close = b < s.size() && s[b] == '[' ? s.find(']', b) : npos;
      if (close != npos && close - b <= 12) e = close + 1;  // "2001[1953]", "1988 [1964]"
    }
    // "2011." "2011," and "1895 « La question »".
    bool quote_next = e != npos && e + 1 < s.size() && s[e] == ' ' && IsOpenQuoteCp(At(s, e + 1).c);
    if (e != npos && (e >= s.size() || quote_next || absl::string_view(".,:;)").find(s[e]) != npos)) {
      year_ = y;
      comma_style_ = e < s.size() && s[e] == ',';
      return SkipSpaces(s, SkipChars(s, e, " .,:;)"));
    }
    return p;
  }

  // "6th ed.", "3rd rev. ed.", "2nd edn", "Second edition", "2 ed.," where a
  // part of the citation starts.
  void ExtractEdition(std::string* body) {
    for (size_t i = 0; i < body->size(); ++i) {
      bool bracket = i > 0 && (*body)[i - 1] == '(';
      if (i > 0 && !bracket &&
          !((*body)[i - 1] == ' ' && i >= 2 && absl::string_view(".,;\x1f").find((*body)[i - 2]) != npos) &&
          (*body)[i - 1] != kCut) {
        continue;
      }
      size_t e = WordEnd(*body, i);
      if (e == i) {
        int n = 0;
        e = ReadNumber(*body, i, 3, &n);
        if (e == i) continue;
        size_t w = WordEnd(*body, e);
        std::string suffix = absl::AsciiStrToLower(absl::string_view(*body).substr(e, w - e));
        if (!IsOneOf(suffix, {"", "st", "nd", "rd", "th", "e", "er", "re", "a", "o"})) continue;
        e = w;
        if (e < body->size() && (*body)[e] == '.') ++e;
      } else {
        std::string word = absl::AsciiStrToLower(absl::string_view(*body).substr(i, e - i));
        if (!IsOneOf(word, {"first", "second", "third", "fourth", "fifth", "sixth", "seventh",
                            "eighth", "ninth", "tenth", "revised", "new", "updated", "expanded"})) {
          continue;
        }
      }
      size_t value_end = e;
      size_t p = SkipSpaces(*body, e);
      if (WordAt(*body, p, "rev")) {
        value_end = SkipChars(*body, p + 3, ".");
        p = SkipSpaces(*body, value_end);
      }
      size_t k = npos;
      for (absl::string_view key : {"edition", "edn", "ed", "éd", "aufl", "auflage", "uppl"}) {
        if (WordAt(*body, p, key)) {
          k = p + key.size();
          break;
        }
      }
      if (k == npos) continue;
      if (k < body->size() && (*body)[k] == '.') ++k;
      if (bracket) {
        // "(2nd ed.)", "(4th rev. edn; 1st edn, 1907)"
        size_t close = body->find(')', k);
        if (close == npos || close - k > 40) continue;
        k = close + 1;
      } else if (k < body->size() && !(absl::string_view(" ,;:\x1f").find((*body)[k]) != npos)) {
        continue;
      }
      if (ref_->edition().empty()) {
        absl::string_view value = TrimField(absl::string_view(*body).substr(i, value_end - i));
        if (value.size() <= kMaxShortBytes) ref_->set_edition(std::string(value));
      }
      Cut(body, bracket ? i - 1 : i, k);
      if (bracket) --i;
    }
  }

  void ReadBody(absl::string_view body_view) {
    body_ = std::string(body_view);
    ExtractEdition(&body_);
    absl::string_view r = body_;

    // A title fixed before the parts are split: quoted (“Title,” "Title."
    // ‘Title’ « Title »), or, when the names ended with a comma, the text up
    // to the next comma ("Feferman, S., Transfinite Recursive Progressions
    // of Axiomatic Theories, J. Symbolic Logic, 27, 259-316 (1962).").
    size_t rest_begin = 0;
    absl::string_view fixed_title;
    if (!r.empty() && IsOpenQuoteCp(At(r, 0).c)) {
      size_t after = 0;
      size_t close = ClosingQuote(r, 0, &after);
      if (close != npos) {
        fixed_title = TrimField(r.substr(At(r, 0).len, close - At(r, 0).len));
        rest_begin = after;
      }
    }
    if (fixed_title.empty() && comma_style_ && ReadTitlelessJournal(r)) return;
    if (fixed_title.empty() && comma_style_) {
      size_t end = CommaTitleEnd(r);
      if (end != npos && end > 0) {
        fixed_title = TrimField(r.substr(0, end));
        rest_begin = end + 1;
      }
    }
    // rest_begin may point one past the end (a comma ending the text).
    absl::string_view rest = r.substr(std::min(rest_begin, r.size()));
    std::vector<Seg> segs = SplitSegments(rest);
    auto text = [&](size_t k) { return rest.substr(segs[k].b, segs[k].e - segs[k].b); };
    auto span = [&](size_t from, size_t to) {  // segments [from, to) with what lies between
      if (from >= to) return absl::string_view();
      return TrimField(rest.substr(segs[from].b, segs[to - 1].e - segs[from].b));
    };
    // With a fixed title every part may be the container; otherwise the
    // first is (the start of) the title.
    const size_t first = fixed_title.empty() ? 1 : 0;
    absl::string_view title = fixed_title;

    // A journal: the first part after the title whose tail holds the numbers.
    for (size_t k = first; k < segs.size(); ++k) {
      absl::string_view seg = text(k);
      size_t tail = NumericTailStart(seg);
      Numbers n = ReadNumbers(seg.substr(tail));
      // "In Vivo 24 (3): 249-55" is a journal; other parts that start "In" are chapters.
      if (StartsIn(seg) && !(n.colon && !n.volume.empty() && seg[2] == ' ')) break;
      if (!n.LooksLikeJournal()) continue;
      // The container starts at part c and ends at container_end in `rest`.
      size_t c = k;
      size_t container_end = segs[k].b + tail;
      if (TrimField(seg.substr(0, tail)).empty()) {
        // "Journal. 2001;27(4):235-46" / "Journal, 2005. 14(8): p. 983-95":
        // the name is in the part before, perhaps with a year after it.
        while (c > first && NumericTailStart(text(c - 1)) == 0) {
          --c;
          if (year_ == 0) year_ = ReadNumbers(text(c)).year;
        }
        if (c > first) {
          --c;
          absl::string_view before = text(c);
          size_t before_tail = NumericTailStart(before);
          Numbers bn = ReadNumbers(before.substr(before_tail));
          if (year_ == 0) year_ = bn.year;
          container_end = segs[c].b + before_tail;
        } else {
          container_end = segs[c].b;
        }
      }
      // "J. Cell. Sci. 120" and "Nat. Genet. 41" were split at their stops.
      while (c > first && IsAbbreviatedWords(text(c - 1))) {
        --c;
      }
      absl::string_view container =
          container_end > segs[c].b ? rest.substr(segs[c].b, container_end - segs[c].b) : "";
      size_t title_end = c;
      if (fixed_title.empty()) {
        // "Cancer risks in BRCA2 mutation carriers. The Breast Cancer Linkage
        // Consortium. J Natl Cancer Inst 91 (15): ..." names its authors last.
        if (title_end >= 2 && ref_->authors().empty() && ref_->editors().empty() &&
            LooksLikeOrganisation(text(title_end - 1), /*anywhere=*/true)) {
          SetText(text(title_end - 1), ref_->add_authors());
          --title_end;
        }
        title = span(0, std::max<size_t>(title_end, 1));
      }
      SetContainer(StripTag(container), false);
      SetShort(n.volume, ref_->mutable_volume());
      SetShort(n.issue, ref_->mutable_issue());
      SetShort(n.pages, ref_->mutable_pages());
      if (n.year != 0 && year_ == 0) year_ = n.year;
      for (size_t j = k + 1; j < segs.size() && year_ == 0; ++j) year_ = ReadNumbers(text(j)).year;
      kind_ = v1::Reference::JOURNAL_ARTICLE;
      SetTitle(title);
      return;
    }

    // A journal whose name the title runs into because the stop between them
    // follows a single letter ("... Viscum album L. Phytother Res 10 (6):
    // 473-7, 1996") or is a comma ("..., J Ended 14: 508, 1988").
    if (fixed_title.empty() && !segs.empty() && ReadRunOnJournal(text(0))) return;

    // A chapter: "In: Editors, eds. Book." or "In Book, edited by ...".
    for (size_t k = first; k < segs.size(); ++k) {
      if (!StartsIn(text(k))) continue;
      if (fixed_title.empty()) title = span(0, std::max<size_t>(k, 1));
      SetTitle(title);
      ReadInPart(text(k));
      bool have_publisher = !ref_->publisher().empty();
      for (size_t j = k + 1; j < segs.size(); ++j) {
        absl::string_view seg = text(j);
        PublisherPart pub;
        if (!have_publisher && ReadPublisher(seg, &pub)) {
          ApplyPublisher(pub);
          have_publisher = true;
        } else if (NumericTailStart(seg) == 0) {
          Numbers n = ReadNumbers(seg);
          if (year_ == 0) year_ = n.year;
          if (ref_->pages().empty()) SetShort(n.pages, ref_->mutable_pages());
        } else if (!have_publisher && j == k + 1 && j + 1 < segs.size() &&
                   !ref_->container_title().empty() && !ContainsDigit(seg) &&
                   ReadPublisher(text(j + 1), &pub)) {
          // "The handbook of narrative and psychotherapy. Practice, theory, and research."
          SetText(absl::StrCat(ref_->container_title(), ". ", seg), ref_->mutable_container_title());
        }
      }
      kind_ = v1::Reference::BOOK_CHAPTER;
      return;
    }

    // Anything else: a book, a web page, a report.
    size_t start = 0;
    if (fixed_title.empty() && !segs.empty()) {
      title = text(0);
      start = 1;
    }
    if (fixed_title.empty()) title = StripBookTail(title);
    SetTitle(title);
    bool have_publisher = !ref_->publisher().empty();
    std::vector<absl::string_view> others;
    for (size_t j = start; j < segs.size(); ++j) {
      absl::string_view seg = text(j);
      PublisherPart part;
      if (absl::StartsWithIgnoreCase(seg, "edited by ")) {
        NameList list = ReadNames(seg, 10);
        AddNames(list, ref_->mutable_editors());
        continue;
      }
      if (!have_publisher && ReadPublisher(seg, &part)) {
        ApplyPublisher(part);
        have_publisher = true;
        continue;
      }
      if (NumericTailStart(seg) == 0) {
        Numbers n = ReadNumbers(seg);
        if (year_ == 0) year_ = n.year;
        if (ref_->pages().empty() && n.volume.empty()) SetShort(n.pages, ref_->mutable_pages());
        continue;
      }
      // A book's title may run over a stop: "The authentic heart. An
      // eightfold path to midlife love. New York: Wiley." The part between
      // the title and the publisher continues the title unless it names a
      // series or a container.
      if (fixed_title.empty() && j == 1 && !have_publisher && j + 1 < segs.size() &&
          others.empty() && !IsSeriesName(seg)) {
        PublisherPart next;
        if (ReadPublisher(text(j + 1), &next)) {
          SetTitle(span(0, j + 1));
          continue;
        }
      }
      others.push_back(seg);
    }
    bool web = !ref_->url().empty() && !have_publisher && ref_->edition().empty();
    if (web && others.size() == 1 && year_ == 0 && LastYear(r) == 0) {
      SetText(others[0], ref_->mutable_publisher());
      kind_ = v1::Reference::WEB_PAGE;
      return;
    }
    if (!others.empty()) {
      SetContainer(StripTag(others[0]), true);
      if (web && others.size() >= 2) SetText(others[1], ref_->mutable_publisher());
    }
    if (web) {
      kind_ = v1::Reference::WEB_PAGE;
    } else if (have_publisher || !ref_->edition().empty()) {
      kind_ = ref_->container_title().empty() ? v1::Reference::BOOK : v1::Reference::OTHER;
    } else if (!ref_->container_title().empty() && !ref_->doi().empty()) {
      kind_ = v1::Reference::JOURNAL_ARTICLE;
    }
  }

  // End of a title that the names' comma introduced: the first comma outside
  // brackets, or a sentence stop, whichever comes first; npos when neither.
  static size_t CommaTitleEnd(absl::string_view r) {
    int depth = 0;
    for (size_t i = 0; i < r.size(); ++i) {
      char c = r[i];
      if (c == kCut) return i;
      if (c == '(' || c == '[') ++depth;
      if ((c == ')' || c == ']') && depth > 0) --depth;
      if (depth > 0) continue;
      if (c == ',' && i + 1 < r.size() && r[i + 1] == ' ') return i;
      if (c == '.' && SentenceEndsAt(r, i)) return i;
      if ((c == '?' || c == '!') && (i + 1 >= r.size() || r[i + 1] == ' ')) return i + 1;
    }
    return npos;
  }

  // Physics and astronomy cite without a title: "Finoguenov A., Briel U.,
  // 2003, A&A, 410, 777", "..., J. Appl. Phys. 87, pp. 334-344 (2000)".
  bool ReadTitlelessJournal(absl::string_view r) {
    absl::string_view whole = TrimField(r.substr(0, r.find(kCut)));
    size_t tail = NumericTailStart(whole);
    absl::string_view name = TrimField(whole.substr(0, tail));
    if (name.empty() || tail >= whole.size() || name.find(", ") != npos) return false;
    int words = 0;
    for (size_t i = 0; i < name.size(); ++i) {
      if (i > 0 && name[i - 1] != ' ') continue;
      ++words;
      size_t e = name.find(' ', i);
      absl::string_view w = name.substr(i, e == npos ? npos : e - i);
      if (!IsUpperAt(w, 0) && !IsOneOf(w, {"of", "&", "and", "de", "der", "für"})) return false;
    }
    if (words > 6) return false;
    Numbers n = ReadNumbers(whole.substr(tail));
    if (!n.LooksLikeJournal() || n.pages.empty()) return false;
    SetContainer(name, false);
    SetShort(n.volume, ref_->mutable_volume());
    SetShort(n.issue, ref_->mutable_issue());
    SetShort(n.pages, ref_->mutable_pages());
    if (year_ == 0) year_ = n.year;
    kind_ = v1::Reference::JOURNAL_ARTICLE;
    return true;
  }

  // A part made of a few short capitalised words, the pieces of an
  // abbreviated journal name: "J. Cell" before "Sci. 120, 7-15".
  static bool IsAbbreviatedWords(absl::string_view seg) {
    int words = 0;
    for (size_t i = 0; i < seg.size();) {
      i = SkipSpaces(seg, i);
      if (i >= seg.size()) break;
      size_t e = seg.find(' ', i);
      if (e == npos) e = seg.size();
      absl::string_view w = seg.substr(i, e - i);
      while (!w.empty() && w.back() == '.') w.remove_suffix(1);
      if (w.empty() || !IsUpperAt(w, 0) || CountCps(w) > 7 || ContainsDigit(w)) return false;
      ++words;
      i = e;
    }
    return words >= 1 && words <= 3;
  }

  // See the caller: splits a first part that holds title, journal and numbers.
  bool ReadRunOnJournal(absl::string_view seg) {
    size_t tail = NumericTailStart(seg);
    Numbers n = ReadNumbers(seg.substr(tail));
    if (!n.LooksLikeJournal() || tail == 0) return false;
    size_t stop = npos;
    for (size_t i = 0; i + 2 < tail; ++i) {
      if (seg[i] == '.' && seg[i + 1] == ' ' && IsUpperAt(seg, i + 2)) stop = i;
    }
    if (stop == npos) {
      // ", J Ended 14: 508": a short run of capitalised words after the last comma.
      size_t comma = seg.rfind(", ", tail);
      if (comma == npos || comma == 0) return false;
      absl::string_view name = TrimField(seg.substr(comma + 1, tail - comma - 1));
      int words = 0;
      for (size_t i = 0; i < name.size(); ++i) {
        if (i == 0 || name[i - 1] == ' ') {
          ++words;
          size_t e = WordEnd(name, i);
          if (!IsUpperAt(name, i) && !IsOneOf(name.substr(i, e - i), {"of", "and", "in", "the", "&"})) {
            return false;
          }
        }
      }
      if (name.empty() || words > 8 || ContainsDigit(name)) return false;
      stop = comma;
    }
    if (StartsIn(seg.substr(stop + 2))) return false;
    SetTitle(seg.substr(0, stop));
    SetContainer(StripTag(seg.substr(stop + 1, tail - stop - 1)), false);
    SetShort(n.volume, ref_->mutable_volume());
    SetShort(n.issue, ref_->mutable_issue());
    SetShort(n.pages, ref_->mutable_pages());
    if (year_ == 0) year_ = n.year;
    kind_ = v1::Reference::JOURNAL_ARTICLE;
    return true;
  }

  // A book title loses what follows it in comma styles: "Robot Vision, MIT
  // Press", "The Objective Caml system, documentation and user's guide, 1997",
  // "Reforming Compilation of Logic Programs, Ph.D. Thesis, ...".
  absl::string_view StripBookTail(absl::string_view title) {
    PublisherPart pub;
    if (SplitParentheticalPublisher(&title, &pub)) ApplyPublisher(pub);
    // "Johann Gutenberg (translated by Douglas Martin)"
    if (!title.empty() && title.back() == ')') {
      size_t open = title.rfind('(');
      if (open != npos && open > 0) {
        absl::string_view inner = title.substr(open + 1);
        if (StartsWithAt(inner, 0, "trans") || StartsWithAt(inner, 0, "tr.") ||
            StartsWithAt(inner, 0, "ed.") || StartsWithAt(inner, 0, "edited")) {
          title = TrimField(title.substr(0, open));
        }
      }
    }
    for (absl::string_view key : {", Ph.D. Thesis", ", PhD thesis", ", Ph.D. dissertation",
                                  ", PhD dissertation", ", Doctoral dissertation", ", Master's thesis",
                                  ", Masters thesis", ", M.S. thesis", ", Diploma thesis",
                                  ", Technical Report", ", Tech. Rep", ", ed. ", ", edited by ",
                                  ", trans. ", ", paper submitted", ", preprint"}) {
      size_t k = FindIgnoreCase(title, key);
      if (k != npos && k > 0) title = TrimField(title.substr(0, k));
    }
    bool stripped = false;
    for (int round = 0; round < 4; ++round) {
      size_t comma = LastTopLevelComma(title);
      if (comma == npos || comma == 0) break;
      absl::string_view last = TrimField(title.substr(comma + 1));
      int y = 0;
      if (YearAt(last, 0, &y) == last.size()) {
        if (year_ == 0) year_ = y;
      } else if (HasPublisherWord(last) && !ContainsDigit(last)) {
        if (ref_->publisher().empty()) SetText(last, ref_->mutable_publisher());
      } else if (NumericTailStart(last) == 0 && !ReadNumbers(last).pages.empty()) {
        if (ref_->pages().empty()) SetShort(ReadNumbers(last).pages, ref_->mutable_pages());
      } else if (!(stripped && LooksLikePlace(last) && std::count(last.begin(), last.end(), ' ') < 3)) {
        break;
      }
      stripped = true;
      title = TrimField(title.substr(0, comma));
    }
    return title;
  }

  static size_t LastTopLevelComma(absl::string_view s) {
    size_t found = npos;
    int depth = 0;
    for (size_t i = 0; i + 1 < s.size(); ++i) {
      if (s[i] == '(' || s[i] == '[') ++depth;
      if ((s[i] == ')' || s[i] == ']') && depth > 0) --depth;
      if (depth == 0 && s[i] == ',' && s[i + 1] == ' ') found = i;
    }
    return found;
  }

  // Sets container_title from text that may carry more than the name:
  // ", edited by ..." and, for proceedings and books, the place, publisher,
  // date and pages that follow ("Proceedings of Supercomputing '88, Orlando,
  // FL, November 1988"). A bare number stays ("Systems 7").
  void SetContainer(absl::string_view c, bool strip_numbers) {
    c = TrimField(c);
    for (absl::string_view key : {", edited by ", ", ed. by ", " edited by "}) {
      size_t k = FindIgnoreCase(c, key);
      if (k != npos && k > 0) {
        NameList list = ReadNames(c, k + key.size());
        AddNames(list, ref_->mutable_editors());
        c = TrimField(c.substr(0, k));
      }
    }
    for (absl::string_view key : {", in press", " in press", ", to appear", " (to appear)"}) {
      if (absl::EndsWithIgnoreCase(c, key)) c = TrimField(c.substr(0, c.size() - key.size()));
    }
    bool meeting = false;
    for (size_t i = 0; i < c.size(); ++i) {
      if (IsLetterBefore(c, i)) continue;
      for (absl::string_view w : {"proc.", "proc ", "proceedings", "conference", "conf.",
                                  "symposium", "workshop", "meeting", "congress", "forum",
                                  "colloquium"}) {
        if (StartsWithAt(c, i, w)) meeting = true;
      }
    }
    // "IEEE Transactions on Systems, Man, and Cybernetics: Special Issue on ...",
    // "Proceedings of ..., volume 989 of Lecture Notes in Computer Science".
    for (absl::string_view key : {": Special Issue", ", Special Issue", ". Special Issue",
                                  ", volume ", ", vol. ", ", Vol. "}) {
      size_t k = FindIgnoreCase(c, key);
      if (k == npos || k == 0) continue;
      if (key[2] == 'v' || key[2] == 'V') {
        size_t of = FindIgnoreCase(c.substr(k), " of ");
        if (of == npos || of > 16) continue;
      }
      c = TrimField(c.substr(0, k));
    }
    // "(M. Cooper, J. C. Watson & W. B. Stiles, Eds.) Person-Centered ..."
    if (!c.empty() && c.front() == '(') {
      size_t close = c.find(')');
      if (close != npos && EditorMarkerEnd(c, c.rfind(',', close) == npos ? close : c.rfind(',', close)) != npos) {
        c = TrimField(c.substr(close + 1));
      }
    }
    // "Proceedings of the IFIP Conference on Programming Concepts, E. Neuhold, Ed."
    for (absl::string_view key : {", Ed.", ", Eds.", ", eds.", ", ed."}) {
      size_t k = c.find(key);
      if (k == npos || k == 0) continue;
      for (size_t names = c.find(", "); names != npos && names < k; names = c.find(", ", names + 1)) {
        NameList list = ReadNames(c, names + 2);
        if (list.names.empty() || !list.editors) continue;
        AddNames(list, ref_->mutable_editors());
        c = TrimField(c.substr(0, names));
        break;
      }
    }
    // "(2008) The Georgetown Law Journal"
    if (!c.empty() && c.front() == '(') {
      size_t close = c.find(')');
      int y = 0;
      if (close != npos && close <= 12 && YearAt(c, 1, &y) != npos && YearAt(c, 1, &y) <= close) {
        if (year_ == 0) year_ = y;
        c = TrimField(c.substr(close + 1));
      }
    }
    if (meeting) {
      size_t at = FindIgnoreCase(c, ", at ");
      if (at != npos && at > 0) c = TrimField(c.substr(0, at));
    }
    if (meeting || strip_numbers) {
      // "..., pp. 628-634 San Jose, California": nothing after the pages names the container.
      for (absl::string_view key : {", pp", " pp. ", ", pages ", ", p. "}) {
        size_t k = FindIgnoreCase(c, key);
        if (k == npos || k == 0 || !ContainsDigit(c.substr(k, 16))) continue;
        Numbers n = ReadNumbers(c.substr(k));
        if (ref_->pages().empty()) SetShort(n.pages, ref_->mutable_pages());
        if (year_ == 0) year_ = n.year;
        c = TrimField(c.substr(0, k));
      }
    }
    bool numbers = strip_numbers || meeting;
    bool stripped_place = false;
    for (int round = 0; round < 5; ++round) {
      size_t before = c.size();
      if (numbers) {
        size_t tail = NumericTailStart(c);
        if (tail > 0 && tail < c.size()) {
          Numbers n = ReadNumbers(c.substr(tail));
          // A bare number stays unless a comma sets it apart: "Artificial
          // Intelligence, 19" but "Advances in Neural Information Processing Systems 7".
          bool comma_number = !n.volume.empty() && tail >= 2 && c[tail - 2] == ',';
          if (n.year != 0 || !n.pages.empty() || n.volume_keyword || !n.issue.empty() ||
              comma_number) {
            if (year_ == 0) year_ = n.year;
            if (ref_->pages().empty()) SetShort(n.pages, ref_->mutable_pages());
            if (ref_->volume().empty() && (n.volume_keyword || comma_number)) {
              SetShort(n.volume, ref_->mutable_volume());
            }
            c = TrimField(c.substr(0, tail));
            stripped_place = true;
          }
        }
      }
      if (meeting || strip_numbers) {
        PublisherPart pub;
        if (SplitParentheticalPublisher(&c, &pub)) ApplyPublisher(pub);
        if (!c.empty() && c.back() == ')') {
          // "(Osaka, Japan)", "(Seattle, Washington, April 1-5, 1990)"
          size_t open = c.rfind('(');
          absl::string_view group = open == npos ? "" : c.substr(open);
          bool place = !ContainsDigit(group) && LooksLikePlace(c.substr(open + 1, c.size() - open - 2));
          bool dated = FirstYear(group) != 0 && meeting;
          if (open != npos && open > 0 && group.find(',') != npos && (place || dated)) {
            if (year_ == 0) year_ = FirstYear(group);
            c = TrimField(c.substr(0, open));
          }
        }
        size_t comma = c.rfind(", ");
        if (comma != npos && comma > 0) {
          absl::string_view last = TrimField(c.substr(comma + 1));
          bool state = last.size() == 2 && IsUpperAt(last, 0) && IsUpperAt(last, 1);
          // A city of two words only after its state: "St. Charles, IL".
          size_t max_spaces = stripped_place ? 1 : 0;
          if (HasPublisherWord(last) && !ContainsDigit(last) && CountCps(last) < 40) {
            if (ref_->publisher().empty()) SetText(last, ref_->mutable_publisher());
            c = TrimField(c.substr(0, comma));
          } else if ((meeting || stripped_place) && (state || (LooksLikePlace(last) &&
                                           static_cast<size_t>(std::count(last.begin(), last.end(), ' ')) <= max_spaces &&
                                           !IsContainerWord(last)))) {
            c = TrimField(c.substr(0, comma));
            stripped_place = true;
          }
        }
      }
      if (c.size() == before) break;
    }
    SetText(c, ref_->mutable_container_title());
  }

  static bool IsSeriesName(absl::string_view seg) {
    for (absl::string_view w : {"series", "texts", "lecture notes", "studies", "proceedings",
                                "journal", "vol", "band", "collection", "library", "monograph",
                                "report", "thesis", "dissertation", "edited", "translated",
                                "reprint", "review", "bulletin", "papers", "handbook"}) {
      if (FindIgnoreCase(seg, w) != npos) return true;
    }
    return ContainsDigit(seg);
  }

  static bool IsContainerWord(absl::string_view w) {
    std::string l = absl::AsciiStrToLower(w);
    return IsOneOf(l, {"proceedings", "conference", "symposium", "workshop", "journal", "review",
                       "transactions", "letters", "bulletin", "annals", "series"});
  }

  // "In: Janower ML, Linton OW, eds.: Radiation Risk: a Primer", "In G.
  // Proctor & B. Malcolm (Eds.) Politicizing ... (pp. 215-224)", "In Life,
  // Death, and Entertainment, edited by David S. Potter, 256-326".
  void ReadInPart(absl::string_view seg) {
    size_t p = SkipSpaces(seg, 3);
    absl::string_view body = seg.substr(p);
    absl::string_view container = body;
    size_t edited_by = npos;
    std::string lower_body = absl::AsciiStrToLower(body);
    for (absl::string_view key : {"edited by ", "ed. by ", "eds. by ", "hrsg. von "}) {
      size_t k = absl::string_view(lower_body).find(key);
      if (k != npos) {
        edited_by = k;
        NameList list = ReadNames(body, k + key.size());
        AddNames(list, ref_->mutable_editors());
        ref_->set_editors_et_al(list.et_al);
        container = body.substr(0, k);
        break;
      }
    }
    if (edited_by == npos) {
      NameList list = ReadNames(body, 0);
      size_t after = SkipSpaces(body, SkipChars(body, list.end, " .,:;"));
      bool unmarked_ok = list.names.size() >= 2 && list.joined_by_and && list.end < body.size() &&
                         (body[list.end] == ',' || body[list.end] == ':');
      bool book_authors = !list.names.empty() && list.end < body.size() && body[list.end] == ':' &&
                          TryFamilyInitials(body, 0).end != npos;
      if (list.editors || unmarked_ok) {
        AddNames(list, ref_->mutable_editors());
        ref_->set_editors_et_al(list.et_al);
        container = body.substr(after);
      } else if (book_authors) {
        container = body.substr(after);
      } else {
        // A marker further on that the names did not reach: "In O. C. A. and D. Card (Ed.), Handbook".
        for (absl::string_view key : {"(Eds.)", "(Ed.)", "(eds.)", "(ed.)", "(eds)", "(ed)"}) {
          size_t k = body.find(key);
          if (k != npos && k < 120) {
            container = body.substr(SkipSpaces(body, SkipChars(body, k + key.size(), " .,:")));
            break;
          }
        }
      }
    }
    // "Handbook of labor economics (Vol. 3, Part A, pp. 1761–1800)".
    container = TrimField(container);
    size_t open = container.rfind('(');
    if (open != npos && open > 0 && container.back() == ')') {
      absl::string_view group = container.substr(open);
      Numbers n = ReadNumbers(group);
      if (!n.pages.empty() || n.volume_keyword) {
        if (ref_->pages().empty()) SetShort(n.pages, ref_->mutable_pages());
        if (n.volume_keyword) SetShort(n.volume, ref_->mutable_volume());
        container = TrimField(container.substr(0, open));
      }
    }
    SetContainer(container, true);
  }

  void ApplyPublisher(const PublisherPart& pub) {
    if (ref_->publisher().empty()) SetText(pub.publisher, ref_->mutable_publisher());
    if (year_ == 0) year_ = pub.year;
    if (ref_->pages().empty()) SetShort(pub.pages, ref_->mutable_pages());
    if (ref_->volume().empty()) SetShort(pub.volume, ref_->mutable_volume());
  }

  // "[Abstract] Proceedings of ..." -> "Proceedings of ...".
  static absl::string_view StripTag(absl::string_view s) {
    s = TrimField(s);
    if (!s.empty() && s.front() == '[') {
      size_t close = s.find(']');
      if (close != npos && close < 25 && close + 1 < s.size()) s = TrimField(s.substr(close + 1));
    }
    return s;
  }

  void SetTitle(absl::string_view title) {
    title = TrimField(title);
    // Quotes around the whole title are not part of it.
    if (title.size() >= 2 && IsQuoteCp(At(title, 0).c)) {
      size_t last = PrevCp(title, title.size());
      if (IsQuoteCp(At(title, last).c)) {
        absl::string_view inner = title.substr(At(title, 0).len, last - At(title, 0).len);
        bool inner_quote = false;
        for (size_t i = 0; i < inner.size(); i += At(inner, i).len) {
          CodePoint cp = At(inner, i);
          if (IsQuoteCp(cp.c) && cp.c != 0x2019 && cp.c != '\'') inner_quote = true;
        }
        if (!inner_quote) title = TrimField(inner);
      }
    }
    SetText(title, ref_->mutable_title());
  }

  static void SetText(absl::string_view value, std::string* out) {
    value = TrimField(value);
    if (value.size() <= kMaxTextBytes) *out = std::string(value);
  }

  static void SetShort(absl::string_view value, std::string* out) {
    value = TrimField(value);
    if (value.size() <= kMaxShortBytes) *out = std::string(value);
  }

  v1::Reference* ref_;
  std::string text_;
  std::string body_;
  int year_ = 0;
  bool comma_style_ = false;  // the names ended with a comma: "Feferman, S., Title, Journal"
  Kind kind_ = v1::Reference::OTHER;
};

}  // namespace

v1::Reference ParseCitation(absl::string_view citation) {
  v1::Reference ref;
  std::string valid = ValidUtf8(citation);
  Parser parser(&ref);
  parser.Parse(valid);
  ref.set_citation(std::move(valid));
  return ref;
}

}  // namespace healthcontent::importers
