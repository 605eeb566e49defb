#include "importers/nhs_importer.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "common/field_errors.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "common/utf8.h"
#include "domain/article_rules.h"
#include "domain/coding.h"
#include "importers/html_blocks.h"
#include "importers/slug.h"
#include "nlohmann/json.hpp"

namespace healthcontent::importers {
namespace {

using Json = nlohmann::json;

constexpr absl::string_view kWebsite = "https://www.nhs.uk";
constexpr absl::string_view kApiPrefixes[] = {
    "https://api.service.nhs.uk/nhs-website-content/",
    "https://api.service.nhs.uk/",
};
constexpr char kPublisher[] = "NHS website";
constexpr char kLicense[] =
    "Contains public sector information licensed under the Open Government Licence v3.0";
constexpr char kLanguage[] = "en-GB";
// relatedLink relationships that are the site's menus, not works the page cites.
constexpr absl::string_view kMenuLinkRelationships[] = {"Navigation", "Pagination", "Self"};

// ---------------------------------------------------------------------------
// JSON access that never throws.

const Json* Field(const Json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::string StringField(const Json& object, const char* key) {
  const Json* value = Field(object, key);
  return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}

const Json* ArrayField(const Json& object, const char* key) {
  const Json* value = Field(object, key);
  return value != nullptr && value->is_array() ? value : nullptr;
}

// Text for an error message: bytes outside printable ASCII (the junk a
// parser quotes back, say) shown as '?'.
std::string Printable(absl::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  }
  return out;
}

// Cuts text quoted in an error message to a readable length.
std::string Shorten(absl::string_view text) {
  constexpr size_t kMaxShown = 160;
  if (text.size() <= kMaxShown) return std::string(text);
  return absl::StrCat(text.substr(0, Utf8CharBoundary(text, kMaxShown)), "...");
}

// ---------------------------------------------------------------------------
// Text and URLs.

// An NHS API address (https://api.service.nhs.uk/nhs-website-content/x/) as
// the website's (https://www.nhs.uk/x/); other addresses unchanged.
std::string WebsiteUrl(absl::string_view url) {
  for (absl::string_view prefix : kApiPrefixes) {
    if (absl::StartsWith(url, prefix)) {
      return absl::StrCat(kWebsite, "/", url.substr(prefix.size()));
    }
  }
  return std::string(url);
}

// An href as an absolute http(s) URL on the website (relative to
// https://www.nhs.uk, API addresses mapped to the website's), or "" when it
// is none (see AbsoluteHttpUrl).
std::string AbsoluteLink(absl::string_view href) {
  std::string url = AbsoluteHttpUrl(href, kWebsite);
  return url.empty() ? url : WebsiteUrl(url);
}

// ---------------------------------------------------------------------------
// Lead and sections, built from JSON-LD elements and their HTML.

// Fills an article's lead and sections. Content goes to the lead until the
// first heading, then to the last section. Not thread-safe; one per import.
class BodyBuilder {
 public:
  explicit BodyBuilder(v1::Article* article)
      : article_(article), html_(article, {&AbsoluteLink, kMaxNhsHtmlDepth}) {}

  // One entry of mainEntityOfPage (or hasPart): an optional headline, an
  // optional HTML `text` (the lead paragraph), and its elements.
  absl::Status AddSection(const Json& section) {
    html_.StartSection(CollapseWhitespace(StringField(section, "headline")));
    RETURN_IF_ERROR(html_.AddHtml(StringField(section, "text")));
    const Json* elements = ArrayField(section, "mainEntityOfPage");
    if (elements == nullptr || elements->empty()) elements = ArrayField(section, "hasPart");
    if (elements == nullptr) return absl::OkStatus();
    for (const Json& element : *elements) RETURN_IF_ERROR(AddElement(element, 1));
    return absl::OkStatus();
  }

  // Drops sections that ended up without content (a heading followed
  // straight by another).
  void Finish() { html_.Finish(); }

  // Where errors happened: the current section's heading.
  std::string Where() const {
    if (article_->sections().empty()) return "the lead";
    return absl::StrCat("section \"", Shorten(article_->sections().rbegin()->heading()), "\"");
  }

