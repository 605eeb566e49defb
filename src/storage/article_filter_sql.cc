#include "storage/article_filter_sql.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/date.h"
#include "common/field_errors.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "healthcontent/v1/article_service.pb.h"
#include "healthcontent/v1/coding.pb.h"

namespace healthcontent::storage {
namespace {

using domain::ArticleOrder;
using domain::FilterNode;
using domain::QuoteForMessage;

enum class ValueType {
  kTherapyType,
  kDate,
  kReviewStatus,
  kText,
  kAudience,
  kTranslationStatus,
  kArticle,
  kNumber,
};

struct FieldSpec {
  absl::string_view name;
  ValueType type;
  absl::string_view column;  // compared column of `live`; empty for therapy_type
};

constexpr FieldSpec kFields[] = {
    {"therapy_type", ValueType::kTherapyType, ""},
    {"review_date", ValueType::kDate, "live.review_date"},
    {"next_review_date", ValueType::kDate, "live.next_review_date"},
    {"review_status", ValueType::kReviewStatus, "live.next_review_date"},
    {"title", ValueType::kText, "live.title"},
    {"publisher", ValueType::kText, "live.publisher"},
    {"language_code", ValueType::kText, "live.language_code"},
    {"audience", ValueType::kAudience, "live.audience"},
    {"translation_status", ValueType::kTranslationStatus, ""},
    {"translation_of", ValueType::kArticle, "live.source_article_id"},
    {"reading_grade", ValueType::kNumber, "live.reading_grade"},
    {"reading_ease", ValueType::kNumber, "live.reading_ease"},
};

// Dates take all six; the other fields only the first two. The SQL uses these
// strings, never the node's own, so only fixed text reaches the statement.
constexpr absl::string_view kOperators[] = {"=", "!=", "<", "<=", ">", ">="};

absl::Status FilterError(absl::string_view description) {
  return InvalidFieldError("filter", description);
}

class Compiler {
 public:
  Compiler(absl::CivilDay today, int due_soon_days, int first_index, std::vector<SqlParam>* params)
      : today_(today), due_soon_days_(due_soon_days), first_index_(first_index), params_(params) {}

  absl::StatusOr<std::string> Compile(const FilterNode& node) {
    switch (node.kind) {
      case FilterNode::Kind::kAnd:
      case FilterNode::Kind::kOr: {
        std::vector<std::string> operands;
        for (const auto& child : node.children) {
          ASSIGN_OR_RETURN(std::string operand, Compile(*child));
          operands.push_back(std::move(operand));
        }
        const char* glue = node.kind == FilterNode::Kind::kAnd ? " AND " : " OR ";
        return absl::StrCat("(", absl::StrJoin(operands, glue), ")");
      }
      case FilterNode::Kind::kNot: {
        const FilterNode& child = *node.children.front();
        ASSIGN_OR_RETURN(std::string operand, Compile(child));
        const bool grouped =
            child.kind == FilterNode::Kind::kAnd || child.kind == FilterNode::Kind::kOr;
        return grouped ? absl::StrCat("NOT ", operand) : absl::StrCat("NOT (", operand, ")");
      }
      case FilterNode::Kind::kCompare:
        return Comparison(node);
    }
    return absl::InternalError("unknown filter node kind");
  }

