#include "domain/language.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/field_errors.h"
#include "domain/article_rules.h"
#include "domain/coding.h"

namespace healthcontent::domain {

absl::string_view PrimaryLanguage(absl::string_view tag) { return tag.substr(0, tag.find('-')); }

bool LanguageMatches(absl::string_view preferred, absl::string_view tag) {
  return absl::EqualsIgnoreCase(preferred, tag) ||
         absl::EqualsIgnoreCase(PrimaryLanguage(preferred), PrimaryLanguage(tag));
}

absl::Status ValidateLanguageCodes(const google::protobuf::RepeatedPtrField<std::string>& codes,
                                   absl::string_view field) {
  FieldViolations violations;
  if (codes.size() > kMaxLanguageCodes) {
    violations.Add(std::string(field), absl::StrCat("has ", codes.size(), " entries; the limit is ",
                                                    kMaxLanguageCodes));
  }
  for (int i = 0; i < codes.size() && i < kMaxLanguageCodes; ++i) {
    if (!IsValidLanguageCode(absl::AsciiStrToLower(codes[i]))) {
      violations.Add(absl::StrCat(field, "[", i, "]"),
                     absl::StrCat("\"", ShownInMessage(codes[i]),
                                  "\" is not a BCP-47 language tag like \"es\" or \"en-US\""));
    }
  }
  return violations.ToStatus();
}

std::vector<std::string> ParseAcceptLanguage(absl::string_view header) {
  struct Entry {
    std::string tag;
    double quality;
  };
  std::vector<Entry> entries;
  for (absl::string_view item : absl::StrSplit(header.substr(0, 4096), ',')) {
    std::vector<absl::string_view> parts = absl::StrSplit(item, ';');
    const std::string tag = absl::AsciiStrToLower(absl::StripAsciiWhitespace(parts[0]));
    double quality = 1;
    for (size_t i = 1; i < parts.size(); ++i) {
      absl::string_view parameter = absl::StripAsciiWhitespace(parts[i]);
      if (absl::ConsumePrefix(&parameter, "q=") &&
          (!absl::SimpleAtod(parameter, &quality) || quality < 0 || quality > 1)) {
        quality = 0;  // a malformed weight: leave the entry out
      }
    }
    if (quality <= 0 || !IsValidLanguageCode(tag)) continue;
    entries.push_back({tag, quality});
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.quality > b.quality; });
  std::vector<std::string> tags;
  for (Entry& entry : entries) {
    if (static_cast<int>(tags.size()) == kMaxLanguageCodes) break;
    tags.push_back(std::move(entry.tag));
  }
  return tags;
}

std::optional<LanguageChoice> ChooseLanguage(absl::Span<const std::string> preferred,
                                             absl::Span<const LanguageCandidate> candidates,
                                             bool allow_fallback) {
  for (const std::string& tag : preferred) {
    for (size_t i = 0; i < candidates.size(); ++i) {
      if (absl::EqualsIgnoreCase(tag, candidates[i].language_code)) return LanguageChoice{i};
    }
    const absl::string_view primary = PrimaryLanguage(tag);
    for (size_t i = 0; i < candidates.size(); ++i) {
      if (absl::EqualsIgnoreCase(primary, candidates[i].language_code)) return LanguageChoice{i};
    }
    for (size_t i = 0; i < candidates.size(); ++i) {
      if (LanguageMatches(tag, candidates[i].language_code)) return LanguageChoice{i};
    }
  }
  if (!allow_fallback) return std::nullopt;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (candidates[i].is_source) return LanguageChoice{i, /*fallback=*/true};
  }
  return std::nullopt;
}

}  // namespace healthcontent::domain
