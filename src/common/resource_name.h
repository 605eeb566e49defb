// Parsing and formatting of the service's resource names (AIP-122).
//
//   articles/{slug}
//   articles/{slug}/revisions/{YYYY-MM-DD}
//   therapyTypes/{slug}
//   references/{id}
//
// A slug or id is 1-100 characters of [a-z0-9-], neither starting nor ending
// with '-'. Parse functions return InvalidArgument with a message naming the
// field (passed by the caller) and what is wrong; they never touch storage.
#ifndef HEALTHCONTENT_COMMON_RESOURCE_NAME_H_
#define HEALTHCONTENT_COMMON_RESOURCE_NAME_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace healthcontent {

inline constexpr int kMaxSlugLength = 100;

// True when `slug` is a valid slug as described above.
bool IsValidSlug(absl::string_view slug);

// "articles/{slug}" -> slug.
absl::StatusOr<std::string> ParseArticleName(absl::string_view name, absl::string_view field);

struct RevisionName {
  std::string article_slug;
  absl::CivilDay review_date;
};

// "articles/{slug}/revisions/{YYYY-MM-DD}" -> {slug, date}. The date must be a
// real calendar day.
absl::StatusOr<RevisionName> ParseRevisionName(absl::string_view name, absl::string_view field);

// "therapyTypes/{slug}" -> slug.
absl::StatusOr<std::string> ParseTherapyTypeName(absl::string_view name, absl::string_view field);

// "references/{id}" -> id.
absl::StatusOr<std::string> ParseReferenceName(absl::string_view name, absl::string_view field);

std::string ArticleName(absl::string_view slug);
std::string RevisionResourceName(absl::string_view slug, absl::CivilDay review_date);
std::string TherapyTypeName(absl::string_view slug);
std::string ReferenceName(absl::string_view id);

}  // namespace healthcontent

#endif  // HEALTHCONTENT_COMMON_RESOURCE_NAME_H_
