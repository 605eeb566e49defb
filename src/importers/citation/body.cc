#include "importers/citation/body.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "importers/citation/code_points.h"
#include "importers/citation/container.h"
#include "importers/citation/dates.h"
#include "importers/citation/edition.h"
#include "importers/citation/names.h"
#include "importers/citation/numbers.h"
#include "importers/citation/organisations.h"
#include "importers/citation/publishers.h"
#include "importers/citation/segments.h"
#include "importers/citation/text.h"

namespace healthcontent::importers::citation {
namespace {

// True when the part starts "In:" or "In " before a capital, digit, quote or
// bracket: the book of a chapter (or a journal such as "In Vivo").
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
    // clang-format off
    case 0x201C: closers = {0x201D, '"'}; break;
    case '"': closers = {'"', 0x201D}; break;
    case 0x2018: closers = {0x2019}; break;
    case 0xAB: closers = {0xBB}; break;
    case 0x201E: closers = {0x201C, 0x201D}; break;
    case 0x2039: closers = {0x203A}; break;
    default: return npos;
      // clang-format on
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

// "[Abstract] Proceedings of ..." -> "Proceedings of ...".
absl::string_view StripTag(absl::string_view s) {
  s = TrimField(s);
  if (!s.empty() && s.front() == '[') {
    size_t close = s.find(']');
    if (close != npos && close < 25 && close + 1 < s.size()) s = TrimField(s.substr(close + 1));
  }
  return s;
}

// End of a title that the names' comma introduced: the first comma outside
// brackets, or a sentence stop, whichever comes first; npos when neither.
size_t CommaTitleEnd(absl::string_view r) {
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

// Records a journal article: the container, then the journal's numbers, which
// win over any the container's text carried; the year only while none is set.
void SetJournal(absl::string_view container, const Numbers& n, Draft* d) {
  SetContainer(container, false, d);
  SetShort(n.volume, d->ref->mutable_volume());
  SetShort(n.issue, d->ref->mutable_issue());
  SetShort(n.pages, d->ref->mutable_pages());
  if (d->year == 0) d->year = n.year;
  d->kind = v1::Reference::JOURNAL_ARTICLE;
}

// Physics and astronomy cite without a title: "Finoguenov A., Briel U.,
// 2003, A&A, 410, 777", "..., J. Appl. Phys. 87, pp. 334-344 (2000)".
bool ReadTitlelessJournal(absl::string_view r, Draft* d) {
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
  SetJournal(name, n, d);
  return true;
}

// A part made of a few short capitalised words, the pieces of an
// abbreviated journal name: "J. Cell" before "Sci. 120, 7-15".
bool IsAbbreviatedWords(absl::string_view seg) {
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
bool ReadRunOnJournal(absl::string_view seg, Draft* d) {
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
        if (!IsUpperAt(name, i) &&
            !IsOneOf(name.substr(i, e - i), {"of", "and", "in", "the", "&"})) {
          return false;
        }
      }
    }
    if (name.empty() || words > 8 || ContainsDigit(name)) return false;
    stop = comma;
  }
  if (StartsIn(seg.substr(stop + 2))) return false;
  SetTitle(seg.substr(0, stop), d->ref);
  SetJournal(StripTag(seg.substr(stop + 1, tail - stop - 1)), n, d);
  return true;
}

size_t LastTopLevelComma(absl::string_view s) {
  size_t found = npos;
  int depth = 0;
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if (s[i] == '(' || s[i] == '[') ++depth;
    if ((s[i] == ')' || s[i] == ']') && depth > 0) --depth;
    if (depth == 0 && s[i] == ',' && s[i + 1] == ' ') found = i;
  }
  return found;
}

// A book title loses what follows it in comma styles: "Robot Vision, MIT
// Press", "The Objective Caml system, documentation and user's guide, 1997",
// "Reforming Compilation of Logic Programs, Ph.D. Thesis, ...".
absl::string_view StripBookTail(absl::string_view title, Draft* d) {
  PublisherPart pub;
  if (SplitParentheticalPublisher(&title, &pub)) ApplyPublisher(pub, d);
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
  for (absl::string_view key :
       {", Ph.D. Thesis", ", PhD thesis", ", Ph.D. dissertation", ", PhD dissertation",
        ", Doctoral dissertation", ", Master's thesis", ", Masters thesis", ", M.S. thesis",
        ", Diploma thesis", ", Technical Report", ", Tech. Rep", ", ed. ", ", edited by ",
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
      if (d->year == 0) d->year = y;
    } else if (HasPublisherWord(last) && !ContainsDigit(last)) {
      if (d->ref->publisher().empty()) SetText(last, d->ref->mutable_publisher());
    } else if (NumericTailStart(last) == 0 && !ReadNumbers(last).pages.empty()) {
      if (d->ref->pages().empty()) SetShort(ReadNumbers(last).pages, d->ref->mutable_pages());
    } else if (!(stripped && LooksLikePlace(last) &&
                 std::count(last.begin(), last.end(), ' ') < 3)) {
      break;
    }
    stripped = true;
    title = TrimField(title.substr(0, comma));
  }
  return title;
}

