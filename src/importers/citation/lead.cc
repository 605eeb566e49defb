#include "importers/citation/lead.h"

#include <string>

#include "absl/strings/ascii.h"
#include "importers/citation/code_points.h"
#include "importers/citation/dates.h"
#include "importers/citation/names.h"
#include "importers/citation/organisations.h"
#include "importers/citation/text.h"

namespace healthcontent::importers::citation {

size_t SkipCitationNumber(absl::string_view s) {
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

size_t ReadLeadingNames(absl::string_view s, size_t p, Draft* d) {
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
      d->ref->set_et_al(true);
      names = names.substr(0, et_al);
    }
    size_t b = 0;
    int depth = 0;
    for (size_t i = 0; i <= names.size(); ++i) {
      char c = i < names.size() ? names[i] : ',';
      if (c == '(') ++depth;
      if (c == ')' && depth > 0) --depth;
      if ((c == ',' || c == ';') && (depth == 0 || i == names.size()) &&
          (colon || i == names.size())) {
        absl::string_view part = TrimField(names.substr(b, i - b));
        if (!part.empty() && part.size() <= kMaxNameBytes) d->ref->add_authors(std::string(part));
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
        d->ref->add_authors(std::string(s.substr(p, e - p)));
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
    if (!family_initials && !initials && next == ':' && !LooksLikeOrganisation(list.names[0]))
      return p;
  }
  if (list.editors) {
    AddNames(list, d->ref->mutable_editors());
    d->ref->set_editors_et_al(list.et_al);
  } else {
    AddNames(list, d->ref->mutable_authors());
    d->ref->set_et_al(list.et_al);
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
  d->comma_style =
      e < s.size() && (s[e] == ',' || (s[e] == ':' && list.style == NameForm::kInverted));
  return SkipSpaces(s, SkipChars(s, e, " .,:;"));
}

size_t ReadLeadingDate(absl::string_view s, size_t p, Draft* d) {
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
    d->year = y;
    d->comma_style = close + 1 < s.size() && s[close + 1] == ',';
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
    d->year = y;
    d->comma_style = e < s.size() && s[e] == ',';
    return SkipSpaces(s, SkipChars(s, e, " .,:;)"));
  }
  return p;
}

}  // namespace healthcontent::importers::citation
