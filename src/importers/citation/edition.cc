#include "importers/citation/edition.h"

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"
#include "importers/citation/code_points.h"
#include "importers/citation/text.h"

namespace healthcontent::importers::citation {

void ExtractEdition(std::string* body, v1::Reference* ref) {
  for (size_t i = 0; i < body->size(); ++i) {
    bool bracket = i > 0 && (*body)[i - 1] == '(';
    if (i > 0 && !bracket &&
        !((*body)[i - 1] == ' ' && i >= 2 &&
          absl::string_view(".,;\x1f").find((*body)[i - 2]) != npos) &&
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
    if (ref->edition().empty()) {
      absl::string_view value = TrimField(absl::string_view(*body).substr(i, value_end - i));
      if (value.size() <= kMaxShortBytes) ref->set_edition(std::string(value));
    }
    Cut(body, bracket ? i - 1 : i, k);
    if (bracket) --i;
  }
}

}  // namespace healthcontent::importers::citation
