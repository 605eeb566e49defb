// MedlinePlus Connect-compatible answers to HL7 Infobutton URL requests
// (`GET /infobutton/service?mainSearchCriteria.v.c=G93.32&...`), free of any
// HTTP server and of gRPC. ParseInfobuttonQuery turns the query parameters
// into a RetrieveKnowledgeRequest (which the HTTP face sends to
// KnowledgeService like any other call); RenderInfobutton turns the response
// into the Atom feed, JSON or JSONP that MedlinePlus Connect answers with, in
// its shape, so an existing client switches by changing its base URL.
//
// Parameters read (names exactly as written; the others clients send, such as
// taskContext.c.c, subTopic.v.c or performer, are ignored):
//
//   mainSearchCriteria.v.c    required: the code ("G93.32", "k58.9", "860975")
//   mainSearchCriteria.v.cs   required: its system's OID ("2.16.840.1.113883.6.90";
//                             a URI or short name such as ICD10CM works too)
//   mainSearchCriteria.v.dn   optional: the code's display name, echoed
//   mainSearchCriteria.v.ot   optional: the original text (Criterion.original_text)
//   informationRecipient      PAT (patient, the default) or PROV (provider), any case
//   informationRecipient.languageCode.c
//                             the answer's language: a BCP-47 tag, default "en";
//                             "sp", which some clients send, means "es"
//   knowledgeResponseType     text/xml (Atom, the default), application/json, or
//                             application/javascript (JSONP: needs `callback`)
//   callback                  the JSONP function name
//
// MedlinePlus Connect takes one code a request. Up to kMaxInfobuttonCriteria
// may be given here by repeating the mainSearchCriteria parameters: the i-th
// .v.c goes with the i-th .v.cs (or one .v.cs serves them all) and with the
// i-th .v.dn and .v.ot (each given once per code, or not at all). Every other
// parameter read may be given once.
//
// Pure functions; thread-safe.
#ifndef HEALTHCONTENT_HTTP_INFOBUTTON_H_
#define HEALTHCONTENT_HTTP_INFOBUTTON_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "healthcontent/v1/knowledge_service.pb.h"

namespace healthcontent::http {

// Most codes in one request (RetrieveKnowledge's own limit).
inline constexpr int kMaxInfobuttonCriteria = 20;
// Longest value of any parameter read, in bytes (the proto's limit on
// display and original text; codes and names are far shorter).
inline constexpr size_t kMaxInfobuttonValueLength = 300;
// Longest JSONP callback name.
inline constexpr size_t kMaxJsonpCallbackLength = 64;

enum class InfobuttonFormat {
  kAtomXml,  // text/xml, the default
  kJson,     // application/json
  kJsonp,    // application/javascript: callback(<json>);
};

// One code as the request gave it, for the feed's `category` and `subtitle`.
struct InfobuttonCriterionEcho {
  std::string code;               // mainSearchCriteria.v.c as sent: "k58.9"
  std::string system_short_name;  // "ICD10CM", as MedlinePlus Connect echoes the system
  std::string system_name;        // "ICD-10-CM", for the subtitle
  std::string display;            // mainSearchCriteria.v.dn, "" when not sent
};

struct InfobuttonQuery {
  // What to ask KnowledgeService.RetrieveKnowledge: one criterion per code,
  // its system as the code system's URI and its code in normal form;
  // `audience` AUDIENCE_UNSPECIFIED when informationRecipient was not sent;
  // `language_codes` holds the one language (default "en"); as_of and
  // max_results are left unset (today, 10 per code).
  v1::RetrieveKnowledgeRequest request;

  InfobuttonFormat format = InfobuttonFormat::kAtomXml;
  // The JSONP function name (kJsonp only), checked: 1-64 characters of
  // [A-Za-z0-9_$.], not starting with a digit or '.'.
  std::string callback;

  // Echoed in the feed: one per request.criteria, in order.
  std::vector<InfobuttonCriterionEcho> criteria;
  std::string recipient = "PAT";  // informationRecipient, upper case
  std::string language = "en";    // the feed's `lang`
};

// Reads the query of an Infobutton request. `params` are the percent-decoded
// (key, value) pairs in URL order ('+' already a space, as ParseQuery in
// http/rest_routes.h gives them). `accept` is the request's Accept header
// ("" when none): without knowledgeResponseType, the first of
// application/json (JSON) or text/xml, application/xml, application/atom+xml
// (Atom) that it lists chooses the format (q-values are not weighed; q=0
// excludes); otherwise Atom.
//
// InvalidArgument with one google.rpc.BadRequest violation per problem, each
// naming the parameter ("mainSearchCriteria.v.c", "callback", ...; with
// "[i]" for the i-th of repeated codes): a missing code or system, a system
// that is not a known one (RetrieveKnowledge would refuse it too; ICD-9-CM,
// NDC and CPT are known but not held, and pass: they answer with an empty
// feed), a code malformed for its system, more than kMaxInfobuttonCriteria
// codes or mismatched repeats, a value over kMaxInfobuttonValueLength bytes
// or not plain UTF-8 text, an unknown knowledgeResponseType or
// informationRecipient, a language that is not a BCP-47 tag, a JSONP request
// without a valid callback, or a single-valued parameter given twice.
absl::StatusOr<InfobuttonQuery> ParseInfobuttonQuery(
    const std::vector<std::pair<std::string, std::string>>& params, absl::string_view accept = "");

struct InfobuttonRenderOptions {
  // Each entry's link: "{slug}" replaced by the article's id (the part after
  // "articles/" of KnowledgeMatch.article), e.g.
  // "https://portal.example/articles/{slug}". Also the entry's Atom id.
  std::string article_url_template;
  // The feed's `base` (xml:base), e.g. "https://portal.example/".
  std::string base;
  // The feed's `id` (MedlinePlus Connect sends ""); e.g. the request URL.
  std::string feed_id;
  // The feed's `title`, and the start of its subtitle: "<title> results for
  // ICD-10-CM G93.32".
  std::string title = "health-content";
  // The feed's `author`.
  std::string author_name;
  std::string author_uri;
  // The feed's `updated`; entries carry their revision's review date.
  absl::Time now;
};

// The answer to `query` as MedlinePlus Connect shapes it (see
// ../shared/corpus/medlineplus-connect/): `feed` with base, lang, xsi,
// title, updated, id, author, subtitle, `category` (the request echoed:
// per code mainSearchCriteria.v.c, .v.cs as the short name, .v.dn; then
// informationRecipient) and `entry`, one per matching article (each once,
// in the order of the codes and, for each, best match first): title, link
// (href, rel "alternate"), id, summary (the article's plain-text summary,
// HTML-escaped in a <p>, type "html") and updated. Text values sit under
// `_value` in JSON. No match is a feed with no entries (JSON `entry: []`).
// `response.results` are read in the order of `query.criteria`.
std::string RenderInfobutton(const InfobuttonQuery& query,
                             const v1::RetrieveKnowledgeResponse& response,
                             const InfobuttonRenderOptions& options);

// The Content-Type of a rendered answer: "text/xml; charset=utf-8",
// "application/json" or "application/javascript; charset=utf-8".
absl::string_view InfobuttonContentType(InfobuttonFormat format);

}  // namespace healthcontent::http

#endif  // HEALTHCONTENT_HTTP_INFOBUTTON_H_