 private:
  absl::StatusOr<std::string> Comparison(const FilterNode& node) {
    const FieldSpec* field = std::find_if(std::begin(kFields), std::end(kFields),
                                          [&](const FieldSpec& f) { return f.name == node.field; });
    if (field == std::end(kFields)) {
      return FilterError(
          absl::StrCat("unknown field ", QuoteForMessage(node.field), " at position ",
                       node.position, "; filterable fields are ",
                       absl::StrJoin(kFields, ", ", [](std::string* out, const FieldSpec& f) {
                         absl::StrAppend(out, f.name);
                       })));
    }
    const bool ordered = field->type == ValueType::kDate || field->type == ValueType::kNumber;
    const absl::string_view* ops_end = ordered ? std::end(kOperators) : kOperators + 2;
    const absl::string_view* op = std::find(kOperators, ops_end, node.op);
    if (op == ops_end) {
      return FilterError(absl::StrCat(node.field, " ", node.op, " ", QuoteForMessage(node.value),
                                      " at position ", node.position, ": ", node.field,
                                      " supports only ",
                                      ordered ? "=, !=, <, <=, > and >=" : "= and !="));
    }
    const bool negated = *op == "!=";
    const std::string where = absl::StrCat(node.field, " at position ", node.position);

    switch (field->type) {
      case ValueType::kTherapyType: {
        absl::StatusOr<std::string> slug = ParseTherapyTypeName(node.value, where);
        if (!slug.ok()) return FilterError(slug.status().message());
        return absl::StrCat(negated ? "NOT " : "",
                            "EXISTS (SELECT 1 FROM revision_therapy_types t"
                            " WHERE t.article_id = live.article_id"
                            " AND t.review_date = live.review_date"
                            " AND t.therapy_type_slug = ",
                            Param(*slug), ")");
      }
      case ValueType::kDate: {
        absl::StatusOr<absl::CivilDay> day = ParseIsoDate(node.value);
        if (!day.ok()) return FilterError(absl::StrCat(where, ": ", day.status().message()));
        return absl::StrCat(field->column, " ", *op, " ", Param(FormatIsoDate(*day)));
      }
      case ValueType::kReviewStatus:
        return ReviewStatus(node, field->column, negated, where);
      case ValueType::kText:
        return absl::StrCat(field->column, " ", *op, " ", Param(node.value));
      case ValueType::kAudience: {
        absl::string_view value = node.value;
        absl::ConsumePrefix(&value, "AUDIENCE_");
        int64_t audience = value == "PATIENT"        ? v1::AUDIENCE_PATIENT
                           : value == "PROFESSIONAL" ? v1::AUDIENCE_PROFESSIONAL
                                                     : 0;
        if (audience == 0) {
          return FilterError(absl::StrCat(where, ": ", QuoteForMessage(node.value),
                                          " is not PATIENT or PROFESSIONAL"));
        }
        return absl::StrCat(field->column, " ", *op, " ", Param(audience));
      }
      case ValueType::kTranslationStatus:
        return TranslationStatus(node, negated, where);
      case ValueType::kArticle: {
        absl::StatusOr<std::string> slug = ParseArticleName(node.value, where);
        if (!slug.ok()) return FilterError(slug.status().message());
        return absl::StrCat(negated ? "NOT " : "", "coalesce(", field->column,
                            " = (SELECT id FROM articles WHERE slug = ", Param(*slug), "), 0)");
      }
      case ValueType::kNumber: {
        double number = 0;
        if (node.value_quoted || !absl::SimpleAtod(node.value, &number) || !std::isfinite(number)) {
          return FilterError(absl::StrCat(where, ": ", QuoteForMessage(node.value),
                                          " is not a number like 8 or 60.5"));
        }
        return absl::StrCat(field->column, " ", *op, " ", Param(number));
      }
    }
    return absl::InternalError("unknown filter value type");
  }

  // The ranges of domain::ComputeReviewStatus, over `column`.
  absl::StatusOr<std::string> ReviewStatus(const FilterNode& node, absl::string_view column,
                                           bool negated, absl::string_view where) {
    absl::string_view status = node.value;
    absl::ConsumePrefix(&status, "REVIEW_STATUS_");
    if (status == "OVERDUE") {
      return absl::StrCat(column, negated ? " >= " : " < ", Param(FormatIsoDate(today_)));
    }
    if (status == "DUE_SOON") {
      // Separate statements: the placeholders must be numbered in this order.
      std::string first = Param(FormatIsoDate(today_));
      std::string last = Param(FormatIsoDate(today_ + due_soon_days_));
      return absl::StrCat(column, negated ? " NOT BETWEEN " : " BETWEEN ", first, " AND ", last);
    }
    if (status == "CURRENT") {
      return absl::StrCat(column, negated ? " <= " : " > ",
                          Param(FormatIsoDate(today_ + due_soon_days_)));
    }
    return FilterError(absl::StrCat(where, ": ", QuoteForMessage(node.value),
                                    " is not CURRENT, DUE_SOON or OVERDUE"));
  }

