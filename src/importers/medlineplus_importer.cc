#include "importers/medlineplus_importer.h"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "common/date.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "common/utf8.h"
#include "domain/article_rules.h"
#include "domain/coding.h"
#include "importers/html_blocks.h"
#include "importers/slug.h"

namespace healthcontent::importers {
namespace {

// Relative links in a summary are taken on the site of the topic's own url;
// this one when the topic's url has none.
constexpr absl::string_view kMedlinePlusOrigin = "https://medlineplus.gov";
constexpr absl::string_view kEllipsis = "\u2026";

// ---------------------------------------------------------------------------
// libxml2, owned and guarded.

struct XmlDocFree {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
struct XmlParserFree {
  void operator()(xmlParserCtxt* parser) const { xmlFreeParserCtxt(parser); }
};
struct XmlStringFree {
  void operator()(xmlChar* text) const { xmlFree(text); }
};
using XmlDocument = std::unique_ptr<xmlDoc, XmlDocFree>;
using XmlParser = std::unique_ptr<xmlParserCtxt, XmlParserFree>;
using XmlString = std::unique_ptr<xmlChar, XmlStringFree>;

const char* Chars(const xmlChar* text) { return reinterpret_cast<const char*>(text); }

// Cuts text quoted in an error message to a readable length.
std::string Shorten(absl::string_view text) {
  constexpr size_t kMaxShown = 80;
  if (text.size() <= kMaxShown) return std::string(text);
  return absl::StrCat(text.substr(0, Utf8CharBoundary(text, kMaxShown)), "...");
}

// A libxml2 message for an error message: trimmed, shortened, and bytes
// outside printable ASCII (input it quotes back, say) shown as '?'.
std::string Printable(absl::string_view message) {
  std::string out = Shorten(absl::StripAsciiWhitespace(message));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  }
  return out;
}

// Why one of the handlers below stopped the parse; "" while it runs. Lives in
// the parser's _private.
struct EntityGuard {
  std::string refusal;
};

void Refuse(void* context, std::string reason) {
  auto* parser = static_cast<xmlParserCtxt*>(context);
  auto* guard = static_cast<EntityGuard*>(parser->_private);
  if (guard->refusal.empty()) guard->refusal = std::move(reason);
  xmlStopParser(parser);
}

// SAX entityDecl: every <!ENTITY ...>, general or parameter, internal or
// SYSTEM, stops the parse before it is recorded, let alone expanded.
void RefuseEntityDeclaration(void* context, const xmlChar* name, int /*type*/,
                             const xmlChar* /*public_id*/, const xmlChar* /*system_id*/,
                             xmlChar* /*content*/) {
  Refuse(context, absl::StrCat("declares the entity \"", Shorten(Chars(name)),
                               "\" (<!ENTITY ...>); entities are refused"));
}

// SAX getEntity: asked for every entity reference but the five predefined
// ones (libxml2 answers those itself), in content and in attribute values.
// Without it libxml2 would keep an undeclared reference as a node, or drop
// it from an attribute value without a word.
xmlEntity* RefuseEntityReference(void* context, const xmlChar* name) {
  Refuse(context, absl::StrCat("refers to the entity &", Shorten(Chars(name)),
                               ";; only &amp; &lt; &gt; &quot; &apos; are accepted"));
  return nullptr;
}

absl::StatusOr<XmlDocument> ParseXml(absl::string_view xml) {
  // Sets up libxml2's globals once, before any thread parses.
  static const bool initialized = (xmlInitParser(), true);
  (void)initialized;
  XmlParser parser(xmlNewParserCtxt());
  if (parser == nullptr || parser->sax == nullptr) {
    return absl::ResourceExhaustedError("cannot allocate an XML parser");
  }
  EntityGuard guard;
  parser->_private = &guard;
  parser->sax->entityDecl = &RefuseEntityDeclaration;
  parser->sax->getEntity = &RefuseEntityReference;
  // No XML_PARSE_NOENT (entities are not substituted), no DTDLOAD/DTDATTR/
  // DTDVALID (the DOCTYPE's DTD is not fetched), NONET (nothing is fetched
  // over the network even so), no HUGE (libxml2's depth and size limits hold).
  // The options override libxml2's process-wide defaults
  // (xmlSubstituteEntitiesDefault, xmlLoadExtDtdDefaultValue).
  XmlDocument doc(xmlCtxtReadMemory(parser.get(), xml.data(), static_cast<int>(xml.size()),
                                    /*URL=*/nullptr, /*encoding=*/nullptr,
                                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
  if (!guard.refusal.empty()) return absl::InvalidArgumentError(guard.refusal);
  if (doc == nullptr || !parser->wellFormed) {
    const xmlError* error = xmlCtxtGetLastError(parser.get());
    std::string what = "the parser gave up";
    if (error != nullptr && error->message != nullptr) {
      what = absl::StrCat("line ", error->line, ": ", Printable(error->message));
    }
    return absl::InvalidArgumentError(absl::StrCat("is not well-formed XML: ", what));
  }
  return doc;
}

// ---------------------------------------------------------------------------
// Reading the tree.

bool IsElement(const xmlNode* node, absl::string_view name) {
  return node->type == XML_ELEMENT_NODE && Chars(node->name) == name;
}

std::vector<const xmlNode*> Children(const xmlNode* node, absl::string_view name) {
  std::vector<const xmlNode*> out;
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (IsElement(child, name)) out.push_back(child);
  }
  return out;
}

// The attribute's value as written (entities refused, so nothing to
// expand), whitespace kept; "" when absent.
std::string Attribute(const xmlNode* node, const char* name) {
  XmlString value(xmlGetProp(node, reinterpret_cast<const xmlChar*>(name)));
  return value == nullptr ? std::string() : std::string(Chars(value.get()));
}

// The text of an element and its descendants, whitespace kept.
std::string Text(const xmlNode* node) {
  XmlString text(xmlNodeGetContent(node));
  return text == nullptr ? std::string() : std::string(Chars(text.get()));
}

bool AllDigits(absl::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
}

// "07/21/2012" or "07/21/2012 02:32:56": the day, MM/DD/YYYY (the time of
// day is checked to be digits and colons, and not used).
absl::StatusOr<absl::CivilDay> ParseUsDate(absl::string_view text) {
  const size_t space = text.find(' ');
  const absl::string_view date = text.substr(0, space);
  const std::vector<absl::string_view> parts = absl::StrSplit(date, '/');
  int month = 0, day = 0, year = 0;
  bool ok = parts.size() == 3 && AllDigits(parts[0]) && parts[0].size() <= 2 &&
            AllDigits(parts[1]) && parts[1].size() <= 2 && AllDigits(parts[2]) &&
            parts[2].size() == 4 && absl::SimpleAtoi(parts[0], &month) &&
            absl::SimpleAtoi(parts[1], &day) && absl::SimpleAtoi(parts[2], &year);
  const absl::CivilDay civil(year, month, day);
  ok = ok && year >= 1 && civil.year() == year && civil.month() == month && civil.day() == day;
  if (space != absl::string_view::npos) {
    const absl::string_view time = text.substr(space + 1);
    ok = ok && !time.empty() && std::all_of(time.begin(), time.end(), [](char c) {
           return absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == ':';
         });
  }
  if (!ok) return absl::InvalidArgumentError("is not a date (MM/DD/YYYY)");
  return civil;
}

// "https://www.nlm.nih.gov" of "https://www.nlm.nih.gov/medlineplus/x.html".
std::string Origin(absl::string_view url) {
  size_t host = url.find("//");
  if (host == absl::string_view::npos) return std::string(kMedlinePlusOrigin);
  size_t path = url.find('/', host + 2);
  return std::string(url.substr(0, path));
}

// ---------------------------------------------------------------------------
// Topics.

struct Topic {
  const xmlNode* node;
  std::string id;
  std::string title;
  std::string url;
  bool english;
  std::string label;  // health-topic id="3061" ("Abdominal Pain"), for messages
  // The @ids of the topics it names as its other-language version, by the
  // language named.
  std::vector<std::string> english_ids;
  std::vector<std::string> spanish_ids;
};

absl::Status TopicError(absl::string_view label, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(label, ": ", message));
}

// The attributes of one <health-topic> (the `position`th, from 1).
absl::StatusOr<Topic> ReadTopic(const xmlNode* node, int position, absl::CivilDay generated) {
  Topic topic;
  topic.node = node;
  topic.id = std::string(absl::StripAsciiWhitespace(Attribute(node, "id")));
  topic.label = topic.id.empty() ? absl::StrCat("health-topic #", position)
                                 : absl::StrCat("health-topic id=\"", Shorten(topic.id), "\"");
  if (topic.id.empty()) return TopicError(topic.label, "has no id attribute");
  topic.title = CollapseWhitespace(Attribute(node, "title"));
  if (topic.title.empty()) return TopicError(topic.label, "has no title attribute");
  absl::StrAppend(&topic.label, " (\"", Shorten(topic.title), "\")");
  const std::string language = Attribute(node, "language");
  if (language.empty()) return TopicError(topic.label, "has no language attribute");
  if (language != "English" && language != "Spanish") {
    return TopicError(topic.label, absl::StrCat("language=\"", Shorten(language),
                                                "\" is not English or Spanish"));
  }
  topic.english = language == "English";
  topic.url = AbsoluteHttpUrl(Attribute(node, "url"), kMedlinePlusOrigin);
  if (topic.url.empty()) {
    return TopicError(topic.label, "has no url attribute holding an absolute http(s) URL");
  }
  const std::string created = Attribute(node, "date-created");
  if (created.empty()) return TopicError(topic.label, "has no date-created attribute");
  absl::StatusOr<absl::CivilDay> created_day = ParseUsDate(created);
  if (!created_day.ok()) {
    return TopicError(topic.label, absl::StrCat("date-created=\"", Shorten(created), "\" ",
                                                created_day.status().message()));
  }
  if (*created_day > generated) {
    return TopicError(topic.label,
                      absl::StrCat("date-created=\"", created, "\" is after the file's ",
                                   "date-generated (", FormatIsoDate(generated), ")"));
  }
  for (const xmlNode* mapped : Children(node, "language-mapped-topic")) {
    std::string id(absl::StripAsciiWhitespace(Attribute(mapped, "id")));
    std::string mapped_language = Attribute(mapped, "language");
    if (mapped_language == "English")
      topic.english_ids.push_back(std::move(id));
    else if (mapped_language == "Spanish")
      topic.spanish_ids.push_back(std::move(id));
  }
  return topic;
}

// `slug` + "-es", the base cut at a '-' where needed to stay a valid slug.
std::string TranslationSlug(std::string slug) {
  constexpr absl::string_view kSuffix = "-es";
  const size_t room = kMaxSlugLength - kSuffix.size();
  if (slug.size() > room) {
    size_t cut = slug.rfind('-', room);
    slug.resize(cut != std::string::npos && cut > 0 ? cut : room);
    while (!slug.empty() && slug.back() == '-') slug.pop_back();
  }
  return absl::StrCat(slug, kSuffix);
}

absl::Status NoSlug(const Topic& topic) {
  return TopicError(topic.label, "title gives no article slug (it has no letter or digit)");
}

// What a topic is published as.
struct Naming {
  std::string slug;
  std::string translation_of;  // the source article's name, or ""
};

// Slugs for every topic (same order), translations linked to their English
// topic; InvalidArgument when two topics would be one article.
absl::StatusOr<std::vector<Naming>> NameTopics(const std::vector<Topic>& topics) {
  // English topics by their own id, and by the ids of the Spanish topics
  // they name.
  absl::flat_hash_map<std::string, size_t> english_by_id;
  absl::flat_hash_map<std::string, size_t> english_by_spanish_id;
  for (size_t i = 0; i < topics.size(); ++i) {
    if (!topics[i].english) continue;
    english_by_id[topics[i].id] = i;
    for (const std::string& id : topics[i].spanish_ids) english_by_spanish_id.emplace(id, i);
  }
  std::vector<Naming> names(topics.size());
  for (size_t i = 0; i < topics.size(); ++i) {
    if (!topics[i].english) continue;
    names[i].slug = SlugFromText(topics[i].title);
    if (names[i].slug.empty()) return NoSlug(topics[i]);
  }
  for (size_t i = 0; i < topics.size(); ++i) {
    const Topic& topic = topics[i];
    if (topic.english) continue;
    std::optional<size_t> source;
    for (const std::string& id : topic.english_ids) {
      auto it = english_by_id.find(id);
      if (it != english_by_id.end()) source = it->second;
    }
    if (!source.has_value()) {
      auto it = english_by_spanish_id.find(topic.id);
      if (it != english_by_spanish_id.end()) source = it->second;
    }
    if (!source.has_value()) {
      names[i].slug = SlugFromText(topic.title);
      if (names[i].slug.empty()) return NoSlug(topic);
      continue;
    }
    const std::string& source_slug = names[*source].slug;
    names[i].slug = TranslationSlug(source_slug);
    names[i].translation_of = ArticleName(source_slug);
  }
  absl::flat_hash_map<std::string, size_t> by_slug;
  for (size_t i = 0; i < topics.size(); ++i) {
    auto [it, inserted] = by_slug.emplace(names[i].slug, i);
    if (!inserted) {
      return absl::InvalidArgumentError(
          absl::StrCat("health-topics id=\"", Shorten(topics[it->second].id), "\" and id=\"",
                       Shorten(topics[i].id), "\" both give ", ArticleName(names[i].slug)));
    }
  }
  return names;
}

// ---------------------------------------------------------------------------
// One topic's article.

std::string SpansText(const google::protobuf::RepeatedPtrField<v1::Span>& spans) {
  std::string out;
  for (const v1::Span& span : spans) out += span.text();
  return out;
}

// The text of the first paragraph, cut at a word boundary to the summary
// limit; "" when there is no paragraph.
std::string SummaryOf(const v1::Article& article) {
  std::string text;
  for (const v1::Block& block : article.lead()) {
    if (block.has_paragraph()) {
      text = SpansText(block.paragraph().spans());
      break;
    }
  }
  constexpr size_t kMaxSummary = domain::PublishLimits{}.max_summary;
  if (text.size() <= kMaxSummary) return text;
  const size_t room = kMaxSummary - kEllipsis.size();
  size_t cut = text.rfind(' ', room);
  if (cut == std::string::npos || cut == 0) cut = Utf8CharBoundary(text, room);
  text.resize(cut);
  return absl::StrCat(text, kEllipsis);
}

// Lead and summary from <full-summary>.
absl::Status AddSummary(const Topic& topic, v1::Article* article) {
  std::vector<const xmlNode*> summaries = Children(topic.node, "full-summary");
  if (summaries.empty()) return TopicError(topic.label, "has no full-summary element");
  const std::string origin = Origin(topic.url);
  HtmlBlockWriter writer(
      article, {[&origin](absl::string_view href) { return AbsoluteHttpUrl(href, origin); },
                kMaxMedlinePlusHtmlDepth});
  for (const xmlNode* summary : summaries) {
    absl::Status status = writer.AddHtml(Text(summary));
    if (!status.ok()) {
      return TopicError(topic.label, absl::StrCat("full-summary: ", status.message()));
    }
  }
  writer.Finish();
  if (article->lead().empty() && article->sections().empty()) {
    return TopicError(topic.label, "full-summary has no text");
  }
  article->set_summary(SummaryOf(*article));
  return absl::OkStatus();
}

void AddAlsoCalled(const Topic& topic, v1::Article* article) {
  absl::flat_hash_set<std::string> seen;
  for (const xmlNode* node : Children(topic.node, "also-called")) {
    std::string name = CollapseWhitespace(Text(node));
    if (!name.empty() && seen.insert(name).second) article->add_also_called(std::move(name));
  }
}

void AddMeshCodes(const Topic& topic, v1::Article* article) {
  const absl::string_view mesh = domain::FindCodeSystem("MESH")->uri;
  absl::flat_hash_set<std::string> seen;
  for (const xmlNode* heading : Children(topic.node, "mesh-heading")) {
    for (const xmlNode* descriptor : Children(heading, "descriptor")) {
      std::string code(absl::StripAsciiWhitespace(Attribute(descriptor, "id")));
      if (code.empty() || !seen.insert(absl::AsciiStrToUpper(code)).second) continue;
      v1::Coding* coding = article->add_codes();
      coding->set_system(std::string(mesh));
      coding->set_code(std::move(code));
      coding->set_display(CollapseWhitespace(Text(descriptor)));
    }
  }
}

void AddSites(const Topic& topic, v1::Article* article) {
  const std::string origin = Origin(topic.url);
  absl::flat_hash_set<std::string> seen;
  for (const xmlNode* site : Children(topic.node, "site")) {
    std::string url = AbsoluteHttpUrl(Attribute(site, "url"), origin);
    std::string title = CollapseWhitespace(Attribute(site, "title"));
    if (url.empty() || title.empty() || !seen.insert(domain::NormalizeUrl(url)).second) continue;
    std::vector<std::string> organizations;
    for (const xmlNode* organization : Children(site, "organization")) {
      std::string name = CollapseWhitespace(Text(organization));
      if (!name.empty()) organizations.push_back(std::move(name));
    }
    v1::Reference* reference = article->add_references();
    reference->set_kind(v1::Reference::WEB_PAGE);
    reference->set_title(std::move(title));
    reference->set_url(std::move(url));
    reference->set_publisher(absl::StrJoin(organizations, "; "));
  }
}

absl::Status Prefixed(absl::string_view prefix, const absl::Status& status) {
  absl::Status out(status.code(), absl::StrCat(prefix, ": ", status.message()));
  status.ForEachPayload(
      [&](absl::string_view url, const absl::Cord& payload) { out.SetPayload(url, payload); });
  return out;
}

absl::StatusOr<v1::PublishArticleRevisionRequest> TopicRequest(const Topic& topic,
                                                               const Naming& naming,
                                                               absl::CivilDay generated) {
  v1::PublishArticleRevisionRequest request;
  v1::Article* article = request.mutable_article();
  article->set_name(ArticleName(naming.slug));
  article->set_title(topic.title);
  RETURN_IF_ERROR(AddSummary(topic, article));
  AddAlsoCalled(topic, article);
  AddMeshCodes(topic, article);
  AddSites(topic, article);
  *article->mutable_review_date() = ToProtoDate(generated);
  article->set_publisher(kMedlinePlusPublisher);
  article->set_license(kMedlinePlusLicense);
  article->set_language_code(topic.english ? "en" : "es");
  article->set_source_url(topic.url);
  article->set_audience(v1::AUDIENCE_PATIENT);
  if (!naming.translation_of.empty()) {
    article->mutable_translation_of()->set_article(naming.translation_of);
    article->mutable_translation_of()->set_revision_id(FormatIsoDate(generated));
  }
  request.set_change_type(v1::CHANGE_TYPE_CLINICAL_REVIEW);
  request.set_change_summary(absl::StrCat("MedlinePlus health topic ", topic.id,
                                          " as of the health-topics file of ",
                                          FormatIsoDate(generated)));
  absl::Status valid = domain::ValidatePublishRequest(request);
  if (!valid.ok()) return Prefixed(topic.label, valid);
  return request;
}

absl::StatusOr<std::vector<v1::PublishArticleRevisionRequest>> ImportDocument(const xmlDoc& doc) {
  const xmlNode* root = xmlDocGetRootElement(&doc);
  if (root == nullptr || !IsElement(root, "health-topics")) {
    return absl::InvalidArgumentError(
        absl::StrCat("is not a MedlinePlus health-topics file: the root element is <",
                     root == nullptr ? "" : Shorten(Chars(root->name)), ">, not <health-topics>"));
  }
  const std::string generated_text = Attribute(root, "date-generated");
  if (generated_text.empty()) {
    return absl::InvalidArgumentError(
        "<health-topics> has no date-generated attribute (MM/DD/YYYY: the day NLM generated "
        "the file, which keys the revisions)");
  }
  absl::StatusOr<absl::CivilDay> generated = ParseUsDate(generated_text);
  if (!generated.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("<health-topics> date-generated=\"",
                                                   Shorten(generated_text), "\" ",
                                                   generated.status().message()));
  }
  std::vector<Topic> topics;
  absl::flat_hash_set<std::string> ids;
  for (const xmlNode* node : Children(root, "health-topic")) {
    ASSIGN_OR_RETURN(Topic topic, ReadTopic(node, static_cast<int>(topics.size()) + 1, *generated));
    if (!ids.insert(topic.id).second) {
      return TopicError(topic.label, "repeats the id of an earlier health-topic");
    }
    topics.push_back(std::move(topic));
  }
  if (topics.empty()) return absl::InvalidArgumentError("has no <health-topic>");
  ASSIGN_OR_RETURN(std::vector<Naming> names, NameTopics(topics));
  std::vector<v1::PublishArticleRevisionRequest> requests;
  for (bool english : {true, false}) {
    for (size_t i = 0; i < topics.size(); ++i) {
      if (topics[i].english != english) continue;
      ASSIGN_OR_RETURN(v1::PublishArticleRevisionRequest request,
                       TopicRequest(topics[i], names[i], *generated));
      requests.push_back(std::move(request));
    }
  }
  return requests;
}

}  // namespace

absl::StatusOr<std::vector<v1::PublishArticleRevisionRequest>> ImportMedlinePlusTopics(
    absl::string_view xml, absl::string_view source) {
  if (xml.size() > kMaxMedlinePlusFileBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        source, ": is ", xml.size(), " bytes; the limit is ", kMaxMedlinePlusFileBytes));
  }
  absl::StatusOr<XmlDocument> doc = ParseXml(xml);
  if (!doc.ok()) return Prefixed(source, doc.status());
  absl::StatusOr<std::vector<v1::PublishArticleRevisionRequest>> requests = ImportDocument(**doc);
  if (!requests.ok()) return Prefixed(source, requests.status());
  return requests;
}

}  // namespace healthcontent::importers
