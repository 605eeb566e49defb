// Human-readable text of the service's answers, for the terminal: an
// article as a reader would skim it, tables for listings, a diff as + and -
// lines. Scripts use --json instead; nothing here is meant to be parsed.
// Every function returns whole lines (ending in '\n').
#ifndef HEALTHCONTENT_CLI_RENDER_H_
#define HEALTHCONTENT_CLI_RENDER_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "healthcontent/v1/article_service.pb.h"
#include "healthcontent/v1/change_service.pb.h"
#include "healthcontent/v1/knowledge_service.pb.h"
#include "healthcontent/v1/therapy_type.pb.h"

namespace healthcontent::cli {

// Lines are wrapped at this many columns.
inline constexpr int kTextWidth = 80;

// `text` broken at spaces into lines of at most `width` columns (a longer
// word stands alone), the first prefixed with `first_indent` and the rest
// with `indent`.
std::string Wrap(absl::string_view text, absl::string_view first_indent, absl::string_view indent,
                 int width = kTextWidth);

// Columns padded to the widest cell (the last column is not padded).
std::string RenderTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows);

// Title, revision and review dates, publisher, therapy types, then the lead,
// each section under its heading with paragraphs and bullets, the numbered
// references, source and licence.
std::string RenderArticle(const v1::Article& article);

// One row per article: name, review date, next review, review status, title.
std::string RenderArticleTable(const std::vector<v1::Article>& articles);

// One row per revision, newest first as the service lists them.
std::string RenderRevisions(const std::vector<v1::ArticleRevision>& revisions);

// The changed fields, therapy types, sections (blocks as + / - lines) and
// references of a diff; "no differences" when there are none.
std::string RenderDiff(const v1::ArticleDiff& diff);

// Numbered hits: title, name, score, then the snippet.
std::string RenderSearchResults(const std::vector<v1::SearchResult>& results);

// A clinical-code lookup: per criterion, a heading ("ICD-10-CM K22.0") and its
// matches in rank order, each with its name, review date and how it matched;
// "no matches" (and why, when the system is not held) otherwise.
std::string RenderKnowledge(const v1::RetrieveKnowledgeResponse& response);

// One change on one line: sequence, commit time, kind, resource, dates.
std::string RenderChange(const v1::Change& change);

// One row per therapy type: name, article count, display name and aliases.
std::string RenderTherapyTypes(const std::vector<v1::TherapyType>& therapy_types);

// "current", "due soon", "overdue"; "" when unspecified.
std::string ReviewStatusText(v1::Article::ReviewStatus status);

}  // namespace healthcontent::cli

#endif  // HEALTHCONTENT_CLI_RENDER_H_
