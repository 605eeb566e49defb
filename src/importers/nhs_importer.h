// Imports one page of the NHS website content API v2 (schema.org JSON-LD,
// https://developer.api.nhs.uk/nhs-website-content/) into a
// PublishArticleRevisionRequest. Pure: no I/O, nothing is stored.
//
// What is read:
//   name                  -> title
//   description           -> summary
//   lastReviewed[0], [1]  -> review_date, next_review_date ("2023-12-05" or
//                            "2023-12-05T14:50:00+00:00": the date as written)
//   webpage (else url)    -> source_url, https://www.nhs.uk/...; the slug is
//                            its path with '/' as '-' ("conditions-achalasia")
//   mainEntityOfPage[]    -> lead and sections. A section or element
//                            `headline` starts a section; content before the
//                            first one is the lead. Elements are HTML in
//                            `text` (or `mainEntity` for tables), questions
//                            with their accepted answer, and reveals; images
//                            and videos are skipped.
//   relatedLink[]         -> WEB_PAGE references (title, url), except the
//                            site's own "Navigation", "Pagination" and "Self"
//                            links, which are menus, not cited works.
// and publisher "NHS website", language "en-GB", the Open Government Licence
// attribution, change type CHANGE_TYPE_CLINICAL_REVIEW.
//
// HTML, parsed with gumbo (importers/html_blocks.h): <p> and other block
// elements make paragraphs; <ul>/<ol>/<li> bullet lists (nested lists
// flattened into the list);
// <b>/<strong> bold, <i>/<em> italic; <a href> links (relative links made
// absolute on https://www.nhs.uk, API links mapped to the website, other
// schemes dropped); <h1>-<h3> start a section, <h4>-<h6> are bold paragraphs;
// a <table> is a list of its rows (its caption first, in bold); <br> breaks a
// paragraph; <script>, <style>, media and form elements are dropped with
// their content; everything else is flattened to its text.
// Whitespace (NBSP included) is collapsed to single spaces.
#ifndef HEALTHCONTENT_IMPORTERS_NHS_IMPORTER_H_
#define HEALTHCONTENT_IMPORTERS_NHS_IMPORTER_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "healthcontent/v1/article_service.pb.h"
#include "healthcontent/v1/coding.pb.h"

namespace healthcontent::importers {

// source_url -> the codes to add to that page's article (normalized).
using NhsCodeMap = absl::flat_hash_map<std::string, std::vector<v1::Coding>>;

// Documents larger than this are refused before parsing (the largest real
// page in the sample corpus is about 160 KB).
inline constexpr size_t kMaxNhsPageBytes = 4 << 20;
// HTML nested deeper than this many elements inside one fragment is refused.
// A quick scan refuses tags that could nest 4 times deeper before gumbo
// parses them (gumbo slows down quadratically on deep trees).
inline constexpr int kMaxNhsHtmlDepth = 64;
// Reveals and answers nested deeper than this are refused.
inline constexpr int kMaxNhsElementDepth = 8;

// The request that publishes the page. `source` names the document (a file
// name) and starts every error message. The result always passes
// domain::ValidatePublishRequest. Stateless and thread-safe.
//
// Documents that are not an article are refused with FailedPrecondition:
//   "<source>: is an API error response: 404 Resource not found"
//   "<source>: is a listing page of 25 links, not an article"
//     (significantLink results, page manifests, hub pages whose sections are
//     only links)
//   "<source>: is a modules-only response (modules=true): it has no name,
//     url or lastReviewed; import the full page"
// Broken or unusable documents with InvalidArgument:
//   "<source>: is 104857600 bytes; the limit is 4194304"
//   "<source>: is not valid JSON: ..." (truncated, binary junk, bad UTF-8)
//   "<source>: is not an NHS content API page: ..."
//   "<source>: has no lastReviewed review date" (and other missing fields)
//   "<source>: section \"...\": HTML nests deeper than 64 elements"
// and ValidatePublishRequest's complaints prefixed with `source`.
//
// Codes: the page's own `code[]` MedicalCodes with a non-empty `codeValue`
// (codingSystem "SNOMED-CT" is SNOMED CT), then, when `code_map` is set, the
// map's codes for the article's source_url that the page does not carry.
absl::StatusOr<v1::PublishArticleRevisionRequest> ImportNhsPage(
    absl::string_view json, absl::string_view source, const NhsCodeMap* code_map = nullptr);

// A code map file (data/code-maps/nhs.json): the clinical codes of NHS pages,
// which the pages themselves do not carry, keyed by the article's source_url
// (https://www.nhs.uk/conditions/achalasia/), so a re-import keeps them:
//   {"pages": {"https://www.nhs.uk/conditions/achalasia/":
//              [{"system": "ICD10CM", "code": "K22.0", "display": "..."}]}}
// Codes come back normalized (domain::NormalizeCodings); any problem is
// InvalidArgument prefixed with `source`, one field violation per code.
absl::StatusOr<NhsCodeMap> ParseNhsCodeMap(absl::string_view json, absl::string_view source);

}  // namespace healthcontent::importers

#endif  // HEALTHCONTENT_IMPORTERS_NHS_IMPORTER_H_
