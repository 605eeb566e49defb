// Journal numbers: the volume, issue, pages and year that end a part of a
// citation, in the forms Vancouver ("2001;27(4):235-46"), NLM ("27 (4):
// 235-46, 2001"), AMA, APA ("14(8), 983-995") and the keyword styles ("Vol.
// 39, No. 2, pp. 1-10", "Bd. 5, S. 12") print them.
//
// Contract: NumericTailStart finds where the run of number-like words that
// ends a segment starts; ReadNumbers reads such a run into Numbers, each
// value as printed ("235-46", "S12", "1 Suppl"), empty or 0 when absent; the
// first value of each kind wins. At most 200 words or tokens are read, so the
// work is bounded. Pure functions, thread-safe.
#ifndef HEALTHCONTENT_IMPORTERS_CITATION_NUMBERS_H_
#define HEALTHCONTENT_IMPORTERS_CITATION_NUMBERS_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace healthcontent::importers::citation {

// Start of the run of number-like words that ends `seg` ("Cancer Treat Rev
// 27 (4): 235-46, 2001" -> the "27"); seg.size() when there is none.
size_t NumericTailStart(absl::string_view seg);

// What ReadNumbers found, each value as printed; flags record the shape,
// which says whether the numbers are a journal's.
struct Numbers {
  std::string volume, issue, pages;
  int year = 0;
  bool year_semicolon = false;  // "2001;27(4)": Vancouver / AMA
  bool colon = false;           // "27 (4): 235-46" or NLM's empty "Journal : , 2018"
  bool volume_keyword = false;  // "Vol. 39"

  // True when these are a journal's numbers: a volume with pages, an issue or
  // a year; a Vancouver year; an issue with pages; a colon with any number;
  // or a volume printed with its keyword.
  bool LooksLikeJournal() const {
    return (!volume.empty() && (!pages.empty() || !issue.empty() || year != 0)) || year_semicolon ||
           (!issue.empty() && !pages.empty()) ||
           (colon && (!issue.empty() || !volume.empty() || year != 0)) || volume_keyword;
  }
};

// Reads the numbers of `tail` (usually what NumericTailStart marks):
// keywords ("Vol.", "No.", "pp."), brackets ("(4)", "(2001)"), ":" before
// pages, ";" after a Vancouver year; a number is a volume, then an issue when
// a bracket or colon follows, else pages; a range is pages.
Numbers ReadNumbers(absl::string_view tail);

}  // namespace healthcontent::importers::citation

#endif  // HEALTHCONTENT_IMPORTERS_CITATION_NUMBERS_H_
