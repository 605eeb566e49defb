// Slugs made from text, for the importers: an article's slug from its title
// or URL path, a therapy type's slug from the name an article lists.
#ifndef HEALTHCONTENT_IMPORTERS_SLUG_H_
#define HEALTHCONTENT_IMPORTERS_SLUG_H_

#include <string>

#include "absl/strings/string_view.h"

namespace healthcontent::importers {

// Lower-cases ASCII letters, folds accented Latin-1 letters to their base
// letter ("Guérin" -> "guerin"), drops apostrophes ("Crohn's" -> "crohns")
// and turns every other run of characters that are not [a-z0-9] into one
// '-'. The result is cut to kMaxSlugLength at a '-' boundary where possible
// and never starts or ends with '-'. Empty when `text` has no letter or digit.
std::string SlugFromText(absl::string_view text);

// The slug of a therapy type as data/therapy-types/ names it: SlugFromText of
// the name after one rewrite. An expansion followed by its parenthesised
// abbreviation is replaced by the abbreviation, when the initials of the words
// just before "(ABBR)" spell it (hyphens split words; a trailing lower-case
// plural "s" is allowed):
//   "Chimeric antigen receptor (CAR) T-cell therapy" -> "car-t-cell-therapy"
// Any other parenthesised text is kept ("Cancer vaccines (preventive)" ->
// "cancer-vaccines-preventive").
std::string TherapyTypeSlug(absl::string_view name);

}  // namespace healthcontent::importers

#endif  // HEALTHCONTENT_IMPORTERS_SLUG_H_