 private:
  absl::Status AddElement(const Json& element, int depth) {
    if (depth > kMaxNhsElementDepth) {
      return absl::InvalidArgumentError(
          absl::StrCat("elements nest deeper than ", kMaxNhsElementDepth));
    }
    if (!element.is_object()) return absl::OkStatus();
    std::string type = StringField(element, "@type");
    // Images, videos and other media: no text of the article.
    if (absl::EndsWith(type, "Object")) return absl::OkStatus();
    if (StringField(element, "name") == "link") return absl::OkStatus();
    html_.StartSection(CollapseWhitespace(StringField(element, "headline")));
    if (type == "Question") {
      RETURN_IF_ERROR(html_.AddHtml(StringField(element, "text"), /*bold=*/true));
      const Json* answer = Field(element, "acceptedAnswer");
      if (answer == nullptr) return absl::OkStatus();
      return AddChildren(*answer, depth);
    }
    // A reveal's title ("See vaccines for at-risk babies and children").
    RETURN_IF_ERROR(html_.AddHtml(StringField(element, "subjectOf"), /*bold=*/true));
    RETURN_IF_ERROR(html_.AddHtml(StringField(element, "text")));
    return AddChildren(element, depth);
  }

  // `mainEntity`: a table's HTML, or nested elements.
  absl::Status AddChildren(const Json& element, int depth) {
    const Json* children = Field(element, "mainEntity");
    if (children == nullptr) return absl::OkStatus();
    if (children->is_string()) return html_.AddHtml(children->get<std::string>());
    if (children->is_object()) return AddElement(*children, depth + 1);
    if (children->is_array()) {
      for (const Json& child : *children) RETURN_IF_ERROR(AddElement(child, depth + 1));
    }
    return absl::OkStatus();
  }

  v1::Article* article_;
  HtmlBlockWriter html_;
};

// ---------------------------------------------------------------------------
// What kind of document this is.

bool IsLinkElement(const Json& element) { return StringField(element, "name") == "link"; }

// True when an element holds text of the page itself.
bool HasText(const Json& element, int depth) {
  if (!element.is_object() || depth > kMaxNhsElementDepth || IsLinkElement(element)) return false;
  if (absl::EndsWith(StringField(element, "@type"), "Object")) return false;
  if (!StringField(element, "text").empty()) return true;
  for (const char* key : {"mainEntity", "acceptedAnswer"}) {
    const Json* child = Field(element, key);
    if (child == nullptr) continue;
    if (child->is_string() && !child->get<std::string>().empty()) return true;
    if (child->is_object() && HasText(*child, depth + 1)) return true;
    if (child->is_array()) {
      for (const Json& c : *child) {
        if (HasText(c, depth + 1)) return true;
      }
    }
  }
  return false;
}

struct SectionSurvey {
  int links = 0;
  bool text = false;
};

SectionSurvey Survey(const Json& sections) {
  SectionSurvey survey;
  for (const Json& section : sections) {
    if (!StringField(section, "text").empty() && !IsLinkElement(section)) survey.text = true;
    for (const char* key : {"mainEntityOfPage", "hasPart"}) {
      const Json* elements = ArrayField(section, key);
      if (elements == nullptr || elements->empty()) continue;
      for (const Json& element : *elements) {
        if (IsLinkElement(element)) ++survey.links;
        if (HasText(element, 1)) survey.text = true;
      }
      break;  // hasPart repeats mainEntityOfPage
    }
  }
  return survey;
}

std::string Links(size_t n) { return absl::StrCat(n, n == 1 ? " link" : " links"); }

// FailedPrecondition for documents that are not an article.
absl::Status CheckIsArticle(const Json& page) {
  const Json* code = Field(page, "statusCode");
  if (code != nullptr && Field(page, "message") != nullptr) {
    std::string shown = code->is_number_integer() ? std::to_string(code->get<int64_t>())
                        : code->is_string()       ? code->get<std::string>()
                                                  : "(no code)";
    return absl::FailedPreconditionError(absl::StrCat("is an API error response: ", Shorten(shown),
                                                      " ", Shorten(StringField(page, "message"))));
  }
  if (Field(page, "@type") == nullptr && Field(page, "name") == nullptr &&
      Field(page, "modules") != nullptr) {
    return absl::FailedPreconditionError(
        "is a modules-only response (modules=true): it has no name, url or lastReviewed; "
        "import the full page");
  }
  const Json* results = ArrayField(page, "results");
  if (results != nullptr && Field(page, "pagination") != nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("is a listing page of ", Links(results->size()), ", not an article"));
  }
  const Json* significant = ArrayField(page, "significantLink");
  if (significant != nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("is a listing page of ", Links(significant->size()), ", not an article"));
  }
  const Json* sections = ArrayField(page, "mainEntityOfPage");
  if (sections != nullptr && !sections->empty()) {
    SectionSurvey survey = Survey(*sections);
    if (!survey.text && survey.links > 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("is a listing page of ", Links(survey.links), ", not an article"));
    }
  }
  return absl::OkStatus();
}

