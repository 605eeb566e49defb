// The body of a citation, after its names and date: title, container,
// volume, issue, pages, publisher, and the kind of work they make.
//
// The body is read in steps, each of which either takes the citation or
// leaves it to the next: the edition is cut out (edition.h); a title is fixed
// first when it is quoted or when the names ended with a comma; then the
// parts (segments.h) are tried as a journal article (a part ending in journal
// numbers), a journal the title runs into, a book chapter (a part starting
// "In"), and last as a book, web page or report.
//
// Contract: ReadBody writes the fields it finds into d->ref through the
// setters of draft.h (so within the publish limits), sets d->year when it is
// still 0 and a year is found, and sets d->kind to JOURNAL_ARTICLE,
// BOOK_CHAPTER, BOOK or WEB_PAGE, or leaves OTHER. It reads d->comma_style.
// `body` need not outlive the call. Bounded work (every scan is linear or
// capped); thread-safe.
#ifndef HEALTHCONTENT_IMPORTERS_CITATION_BODY_H_
#define HEALTHCONTENT_IMPORTERS_CITATION_BODY_H_

#include "absl/strings/string_view.h"
#include "importers/citation/draft.h"

namespace healthcontent::importers::citation {

void ReadBody(absl::string_view body, Draft* d);

}  // namespace healthcontent::importers::citation

#endif  // HEALTHCONTENT_IMPORTERS_CITATION_BODY_H_
