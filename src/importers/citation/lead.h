// The start of a citation, before its body: a citation number ("[13]",
// "60."), the authors or editors (persons, a group author, or "———" for the
// previous entry's) and a date right after them ("(2009).", "2011.").
//
// Contract: each step takes the cleaned text and the position where the
// previous one stopped, and returns where the next should start: past what
// it read and the punctuation after it, or `p` unchanged when there is
// nothing of its kind there. Names go to d->ref's authors or editors (with
// et_al / editors_et_al); a date sets d->year (0 for "(n.d.)"); both set
// d->comma_style when a comma ends them, which tells the body that a title
// ends at a comma. Bounded work: the name scans are (names.h).
#ifndef HEALTHCONTENT_IMPORTERS_CITATION_LEAD_H_
#define HEALTHCONTENT_IMPORTERS_CITATION_LEAD_H_

#include <cstddef>

#include "absl/strings/string_view.h"
#include "importers/citation/draft.h"

namespace healthcontent::importers::citation {

// Position after a citation number or label before the first author: "[13]",
// "(4)", "60.", "3)", "36 " before a capital, "[Allison2006-MIT]"; else the
// first non-space.
size_t SkipCitationNumber(absl::string_view s);

// Reads the authors (or editors, when "eds." follows them) at p. A group
// author ("American Cancer Society:", "World Health Organization (2009).")
// gives one author per comma-separated part after NLM's colon; a lone name
// that looks like the start of a title is left for the body.
size_t ReadLeadingNames(absl::string_view s, size_t p, Draft* d);

// Reads the date printed after the names: "(2009).", "(2015, Aug 6).",
// "(n.d.).", "(in press)", "2011.", "2001[1953]", "1895 « La question »".
size_t ReadLeadingDate(absl::string_view s, size_t p, Draft* d);

}  // namespace healthcontent::importers::citation

#endif  // HEALTHCONTENT_IMPORTERS_CITATION_LEAD_H_
