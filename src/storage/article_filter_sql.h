// Turns a parsed ListArticles filter (domain/filter.h) and order into SQL
// fragments for a query over a row source aliased `live` with the columns of
// live_articles: article_id, slug, review_date, next_review_date (TEXT
// YYYY-MM-DD), title, publisher, language_code.
//
// Every value from the request is returned as a bound parameter; the SQL text
// is built only from fixed column names and operators, never from user text.
#ifndef HEALTHCONTENT_STORAGE_ARTICLE_FILTER_SQL_H_
#define HEALTHCONTENT_STORAGE_ARTICLE_FILTER_SQL_H_

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "domain/filter.h"
#include "storage/database.h"

namespace healthcontent::storage {

using SqlParam = std::variant<int64_t, double, std::string>;

struct SqlFilter {
  // A boolean SQL expression using numbered parameters ?N, e.g.
  // "(live.review_date >= ?3 AND live.publisher = ?4)"; "1" for no filter.
  std::string sql;
  // params[i] binds to ?(first_index + i).
  std::vector<SqlParam> params;
};

// Compiles `root` (nullptr: no filter) whose parameters are numbered from
// `first_index` (>= 1). Fields and their operators:
//   therapy_type      = !=                  "therapyTypes/{slug}"
//   review_date       = != < <= > >=        a real date YYYY-MM-DD
//   next_review_date  = != < <= > >=        a real date YYYY-MM-DD
//   review_status     = !=                  CURRENT, DUE_SOON, OVERDUE (or
//                                           REVIEW_STATUS_CURRENT, ...)
//   title, publisher, language_code  = !=   exact text
// therapy_type matches revisions linked to the type in revision_therapy_types
// (for live's article_id and review_date). review_status is computed from
// live.next_review_date as domain::ComputeReviewStatus does: OVERDUE before
// `today`, DUE_SOON from `today` to `today + due_soon_days` (>= 0) inclusive,
// CURRENT after that.
//
// An unknown field, an operator the field does not support or a bad value is
// InvalidArgument on field "filter" naming the field, value and position.
// `root` must come from domain::ParseFilter (its depth is bounded).
absl::StatusOr<SqlFilter> CompileArticleFilter(const domain::FilterNode* root, absl::CivilDay today,
                                               int due_soon_days, int first_index);

// An SQL expression for the translation status (v1::Article::
// TranslationStatus, as an integer) of `row`, a revisions or live_articles
// row, on `day` (an SQL expression, e.g. "?2" or "'2026-06-01'"): STALE when
// the row translates an article that has a clinical review in force that day
// newer than the one translated, CURRENT for another translation,
// UNSPECIFIED for an article that is not one.
std::string TranslationStatusSql(absl::string_view row, absl::string_view day);

// Binds `params` to `stmt` from parameter ?first_index on.
void BindFilterParams(const std::vector<SqlParam>& params, int first_index, Statement* stmt);

// The SQL expression of the sort key: live.slug (by name), live.title,
// live.review_date or live.next_review_date.
std::string SortValueColumn(const domain::ArticleOrder& order);

// The ORDER BY list, ties broken by slug in the same direction, e.g.
// "live.title DESC, live.slug DESC"; by name just "live.slug ASC".
std::string OrderByClause(const domain::ArticleOrder& order);

// For keyset paging: a condition selecting the rows strictly after a given
// row in `order`. It uses two parameters, ?first_index for that row's sort
// value (TEXT, as read from SortValueColumn) and ?first_index+1 for its slug,
// except by name, where the sort value is the slug and it uses only
// ?first_index: "live.slug > ?N" ("<" when descending).
std::string KeysetCondition(const domain::ArticleOrder& order, int first_index);

}  // namespace healthcontent::storage

#endif  // HEALTHCONTENT_STORAGE_ARTICLE_FILTER_SQL_H_