  // A translation behind (STALE) or level with (CURRENT) its source's
  // newest clinical review in force today; non-translations are neither.
  absl::StatusOr<std::string> TranslationStatus(const FilterNode& node, bool negated,
                                                absl::string_view where) {
    absl::string_view status = node.value;
    absl::ConsumePrefix(&status, "TRANSLATION_");
    if (status != "STALE" && status != "CURRENT") {
      return FilterError(
          absl::StrCat(where, ": ", QuoteForMessage(node.value), " is not STALE or CURRENT"));
    }
    std::string newer = absl::StrCat(
        "EXISTS (SELECT 1 FROM revisions src WHERE src.article_id = live.source_article_id"
        " AND src.review_date > live.source_review_date AND src.review_date <= ",
        Param(FormatIsoDate(today_)),
        " AND src.change_type = ", static_cast<int>(v1::CHANGE_TYPE_CLINICAL_REVIEW), ")");
    return absl::StrCat(negated ? "NOT " : "", "(live.source_article_id IS NOT NULL AND ",
                        status == "STALE" ? "" : "NOT ", newer, ")");
  }

  // Appends a parameter; returns its placeholder "?N". One overload per
  // type: passing a SqlParam by value trips gcc 12's -Wmaybe-uninitialized.
  std::string Param(std::string value) {
    params_->emplace_back(std::in_place_type<std::string>, std::move(value));
    return Placeholder();
  }
  std::string Param(int64_t value) {
    params_->emplace_back(std::in_place_type<int64_t>, value);
    return Placeholder();
  }
  std::string Param(double value) {
    params_->emplace_back(std::in_place_type<double>, value);
    return Placeholder();
  }
  std::string Placeholder() const {
    return absl::StrCat("?", first_index_ + static_cast<int>(params_->size()) - 1);
  }

  const absl::CivilDay today_;
  const int due_soon_days_;
  const int first_index_;
  std::vector<SqlParam>* params_;
};

}  // namespace

absl::StatusOr<SqlFilter> CompileArticleFilter(const domain::FilterNode* root, absl::CivilDay today,
                                               int due_soon_days, int first_index) {
  SqlFilter out;
  if (root == nullptr) {
    out.sql = "1";
    return out;
  }
  Compiler compiler(today, due_soon_days, first_index, &out.params);
  ASSIGN_OR_RETURN(out.sql, compiler.Compile(*root));
  return out;
}

std::string TranslationStatusSql(absl::string_view row, absl::string_view day) {
  return absl::StrCat("CASE WHEN ", row, ".source_article_id IS NULL THEN ",
                      v1::Article::TRANSLATION_STATUS_UNSPECIFIED,
                      " WHEN EXISTS (SELECT 1 FROM revisions src WHERE src.article_id = ", row,
                      ".source_article_id AND src.review_date > ", row,
                      ".source_review_date AND src.review_date <= ", day,
                      " AND src.change_type = ", v1::CHANGE_TYPE_CLINICAL_REVIEW, ") THEN ",
                      v1::Article::TRANSLATION_STALE, " ELSE ", v1::Article::TRANSLATION_CURRENT,
                      " END");
}

std::string SortValueColumn(const ArticleOrder& order) {
  switch (order.field) {
    case ArticleOrder::Field::kName:
      return "live.slug";
    case ArticleOrder::Field::kTitle:
      return "live.title";
    case ArticleOrder::Field::kReviewDate:
      return "live.review_date";
    case ArticleOrder::Field::kNextReviewDate:
      return "live.next_review_date";
  }
  return "live.slug";
}

std::string OrderByClause(const ArticleOrder& order) {
  const char* direction = order.descending ? " DESC" : " ASC";
  if (order.field == ArticleOrder::Field::kName) return absl::StrCat("live.slug", direction);
  return absl::StrCat(SortValueColumn(order), direction, ", live.slug", direction);
}

std::string KeysetCondition(const ArticleOrder& order, int first_index) {
  const char* after = order.descending ? " < " : " > ";
  if (order.field == ArticleOrder::Field::kName) {
    return absl::StrCat("live.slug", after, "?", first_index);
  }
  // A row-value comparison: SQLite answers it from the (column, slug) indexes.
  return absl::StrCat("(", SortValueColumn(order), ", live.slug)", after, "(?", first_index, ", ?",
                      first_index + 1, ")");
}

void BindFilterParams(const std::vector<SqlParam>& params, int first_index, Statement* stmt) {
  for (size_t i = 0; i < params.size(); ++i) {
    int index = first_index + static_cast<int>(i);
    if (const auto* number = std::get_if<int64_t>(&params[i])) {
      stmt->BindInt64(index, *number);
    } else if (const auto* real = std::get_if<double>(&params[i])) {
      stmt->BindDouble(index, *real);
    } else {
      stmt->BindText(index, std::get<std::string>(params[i]));
    }
  }
}

}  // namespace healthcontent::storage
