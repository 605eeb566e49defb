#include "importers/citation/organisations.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "importers/citation/code_points.h"
#include "importers/citation/dates.h"
#include "importers/citation/names.h"
#include "importers/citation/segments.h"
#include "importers/citation/text.h"

namespace healthcontent::importers::citation {

bool LooksLikeOrganisation(absl::string_view name, bool anywhere) {
  static constexpr absl::string_view kLastWords[] = {
      "society",      "institute",    "institutes",     "network",       "association",
      "organization", "organisation", "center",         "centre",        "centers",
      "committee",    "group",        "agency",         "department",    "council",
      "foundation",   "college",      "board",          "collaboration", "consortium",
      "service",      "services",     "administration", "ministry",      "office",
      "university",   "trialists",    "commission",     "academy",       "panel",
      "force",        "program",      "programme",      "investigators", "alliance",
      "coalition",    "federation",   "authority",      "union",         "nations",
      "bureau",       "corporation",  "survey",         "collaborative", "project",
      "registry",     "initiative",   "league"};
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
  if (IsStopWord(words[0].substr(0, first_end)) && !absl::EqualsIgnoreCase(words[0], "the"))
    return false;
  for (absl::string_view w : words) {
    if (IsUpperAt(w, 0) || w == "&" || IsParticle(w) || (anywhere && IsDigitAt(w, 0)) ||
        (anywhere && w[0] == '(') ||
        IsOneOf(w,
                {"of", "for", "the", "and", "on", "in", "to", "at", "into", "et", "al", "al."})) {
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

}  // namespace healthcontent::importers::citation