bool IsSeriesName(absl::string_view seg) {
  for (absl::string_view w :
       {"series",   "texts",        "lecture notes", "studies",    "proceedings", "journal",
        "vol",      "band",         "collection",    "library",    "monograph",   "report",
        "thesis",   "dissertation", "edited",        "translated", "reprint",     "review",
        "bulletin", "papers",       "handbook"}) {
    if (FindIgnoreCase(seg, w) != npos) return true;
  }
  return ContainsDigit(seg);
}

// The body after a title fixed before the split (quoted, or ended by the
// names' comma), split into segments. With a fixed title every segment may be
// the container (first == 0); otherwise segment 0 is (the start of) the title
// (first == 1).
struct Parts {
  absl::string_view rest;
  std::vector<Seg> segs;
  absl::string_view fixed_title;
  size_t first;

  absl::string_view Text(size_t k) const { return rest.substr(segs[k].b, segs[k].e - segs[k].b); }

  // Segments [from, to) with what lies between.
  absl::string_view Span(size_t from, size_t to) const {
    if (from >= to) return absl::string_view();
    return TrimField(rest.substr(segs[from].b, segs[to - 1].e - segs[from].b));
  }
};

// A journal: the first part after the title whose tail holds the numbers is
// (or ends) the container, the parts before it the title. False, with nothing
// written, when a part that starts "In" (a chapter) or the end comes first.
bool ReadJournal(const Parts& parts, Draft* d) {
  absl::string_view title = parts.fixed_title;
  for (size_t k = parts.first; k < parts.segs.size(); ++k) {
    absl::string_view seg = parts.Text(k);
    size_t tail = NumericTailStart(seg);
    Numbers n = ReadNumbers(seg.substr(tail));
    // "In Vivo 24 (3): 249-55" is a journal; other parts that start "In" are chapters.
    if (StartsIn(seg) && !(n.colon && !n.volume.empty() && seg[2] == ' ')) break;
    if (!n.LooksLikeJournal()) continue;
    // The container starts at part c and ends at container_end in `rest`.
    size_t c = k;
    size_t container_end = parts.segs[k].b + tail;
    if (TrimField(seg.substr(0, tail)).empty()) {
      // "Journal. 2001;27(4):235-46" / "Journal, 2005. 14(8): p. 983-95":
      // the name is in the part before, perhaps with a year after it.
      while (c > parts.first && NumericTailStart(parts.Text(c - 1)) == 0) {
        --c;
        if (d->year == 0) d->year = ReadNumbers(parts.Text(c)).year;
      }
      if (c > parts.first) {
        --c;
        absl::string_view before = parts.Text(c);
        size_t before_tail = NumericTailStart(before);
        Numbers bn = ReadNumbers(before.substr(before_tail));
        if (d->year == 0) d->year = bn.year;
        container_end = parts.segs[c].b + before_tail;
      } else {
        container_end = parts.segs[c].b;
      }
    }
    // "J. Cell. Sci. 120" and "Nat. Genet. 41" were split at their stops.
    while (c > parts.first && IsAbbreviatedWords(parts.Text(c - 1))) {
      --c;
    }
    size_t container_begin = parts.segs[c].b;
    absl::string_view container =
        container_end > container_begin
            ? parts.rest.substr(container_begin, container_end - container_begin)
            : "";
    size_t title_end = c;
    if (parts.fixed_title.empty()) {
      // "Cancer risks in BRCA2 mutation carriers. The Breast Cancer Linkage
      // Consortium. J Natl Cancer Inst 91 (15): ..." names its authors last.
      if (title_end >= 2 && d->ref->authors().empty() && d->ref->editors().empty() &&
          LooksLikeOrganisation(parts.Text(title_end - 1), /*anywhere=*/true)) {
        SetText(parts.Text(title_end - 1), d->ref->add_authors());
        --title_end;
      }
      title = parts.Span(0, std::max<size_t>(title_end, 1));
    }
    SetJournal(StripTag(container), n, d);
    for (size_t j = k + 1; j < parts.segs.size() && d->year == 0; ++j) {
      d->year = ReadNumbers(parts.Text(j)).year;
    }
    SetTitle(title, d->ref);
    return true;
  }
  return false;
}

// A chapter: "In: Editors, eds. Book." or "In Book, edited by ...", then the
// publisher and the pages. False, with nothing written, when no part starts "In".
bool ReadChapter(const Parts& parts, Draft* d) {
  absl::string_view title = parts.fixed_title;
  for (size_t k = parts.first; k < parts.segs.size(); ++k) {
    if (!StartsIn(parts.Text(k))) continue;
    if (parts.fixed_title.empty()) title = parts.Span(0, std::max<size_t>(k, 1));
    SetTitle(title, d->ref);
    ReadInPart(parts.Text(k), d);
    bool have_publisher = !d->ref->publisher().empty();
    for (size_t j = k + 1; j < parts.segs.size(); ++j) {
      absl::string_view seg = parts.Text(j);
      PublisherPart pub;
      if (!have_publisher && ReadPublisher(seg, &pub)) {
        ApplyPublisher(pub, d);
        have_publisher = true;
      } else if (NumericTailStart(seg) == 0) {
        Numbers n = ReadNumbers(seg);
        if (d->year == 0) d->year = n.year;
        if (d->ref->pages().empty()) SetShort(n.pages, d->ref->mutable_pages());
      } else if (!have_publisher && j == k + 1 && j + 1 < parts.segs.size() &&
                 !d->ref->container_title().empty() && !ContainsDigit(seg) &&
                 ReadPublisher(parts.Text(j + 1), &pub)) {
        // "The handbook of narrative and psychotherapy. Practice, theory, and research."
        SetText(absl::StrCat(d->ref->container_title(), ". ", seg),
                d->ref->mutable_container_title());
      }
    }
    d->kind = v1::Reference::BOOK_CHAPTER;
    return true;
  }
  return false;
}

