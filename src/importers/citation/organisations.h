// Organisations as authors: "American Cancer Society", "U.S. Preventive
// Services Task Force", "The ATAC Trialists' Group", whether they start the
// citation (a group author) or stand as a part of their own after the title.
//
// Contract: LooksLikeOrganisation is a test on title-case words ending with
// (or, with `anywhere`, holding) an organisation word such as "Society",
// "Group" or "Task Force"; GroupAuthorEnd returns npos when the first part of
// the text is not such a name. Pure functions, thread-safe.
#ifndef HEALTHCONTENT_IMPORTERS_CITATION_ORGANISATIONS_H_
#define HEALTHCONTENT_IMPORTERS_CITATION_ORGANISATIONS_H_

#include <cstddef>

#include "absl/strings/string_view.h"
#include "importers/citation/code_points.h"

namespace healthcontent::importers::citation {

// An organisation's name: at most 14 title-case words (small words such as
// "of", "for", "the" allowed, no digits) ending with a word such as
// "Society", "Group", "Task Force" ("U.S. Preventive Services Task Force",
// "The ATAC Trialists' Group"); a bracket at the end is ignored. With
// `anywhere`, up to 30 words, numbers and brackets among them, and the word
// may stand anywhere ("National Collaborating Centre for Cancer (UK)").
bool LooksLikeOrganisation(absl::string_view name, bool anywhere = false);

// End of a group author that starts the citation, ended by ":" (NLM) or a
// sentence stop (AMA): "American Cancer Society: Cancer Facts and Figures
// 2018." Returns npos when the first part is not an organisation's name.
// With ":" (NLM) the part may hold several names and an organisation word
// anywhere ("Collaborative Group on Hormonal Factors in Breast Cancer:",
// "Breast Cancer Family Registry, Ontario Cancer Genetics Network (Canada):").
size_t GroupAuthorEnd(absl::string_view s, size_t p, bool* colon);

}  // namespace healthcontent::importers::citation

#endif  // HEALTHCONTENT_IMPORTERS_CITATION_ORGANISATIONS_H_
