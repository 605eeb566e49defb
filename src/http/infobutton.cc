#include "http/infobutton.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/types/optional.h"
#include "common/date.h"
#include "common/field_errors.h"
#include "domain/article_rules.h"
#include "domain/coding.h"
#include "nlohmann/json.hpp"

namespace healthcontent::http {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;
// Keys keep the order MedlinePlus Connect writes them in.
using Json = nlohmann::ordered_json;

constexpr absl::string_view kCode = "mainSearchCriteria.v.c";
constexpr absl::string_view kSystem = "mainSearchCriteria.v.cs";
constexpr absl::string_view kDisplay = "mainSearchCriteria.v.dn";
constexpr absl::string_view kOriginalText = "mainSearchCriteria.v.ot";
constexpr absl::string_view kRecipient = "informationRecipient";
constexpr absl::string_view kLanguage = "informationRecipient.languageCode.c";
constexpr absl::string_view kResponseType = "knowledgeResponseType";
constexpr absl::string_view kCallback = "callback";

constexpr absl::string_view kDefaultLanguage = "en";
constexpr absl::string_view kAtomNamespace = "http://www.w3.org/2005/Atom";
constexpr absl::string_view kXsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";

// The values of the parameters read, each in URL order.
struct RawParams {
  std::vector<std::string> codes;
  std::vector<std::string> systems;
  std::vector<std::string> displays;
  std::vector<std::string> original_texts;
  std::vector<std::string> recipients;
  std::vector<std::string> languages;
  std::vector<std::string> response_types;
  std::vector<std::string> callbacks;
};

struct ParamSlot {
  absl::string_view key;
  std::vector<std::string> RawParams::*values;
};

constexpr ParamSlot kSlots[] = {
    {kCode, &RawParams::codes},
    {kSystem, &RawParams::systems},
    {kDisplay, &RawParams::displays},
    {kOriginalText, &RawParams::original_texts},
    {kRecipient, &RawParams::recipients},
    {kLanguage, &RawParams::languages},
    {kResponseType, &RawParams::response_types},
    {kCallback, &RawParams::callbacks},
};

RawParams Collect(const Params& params) {
  RawParams raw;
  for (const auto& [key, value] : params) {
    for (const ParamSlot& slot : kSlots) {
      if (key == slot.key) (raw.*slot.values).push_back(value);
    }
  }
  return raw;
}

// `key`, or `key[i]` when the parameter was given more than once.
std::string FieldAt(absl::string_view key, size_t i, size_t count) {
  return count > 1 ? absl::StrCat(key, "[", i, "]") : std::string(key);
}

// "1 code", "2 codes".
std::string Plural(size_t n, absl::string_view noun) {
  return absl::StrCat(n, " ", noun, n == 1 ? "" : "s");
}

// Every value read must be short plain text (it is echoed in the answer).
void CheckValues(const RawParams& raw, FieldViolations* violations) {
  for (const ParamSlot& slot : kSlots) {
    const std::vector<std::string>& values = raw.*slot.values;
    for (size_t i = 0; i < values.size(); ++i) {
      const std::string field = FieldAt(slot.key, i, values.size());
      if (values[i].size() > kMaxInfobuttonValueLength) {
        violations->Add(field, absl::StrCat("is ", values[i].size(), " bytes; the limit is ",
                                            kMaxInfobuttonValueLength));
      } else if (!domain::IsPlainText(values[i])) {
        violations->Add(field, "must be plain UTF-8 text without control characters");
      }
    }
  }
}

// The trimmed value of a parameter that may be given once; nullopt when it
// is absent or empty, or given twice (a violation).
absl::optional<std::string> Single(absl::string_view key, const std::vector<std::string>& values,
                                   FieldViolations* violations) {
  if (values.size() > 1) {
    violations->Add(key, absl::StrCat("is given ", values.size(), " times; give it once"));
    return absl::nullopt;
  }
  if (values.empty()) return absl::nullopt;
  std::string value(absl::StripAsciiWhitespace(values[0]));
  if (value.empty()) return absl::nullopt;
  return value;
}

// A repeated criterion parameter must be given once per code (or, when
// `one_for_all`, once for every code; otherwise not at all). False after
// adding a violation.
bool CheckRepeats(absl::string_view key, size_t given, size_t codes, bool one_for_all,
                  FieldViolations* violations) {
  if (given == codes || given == (one_for_all ? size_t{1} : size_t{0})) return true;
  violations->Add(
      key, absl::StrCat("is given ", Plural(given, "time"), " for ", Plural(codes, "code"),
                        "; give it ", one_for_all ? "once for all codes, or " : "", "once per ",
                        kCode, " in the same order", one_for_all ? "" : ", or not at all"));
  return false;
}

std::string UnknownSystem(absl::string_view system) {
  std::vector<std::string> held;
  std::vector<std::string> not_held;
  for (const domain::CodeSystemInfo& info : domain::CodeSystems()) {
    (info.held ? held : not_held).push_back(absl::StrCat(info.name, " ", info.oid));
  }
  return absl::StrCat(system.empty() ? std::string("is required")
                                     : absl::StrCat("\"", domain::ShownInMessage(system),
                                                    "\" is not a known code system"),
                      "; use the OID of ", absl::StrJoin(held, ", "), " (or of ",
                      absl::StrJoin(not_held, ", "), ", which answer with no entries)");
}

// Adds criterion `i` (its coding checked by its system's rules) to the
// request and its echo to the query.
void ParseCriterion(const RawParams& raw, size_t i, InfobuttonQuery* query,
                    FieldViolations* violations) {
  const size_t n = raw.codes.size();
  const bool one_system = raw.systems.size() == 1;
  const absl::string_view system_text = absl::StripAsciiWhitespace(raw.systems[one_system ? 0 : i]);
  const absl::string_view code = absl::StripAsciiWhitespace(raw.codes[i]);

  v1::Criterion* criterion = query->request.add_criteria();
  InfobuttonCriterionEcho& echo = query->criteria.emplace_back();
  echo.code = raw.codes[i];
  if (!raw.displays.empty()) echo.display = raw.displays[i];
  criterion->mutable_coding()->set_display(echo.display);
  if (!raw.original_texts.empty()) criterion->set_original_text(raw.original_texts[i]);

  const domain::CodeSystemInfo* system = domain::FindCodeSystem(system_text);
  if (system == nullptr) {
    // One system given for all codes is reported once.
    if (!one_system || i == 0) {
      violations->Add(one_system ? std::string(kSystem) : FieldAt(kSystem, i, n),
                      UnknownSystem(system_text));
    }
    return;
  }
  echo.system_short_name = std::string(system->short_name);
  echo.system_name = std::string(system->name);
  criterion->mutable_coding()->set_system(std::string(system->uri));
  if (code.empty()) {
    violations->Add(FieldAt(kCode, i, n), "is required: the code to find education for");
    return;
  }
  if (!system->held) {
    // Answered with no entries (CriterionResult.system_not_held): only echoed.
    criterion->mutable_coding()->set_code(std::string(code));
    return;
  }
  absl::StatusOr<std::string> normal = domain::NormalizeCode(system->system, code);
  if (!normal.ok()) {
    violations->Add(FieldAt(kCode, i, n), normal.status().message());
    return;
  }
  criterion->mutable_coding()->set_code(*std::move(normal));
}

void ParseCriteria(const RawParams& raw, InfobuttonQuery* query, FieldViolations* violations) {
  const size_t n = raw.codes.size();
  if (n == 0) {
    violations->Add(kCode, absl::StrCat("is required: the code to find education for, e.g. ", kCode,
                                        "=G93.32&", kSystem, "=2.16.840.1.113883.6.90"));
    return;
  }
  if (n > static_cast<size_t>(kMaxInfobuttonCriteria)) {
    violations->Add(kCode, absl::StrCat("is given ", n, " times; the limit is ",
                                        kMaxInfobuttonCriteria, " codes a request"));
    return;
  }
  bool repeats_ok = true;
  if (raw.systems.empty()) {
    violations->Add(kSystem,
                    "is required: the OID of the code's system, e.g. "
                    "2.16.840.1.113883.6.90 for ICD-10-CM");
    repeats_ok = false;
  } else {
    repeats_ok = CheckRepeats(kSystem, raw.systems.size(), n, true, violations);
  }
  repeats_ok &= CheckRepeats(kDisplay, raw.displays.size(), n, false, violations);
  repeats_ok &= CheckRepeats(kOriginalText, raw.original_texts.size(), n, false, violations);
  if (!repeats_ok) return;
  for (size_t i = 0; i < n; ++i) ParseCriterion(raw, i, query, violations);
}

void ParseRecipient(const RawParams& raw, InfobuttonQuery* query, FieldViolations* violations) {
  const absl::optional<std::string> value = Single(kRecipient, raw.recipients, violations);
  if (!value.has_value()) return;
  const std::string upper = absl::AsciiStrToUpper(*value);
  if (upper == "PAT") {
    query->request.set_audience(v1::AUDIENCE_PATIENT);
  } else if (upper == "PROV") {
    query->request.set_audience(v1::AUDIENCE_PROFESSIONAL);
  } else {
    violations->Add(kRecipient, absl::StrCat("\"", domain::ShownInMessage(*value),
                                             "\" is not PAT (a patient) or PROV (a provider)"));
    return;
  }
  query->recipient = upper;
}

void ParseLanguage(const RawParams& raw, InfobuttonQuery* query, FieldViolations* violations) {
  const absl::optional<std::string> value = Single(kLanguage, raw.languages, violations);
  std::string tag = value.value_or(std::string(kDefaultLanguage));
  // Some clients send "sp" (Spanish), which is no language tag.
  if (absl::EqualsIgnoreCase(tag, "sp")) tag = "es";
  if (!domain::IsValidLanguageCode(absl::AsciiStrToLower(tag))) {
    violations->Add(kLanguage, absl::StrCat("\"", domain::ShownInMessage(tag),
                                            "\" is not a language code like \"en\" or \"es\""));
    return;
  }
  query->request.add_language_codes(tag);
  query->language = tag;
}

// A JavaScript name or dotted path: nothing a page could be made to run.
bool IsJsonpCallback(absl::string_view name) {
  if (name.empty() || name.size() > kMaxJsonpCallbackLength) return false;
  auto starts_name = [](char c) {
    return absl::ascii_isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$';
  };
  if (!starts_name(name[0])) return false;
  for (char c : name) {
    if (!starts_name(c) && !absl::ascii_isdigit(static_cast<unsigned char>(c)) && c != '.') {
      return false;
    }
  }
  return true;
}

// The format an Accept header asks for: the first JSON or XML type it lists
// that q=0 does not exclude; Atom when none.
InfobuttonFormat FormatFromAccept(absl::string_view accept) {
  for (absl::string_view range : absl::StrSplit(accept, ',')) {
    const std::vector<absl::string_view> parts = absl::StrSplit(range, ';');
    bool excluded = false;
    for (size_t i = 1; i < parts.size(); ++i) {
      absl::string_view param = absl::StripAsciiWhitespace(parts[i]);
      double q = 1;
      if (absl::ConsumePrefix(&param, "q=") && absl::SimpleAtod(param, &q) && q <= 0) {
        excluded = true;
      }
    }
    if (excluded) continue;
    const std::string type = absl::AsciiStrToLower(absl::StripAsciiWhitespace(parts[0]));
    if (type == "application/json") return InfobuttonFormat::kJson;
    if (type == "text/xml" || type == "application/xml" || type == "application/atom+xml") {
      return InfobuttonFormat::kAtomXml;
    }
  }
  return InfobuttonFormat::kAtomXml;
}

void ParseFormat(const RawParams& raw, absl::string_view accept, InfobuttonQuery* query,
                 FieldViolations* violations) {
  const absl::optional<std::string> type = Single(kResponseType, raw.response_types, violations);
  const absl::optional<std::string> callback = Single(kCallback, raw.callbacks, violations);
  if (!type.has_value()) {
    if (raw.response_types.size() < 2) query->format = FormatFromAccept(accept);
    return;
  }
  const std::string lower = absl::AsciiStrToLower(*type);
  if (lower == "text/xml") {
    query->format = InfobuttonFormat::kAtomXml;
  } else if (lower == "application/json") {
    query->format = InfobuttonFormat::kJson;
  } else if (lower == "application/javascript") {
    query->format = InfobuttonFormat::kJsonp;
  } else {
    violations->Add(kResponseType,
                    absl::StrCat("\"", domain::ShownInMessage(*type),
                                 "\" is not text/xml (Atom, the default), application/json or "
                                 "application/javascript (JSONP, with callback)"));
    return;
  }
  if (query->format != InfobuttonFormat::kJsonp) return;
  if (!callback.has_value()) {
    if (raw.callbacks.size() < 2) {
      violations->Add(kCallback, absl::StrCat("is required with ", kResponseType,
                                              "=application/javascript (JSONP)"));
    }
    return;
  }
  if (!IsJsonpCallback(*callback)) {
    violations->Add(
        kCallback, absl::StrCat("\"", domain::ShownInMessage(*callback),
                                "\" is not a JavaScript function name: 1-", kMaxJsonpCallbackLength,
                                " letters, digits, '_', '$' and '.', not starting with a digit "
                                "or '.'"));
    return;
  }
  query->callback = *callback;
}

// What is rendered, built once and written as JSON or Atom XML.
struct FeedEntry {
  std::string title;
  std::string href;
  std::string summary_html;
  std::string updated;
};

struct Feed {
  std::string lang;
  std::string updated;
  std::string subtitle;
  std::vector<std::pair<std::string, std::string>> categories;  // scheme, term
  std::vector<FeedEntry> entries;
};

std::string AtomTime(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time, absl::UTCTimeZone());
}

