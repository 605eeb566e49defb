// Serving a stored revision without parsing it. A stored revision is a
// serialized v1::Article; a read sends it with the view applied and the
// per-request fields (scheduled, review_status, translation_status,
// language_fallback) added. Protobuf's wire format
// lets both be done on the bytes: top-level fields can be skipped by their
// length, and a field appended after the others is what a parser keeps.
// Parsing and re-serializing ~5 KB of nested messages was half the server's
// CPU per GetArticle (bench/RESULTS.md); this is a copy.
#ifndef HEALTHCONTENT_DOMAIN_ARTICLE_WIRE_H_
#define HEALTHCONTENT_DOMAIN_ARTICLE_WIRE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "healthcontent/v1/article.pb.h"

namespace healthcontent::domain {

// The fields a read computes; they are never taken from storage.
struct ServedFields {
  bool basic_view = false;  // drop lead, sections and references
  bool scheduled = false;
  v1::Article::ReviewStatus review_status = v1::Article::REVIEW_STATUS_UNSPECIFIED;
  v1::Article::TranslationStatus translation_status = v1::Article::TRANSLATION_STATUS_UNSPECIFIED;
  bool language_fallback = false;
  // Replaces the stored etag when not empty (see ServedEtag).
  std::string etag = {};
};

// The etag a read serves for a revision with stored etag `stored`: the
// stored etag, plus "-stale" for a translation that is behind its source. A
// translation's status changes without a new revision of its own, and a
// client or cache that validated the current copy must not be told "not
// modified" once it is stale.
std::string ServedEtag(absl::string_view stored, v1::Article::TranslationStatus status);

// Appends to `out` the wire form of the Article a read returns for the
// stored revision `stored`: its top-level fields in stored order, less the
// body fields for a basic view and less any stored per-request field
// (not_modified, scheduled, review_status, translation_status,
// language_fallback), then `fields`' values of those, and `fields.etag` in
// place of the stored etag when it is set. Parsing the
// result gives exactly what parsing `stored`, applying ApplyBasicView and
// setting those fields gives. DataLoss when `stored` is not well-formed at
// the top level (`out` is then unspecified).
absl::Status AppendServedArticle(absl::string_view stored, const ServedFields& fields,
                                 std::string* out);

// Appends a length-delimited field (a string, bytes or an embedded message
// such as one element of a repeated Article) to a message being written on
// the wire: the tag, the length and `value`.
void AppendLengthDelimitedField(int field, absl::string_view value, std::string* out);

}  // namespace healthcontent::domain

#endif  // HEALTHCONTENT_DOMAIN_ARTICLE_WIRE_H_
