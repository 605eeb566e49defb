// Publishers: the "Place: Publisher, Year" part of a book citation, in its
// AMA ("Mayo Clinic; 2020"), APA ("New York: Wiley.") and Chicago ("(Boston:
// Little, Brown, 1999)") forms, and the word lists that recognise a
// publisher's name and a place.
//
// Contract: ReadPublisher and SplitParentheticalPublisher return false, and
// leave their outputs alone, when the part is not a publisher (a journal's
// name, a conference, text with numbers in it). Pure functions, thread-safe.
#ifndef HEALTHCONTENT_IMPORTERS_CITATION_PUBLISHERS_H_
#define HEALTHCONTENT_IMPORTERS_CITATION_PUBLISHERS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace healthcontent::importers::citation {

// True when s holds a word publishers use ("Press", "Verlag", "Elsevier",
// "Inc"), as a whole word, in any case.
bool HasPublisherWord(absl::string_view s);

// A place as imprints print it: at most 45 bytes, no digits, one to five
// capitalised words (particles and "on", "upon", "am", "sur" allowed):
// "New York, NY", "Bethesda, Md", "[Philadelphia, Pa]", "Ross-on-Wye".
bool LooksLikePlace(absl::string_view s);

// What ReadPublisher found. volume only when a keyword printed it ("Vol. 3").
struct PublisherPart {
  std::string publisher, pages, volume;
  int year = 0;
};

// Reads seg as "Place: Publisher, Year[, pp x-y]", "Publisher; Year" or
// "Eastland Press, 1981" into *out; false when it is none of them (a
// journal, proceedings, a name with digits).
bool ReadPublisher(absl::string_view seg, PublisherPart* out);

// A trailing "(Place: Publisher, Year)" as Chicago notes print it: read
// into *out and cut from *text; false (nothing changed) when there is none.
bool SplitParentheticalPublisher(absl::string_view* text, PublisherPart* out);

}  // namespace healthcontent::importers::citation

#endif  // HEALTHCONTENT_IMPORTERS_CITATION_PUBLISHERS_H_
