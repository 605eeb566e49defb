// Segments: the parts of a citation between sentence-ending full stops (and
// "?", "!", cut marks, and the bracket that closes an NLM translated title).
// A stop after an initial ("J. Smith"), an ordinal ("5th.") or a known
// abbreviation ("Proc.", "Vol.", "J Natl Cancer Inst") does not end one.
//
// Contract: SplitSegments returns the non-empty parts in order, each as a
// byte range [b, e) of its argument, trimmed with TrimField; the text between
// two ranges is separators only. Pure functions, thread-safe.
#ifndef HEALTHCONTENT_IMPORTERS_CITATION_SEGMENTS_H_
#define HEALTHCONTENT_IMPORTERS_CITATION_SEGMENTS_H_

#include <cstddef>
#include <vector>

#include "absl/strings/string_view.h"

namespace healthcontent::importers::citation {

// True when the "." at i ends a sentence: followed by a space and a
// capital, digit, quote or bracket, and not the stop of an initial or a
// known abbreviation.
bool SentenceEndsAt(absl::string_view r, size_t i);

// One segment: the bytes [b, e) of the text SplitSegments was given.
struct Seg {
  size_t b = 0, e = 0;  // [b, e) of the body text, trimmed
};

// The segments of r in order (see above); empty pieces are left out.
std::vector<Seg> SplitSegments(absl::string_view r);

}  // namespace healthcontent::importers::citation

#endif  // HEALTHCONTENT_IMPORTERS_CITATION_SEGMENTS_H_
