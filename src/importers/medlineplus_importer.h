// Imports a MedlinePlus health-topics XML file (NLM's
// https://medlineplus.gov/xml.html download, mplus_topics_YYYY-MM-DD.xml:
// <health-topics date-generated="..."> holding one <health-topic> per topic,
// English and Spanish) into one PublishArticleRevisionRequest per topic.
// Pure: no I/O, nothing is stored.
//
// What is read, per <health-topic>:
//   @title                   -> title
//   @url                     -> source_url (an absolute http(s) URL)
//   @language                -> language_code: "English" -> "en",
//                               "Spanish" -> "es"; any other is refused
//   <also-called>            -> also_called, in order, each once
//   <full-summary>           -> lead: the summary is HTML escaped inside the
//                               XML; after XML unescaping it is converted by
//                               importers/html_blocks.h (gumbo decodes its
//                               character references, so "&eacute;" and a
//                               literal "é" both arrive as "é")
//                            -> summary: the text of its first paragraph, cut
//                               at a word boundary (with "…") to the 2,000-byte
//                               limit
//   <mesh-heading><descriptor id="D015746">Abdominal Pain</descriptor>
//                            -> codes: MeSH (https://www.nlm.nih.gov/mesh),
//                               code the id, display the text; each code once
//   <site title url>         -> references, in document order: WEB_PAGE,
//                               title, url, and its <organization>s (joined
//                               with "; ") as publisher. Sites without a
//                               title or an absolute http(s) url, and repeats
//                               of a url (as references match them), are
//                               skipped.
//   @date-created            -> checked only: a real day, not after the
//                               file's date-generated
// and, for every topic:
//   review_date              <- the file's @date-generated day (below)
//   publisher "MedlinePlus (U.S. National Library of Medicine)", license
//   kMedlinePlusLicense, audience AUDIENCE_PATIENT (the topics are written
//   for patients and the public), change type CHANGE_TYPE_CLINICAL_REVIEW,
//   change_summary "MedlinePlus health topic 3061 as of the health-topics
//   file of 2012-07-21".
// Not read: <group>, <related-topic>, <see-reference>, <other-language>,
// <primary-institute>, a <site>'s <information-category> and
// <standard-description>, @meta-desc, @id beyond linking.
//
// The review date. A topic carries the day it was created and no review
// date; the file carries the moment NLM generated it ("07/21/2012 02:32:56",
// MM/DD/YYYY). The revision is keyed by that day: the day the text is known
// to have read as given. Not date-created: a topic keeps its creation day
// for ever while its text is revised, so every later snapshot would land on
// the same revision key with different text (a conflict, or a silent
// rewrite of history). Keyed by the snapshot day, each imported snapshot is
// a revision of its own; re-importing the same file is an identical
// republish.
//
// Slugs and translations. An English topic's slug is SlugFromText(title)
// ("Abdominal Pain" -> "abdominal-pain"). A Spanish topic linked to an
// English topic of the same file (either names the other's @id in a
// <language-mapped-topic>) is that topic's translation: slug the English
// slug + "-es" ("abdominal-pain-es"), translation_of {article:
// "articles/abdominal-pain", revision_id: the same review date}. A Spanish
// topic without an English partner in the file is an article of its own:
// SlugFromText(title), accents folded ("Dolor de estómago" ->
// "dolor-de-estomago"), no translation_of. Requests come back English
// first, then Spanish, each in document order, so a source is published
// before its translations.
//
// Hostile input. The XML is parsed by libxml2 without network access, without
// loading an external DTD and without substituting entities; a document that
// declares any entity (<!ENTITY ...>, the "billion laughs" and external-
// entity attacks) or refers to one other than the five predefined ones is
// refused before anything is expanded or read. Nesting is held to libxml2's
// default depth limit, summary HTML to kMaxMedlinePlusHtmlDepth.
#ifndef HEALTHCONTENT_IMPORTERS_MEDLINEPLUS_IMPORTER_H_
#define HEALTHCONTENT_IMPORTERS_MEDLINEPLUS_IMPORTER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "healthcontent/v1/article_service.pb.h"

namespace healthcontent::importers {

// Files larger than this are refused before parsing. NLM's complete daily
// file (about 1,000 English and 1,000 Spanish topics) is a few tens of
// megabytes.
inline constexpr size_t kMaxMedlinePlusFileBytes = 64 << 20;
// Summary HTML nested deeper than this many elements is refused.
inline constexpr int kMaxMedlinePlusHtmlDepth = 64;

inline constexpr char kMedlinePlusPublisher[] = "MedlinePlus (U.S. National Library of Medicine)";
inline constexpr char kMedlinePlusLicense[] =
    "Courtesy of MedlinePlus from the National Library of Medicine. MedlinePlus health topic "
    "summaries are in the public domain "
    "(https://medlineplus.gov/about/using/usingcontent/).";

// The requests that publish every topic of the file, English topics first.
// `source` names the file and starts every error message. Each request
// passes domain::ValidatePublishRequest. Stateless and thread-safe.
//
// All or nothing: any problem refuses the whole file, with InvalidArgument:
//   "<source>: is 104857600 bytes; the limit is 67108864"
//   "<source>: is not well-formed XML: line 3: Premature end of data ..."
//   "<source>: declares the entity \"lol\" (<!ENTITY ...>); entities are
//     refused"                         (and the same for a SYSTEM entity)
//   "<source>: refers to the entity &xxe;; only &amp; &lt; &gt; &quot;
//     &apos; are accepted"
//   "<source>: is not a MedlinePlus health-topics file: the root element is
//     <foo>"
//   "<source>: <health-topics> has no date-generated attribute ..."
//   "<source>: <health-topics> date-generated=\"13/45/2012\" is not a date
//     (MM/DD/YYYY)"
//   "<source>: has no <health-topic>"
//   "<source>: health-topic id=\"3062\": has no title attribute"
//     (and url, id, language, date-created; an empty or unusable
//     <full-summary>)
//   "<source>: health-topic id=\"3062\" (\"Dolor abdominal\"):
//     language=\"French\" is not English or Spanish"
//   "<source>: health-topic id=\"3062\" (\"...\"): full-summary: HTML nests
//     deeper than 64 elements"
//   "<source>: health-topics id=\"1\" and id=\"2\" both give
//     articles/abdominal-pain"
// and ValidatePublishRequest's complaints (a google.rpc.BadRequest) prefixed
// with "<source>: health-topic id=...: ".
absl::StatusOr<std::vector<v1::PublishArticleRevisionRequest>> ImportMedlinePlusTopics(
    absl::string_view xml, absl::string_view source);

}  // namespace healthcontent::importers

#endif  // HEALTHCONTENT_IMPORTERS_MEDLINEPLUS_IMPORTER_H_
