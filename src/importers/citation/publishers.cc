#include "importers/citation/publishers.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"
#include "importers/citation/code_points.h"
#include "importers/citation/dates.h"
#include "importers/citation/names.h"
#include "importers/citation/numbers.h"
#include "importers/citation/text.h"

namespace healthcontent::importers::citation {

bool HasPublisherWord(absl::string_view s) {
  // clang-format off
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
  // clang-format on
  std::string lower = absl::AsciiStrToLower(s);
  for (size_t i = 0; i < lower.size(); ++i) {
    if (i > 0 && IsLetterBefore(lower, i)) continue;
    for (absl::string_view w : kWords) {
      if (WordAt(lower, i, w)) return true;
    }
  }
  return false;
}

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
             std::count(head.begin(), head.end(), ' ') <= 5 && n.volume.empty() &&
             n.pages.empty()) {
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

}  // namespace healthcontent::importers::citation
