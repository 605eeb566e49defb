// The container of a citation: the journal, book, proceedings or site a work
// appeared in, and the "In: ..." part that names a chapter's book.
//
// Contract: both functions write d->ref's container_title (trimmed, within
// kMaxTextBytes) and take out of it what the printed part carries besides
// the name: editors ("edited by ...", "E. Neuhold, Ed.") go to d->ref's
// editors; a year, pages, a keyword volume and a publisher fill those fields
// only while they are empty (the year only while d->year is 0); a place, a
// meeting's venue and date, "in press" and "Special Issue ..." are dropped.
// A bare number after the name stays part of it ("Advances in Neural
// Information Processing Systems 7") unless a comma sets it apart.
#ifndef HEALTHCONTENT_IMPORTERS_CITATION_CONTAINER_H_
#define HEALTHCONTENT_IMPORTERS_CITATION_CONTAINER_H_

#include "absl/strings/string_view.h"
#include "importers/citation/draft.h"

namespace healthcontent::importers::citation {

// Sets container_title from text that may carry more than the name:
// ", edited by ..." and, for proceedings and books (or whenever
// strip_numbers), the place, publisher, date and pages that follow
// ("Proceedings of Supercomputing '88, Orlando, FL, November 1988").
void SetContainer(absl::string_view c, bool strip_numbers, Draft* d);

// Reads a part that starts "In" or "In:": the editors before the book's
// title ("In: Janower ML, Linton OW, eds.: Radiation Risk: a Primer", "In G.
// Proctor & B. Malcolm (Eds.) Politicizing ... (pp. 215-224)") or after it
// ("In Life, Death, and Entertainment, edited by David S. Potter,
// 256-326"), then the book as the container, with volume and pages from a
// trailing bracket ("(Vol. 3, Part A, pp. 1761–1800)").
void ReadInPart(absl::string_view seg, Draft* d);

}  // namespace healthcontent::importers::citation

#endif  // HEALTHCONTENT_IMPORTERS_CITATION_CONTAINER_H_