// "2023-12-05T14:50:00+00:00" or "2023-12-05": the day as written.
absl::StatusOr<google::type::Date> ReviewDate(const Json& dates, size_t index) {
  std::string field = absl::StrCat("lastReviewed[", index, "]");
  if (!dates[index].is_string()) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is not a string"));
  }
  std::string text = dates[index].get<std::string>();
  absl::StatusOr<absl::CivilDay> day = ParseIsoDate(absl::string_view(text).substr(0, 10));
  if (!day.ok())
    return absl::InvalidArgumentError(absl::StrCat(field, ": ", day.status().message()));
  if (text.size() > 10 && text[10] != 'T' && text[10] != ' ') {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": \"", Shorten(text), "\" is not an ISO 8601 date or date-time"));
  }
  return ToProtoDate(*day);
}

absl::Status Prefixed(absl::string_view source, const absl::Status& status) {
  absl::Status out(status.code(), absl::StrCat(source, ": ", status.message()));
  status.ForEachPayload(
      [&](absl::string_view url, const absl::Cord& payload) { out.SetPayload(url, payload); });
  return out;
}

// The page's own codes: `code` (a MedicalCode or an array of them), each
// {"codingSystem": "SNOMED-CT", "codeValue": "..."}. Empty values are
// skipped (the sample corpus carries only those); the system is kept as given
// when it is not SNOMED CT, so validation names it.
void AddPageCodes(const Json& page, v1::Article* article) {
  auto it = page.find("code");
  if (it == page.end()) return;
  std::vector<const Json*> codes;
  if (it->is_array()) {
    for (const Json& code : *it) codes.push_back(&code);
  } else {
    codes.push_back(&*it);
  }
  for (const Json* code : codes) {
    if (!code->is_object()) continue;
    std::string value = CollapseWhitespace(StringField(*code, "codeValue"));
    if (value.empty()) continue;
    std::string system = StringField(*code, "codingSystem");
    if (system == "SNOMED-CT" || system == "SNOMED CT" || system == "SNOMEDCT") {
      system = "http://snomed.info/sct";
    }
    v1::Coding* coding = article->add_codes();
    coding->set_system(system);
    coding->set_code(value);
    coding->set_display(CollapseWhitespace(StringField(*code, "name")));
  }
}

// Adds the code map's codes for the article's source_url, skipping any the
// page already carries.
void AddMappedCodes(const NhsCodeMap& map, v1::Article* article) {
  auto it = map.find(article->source_url());
  if (it == map.end()) return;
  for (const v1::Coding& mapped : it->second) {
    bool present = false;
    for (const v1::Coding& coding : article->codes()) {
      const domain::CodeSystemInfo* system = domain::FindCodeSystem(coding.system());
      if (system == nullptr || !system->held || system->uri != mapped.system()) continue;
      absl::StatusOr<std::string> code = domain::NormalizeCode(system->system, coding.code());
      present |= code.ok() && *code == mapped.code();
    }
    if (!present) *article->add_codes() = mapped;
  }
}