// Anything else: a book, a web page, a report. The first part is the title,
// then come the publisher, numbers, editors and what else the parts name (the
// container; a web page's publisher). `r` is the whole body, for its year.
void ReadBookOrPage(const Parts& parts, absl::string_view r, Draft* d) {
  absl::string_view title = parts.fixed_title;
  size_t start = 0;
  if (parts.fixed_title.empty() && !parts.segs.empty()) {
    title = parts.Text(0);
    start = 1;
  }
  if (parts.fixed_title.empty()) title = StripBookTail(title, d);
  SetTitle(title, d->ref);
  bool have_publisher = !d->ref->publisher().empty();
  std::vector<absl::string_view> others;
  for (size_t j = start; j < parts.segs.size(); ++j) {
    absl::string_view seg = parts.Text(j);
    PublisherPart part;
    if (absl::StartsWithIgnoreCase(seg, "edited by ")) {
      NameList list = ReadNames(seg, 10);
      AddNames(list, d->ref->mutable_editors());
      continue;
    }
    if (!have_publisher && ReadPublisher(seg, &part)) {
      ApplyPublisher(part, d);
      have_publisher = true;
      continue;
    }
    if (NumericTailStart(seg) == 0) {
      Numbers n = ReadNumbers(seg);
      if (d->year == 0) d->year = n.year;
      if (d->ref->pages().empty() && n.volume.empty()) SetShort(n.pages, d->ref->mutable_pages());
      continue;
    }
    // A book's title may run over a stop: "The authentic heart. An
    // eightfold path to midlife love. New York: Wiley." The part between
    // the title and the publisher continues the title unless it names a
    // series or a container.
    if (parts.fixed_title.empty() && j == 1 && !have_publisher && j + 1 < parts.segs.size() &&
        others.empty() && !IsSeriesName(seg)) {
      PublisherPart next;
      if (ReadPublisher(parts.Text(j + 1), &next)) {
        SetTitle(parts.Span(0, j + 1), d->ref);
        continue;
      }
    }
    others.push_back(seg);
  }
  bool web = !d->ref->url().empty() && !have_publisher && d->ref->edition().empty();
  if (web && others.size() == 1 && d->year == 0 && LastYear(r) == 0) {
    SetText(others[0], d->ref->mutable_publisher());
    d->kind = v1::Reference::WEB_PAGE;
    return;
  }
  if (!others.empty()) {
    SetContainer(StripTag(others[0]), true, d);
    if (web && others.size() >= 2) SetText(others[1], d->ref->mutable_publisher());
  }
  if (web) {
    d->kind = v1::Reference::WEB_PAGE;
  } else if (have_publisher || !d->ref->edition().empty()) {
    d->kind = d->ref->container_title().empty() ? v1::Reference::BOOK : v1::Reference::OTHER;
  } else if (!d->ref->container_title().empty() && !d->ref->doi().empty()) {
    d->kind = v1::Reference::JOURNAL_ARTICLE;
  }
}

}  // namespace

void ReadBody(absl::string_view body_view, Draft* d) {
  std::string body(body_view);
  ExtractEdition(&body, d->ref);
  absl::string_view r = body;

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
  if (fixed_title.empty() && d->comma_style && ReadTitlelessJournal(r, d)) return;
  if (fixed_title.empty() && d->comma_style) {
    size_t end = CommaTitleEnd(r);
    if (end != npos && end > 0) {
      fixed_title = TrimField(r.substr(0, end));
      rest_begin = end + 1;
    }
  }
  // rest_begin may point one past the end (a comma ending the text).
  absl::string_view rest = r.substr(std::min(rest_begin, r.size()));
  const size_t first = fixed_title.empty() ? 1 : 0;
  const Parts parts{rest, SplitSegments(rest), fixed_title, first};
  if (ReadJournal(parts, d)) return;
  // A journal whose name the title runs into because the stop between them
  // follows a single letter ("... Viscum album L. Phytother Res 10 (6):
  // 473-7, 1996") or is a comma ("..., J Ended 14: 508, 1988").
  if (fixed_title.empty() && !parts.segs.empty() && ReadRunOnJournal(parts.Text(0), d)) return;
  if (ReadChapter(parts, d)) return;
  ReadBookOrPage(parts, r, d);
}

}  // namespace healthcontent::importers::citation
