// Text primitives of the citation parser: making the input valid UTF-8,
// cleaning it into the one form every later step reads, the cut mark that
// extracted spans leave behind, and small scans over words, spaces and
// digits.
//
// Contract: positions are byte offsets; a scan that finds nothing returns the
// position it started from (SkipSpaces, WordEnd, ReadNumber) or npos
// (FindIgnoreCase), as each says. Views returned point into the argument.
// Pure functions, thread-safe.
#ifndef HEALTHCONTENT_IMPORTERS_CITATION_TEXT_H_
#define HEALTHCONTENT_IMPORTERS_CITATION_TEXT_H_

#include <cstddef>
#include <initializer_list>
#include <string>

#include "absl/strings/string_view.h"
#include "importers/citation/code_points.h"

namespace healthcontent::importers::citation {

// A span taken out of the text (a URL, a DOI, an access note, an edition)
// leaves this byte behind: a hard boundary between parts of the citation.
// Clean() turns any such byte in the input into a space.
inline constexpr char kCut = '\x1f';

// Limits of the publish validation (domain/article_rules.cc); a longer value
// would make the reference unpublishable, so it is left out instead.
inline constexpr size_t kMaxNameBytes = 300;
inline constexpr size_t kMaxTextBytes = 2000;
inline constexpr size_t kMaxShortBytes = 100;
inline constexpr size_t kMaxUrlBytes = 2000;

// `in` with every byte that is not part of a valid UTF-8 sequence replaced
// by U+FFFD (overlong forms, surrogates and values past U+10FFFF are not
// valid); valid text comes back unchanged.
std::string ValidUtf8(absl::string_view in);

// The first kMaxParsedCitationBytes of `in` (valid UTF-8; cut back to a code
// point boundary) with inline markup ("<i>", "</b>") dropped, TeX quotes
// (``Title,'') made curly, every kind of space and control character (kCut
// included) made one ASCII space, invisible characters dropped, no space before
// "," or ";" and none at either end.
std::string Clean(absl::string_view in);

// `lit` at byte i of s, ignoring ASCII case; false when i is past the end.
bool StartsWithAt(absl::string_view s, size_t i, absl::string_view lit);

// Position of `needle` in `hay`, ignoring ASCII case; npos when absent.
size_t FindIgnoreCase(absl::string_view hay, absl::string_view needle);

// `lit` at i, case-insensitively, not followed by a letter.
bool WordAt(absl::string_view s, size_t i, absl::string_view lit);

// First position at or after i that is not an ASCII space (s.size() at most).
size_t SkipSpaces(absl::string_view s, size_t i);

// First position at or after i whose byte is not one of `chars`.
size_t SkipChars(absl::string_view s, size_t i, absl::string_view chars);

// End of the word at i: letters, with inner apostrophes and hyphens.
size_t WordEnd(absl::string_view s, size_t i);

// True when s holds an ASCII digit.
bool ContainsDigit(absl::string_view s);

// True when `word` equals one of `list` exactly (case matters).
bool IsOneOf(absl::string_view word, std::initializer_list<absl::string_view> list);

// Strips spaces, cut marks and the punctuation that separates parts of a
// citation from both ends, and a bracket left without its partner.
absl::string_view TrimField(absl::string_view v);

// Reads up to `max` ASCII digits at i; returns the end (i when none).
size_t ReadNumber(absl::string_view s, size_t i, size_t max, int* value);

// Replaces the bytes [begin, end) of *t with one kCut.
void Cut(std::string* t, size_t begin, size_t end);

}  // namespace healthcontent::importers::citation

#endif  // HEALTHCONTENT_IMPORTERS_CITATION_TEXT_H_