absl::StatusOr<v1::PublishArticleRevisionRequest> ImportParsed(const Json& page,
                                                               const NhsCodeMap* code_map) {
  if (!page.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat("is not an NHS content API page: the JSON is ",
                                                   page.type_name(), ", not an object"));
  }
  RETURN_IF_ERROR(CheckIsArticle(page));

  v1::PublishArticleRevisionRequest request;
  v1::Article* article = request.mutable_article();
  std::string title = CollapseWhitespace(StringField(page, "name"));
  if (title.empty()) return absl::InvalidArgumentError("has no name (the title)");
  article->set_title(title);
  article->set_summary(CollapseWhitespace(StringField(page, "description")));

  const Json* reviewed = ArrayField(page, "lastReviewed");
  if (reviewed == nullptr || reviewed->empty()) {
    return absl::InvalidArgumentError("has no lastReviewed review date");
  }
  ASSIGN_OR_RETURN(*article->mutable_review_date(), ReviewDate(*reviewed, 0));
  if (reviewed->size() > 1 && !(*reviewed)[1].is_null()) {
    ASSIGN_OR_RETURN(*article->mutable_next_review_date(), ReviewDate(*reviewed, 1));
  }

  std::string address = StringField(page, "webpage");
  if (address.empty()) address = StringField(page, "url");
  std::string source_url = AbsoluteLink(WebsiteUrl(address));
  if (!absl::StartsWith(source_url, absl::StrCat(kWebsite, "/"))) {
    return absl::InvalidArgumentError(
        absl::StrCat("has no nhs.uk address in webpage or url (got \"", Shorten(address), "\")"));
  }
  absl::string_view path = absl::string_view(source_url).substr(kWebsite.size());
  path = path.substr(0, path.find_first_of("?#"));
  std::string slug = SlugFromText(path);
  if (slug.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the address \"", Shorten(source_url), "\" gives no article slug"));
  }
  article->set_name(ArticleName(slug));
  article->set_source_url(source_url);

  const Json* sections = ArrayField(page, "mainEntityOfPage");
  if (sections == nullptr || sections->empty()) sections = ArrayField(page, "hasPart");
  if (sections == nullptr || sections->empty()) {
    return absl::InvalidArgumentError("has no sections in mainEntityOfPage or hasPart");
  }
  BodyBuilder body(article);
  for (const Json& section : *sections) {
    absl::Status status = body.AddSection(section);
    if (!status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(body.Where(), ": ", status.message()));
    }
  }
  body.Finish();

  if (const Json* links = ArrayField(page, "relatedLink")) {
    absl::flat_hash_set<std::string> seen;
    for (const Json& link : *links) {
      std::string relationship = StringField(link, "linkRelationship");
      if (std::find(std::begin(kMenuLinkRelationships), std::end(kMenuLinkRelationships),
                    relationship) != std::end(kMenuLinkRelationships)) {
        continue;
      }
      std::string url = AbsoluteLink(StringField(link, "url"));
      std::string name = CollapseWhitespace(StringField(link, "name"));
      if (url.empty() || name.empty() || !seen.insert(url).second) continue;
      v1::Reference* ref = article->add_references();
      ref->set_kind(v1::Reference::WEB_PAGE);
      ref->set_title(name);
      ref->set_url(url);
    }
  }

  AddPageCodes(page, article);
  if (code_map != nullptr) AddMappedCodes(*code_map, article);

  article->set_publisher(kPublisher);
  article->set_license(kLicense);
  article->set_language_code(kLanguage);
  request.set_change_type(v1::CHANGE_TYPE_CLINICAL_REVIEW);
  RETURN_IF_ERROR(domain::ValidatePublishRequest(request));
  return request;
}

}  // namespace

absl::StatusOr<v1::PublishArticleRevisionRequest> ImportNhsPage(absl::string_view json,
                                                                absl::string_view source,
                                                                const NhsCodeMap* code_map) {
  if (json.size() > kMaxNhsPageBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": is ", json.size(), " bytes; the limit is ", kMaxNhsPageBytes));
  }
  Json page;
  try {
    page = Json::parse(json.begin(), json.end());
  } catch (const Json::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": is not valid JSON: ", Printable(Shorten(e.what()))));
  }
  absl::StatusOr<v1::PublishArticleRevisionRequest> request;
  try {
    request = ImportParsed(page, code_map);
  } catch (const Json::exception& e) {
    // The accessors above do not throw; this is a backstop, not a path.
    request = absl::InvalidArgumentError(absl::StrCat("unexpected JSON shape: ", e.what()));
  }
  if (!request.ok()) return Prefixed(source, request.status());
  return request;
}

absl::StatusOr<NhsCodeMap> ParseNhsCodeMap(absl::string_view json, absl::string_view source) {
  if (json.size() > kMaxNhsPageBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": is ", json.size(), " bytes; the limit is ", kMaxNhsPageBytes));
  }
  Json doc = Json::parse(json.begin(), json.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("pages") ||
      !doc["pages"].is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(
        source, ": is not a code map: expected {\"pages\": {\"<source_url>\": [<Coding>, ...]}}"));
  }
  NhsCodeMap map;
  FieldViolations violations;
  for (const auto& [url, codes] : doc["pages"].items()) {
    const std::string field = absl::StrCat("pages[\"", url, "\"]");
    if (!codes.is_array()) {
      violations.Add(field, "must be an array of codings {system, code, display}");
      continue;
    }
    google::protobuf::RepeatedPtrField<v1::Coding> parsed;
    for (const Json& code : codes) {
      v1::Coding* coding = parsed.Add();
      coding->set_system(StringField(code, "system"));
      coding->set_code(StringField(code, "code"));
      coding->set_display(StringField(code, "display"));
    }
    domain::NormalizeCodings(&parsed, field, &violations);
    map[url].assign(parsed.begin(), parsed.end());
  }
  absl::Status valid = violations.ToStatus();
  if (!valid.ok()) return Prefixed(source, valid);
  return map;
}

}  // namespace healthcontent::importers
