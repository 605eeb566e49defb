#include "domain/article_rules.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "common/field_errors.h"
#include "common/hash.h"
#include "common/resource_name.h"
#include "domain/coding.h"

namespace healthcontent::domain {
namespace {

bool IsHttpUrl(absl::string_view url) {
  std::string lower = absl::AsciiStrToLower(url.substr(0, 8));
  bool scheme_ok = absl::StartsWith(lower, "http://") || absl::StartsWith(lower, "https://");
  if (!scheme_ok) return false;
  size_t host_start = url.find("//") + 2;
  if (host_start >= url.size()) return false;
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == '"' || c == '<' || c == '>') return false;
  }
  return url.size() <= 2000;
}

bool HasControlCharacters(absl::string_view text) {
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\n' && c != '\t') return true;
  }
  return false;
}

// Every DOI starts "10.", a registrant code of digits and dots, a slash and a
// non-empty suffix without spaces.
bool IsValidDoi(absl::string_view doi) {
  if (!absl::StartsWith(doi, "10.") || doi.size() > 300) return false;
  size_t slash = doi.find('/');
  if (slash == absl::string_view::npos || slash < 4 || slash + 1 >= doi.size()) return false;
  for (size_t i = 3; i < slash; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(doi[i])) && doi[i] != '.') return false;
  }
  for (size_t i = slash + 1; i < doi.size(); ++i) {
    if (static_cast<unsigned char>(doi[i]) <= 0x20) return false;
  }
  return true;
}

}  // namespace

