// The ListArticles `filter` language, a subset of AIP-160, and `order_by`.
//
//   filter     := expr
//   expr       := term (OR term)*
//   term       := factor (AND factor)*
//   factor     := NOT factor | '-' factor | '(' expr ')' | comparison
//   comparison := FIELD op value
//   FIELD      := [a-z_][a-z0-9_.]*
//   op         := = | != | < | <= | > | >=
//   value      := "double-quoted, with \" and \\ escapes" | [A-Za-z0-9_.:/-]+
//
// AND binds tighter than OR. AND, OR and NOT are upper-case keywords, and AND
// must be written: `a = 1 b = 2` is an error, not an implicit AND. Whitespace
// (space, tab, CR, LF) separates tokens and is otherwise ignored.
//
// Parsing knows no field names or value types; storage/article_filter_sql.h
// checks those when it compiles the tree. Nothing here touches storage.
#ifndef HEALTHCONTENT_DOMAIN_FILTER_H_
#define HEALTHCONTENT_DOMAIN_FILTER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace healthcontent::domain {

inline constexpr size_t kMaxFilterBytes = 2000;
// Parentheses and NOT / '-' each add one level.
inline constexpr int kMaxFilterDepth = 32;
inline constexpr int kMaxFilterComparisons = 100;

struct FilterNode {
  enum class Kind { kAnd, kOr, kNot, kCompare };
  Kind kind;
  // kAnd, kOr: two or more operands, in order. kNot: exactly one.
  std::vector<std::unique_ptr<FilterNode>> children;
  // kCompare only. `op` is one of "=", "!=", "<", "<=", ">", ">=". `value` is
  // unescaped; `value_quoted` says whether it was written as a string.
  std::string field;
  std::string op;
  std::string value;
  bool value_quoted = false;
  // 0-based byte offset in the filter text of the field (kCompare) or of the
  // first AND / OR / NOT / '-' keyword, for error messages.
  int position = 0;
};

// Parses `text`. Empty or whitespace-only text is no filter: OK with nullptr.
// Errors are InvalidArgument with a google.rpc.BadRequest violation on field
// "filter" whose message names the offending token and its byte position,
// e.g. `filter: unexpected ")" at position 12`. Text over kMaxFilterBytes,
// nesting deeper than kMaxFilterDepth and more than kMaxFilterComparisons
// comparisons are refused. Any byte sequence is safe to pass; recursion is
// bounded by kMaxFilterDepth.
absl::StatusOr<std::unique_ptr<FilterNode>> ParseFilter(absl::string_view text);

struct ArticleOrder {
  enum class Field { kName, kTitle, kReviewDate, kNextReviewDate };
  Field field = Field::kName;
  bool descending = false;
};

// Parses `order_by`: "" (by name), or one of "name", "title", "review_date",
// "next_review_date", optionally followed by " asc" or " desc" (lower-case;
// extra whitespace allowed). Anything else is InvalidArgument on field
// "order_by" naming the bad token and listing the allowed fields.
absl::StatusOr<ArticleOrder> ParseArticleOrderBy(absl::string_view text);

// `text` in double quotes for an error message: `"` and `\` backslash-escaped,
// bytes outside printable ASCII as \xNN (so the message is valid UTF-8 whatever
// the input), cut after 40 bytes with "...".
std::string QuoteForMessage(absl::string_view text);

}  // namespace healthcontent::domain

#endif  // HEALTHCONTENT_DOMAIN_FILTER_H_
