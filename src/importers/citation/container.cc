#include "importers/citation/container.h"

#include <algorithm>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "importers/citation/code_points.h"
#include "importers/citation/dates.h"
#include "importers/citation/names.h"
#include "importers/citation/numbers.h"
#include "importers/citation/publishers.h"
#include "importers/citation/text.h"

namespace healthcontent::importers::citation {
namespace {

bool IsContainerWord(absl::string_view w) {
  std::string l = absl::AsciiStrToLower(w);
  return IsOneOf(l, {"proceedings", "conference", "symposium", "workshop", "journal", "review",
                     "transactions", "letters", "bulletin", "annals", "series"});
}

}  // namespace

void SetContainer(absl::string_view c, bool strip_numbers, Draft* d) {
  c = TrimField(c);
  for (absl::string_view key : {", edited by ", ", ed. by ", " edited by "}) {
    size_t k = FindIgnoreCase(c, key);
    if (k != npos && k > 0) {
      NameList list = ReadNames(c, k + key.size());
      AddNames(list, d->ref->mutable_editors());
      c = TrimField(c.substr(0, k));
    }
  }
  for (absl::string_view key : {", in press", " in press", ", to appear", " (to appear)"}) {
    if (absl::EndsWithIgnoreCase(c, key)) c = TrimField(c.substr(0, c.size() - key.size()));
  }
  bool meeting = false;
  for (size_t i = 0; i < c.size(); ++i) {
    if (IsLetterBefore(c, i)) continue;
    for (absl::string_view w : {"proc.", "proc ", "proceedings", "conference", "conf.", "symposium",
                                "workshop", "meeting", "congress", "forum", "colloquium"}) {
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
    if (close != npos &&
        EditorMarkerEnd(c, c.rfind(',', close) == npos ? close : c.rfind(',', close)) != npos) {
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
      AddNames(list, d->ref->mutable_editors());
      c = TrimField(c.substr(0, names));
      break;
    }
  }
  // "(2008) The Georgetown Law Journal"
  if (!c.empty() && c.front() == '(') {
    size_t close = c.find(')');
    int y = 0;
    if (close != npos && close <= 12 && YearAt(c, 1, &y) != npos && YearAt(c, 1, &y) <= close) {
      if (d->year == 0) d->year = y;
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
      if (d->ref->pages().empty()) SetShort(n.pages, d->ref->mutable_pages());
      if (d->year == 0) d->year = n.year;
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
          if (d->year == 0) d->year = n.year;
          if (d->ref->pages().empty()) SetShort(n.pages, d->ref->mutable_pages());
          if (d->ref->volume().empty() && (n.volume_keyword || comma_number)) {
            SetShort(n.volume, d->ref->mutable_volume());
          }
          c = TrimField(c.substr(0, tail));
          stripped_place = true;
        }
      }
    }
    if (meeting || strip_numbers) {
      PublisherPart pub;
      if (SplitParentheticalPublisher(&c, &pub)) ApplyPublisher(pub, d);
      if (!c.empty() && c.back() == ')') {
        // "(Osaka, Japan)", "(Seattle, Washington, April 1-5, 1990)"
        size_t open = c.rfind('(');
        absl::string_view group = open == npos ? "" : c.substr(open);
        bool place =
            !ContainsDigit(group) && LooksLikePlace(c.substr(open + 1, c.size() - open - 2));
        bool dated = FirstYear(group) != 0 && meeting;
        if (open != npos && open > 0 && group.find(',') != npos && (place || dated)) {
          if (d->year == 0) d->year = FirstYear(group);
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
          if (d->ref->publisher().empty()) SetText(last, d->ref->mutable_publisher());
          c = TrimField(c.substr(0, comma));
        } else if ((meeting || stripped_place) &&
                   (state ||
                    (LooksLikePlace(last) &&
                     static_cast<size_t>(std::count(last.begin(), last.end(), ' ')) <= max_spaces &&
                     !IsContainerWord(last)))) {
          c = TrimField(c.substr(0, comma));
          stripped_place = true;
        }
      }
    }
    if (c.size() == before) break;
  }
  SetText(c, d->ref->mutable_container_title());
}

void ReadInPart(absl::string_view seg, Draft* d) {
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
      AddNames(list, d->ref->mutable_editors());
      d->ref->set_editors_et_al(list.et_al);
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
      AddNames(list, d->ref->mutable_editors());
      d->ref->set_editors_et_al(list.et_al);
      container = body.substr(after);
    } else if (book_authors) {
      container = body.substr(after);
    } else {
      // A marker further on that the names did not reach: "In O. C. A. and D. Card (Ed.),
      // Handbook".
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
      if (d->ref->pages().empty()) SetShort(n.pages, d->ref->mutable_pages());
      if (n.volume_keyword) SetShort(n.volume, d->ref->mutable_volume());
      container = TrimField(container.substr(0, open));
    }
  }
  SetContainer(container, true, d);
}

}  // namespace healthcontent::importers::citation