bool IsValidLanguageCode(absl::string_view code) {
  if (code.size() < 2 || code.size() > 35) return false;
  size_t dash = code.find('-');
  absl::string_view primary = code.substr(0, dash);
  if (primary.size() < 2 || primary.size() > 3) return false;
  for (char c : primary) {
    if (!absl::ascii_islower(static_cast<unsigned char>(c))) return false;
  }
  if (dash == absl::string_view::npos) return true;
  for (size_t i = dash; i < code.size(); ++i) {
    char c = code[i];
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  return code.back() != '-';
}

namespace {

class Checker {
 public:
  explicit Checker(const PublishLimits& limits) : limits_(limits) {}

  void Text(const std::string& field, absl::string_view text, size_t max, bool required) {
    if (text.empty()) {
      if (required) v_.Add(field, "is required");
      return;
    }
    if (text.size() > max) {
      v_.Add(field, absl::StrCat("is ", text.size(), " bytes; the limit is ", max));
    } else if (HasControlCharacters(text)) {
      v_.Add(field, "contains control characters");
    } else if (required && absl::StripAsciiWhitespace(text).empty()) {
      v_.Add(field, "is blank");
    }
  }

  void Spans(const std::string& field, const google::protobuf::RepeatedPtrField<v1::Span>& spans) {
    if (spans.empty()) {
      v_.Add(field, "needs at least one span of text");
      return;
    }
    for (int i = 0; i < spans.size(); ++i) {
      std::string f = absl::StrCat(field, "[", i, "]");
      Text(f + ".text", spans[i].text(), limits_.max_span, /*required=*/true);
      if (!spans[i].link_uri().empty() && !IsHttpUrl(spans[i].link_uri())) {
        v_.Add(f + ".link_uri", "must be an absolute http(s) URL");
      }
    }
  }

  void Blocks(const std::string& field,
              const google::protobuf::RepeatedPtrField<v1::Block>& blocks) {
    if (blocks.size() > limits_.max_blocks_per_section) {
      v_.Add(field, absl::StrCat("has ", blocks.size(), " blocks; the limit is ",
                                 limits_.max_blocks_per_section));
      return;
    }
    for (int i = 0; i < blocks.size(); ++i) {
      std::string f = absl::StrCat(field, "[", i, "]");
      const v1::Block& block = blocks[i];
      switch (block.kind_case()) {
        case v1::Block::kParagraph:
          Spans(f + ".paragraph.spans", block.paragraph().spans());
          break;
        case v1::Block::kBulletList: {
          const auto& items = block.bullet_list().items();
          if (items.empty()) v_.Add(f + ".bullet_list.items", "needs at least one item");
          if (items.size() > limits_.max_list_items) {
            v_.Add(f + ".bullet_list.items",
                   absl::StrCat("has ", items.size(), " items; the limit is ",
                                limits_.max_list_items));
            break;
          }
          for (int j = 0; j < items.size(); ++j) {
            Spans(absl::StrCat(f, ".bullet_list.items[", j, "].spans"), items[j].spans());
          }
          break;
        }
        case v1::Block::KIND_NOT_SET:
          v_.Add(f, "must set paragraph or bullet_list");
          break;
      }
    }
  }

  void Date(const std::string& field, const google::type::Date& date, bool required) {
    if (IsEmptyDate(date)) {
      if (required) v_.Add(field, "is required");
      return;
    }
    absl::StatusOr<absl::CivilDay> day = FromProtoDate(date);
    if (!day.ok()) v_.Add(field, day.status().message());
  }

  void Reference(const std::string& field, const v1::Reference& ref) {
    const size_t max = limits_.max_reference_field;
    if (ref.citation().empty() && ref.title().empty()) {
      v_.Add(field, "needs a citation or a title");
    }
    Text(field + ".citation", ref.citation(), 4 * max, false);
    Text(field + ".title", ref.title(), max, false);
    Text(field + ".container_title", ref.container_title(), max, false);
    Text(field + ".publisher", ref.publisher(), max, false);
    Text(field + ".edition", ref.edition(), 100, false);
    Text(field + ".volume", ref.volume(), 100, false);
    Text(field + ".issue", ref.issue(), 100, false);
    Text(field + ".pages", ref.pages(), 100, false);
    if (ref.authors_size() > 1000) v_.Add(field + ".authors", "has more than 1000 names");
    for (int i = 0; i < ref.authors_size() && i < 1000; ++i) {
      Text(absl::StrCat(field, ".authors[", i, "]"), ref.authors(i), 300, true);
    }
    if (ref.editors_size() > 1000) v_.Add(field + ".editors", "has more than 1000 names");
    for (int i = 0; i < ref.editors_size() && i < 1000; ++i) {
      Text(absl::StrCat(field, ".editors[", i, "]"), ref.editors(i), 300, true);
    }
    if (!ref.doi().empty() && !IsValidDoi(ref.doi())) {
      v_.Add(field + ".doi",
             "is not a DOI: expected \"10.<registrant>/<suffix>\" without a prefix or URL");
    }
    if (!ref.pmid().empty() &&
        (ref.pmid().size() > 10 || !std::all_of(ref.pmid().begin(), ref.pmid().end(), [](char c) {
           return absl::ascii_isdigit(static_cast<unsigned char>(c));
         }))) {
      v_.Add(field + ".pmid", "must be 1-10 digits");
    }
    if (!ref.url().empty() && !IsHttpUrl(ref.url())) {
      v_.Add(field + ".url", "must be an absolute http(s) URL");
    }
    if (ref.year() != 0 && (ref.year() < 1000 || ref.year() > 9999)) {
      v_.Add(field + ".year", absl::StrCat("must be a four-digit year or 0, got ", ref.year()));
    }
    Date(field + ".accessed_date", ref.accessed_date(), false);
  }

  FieldViolations& violations() { return v_; }

 private:
  const PublishLimits& limits_;
  FieldViolations v_;
};

}  // namespace

absl::Status ValidatePublishRequest(const v1::PublishArticleRevisionRequest& request,
                                    const PublishLimits& limits) {
  Checker c(limits);
  FieldViolations& v = c.violations();
  size_t total = request.ByteSizeLong();
  if (total > limits.max_total_bytes) {
    return InvalidFieldError(
        "article", absl::StrCat("is ", total, " bytes; the limit is ", limits.max_total_bytes));
  }
  if (!request.has_article()) return InvalidFieldError("article", "is required");
  const v1::Article& a = request.article();

  absl::StatusOr<std::string> slug = ParseArticleName(a.name(), "article.name");
  if (!slug.ok()) {
    google::rpc::BadRequest bad;
    GetBadRequest(slug.status(), &bad);
    for (const auto& fv : bad.field_violations()) v.Add(fv.field(), fv.description());
  }
  c.Text("article.title", a.title(), limits.max_title, /*required=*/true);
  c.Text("article.summary", a.summary(), limits.max_summary, false);
  c.Date("article.review_date", a.review_date(), /*required=*/true);
  c.Date("article.next_review_date", a.next_review_date(), false);
  if (!IsEmptyDate(a.review_date()) && !IsEmptyDate(a.next_review_date())) {
    auto review = FromProtoDate(a.review_date());
    auto next = FromProtoDate(a.next_review_date());
    if (review.ok() && next.ok() && *next <= *review) {
      v.Add("article.next_review_date", "must be after article.review_date");
    }
  }
  c.Text("article.publisher", a.publisher(), 200, false);
  c.Text("article.license", a.license(), 2000, false);
  if (!a.language_code().empty() && !IsValidLanguageCode(a.language_code())) {
    v.Add("article.language_code", absl::StrCat("is not a BCP-47 language code like \"en\" or "
                                                "\"en-GB\""));
  }
  if (!a.source_url().empty() && !IsHttpUrl(a.source_url())) {
    v.Add("article.source_url", "must be an absolute http(s) URL");
  }
  if (!v1::Audience_IsValid(a.audience())) {
    v.Add("article.audience", absl::StrCat(a.audience(), " is not an Audience value"));
  }
  if (!a.audience_counterpart().empty()) {
    absl::StatusOr<std::string> counterpart =
        ParseArticleName(a.audience_counterpart(), "article.audience_counterpart");
    if (!counterpart.ok()) {
      v.Add("article.audience_counterpart", "must look like \"articles/{slug}\"");
    } else if (slug.ok() && *counterpart == *slug) {
      v.Add("article.audience_counterpart", "names the article itself");
    }
  }
  if (a.has_translation_of()) {
    const v1::TranslationSource& source = a.translation_of();
    absl::StatusOr<std::string> source_slug =
        ParseArticleName(source.article(), "article.translation_of.article");
    if (!source_slug.ok()) {
      v.Add("article.translation_of.article", "must look like \"articles/{slug}\"");
    } else if (slug.ok() && *source_slug == *slug) {
      v.Add("article.translation_of.article", "names the article itself");
    }
    if (source.revision_id().empty()) {
      v.Add("article.translation_of.revision_id",
            "is required: the source revision translated, YYYY-MM-DD");
    } else if (!ParseIsoDate(source.revision_id()).ok()) {
      v.Add("article.translation_of.revision_id",
            absl::StrCat("\"", ShownInMessage(source.revision_id()),
                         "\" is not a revision id (YYYY-MM-DD)"));
    }
    if (a.language_code().empty()) {
      v.Add("article.language_code", "is required for a translation (article.translation_of)");
    }
  }
  if (a.also_called_size() > limits.max_also_called) {
    v.Add("article.also_called", absl::StrCat("has ", a.also_called_size(),
                                              " entries; the limit is ", limits.max_also_called));
  } else {
    for (int i = 0; i < a.also_called_size(); ++i) {
      c.Text(absl::StrCat("article.also_called[", i, "]"), a.also_called(i), limits.max_title,
             /*required=*/true);
    }
  }
  if (a.lead().empty() && a.sections().empty()) {
    v.Add("article.sections", "the article has no text: give lead blocks or sections");
  }
  c.Blocks("article.lead", a.lead());
  if (a.sections_size() > limits.max_sections) {
    v.Add("article.sections",
          absl::StrCat("has ", a.sections_size(), " sections; the limit is ", limits.max_sections));
  } else {
    for (int i = 0; i < a.sections_size(); ++i) {
      std::string f = absl::StrCat("article.sections[", i, "]");
      c.Text(f + ".heading", a.sections(i).heading(), limits.max_heading, /*required=*/true);
      if (a.sections(i).blocks().empty()) v.Add(f + ".blocks", "a section needs content");
      c.Blocks(f + ".blocks", a.sections(i).blocks());
    }
  }
  if (a.therapy_types_size() > limits.max_therapy_types) {
    v.Add("article.therapy_types",
          absl::StrCat("has ", a.therapy_types_size(), " entries; the limit is ",
                       limits.max_therapy_types));
  } else {
    absl::flat_hash_set<std::string> seen;
    for (int i = 0; i < a.therapy_types_size(); ++i) {
      std::string f = absl::StrCat("article.therapy_types[", i, "].name");
      absl::StatusOr<std::string> tt = ParseTherapyTypeName(a.therapy_types(i).name(), f);
      if (!tt.ok()) {
        v.Add(f, "must look like \"therapyTypes/{slug}\"");
      } else if (!seen.insert(*tt).second) {
        v.Add(f, absl::StrCat("lists ", a.therapy_types(i).name(), " a second time"));
      }
    }
  }
  {
    // Checked on a copy: the store normalizes the request's own codes.
    google::protobuf::RepeatedPtrField<v1::Coding> codes = a.codes();
    NormalizeCodings(&codes, "article.codes", &v);
  }
  if (a.references_size() > limits.max_references) {
    v.Add("article.references", absl::StrCat("has ", a.references_size(), " entries; the limit is ",
                                             limits.max_references));
  } else {
    for (int i = 0; i < a.references_size(); ++i) {
      c.Reference(absl::StrCat("article.references[", i, "]"), a.references(i));
    }
  }
  if (request.change_type() == v1::CHANGE_TYPE_UNSPECIFIED) {
    v.Add("change_type", "is required: CHANGE_TYPE_CLINICAL_REVIEW or CHANGE_TYPE_EDITORIAL");
  } else if (!v1::ChangeType_IsValid(request.change_type())) {
    v.Add("change_type", absl::StrCat("has unknown value ", request.change_type()));
  }
  c.Text("change_summary", request.change_summary(), limits.max_change_summary, false);
  if (request.request_id().size() > limits.max_request_id) {
    v.Add("request_id", absl::StrCat("is longer than ", limits.max_request_id, " characters"));
  } else {
    for (char ch : request.request_id()) {
      if (static_cast<unsigned char>(ch) <= 0x20 || static_cast<unsigned char>(ch) >= 0x7f) {
        v.Add("request_id", "must be printable ASCII without spaces");
        break;
      }
    }
  }
  return v.ToStatus();
}

absl::Status ValidateUpsertTherapyType(const v1::UpsertTherapyTypeRequest& request) {
  if (!request.has_therapy_type()) return InvalidFieldError("therapy_type", "is required");
  PublishLimits limits;
  Checker c(limits);
  FieldViolations& v = c.violations();
  const v1::TherapyType& t = request.therapy_type();
  absl::StatusOr<std::string> slug = ParseTherapyTypeName(t.name(), "therapy_type.name");
  if (!slug.ok()) {
    google::rpc::BadRequest bad;
    GetBadRequest(slug.status(), &bad);
    for (const auto& fv : bad.field_violations()) v.Add(fv.field(), fv.description());
  }
  c.Text("therapy_type.display_name", t.display_name(), 200, /*required=*/true);
  if (t.aliases_size() > 20) v.Add("therapy_type.aliases", "has more than 20 entries");
  for (int i = 0; i < t.aliases_size() && i < 20; ++i) {
    c.Text(absl::StrCat("therapy_type.aliases[", i, "]"), t.aliases(i), 200, true);
  }
  c.Text("therapy_type.description", t.description(), 2000, false);
  google::protobuf::RepeatedPtrField<v1::Coding> codes = t.codes();
  NormalizeCodings(&codes, "therapy_type.codes", &v);
  return v.ToStatus();
}

std::string NormalizeUrl(const std::string& url) {
  std::string out = url;
  size_t hash = out.find('#');
  if (hash != std::string::npos) out.resize(hash);
  size_t scheme_end = out.find("://");
  if (scheme_end == std::string::npos) return out;
  size_t host_end = out.find('/', scheme_end + 3);
  if (host_end == std::string::npos) host_end = out.size();
  std::string head = absl::AsciiStrToLower(out.substr(0, host_end));
  std::string rest = out.substr(host_end);
  if (absl::EndsWith(head, ":443") && absl::StartsWith(head, "https://"))
    head.resize(head.size() - 4);
  if (absl::EndsWith(head, ":80") && absl::StartsWith(head, "http://"))
    head.resize(head.size() - 3);
  // http and https name the same work.
  if (absl::StartsWith(head, "http://")) head = "https://" + head.substr(7);
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  return head + rest;
}

std::string ReferenceMatchKey(const v1::Reference& reference) {
  if (!reference.doi().empty()) return "doi:" + absl::AsciiStrToLower(reference.doi());
  if (!reference.pmid().empty()) return "pmid:" + reference.pmid();
  if (!reference.url().empty()) return "url:" + NormalizeUrl(reference.url());
  std::string text = reference.citation().empty() ? reference.title() : reference.citation();
  return "text:" + text;
}

std::string ReferenceIdForKey(const std::string& match_key) {
  return Sha256Hex(match_key).substr(0, 16);
}

std::string PublishContentHash(const v1::PublishArticleRevisionRequest& request) {
  // The change summary is commentary, not content: a republish may reword it.
  v1::PublishArticleRevisionRequest normalized =
      ToPublishRequest(request.article(), request.change_type(), "");
  return Sha256Hex(normalized.SerializeAsString());
}

std::string ComputeEtag(const v1::Article& article) {
  v1::Article copy = article;
  copy.clear_etag();
  copy.clear_publish_time();
  copy.clear_not_modified();
  copy.clear_scheduled();
  copy.clear_translation_status();
  copy.clear_language_fallback();
  return Sha256Hex(copy.SerializeAsString()).substr(0, 20);
}

absl::CivilDay DefaultNextReviewDate(absl::CivilDay review_date, int years) {
  absl::CivilYear year(review_date.year() + years);
  absl::CivilDay candidate(year.year(), review_date.month(), review_date.day());
  // 29 February in a non-leap year rolls over to 1 March; keep it in February.
  if (candidate.month() != review_date.month()) {
    candidate = absl::CivilDay(year.year(), review_date.month(), 28);
  }
  return candidate;
}

std::string ArticleBodyText(const v1::Article& article) {
  std::string out;
  auto add_spans = [&](const google::protobuf::RepeatedPtrField<v1::Span>& spans) {
    for (const auto& span : spans) out += span.text();
    out += '\n';
  };
  auto add_blocks = [&](const google::protobuf::RepeatedPtrField<v1::Block>& blocks) {
    for (const auto& block : blocks) {
      if (block.has_paragraph()) add_spans(block.paragraph().spans());
      for (const auto& item : block.bullet_list().items()) add_spans(item.spans());
    }
  };
  add_blocks(article.lead());
  for (const auto& section : article.sections()) {
    out += section.heading();
    out += '\n';
    add_blocks(section.blocks());
  }
  return out;
}

v1::Article::ReviewStatus ComputeReviewStatus(absl::CivilDay next_review, absl::CivilDay today,
                                              int due_soon_days) {
  if (next_review < today) return v1::Article::OVERDUE;
  if (next_review <= today + due_soon_days) return v1::Article::DUE_SOON;
  return v1::Article::CURRENT;
}

v1::PublishArticleRevisionRequest ToPublishRequest(v1::Article article, v1::ChangeType change_type,
                                                   std::string change_summary) {
  article.clear_revision_id();
  article.clear_etag();
  article.clear_publish_time();
  article.clear_scheduled();
  article.clear_not_modified();
  article.clear_review_status();
  article.clear_translation_status();
  article.clear_language_fallback();
  article.clear_readability();
  // The stored default: a publish that leaves the audience out and one that
  // spells out AUDIENCE_PATIENT are the same revision.
  if (article.audience() == v1::AUDIENCE_PATIENT) article.clear_audience();
  for (v1::TherapyType& tt : *article.mutable_therapy_types()) {
    std::string name = tt.name();
    tt.Clear();
    tt.set_name(std::move(name));
  }
  for (v1::Reference& ref : *article.mutable_references()) ref.clear_name();
  v1::PublishArticleRevisionRequest request;
  *request.mutable_article() = std::move(article);
  request.set_change_type(change_type);
  request.set_change_summary(std::move(change_summary));
  return request;
}

void DropDefaultNextReviewDate(int years, v1::Article* article) {
  absl::StatusOr<absl::CivilDay> review = FromProtoDate(article->review_date());
  absl::StatusOr<absl::CivilDay> next = FromProtoDate(article->next_review_date());
  if (review.ok() && next.ok() && *next == DefaultNextReviewDate(*review, years)) {
    article->clear_next_review_date();
  }
}

void ApplyBasicView(v1::Article* article) {
  article->clear_lead();
  article->clear_sections();
  article->clear_references();
}

void ReduceToNotModified(v1::Article* article) {
  v1::Article reduced;
  reduced.set_name(article->name());
  reduced.set_revision_id(article->revision_id());
  *reduced.mutable_review_date() = article->review_date();
  reduced.set_etag(article->etag());
  reduced.set_not_modified(true);
  *article = std::move(reduced);
}

}  // namespace healthcontent::domain
