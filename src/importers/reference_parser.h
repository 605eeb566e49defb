// Reads one printed citation into a v1::Reference.
//
// The styles the project's sources print are the target: AMA as Mayo Clinic
// and NIH use it ("Papiez MA, et al. Title. Journal. 2021; doi:10....",
// "Niederhuber JE, et al., eds. Chapter. In: Book. 6th ed. Elsevier; 2020.
// https://... Accessed March 22, 2023.", "Title. Organisation. https://...
// Accessed March 22, 2023."), NLM as NCI PDQ prints it ("Wong R, Sagar SM:
// Title. Cancer Treat Rev 27 (4): 235-46, 2001.") and Vancouver ("Smith J,
// Doe A. Title. J Name. 2001;27(4):235-46."). APA, Chicago, MLA, Harvard and
// IEEE citations are read as well as the same rules allow; bench/RESULTS.md
// records the measured accuracy per field on labelled corpora.
//
// Contract:
//  * Never fails, never refuses: what cannot be read is left unset. Empty or
//    punctuation-only input yields kind KIND_UNSPECIFIED and nothing else but
//    `citation`; any other input gets one of the five kinds (OTHER when
//    nothing better fits).
//  * `citation` is the input exactly as given, except that bytes which are not
//    valid UTF-8 become U+FFFD (proto3 strings must be UTF-8).
//  * Only the first kMaxParsedCitationBytes bytes are parsed. The scanning is
//    hand-written (no regular expressions, no backtracking) and its work is
//    bounded by that prefix, so any input, however hostile, returns promptly
//    (milliseconds).
//  * Text fields are taken from the input with whitespace collapsed and the
//    surrounding punctuation and quotes trimmed. Authors and editors are kept as
//    printed ("Papiez MA", "Romero, C."), one entry per person; `et_al` /
//    `editors_et_al` record a trailing "et al". Names followed by "eds."
//    ("Niederhuber JE, et al., eds.") are editors, not authors.
//  * `doi` is bare ("10.3390/ijms222111694": no "doi:" or https://doi.org/
//    prefix, no trailing punctuation); `pmid` is digits (from "PMID: 123" or a
//    PubMed URL); `url` is the first web address, absolute and without spaces
//    ("www.x.org" becomes "http://www.x.org"), a doi.org address included;
//    `accessed_date` is set only when a whole, real day is printed after
//    "Accessed", "Retrieved", "Last accessed", "cited" or "viewed"; `year` is 0
//    when no publication year is found.
//  * Stateless and thread-safe.
#ifndef HEALTHCONTENT_IMPORTERS_REFERENCE_PARSER_H_
#define HEALTHCONTENT_IMPORTERS_REFERENCE_PARSER_H_

#include <cstddef>

#include "absl/strings/string_view.h"
#include "healthcontent/v1/reference.pb.h"

namespace healthcontent::importers {

// Bytes of a citation that ParseCitation reads; the rest is kept only in
// `citation`. Real citations are well under 1 KB.
inline constexpr size_t kMaxParsedCitationBytes = 4096;

// Parses one citation. See the contract above.
v1::Reference ParseCitation(absl::string_view citation);

}  // namespace healthcontent::importers

#endif  // HEALTHCONTENT_IMPORTERS_REFERENCE_PARSER_H_
