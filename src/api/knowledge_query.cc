#include "api/knowledge_query.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "common/field_errors.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "domain/article_rules.h"
#include "domain/coding.h"
#include "domain/language.h"

namespace healthcontent::api {
namespace {

// Codes of systems not held are echoed, never looked up: this much is plenty
// for ICD-9-CM, NDC and CPT.
constexpr size_t kMaxNotHeldCodeLength = 64;

// A criterion after validation: its system, or none when it names a system
// that is not held.
struct ParsedCriterion {
  v1::Criterion criterion;  // system as URI, code normalized
  const domain::CodeSystemInfo* system = nullptr;
};

int Rank(v1::MatchType type) {
  switch (type) {
    case v1::MATCH_TYPE_EXACT:
      return 0;
    case v1::MATCH_TYPE_THERAPY_TYPE:
      return 1;
    default:
      return 2;
  }
}

// Validates the request; fills `parsed` (one per criterion) and `day`.
absl::Status ParseRequest(const v1::RetrieveKnowledgeRequest& request, absl::CivilDay today,
                          std::vector<ParsedCriterion>* parsed, absl::CivilDay* day,
                          int* max_results) {
  FieldViolations violations;
  if (request.criteria().empty()) {
    violations.Add("criteria", "needs at least one criterion (a coding: system and code)");
  } else if (request.criteria_size() > kMaxCriteria) {
    violations.Add("criteria", absl::StrCat("has ", request.criteria_size(),
                                            " criteria; the limit is ", kMaxCriteria));
  }
  for (int i = 0; i < request.criteria_size() && i < kMaxCriteria; ++i) {
    const v1::Criterion& in = request.criteria(i);
    const std::string at = absl::StrCat("criteria[", i, "]");
    ParsedCriterion& out = parsed->emplace_back();
    out.criterion = in;
    if (in.original_text().size() > static_cast<size_t>(kMaxOriginalTextLength)) {
      violations.Add(absl::StrCat(at, ".original_text"),
                     absl::StrCat("is ", in.original_text().size(), " bytes; the limit is ",
                                  kMaxOriginalTextLength, " bytes of UTF-8"));
    } else if (!domain::IsPlainText(in.original_text())) {
      violations.Add(absl::StrCat(at, ".original_text"),
                     "must be plain UTF-8 text without control characters");
    }
    if (in.coding().display().size() > static_cast<size_t>(domain::kMaxDisplayLength)) {
      violations.Add(absl::StrCat(at, ".coding.display"),
                     absl::StrCat("is ", in.coding().display().size(), " bytes; the limit is ",
                                  domain::kMaxDisplayLength, " bytes of UTF-8"));
    } else if (!domain::IsPlainText(in.coding().display())) {
      violations.Add(absl::StrCat(at, ".coding.display"),
                     "must be plain UTF-8 text without control characters");
    }
    const domain::CodeSystemInfo* system = domain::FindCodeSystem(in.coding().system());
    if (system == nullptr) {
      violations.Add(absl::StrCat(at, ".coding.system"),
                     in.coding().system().empty()
                         ? std::string("is required: a code system's URI, OID or short name "
                                       "(ICD10CM, SNOMEDCT, RXNORM, LOINC, MESH, NCIT)")
                         : absl::StrCat("\"", domain::ShownInMessage(in.coding().system()),
                                        "\" is not a known code system; use a URI, OID or "
                                        "short name of ICD-10-CM, SNOMED CT, RxNorm, LOINC, "
                                        "MeSH, NCI Thesaurus (or ICD-9-CM, NDC, CPT, which "
                                        "answer with nothing)"));
      continue;
    }
    out.criterion.mutable_coding()->set_system(std::string(system->uri));
    if (in.coding().code().empty()) {
      violations.Add(absl::StrCat(at, ".coding.code"), "is required");
      continue;
    }
    if (!system->held) {
      // Answered with no matches; the code is only echoed, so it only has
      // to be short plain text.
      if (in.coding().code().size() > kMaxNotHeldCodeLength ||
          !domain::IsPlainText(in.coding().code())) {
        violations.Add(absl::StrCat(at, ".coding.code"),
                       absl::StrCat("\"", domain::ShownInMessage(in.coding().code()),
                                    "\" is not a code: at most ", kMaxNotHeldCodeLength,
                                    " bytes of plain text"));
      }
      continue;
    }
    absl::StatusOr<std::string> code = domain::NormalizeCode(system->system, in.coding().code());
    if (!code.ok()) {
      violations.Add(absl::StrCat(at, ".coding.code"), code.status().message());
      continue;
    }
    out.criterion.mutable_coding()->set_code(*code);
    out.system = system;
  }
  if (!v1::Audience_IsValid(request.audience())) {
    violations.Add("audience", absl::StrCat(request.audience(), " is not an Audience value"));
  }
  {
    absl::Status languages =
        domain::ValidateLanguageCodes(request.language_codes(), "language_codes");
    google::rpc::BadRequest bad;
    GetBadRequest(languages, &bad);
    for (const auto& fv : bad.field_violations()) violations.Add(fv.field(), fv.description());
  }
  *day = today;
  if (request.has_as_of()) {
    absl::StatusOr<absl::CivilDay> as_of = FromProtoDate(request.as_of());
    if (as_of.ok()) {
      *day = *as_of;
    } else {
      violations.Add("as_of", as_of.status().message());
    }
  }
  *max_results = request.max_results() == 0 ? kDefaultKnowledgeResults : request.max_results();
  if (*max_results < 1 || *max_results > kMaxKnowledgeResults) {
    violations.Add("max_results",
                   absl::StrCat(request.max_results(), " is not in 1-", kMaxKnowledgeResults,
                                " (0 means ", kDefaultKnowledgeResults, ")"));
  }
  return violations.ToStatus();
}

// The display the revision (or one of its therapy types) gives the code, if
// any: informative, so the first found serves.
std::string DisplayOf(const v1::Article& article, const std::string& system,
                      const std::string& code) {
  auto find = [&](const google::protobuf::RepeatedPtrField<v1::Coding>& codings) {
    for (const v1::Coding& coding : codings) {
      if (coding.system() == system && coding.code() == code) return coding.display();
    }
    return std::string();
  };
  std::string display = find(article.codes());
  for (int i = 0; display.empty() && i < article.therapy_types_size(); ++i) {
    display = find(article.therapy_types(i).codes());
  }
  return display;
}

// The matches of one held criterion, unsorted and unfiltered: exact ones,
// then (ICD-10-CM) those of the nearest ancestor that has any.
absl::Status FindMatches(const storage::Dataset& data, const ParsedCriterion& parsed,
                         absl::CivilDay day, absl::CivilDay today, int due_soon_days,
                         const std::vector<std::string>& languages,
                         std::vector<v1::KnowledgeMatch>* out) {
  const std::string& system = parsed.criterion.coding().system();
  std::vector<std::string> codes = {parsed.criterion.coding().code()};
  if (parsed.system->system == domain::CodeSystem::kIcd10Cm) {
    for (std::string& ancestor : domain::Icd10CmAncestors(codes[0])) {
      codes.push_back(std::move(ancestor));
    }
  }
  std::vector<std::string> seen;
  for (size_t level = 0; level < codes.size(); ++level) {
    ASSIGN_OR_RETURN(std::vector<storage::KnowledgeStore::CodeMatch> found,
                     data.knowledge->FindByCode(system, codes[level], day));
    bool any = false;
    for (const storage::KnowledgeStore::CodeMatch& match : found) {
      // A translation inherits its source's codes: the reader's language
      // picks among the matched article and its translations.
      std::string slug = match.slug;
      if (!languages.empty()) {
        ASSIGN_OR_RETURN(storage::ArticleStore::LanguageChoice choice,
                         data.articles->ChooseLanguage(match.slug, day, languages,
                                                       /*allow_fallback=*/true));
        slug = std::move(choice.slug);
      }
      if (std::find(seen.begin(), seen.end(), slug) != seen.end()) continue;
      absl::StatusOr<v1::Article> article = data.articles->GetInForce(slug, day, today);
      if (absl::IsNotFound(article.status())) continue;  // withdrawn since the index was read
      RETURN_IF_ERROR(article.status());
      seen.push_back(slug);
      any = true;
      v1::KnowledgeMatch& m = out->emplace_back();
      m.set_article(article->name());
      m.set_title(article->title());
      m.set_summary(article->summary());
      m.set_revision_id(article->revision_id());
      *m.mutable_review_date() = article->review_date();
      ASSIGN_OR_RETURN(absl::CivilDay next_review, FromProtoDate(article->next_review_date()));
      m.set_review_status(domain::ComputeReviewStatus(next_review, today, due_soon_days));
      m.set_language_code(article->language_code());
      m.set_audience(article->audience());
      m.set_match_type(level > 0          ? v1::MATCH_TYPE_ANCESTOR
                       : match.on_article ? v1::MATCH_TYPE_EXACT
                                          : v1::MATCH_TYPE_THERAPY_TYPE);
      m.mutable_matched_coding()->set_system(system);
      m.mutable_matched_coding()->set_code(codes[level]);
      m.mutable_matched_coding()->set_display(DisplayOf(*article, system, codes[level]));
      if (!match.on_article) m.set_therapy_type(TherapyTypeName(match.therapy_type_slug));
    }
    // Ancestors are tried only up to the nearest one with content.
    if (level > 0 && any) break;
  }
  return absl::OkStatus();
}

// Keeps the matches in the first preferred language that has any; returns
// false (keeping all) when none has.
bool KeepPreferredLanguage(const google::protobuf::RepeatedPtrField<std::string>& preferred,
                           std::vector<v1::KnowledgeMatch>* matches) {
  for (const std::string& tag : preferred) {
    std::vector<v1::KnowledgeMatch> kept;
    for (const v1::KnowledgeMatch& m : *matches) {
      if (domain::LanguageMatches(tag, m.language_code())) kept.push_back(m);
    }
    if (!kept.empty()) {
      *matches = std::move(kept);
      return true;
    }
  }
  return false;
}

// Keeps the matches written for `audience`; returns false (keeping all)
// when there are none.
bool KeepAudience(v1::Audience audience, std::vector<v1::KnowledgeMatch>* matches) {
  std::vector<v1::KnowledgeMatch> kept;
  for (const v1::KnowledgeMatch& m : *matches) {
    if (m.audience() == audience) kept.push_back(m);
  }
  if (kept.empty()) return false;
  *matches = std::move(kept);
  return true;
}

}  // namespace

absl::Status RetrieveKnowledge(const storage::Dataset& data, absl::CivilDay today,
                               int due_soon_days, const v1::RetrieveKnowledgeRequest& request,
                               v1::RetrieveKnowledgeResponse* response) {
  std::vector<ParsedCriterion> parsed;
  absl::CivilDay day;
  int max_results = 0;
  RETURN_IF_ERROR(ParseRequest(request, today, &parsed, &day, &max_results));
  *response->mutable_as_of() = ToProtoDate(day);
  response->set_audience(request.audience() == v1::AUDIENCE_UNSPECIFIED ? v1::AUDIENCE_PATIENT
                                                                        : request.audience());
  const std::vector<std::string> languages(request.language_codes().begin(),
                                           request.language_codes().end());
  for (const ParsedCriterion& criterion : parsed) {
    v1::CriterionResult* result = response->add_results();
    *result->mutable_criterion() = criterion.criterion;
    if (criterion.system == nullptr) {
      result->set_system_not_held(true);
      continue;
    }
    std::vector<v1::KnowledgeMatch> matches;
    RETURN_IF_ERROR(FindMatches(data, criterion, day, today, due_soon_days, languages, &matches));
    if (!matches.empty() && !request.language_codes().empty()) {
      result->set_language_fallback(!KeepPreferredLanguage(request.language_codes(), &matches));
    }
    if (!matches.empty())
      result->set_audience_fallback(!KeepAudience(response->audience(), &matches));
    std::sort(matches.begin(), matches.end(),
              [](const v1::KnowledgeMatch& a, const v1::KnowledgeMatch& b) {
                if (Rank(a.match_type()) != Rank(b.match_type())) {
                  return Rank(a.match_type()) < Rank(b.match_type());
                }
                if (a.revision_id() != b.revision_id()) return a.revision_id() > b.revision_id();
                return a.article() < b.article();
              });
    if (static_cast<int>(matches.size()) > max_results) matches.resize(max_results);
    for (v1::KnowledgeMatch& m : matches) *result->add_matches() = std::move(m);
  }
  return absl::OkStatus();
}

absl::Status SetArticleCodes(const storage::Dataset& data, absl::Time now,
                             const v1::SetArticleCodesRequest& request,
                             v1::ArticleCoding* response) {
  FieldViolations violations;
  absl::StatusOr<std::string> slug = ParseArticleName(request.name(), "name");
  if (!slug.ok()) {
    google::rpc::BadRequest bad;
    GetBadRequest(slug.status(), &bad);
    for (const auto& v : bad.field_violations()) violations.Add(v.field(), v.description());
  }
  google::protobuf::RepeatedPtrField<v1::Coding> codes = request.codes();
  domain::NormalizeCodings(&codes, "codes", &violations);
  const absl::CivilDay today = UtcDay(now);
  absl::CivilDay effective = today;
  if (request.has_effective_date()) {
    absl::StatusOr<absl::CivilDay> day = FromProtoDate(request.effective_date());
    if (!day.ok()) {
      violations.Add("effective_date", day.status().message());
    } else if (*day < today) {
      violations.Add("effective_date", absl::StrCat(FormatIsoDate(*day),
                                                    " is in the past; a coding takes effect "
                                                    "today (",
                                                    FormatIsoDate(today),
                                                    ") or later, so lookups of "
                                                    "earlier days keep their answers"));
    } else {
      effective = *day;
    }
  }
  RETURN_IF_ERROR(violations.ToStatus());
  ASSIGN_OR_RETURN(*response, data.knowledge->SetArticleCodes(*slug, codes, effective, now));
  return absl::OkStatus();
}

absl::Status ListArticleCodings(const storage::Dataset& data,
                                const v1::ListArticleCodingsRequest& request,
                                v1::ListArticleCodingsResponse* response) {
  ASSIGN_OR_RETURN(std::string slug, ParseArticleName(request.parent(), "parent"));
  ASSIGN_OR_RETURN(std::vector<v1::ArticleCoding> codings, data.knowledge->ListCodings(slug));
  for (v1::ArticleCoding& coding : codings) *response->add_codings() = std::move(coding);
  return absl::OkStatus();
}

}  // namespace healthcontent::api
