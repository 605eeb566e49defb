#include "importers/citation/names.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "importers/citation/dates.h"
#include "importers/citation/text.h"

namespace healthcontent::importers::citation {
namespace {

size_t ParticlesEnd(absl::string_view s, size_t i) {
  for (int k = 0; k < 3; ++k) {
    size_t e = WordEnd(s, i);
    if (e == i || e >= s.size() || s[e] != ' ' || !IsParticle(s.substr(i, e - i))) break;
    i = e + 1;
  }
  return i;
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
    if (r < s.size() && IsOpenQuoteCp(At(s, r).c))
      return true;  // P. Yang and J. H. Chern "Design ..."
  }
  return ended_with_dot;
}

bool HasLowerCase(absl::string_view w) {
  for (size_t i = 0; i < w.size(); i += At(w, i).len) {
    if (IsLowerCp(At(w, i).c)) return true;
  }
  return false;
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
    if (after != npos && after > e + 1 && s.substr(e + 1, after - e - 1).find(' ') != npos)
      e = after;
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
    bool word_after_initial =
        words_after_initial > 1 || (words_after_initial == 1 && end < s.size() && s[end] == ':');
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

}  // namespace

bool IsParticle(absl::string_view w) {
  return IsOneOf(w, {"van", "von", "de",  "der", "den", "del", "della", "delle", "des", "di",
                     "da",  "do",  "dos", "das", "du",  "la",  "le",    "ten",   "ter", "te",
                     "zu",  "zum", "vom", "bin", "ibn", "al",  "el",    "y"});
}

bool IsStopWord(absl::string_view w) {
  std::string l = absl::AsciiStrToLower(w);
  // clang-format off
  return IsOneOf(l, {"the", "a", "an", "in", "on", "of", "for", "and", "to", "from", "with", "by",
                     "at", "as", "is", "are", "how", "what", "why", "when", "where", "who", "which",
                     "this", "that", "these", "toward", "towards", "notes", "proceedings",
                     "journal", "report", "chapter", "part", "introduction", "handbook", "review",
                     "annual", "guidelines", "guide", "new", "understanding", "using", "use",
                     "effects", "effect", "analysis", "study", "evaluation", "international",
                     "if", "do", "does", "can", "should", "not", "no", "our", "some", "all",
                     "available", "retrieved", "accessed", "vol", "volume", "pp", "eds", "ed",
                     "edited", "ibid", "id", "anon", "anonymous"});
  // clang-format on
}

size_t CapWordEnd(absl::string_view s, size_t i) {
  if (!IsUpperAt(s, i)) return npos;
  size_t e = WordEnd(s, i);
  if (CountCps(s.substr(i, e - i)) < 2) return npos;
  return e;
}

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

bool FirstWordIsStop(absl::string_view s, size_t i) {
  size_t e = WordEnd(s, i);
  if (e < s.size() && s[e] == '.' && CountCps(s.substr(i, e - i)) == 1) return false;  // "A."
  return e > i && IsStopWord(s.substr(i, e - i));
}

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

NameList ReadNames(absl::string_view s, size_t i) {
  NameList out;
  out.end = i;
  NameForm style = NameForm::kNone;
  std::vector<size_t> ends;  // where each name ended
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
      } else if (WordAt(s, r, "et") && EtAlEnd(s, r) == npos &&
                 IsUpperAt(s, SkipSpaces(s, r + 2))) {
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

}  // namespace healthcontent::importers::citation
