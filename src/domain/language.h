// Choosing which language of an article to serve: the reader's preferred
// BCP-47 tags (like Accept-Language, most preferred first) against the
// languages an article and its translations are available in. Pure.
#ifndef HEALTHCONTENT_DOMAIN_LANGUAGE_H_
#define HEALTHCONTENT_DOMAIN_LANGUAGE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace healthcontent::domain {

// Most preferred languages a read may name.
inline constexpr int kMaxLanguageCodes = 10;

// The primary language subtag: "es" of "es-MX".
absl::string_view PrimaryLanguage(absl::string_view tag);

// A tag answers a preferred one when they are equal or share their primary
// language ("es" and "es-MX"), ignoring case.
bool LanguageMatches(absl::string_view preferred, absl::string_view tag);

// Checks a request's `language_codes`: at most kMaxLanguageCodes, each a
// BCP-47 tag (any case). InvalidArgument naming `field` or `field[i]`.
absl::Status ValidateLanguageCodes(const google::protobuf::RepeatedPtrField<std::string>& codes,
                                   absl::string_view field);

// The languages of an HTTP Accept-Language header (RFC 9110 12.5.4), most
// preferred first: by quality (q), ties in the header's order. Entries with
// q=0, "*" and malformed tags are left out; at most kMaxLanguageCodes.
std::vector<std::string> ParseAcceptLanguage(absl::string_view header);

// One article a reader could be served: the source or one of its
// translations, with its language on the day asked.
struct LanguageCandidate {
  std::string slug;
  std::string language_code;
  bool is_source = false;  // the article the others translate
};

struct LanguageChoice {
  size_t index = 0;       // into the candidates
  bool fallback = false;  // no preferred language was available
};

// The candidate to serve. For each preferred tag in order: a candidate in
// exactly that language, else the first in the same primary language, the
// bare primary ("es" for "es-MX") before regional ones. When no tag matches:
// the source with `fallback`, unless `allow_fallback` is false; nullopt when
// nothing can be served. Among equals, the earlier candidate wins.
std::optional<LanguageChoice> ChooseLanguage(absl::Span<const std::string> preferred,
                                             absl::Span<const LanguageCandidate> candidates,
                                             bool allow_fallback);

}  // namespace healthcontent::domain

#endif  // HEALTHCONTENT_DOMAIN_LANGUAGE_H_
