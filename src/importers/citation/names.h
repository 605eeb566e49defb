// Personal names as citations print them, one at a time and as the list that
// starts a citation (or follows "In:"): family name then initials ("Papiez
// MA"), inverted ("Romero, C.", "Davis, Natalie Zemon") and given names first
// ("S. E. Han", "Larry D. Wittie"), with particles, suffixes ("Jr"), "et al"
// and an editor marker ("eds.", "(Hrsg.)").
//
// Contract: functions return the end of what they read (a byte offset into
// the text) or npos / an empty result when there is none; names are views
// into the text, as printed, untrimmed. Scans are bounded (a name has at most
// a few words, a list at most 1000 entries). Pure functions, thread-safe.
#ifndef HEALTHCONTENT_IMPORTERS_CITATION_NAMES_H_
#define HEALTHCONTENT_IMPORTERS_CITATION_NAMES_H_

#include <cstddef>
#include <vector>

#include "absl/strings/string_view.h"
#include "importers/citation/code_points.h"

namespace healthcontent::importers::citation {

// A lower-case name particle: "van", "de", "della", "al", "y".
bool IsParticle(absl::string_view w);

// Words that start titles, not names.
bool IsStopWord(absl::string_view w);

// A capitalised word of two or more letters at i ("Papiez", "O'Connor",
// "KENNEDY", "Pérez-Higueras"); its end or npos.
size_t CapWordEnd(absl::string_view s, size_t i);

// "J.", "J.A.", "J. A.", "J.-P.", "J-L.", "Th." at i; the end (after the last ".") or npos.
size_t DottedInitialsEnd(absl::string_view s, size_t i);

// One name read at a position: `end` is npos when there is none; `dot`
// when it ends with the stop of an initial ("Romero, C.").
struct NameMatch {
  size_t end = npos;
  bool dot = false;
};

// True when the word at i starts titles rather than names (IsStopWord),
// unless it is a single initial ("A.").
bool FirstWordIsStop(absl::string_view s, size_t i);

// Family name then initials: "Papiez MA", "de la Macorra JC", "Fraumeni JF
// Jr", "KENNEDY E.G.".
NameMatch TryFamilyInitials(absl::string_view s, size_t i);

// The three printed forms of a personal name.
enum class NameForm { kNone, kFamilyInitials, kInverted, kGivenFirst };

// ", eds." "(Eds.)" " ed.:" "(Hrsg.)" after a list of names; its end or npos.
size_t EditorMarkerEnd(absl::string_view s, size_t i);

// The names ReadNames found, as printed (untrimmed views into its text).
struct NameList {
  std::vector<absl::string_view> names;
  bool et_al = false;
  bool editors = false;
  bool joined_by_and = false;        // "X and Y", "X & Y"
  NameForm style = NameForm::kNone;  // the form of the first name
  size_t end = 0;                    // just after the last name, "et al" or editor marker
};

// Reads the names that start a citation (or follow "In:"), in whichever of
// the three printed forms the first name uses; later names may switch form
// ("Lee, L. L., W. E. Howard, and R. E. Marsh").
NameList ReadNames(absl::string_view s, size_t i);

}  // namespace healthcontent::importers::citation

#endif  // HEALTHCONTENT_IMPORTERS_CITATION_NAMES_H_
