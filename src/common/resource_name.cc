#include "common/resource_name.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/date.h"
#include "common/field_errors.h"
#include "common/status_macros.h"

namespace healthcontent {
namespace {

// Quotes a user-supplied value for an error message, cut to a readable length
// so that a hostile megabyte-long name does not come back in the error.
std::string Quote(absl::string_view value) {
  constexpr size_t kMaxShown = 120;
  if (value.size() <= kMaxShown) return absl::StrCat("\"", value, "\"");
  return absl::StrCat("\"", value.substr(0, kMaxShown), "...\" (", value.size(), " bytes)");
}

absl::StatusOr<std::string> ParseSimpleName(absl::string_view name, absl::string_view field,
                                            absl::string_view collection) {
  if (name.empty()) {
    return InvalidFieldError(field, absl::StrCat("is required, e.g. \"", collection, "/example\""));
  }
  std::string prefix = absl::StrCat(collection, "/");
  if (!absl::StartsWith(name, prefix)) {
    return InvalidFieldError(
        field, absl::StrCat("must look like \"", collection, "/{id}\", got ", Quote(name)));
  }
  absl::string_view id = name.substr(prefix.size());
  if (!IsValidSlug(id)) {
    return InvalidFieldError(field, absl::StrCat(Quote(name), ": the id after \"", prefix,
                                                 "\" must be 1-100 characters of a-z, 0-9 and '-', "
                                                 "not starting or ending with '-'"));
  }
  return std::string(id);
}

}  // namespace

bool IsValidSlug(absl::string_view slug) {
  if (slug.empty() || slug.size() > kMaxSlugLength) return false;
  if (slug.front() == '-' || slug.back() == '-') return false;
  for (char c : slug) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

absl::StatusOr<std::string> ParseArticleName(absl::string_view name, absl::string_view field) {
  return ParseSimpleName(name, field, "articles");
}

absl::StatusOr<RevisionName> ParseRevisionName(absl::string_view name, absl::string_view field) {
  if (name.empty()) {
    return InvalidFieldError(field, "is required, e.g. \"articles/example/revisions/2023-05-19\"");
  }
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "articles" || parts[2] != "revisions") {
    return InvalidFieldError(
        field, absl::StrCat("must look like \"articles/{slug}/revisions/{YYYY-MM-DD}\", got ",
                            Quote(name)));
  }
  RevisionName out;
  ASSIGN_OR_RETURN(out.article_slug, ParseArticleName(absl::StrCat("articles/", parts[1]), field));
  absl::StatusOr<absl::CivilDay> day = ParseIsoDate(parts[3]);
  if (!day.ok()) {
    return InvalidFieldError(
        field, absl::StrCat(Quote(name), ": the revision id ", day.status().message()));
  }
  out.review_date = *day;
  return out;
}

absl::StatusOr<std::string> ParseTherapyTypeName(absl::string_view name, absl::string_view field) {
  return ParseSimpleName(name, field, "therapyTypes");
}

absl::StatusOr<std::string> ParseReferenceName(absl::string_view name, absl::string_view field) {
  return ParseSimpleName(name, field, "references");
}

std::string ArticleName(absl::string_view slug) { return absl::StrCat("articles/", slug); }

std::string RevisionResourceName(absl::string_view slug, absl::CivilDay review_date) {
  return absl::StrCat("articles/", slug, "/revisions/", FormatIsoDate(review_date));
}

std::string TherapyTypeName(absl::string_view slug) { return absl::StrCat("therapyTypes/", slug); }

std::string ReferenceName(absl::string_view id) { return absl::StrCat("references/", id); }

}  // namespace healthcontent