// Escapes text for HTML and XML alike, in content and in quoted attributes.
// C0 controls other than tab, LF and CR are dropped: XML 1.0 allows none.
std::string EscapeMarkup(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') break;
        out.push_back(c);
    }
  }
  return out;
}

// Bytes outside RFC 3986's unreserved set as %XX (slugs never have any).
std::string PercentEncode(absl::string_view text) {
  std::string out;
  for (char c : text) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
        c == '~') {
      out.push_back(c);
    } else {
      absl::StrAppendFormat(&out, "%%%02X",
                            static_cast<unsigned int>(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

std::string ArticleUrl(const std::string& url_template, absl::string_view article) {
  absl::string_view slug = article;
  absl::ConsumePrefix(&slug, "articles/");
  return absl::StrReplaceAll(url_template, {{"{slug}", PercentEncode(slug)}});
}

// An article's summary is one plain-text paragraph.
std::string SummaryHtml(absl::string_view summary) {
  return summary.empty() ? std::string() : absl::StrCat("<p>", EscapeMarkup(summary), "</p>");
}

// The revision's review day at midnight UTC; `fallback` without one.
std::string EntryUpdated(const v1::KnowledgeMatch& match, const std::string& fallback) {
  absl::StatusOr<absl::CivilDay> day = FromProtoDate(match.review_date());
  if (!day.ok()) return fallback;
  return absl::StrCat(FormatIsoDate(*day), "T00:00:00Z");
}

Feed BuildFeed(const InfobuttonQuery& query, const v1::RetrieveKnowledgeResponse& response,
               const InfobuttonRenderOptions& options) {
  Feed feed;
  feed.lang = query.language;
  feed.updated = AtomTime(options.now);
  std::vector<std::string> searched;
  for (const InfobuttonCriterionEcho& c : query.criteria) {
    feed.categories.emplace_back(std::string(kCode), c.code);
    feed.categories.emplace_back(std::string(kSystem), c.system_short_name);
    feed.categories.emplace_back(std::string(kDisplay), c.display);
    searched.push_back(absl::StrCat(c.system_name, " ", c.code));
  }
  feed.categories.emplace_back(std::string(kRecipient), query.recipient);
  feed.subtitle = searched.empty()
                      ? options.title
                      : absl::StrCat(options.title, " results for ", absl::StrJoin(searched, ", "));
  std::set<std::string> seen;
  for (const v1::CriterionResult& result : response.results()) {
    for (const v1::KnowledgeMatch& match : result.matches()) {
      if (!seen.insert(match.article()).second) continue;
      FeedEntry& entry = feed.entries.emplace_back();
      entry.title = match.title();
      entry.href = ArticleUrl(options.article_url_template, match.article());
      entry.summary_html = SummaryHtml(match.summary());
      entry.updated = EntryUpdated(match, feed.updated);
    }
  }
  return feed;
}

Json Value(const std::string& value) {
  Json json = Json::object();
  json["_value"] = value;
  return json;
}

// {"type": type, "_value": value}, in that order (the feed's title and
// subtitle, an entry's summary).
Json TypedValue(const std::string& type, const std::string& value) {
  Json json = Json::object();
  json["type"] = type;
  json["_value"] = value;
  return json;
}

Json EntryJson(const FeedEntry& entry) {
  Json json = Json::object();
  // An entry's title has `_value` first, as MedlinePlus Connect writes it.
  json["title"] = Value(entry.title);
  json["title"]["type"] = "text";
  Json link = Json::object();
  link["href"] = entry.href;
  link["rel"] = "alternate";
  json["link"] = Json::array({link});
  json["id"] = Value(entry.href);
  json["summary"] = TypedValue("html", entry.summary_html);
  json["updated"] = Value(entry.updated);
  return json;
}

Json FeedJson(const Feed& feed, const InfobuttonRenderOptions& options) {
  Json json = Json::object();
  json["base"] = options.base;
  json["lang"] = feed.lang;
  json["xsi"] = std::string(kXsiNamespace);
  json["title"] = TypedValue("text", options.title);
  json["updated"] = Value(feed.updated);
  json["id"] = Value(options.feed_id);
  json["author"]["name"] = Value(options.author_name);
  json["author"]["uri"] = Value(options.author_uri);
  json["subtitle"] = TypedValue("text", feed.subtitle);
  json["category"] = Json::array();
  for (const auto& [scheme, term] : feed.categories) {
    Json category = Json::object();
    category["scheme"] = scheme;
    category["term"] = term;
    json["category"].push_back(std::move(category));
  }
  json["entry"] = Json::array();
  for (const FeedEntry& entry : feed.entries) json["entry"].push_back(EntryJson(entry));
  Json root = Json::object();
  root["feed"] = std::move(json);
  return root;
}

std::string FeedXml(const Feed& feed, const InfobuttonRenderOptions& options) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  absl::StrAppend(&out, "<feed xmlns=\"", kAtomNamespace, "\" xmlns:xsi=\"", kXsiNamespace,
                  "\" xml:base=\"", EscapeMarkup(options.base), "\" xml:lang=\"",
                  EscapeMarkup(feed.lang), "\">\n");
  absl::StrAppend(&out, "  <title type=\"text\">", EscapeMarkup(options.title), "</title>\n");
  absl::StrAppend(&out, "  <updated>", feed.updated, "</updated>\n");
  absl::StrAppend(&out, "  <id>", EscapeMarkup(options.feed_id), "</id>\n");
  absl::StrAppend(&out, "  <author>\n    <name>", EscapeMarkup(options.author_name),
                  "</name>\n    <uri>", EscapeMarkup(options.author_uri), "</uri>\n  </author>\n");
  absl::StrAppend(&out, "  <subtitle type=\"text\">", EscapeMarkup(feed.subtitle), "</subtitle>\n");
  for (const auto& [scheme, term] : feed.categories) {
    absl::StrAppend(&out, "  <category scheme=\"", EscapeMarkup(scheme), "\" term=\"",
                    EscapeMarkup(term), "\"/>\n");
  }
  for (const FeedEntry& entry : feed.entries) {
    absl::StrAppend(&out, "  <entry>\n    <title type=\"text\">", EscapeMarkup(entry.title),
                    "</title>\n    <link href=\"", EscapeMarkup(entry.href),
                    "\" rel=\"alternate\"/>\n    <id>", EscapeMarkup(entry.href), "</id>\n");
    absl::StrAppend(&out, "    <summary type=\"html\">", EscapeMarkup(entry.summary_html),
                    "</summary>\n    <updated>", entry.updated, "</updated>\n  </entry>\n");
  }
  absl::StrAppend(&out, "</feed>\n");
  return out;
}

// Invalid UTF-8 (which protobuf strings never hold) would become U+FFFD
// rather than an exception.
std::string DumpJson(const Json& json, bool ascii_only) {
  return json.dump(-1, ' ', ascii_only, Json::error_handler_t::replace);
}

}  // namespace

absl::StatusOr<InfobuttonQuery> ParseInfobuttonQuery(const Params& params,
                                                     absl::string_view accept) {
  const RawParams raw = Collect(params);
  FieldViolations violations;
  // Values first: what follows reads them as text.
  CheckValues(raw, &violations);
  if (!violations.empty()) return violations.ToStatus();
  InfobuttonQuery query;
  ParseCriteria(raw, &query, &violations);
  ParseRecipient(raw, &query, &violations);
  ParseLanguage(raw, &query, &violations);
  ParseFormat(raw, accept, &query, &violations);
  if (!violations.empty()) return violations.ToStatus();
  return query;
}

std::string RenderInfobutton(const InfobuttonQuery& query,
                             const v1::RetrieveKnowledgeResponse& response,
                             const InfobuttonRenderOptions& options) {
  const Feed feed = BuildFeed(query, response, options);
  switch (query.format) {
    case InfobuttonFormat::kAtomXml:
      return FeedXml(feed, options);
    case InfobuttonFormat::kJson:
      return DumpJson(FeedJson(feed, options), false);
    case InfobuttonFormat::kJsonp:
      // The callback is checked again here: a query not made by
      // ParseInfobuttonQuery must not put script into the answer. Non-ASCII
      // is escaped, so U+2028 and U+2029 cannot end a line of script.
      if (!IsJsonpCallback(query.callback)) return DumpJson(FeedJson(feed, options), true);
      return absl::StrCat(query.callback, "(", DumpJson(FeedJson(feed, options), true), ");");
  }
  return FeedXml(feed, options);
}

absl::string_view InfobuttonContentType(InfobuttonFormat format) {
  switch (format) {
    case InfobuttonFormat::kJson:
      return "application/json";
    case InfobuttonFormat::kJsonp:
      return "application/javascript; charset=utf-8";
    case InfobuttonFormat::kAtomXml:
      break;
  }
  return "text/xml; charset=utf-8";
}

}  // namespace healthcontent::http
