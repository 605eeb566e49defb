// The edition statement of a book: "6th ed.", "3rd rev. ed.", "2nd edn",
// "Second edition", "(4th rev. edn; 1st edn, 1907)", "2. Aufl.", "3e éd.".
//
// Contract: ExtractEdition reads the body of a citation (after its names and
// date). A statement counts only where a part of the citation starts (at the
// beginning, after ". ", ", ", "; ", a cut mark or an opening bracket) and
// only when "ed", "edn", "edition", "Aufl" or the like follows it. Each one
// is replaced by one kCut (a bracketed one with its brackets); ref->edition
// is set from the first ("6th", "3rd rev.", "Second") unless it is already
// set or longer than kMaxShortBytes. Linear in the body; thread-safe.
#ifndef HEALTHCONTENT_IMPORTERS_CITATION_EDITION_H_
#define HEALTHCONTENT_IMPORTERS_CITATION_EDITION_H_

#include <string>

#include "healthcontent/v1/reference.pb.h"

namespace healthcontent::importers::citation {

void ExtractEdition(std::string* body, v1::Reference* ref);

}  // namespace healthcontent::importers::citation

#endif  // HEALTHCONTENT_IMPORTERS_CITATION_EDITION_H_
