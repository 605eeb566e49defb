#include "domain/filter.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/field_errors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace healthcontent::domain {
namespace {

// The tree as compact text: OR(a = 1, AND(b = 2, NOT(c = "x"))).
std::string Render(const FilterNode& node) {
  switch (node.kind) {
    case FilterNode::Kind::kCompare:
      return absl::StrCat(node.field, " ", node.op, " ",
                          node.value_quoted ? absl::StrCat("\"", node.value, "\"") : node.value);
    case FilterNode::Kind::kNot:
      return absl::StrCat("NOT(", Render(*node.children.front()), ")");
    case FilterNode::Kind::kAnd:
    case FilterNode::Kind::kOr: {
      std::vector<std::string> operands;
      for (const auto& child : node.children) operands.push_back(Render(*child));
      return absl::StrCat(node.kind == FilterNode::Kind::kAnd ? "AND(" : "OR(",
                          absl::StrJoin(operands, ", "), ")");
    }
  }
  return "?";
}

std::string Repeat(absl::string_view piece, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) absl::StrAppend(&out, piece);
  return out;
}

// `times` comparisons joined by AND.
std::string Comparisons(int times) {
  std::vector<std::string> parts(times, "a = 1");
  return absl::StrJoin(parts, " AND ");
}

struct GoodFilter {
  std::string filter;
  std::string tree;
};

class ParseFilterTest : public ::testing::TestWithParam<GoodFilter> {};

TEST_P(ParseFilterTest, BuildsTheTree) {
  auto root = ParseFilter(GetParam().filter);
  ASSERT_TRUE(root.ok()) << root.status();
  ASSERT_NE(*root, nullptr);
  EXPECT_EQ(Render(**root), GetParam().tree);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseFilterTest,
    ::testing::Values(
        GoodFilter{R"(title = "Asthma")", R"(title = "Asthma")"},
        GoodFilter{"a = 1 OR b = 2 AND c = 3", "OR(a = 1, AND(b = 2, c = 3))"},
        GoodFilter{"a = 1 AND b = 2 OR c = 3", "OR(AND(a = 1, b = 2), c = 3)"},
        GoodFilter{"(a = 1 OR b = 2) AND c = 3", "AND(OR(a = 1, b = 2), c = 3)"},
        GoodFilter{"a = 1 AND b = 2 AND c = 3", "AND(a = 1, b = 2, c = 3)"},
        GoodFilter{"((a = 1))", "a = 1"},
        GoodFilter{"NOT a = 1 AND -b = 2", "AND(NOT(a = 1), NOT(b = 2))"},
        GoodFilter{"NOT (a = 1 OR b = 2)", "NOT(OR(a = 1, b = 2))"},
        GoodFilter{"NOT(a=1)", "NOT(a = 1)"}, GoodFilter{"NOT NOT a = 1", "NOT(NOT(a = 1))"},
        GoodFilter{"a != x AND b < x AND c <= x AND d > x AND e >= x",
                   "AND(a != x, b < x, c <= x, d > x, e >= x)"},
        GoodFilter{"review_date>=2023-01-01", "review_date >= 2023-01-01"},
        GoodFilter{"therapy_type = therapyTypes/monoclonal-antibodies",
                   "therapy_type = therapyTypes/monoclonal-antibodies"},
        GoodFilter{"review_status = OVERDUE", "review_status = OVERDUE"},
        GoodFilter{" \t\r\n a.b_1 = x:y \n", "a.b_1 = x:y"},
        GoodFilter{R"(title = "say \"hi\" \\ bye")", R"(title = "say "hi" \ bye")"},
        GoodFilter{R"(title = "")", R"(title = "")"},
        GoodFilter{"title = \"Caf\xc3\xa9 (AND) ) \"", "title = \"Caf\xc3\xa9 (AND) ) \""},
        GoodFilter{std::string("title = \"a\0b\"", 13), std::string("title = \"a\0b\"", 13)},
        GoodFilter{Repeat("(", 32) + "a = 1" + Repeat(")", 32), "a = 1"},
        GoodFilter{Repeat("-", 32) + "a = 1", Repeat("NOT(", 32) + "a = 1" + Repeat(")", 32)}));

TEST(ParseFilterTest, BlankTextIsNoFilter) {
  for (const char* text : {"", " ", " \t\r\n "}) {
    auto root = ParseFilter(text);
    ASSERT_TRUE(root.ok()) << root.status();
    EXPECT_EQ(*root, nullptr);
  }
}

TEST(ParseFilterTest, RecordsPositionsAndQuoting) {
  auto root = ParseFilter(R"(a = 1 OR NOT b = "2")");
  ASSERT_TRUE(root.ok()) << root.status();
  const FilterNode& either = **root;
  EXPECT_EQ(either.kind, FilterNode::Kind::kOr);
  EXPECT_EQ(either.position, 6);
  EXPECT_EQ(either.children[0]->position, 0);
  EXPECT_FALSE(either.children[0]->value_quoted);
  const FilterNode& negation = *either.children[1];
  EXPECT_EQ(negation.kind, FilterNode::Kind::kNot);
  EXPECT_EQ(negation.position, 9);
  EXPECT_EQ(negation.children[0]->position, 13);
  EXPECT_TRUE(negation.children[0]->value_quoted);
  EXPECT_EQ(negation.children[0]->value, "2");
}

TEST(ParseFilterTest, AcceptsExactlyTheComparisonLimit) {
  auto root = ParseFilter(Comparisons(kMaxFilterComparisons));
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ((*root)->children.size(), static_cast<size_t>(kMaxFilterComparisons));
}

struct BadFilter {
  std::string filter;
  std::string message;
};

class BadFilterTest : public ::testing::TestWithParam<BadFilter> {};

TEST_P(BadFilterTest, IsInvalidArgumentNamingTheToken) {
  auto root = ParseFilter(GetParam().filter);
  ASSERT_FALSE(root.ok());
  EXPECT_EQ(root.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(root.status().message(), GetParam().message);
  google::rpc::BadRequest bad;
  ASSERT_TRUE(GetBadRequest(root.status(), &bad));
  ASSERT_EQ(bad.field_violations_size(), 1);
  EXPECT_EQ(bad.field_violations(0).field(), "filter");
}

INSTANTIATE_TEST_SUITE_P(
    Table, BadFilterTest,
    ::testing::Values(
        BadFilter{R"(title = "x)", "filter: unterminated string starting at position 8"},
        BadFilter{R"(title = "x\)", "filter: unterminated string starting at position 8"},
        BadFilter{R"(title = "a\nb")", R"(filter: invalid escape "\\n" at position 10; )"
                                       R"(only \" and \\ may follow a backslash)"},
        BadFilter{R"(title = "x" OR 1=1; DROP TABLE articles; --)",
                  R"(filter: unexpected "1" at position 15)"},
        BadFilter{Repeat("(", 10000) + "a = 1" + Repeat(")", 10000),
                  "filter: is 20005 bytes; the limit is 2000"},
        BadFilter{"title = \"" + std::string(4990, 'a') + "\"",
                  "filter: is 5000 bytes; the limit is 2000"},
        BadFilter{Repeat("(", 33) + "a = 1" + Repeat(")", 33),
                  R"(filter: "(" at position 32 nests deeper than the limit of 32)"},
        BadFilter{Repeat("NOT ", 33) + "a = 1",
                  R"(filter: "NOT" at position 128 nests deeper than the limit of 32)"},
        BadFilter{Repeat("-", 40) + "a = 1",
                  R"(filter: "-" at position 32 nests deeper than the limit of 32)"},
        BadFilter{Comparisons(kMaxFilterComparisons + 1),
                  "filter: has more than 100 comparisons; the one at position 1000 is over "
                  "the limit"},
        BadFilter{std::string("a = 1 \0 AND b = 2", 17),
                  R"(filter: unexpected "\x00" at position 6; join comparisons with AND or OR)"},
        BadFilter{"title = \xff\xfe",
                  R"(filter: unexpected "\xff" at position 8; expected a value after "=")"},
        BadFilter{"=", R"(filter: unexpected "=" at position 0)"},
        BadFilter{"AND AND", R"(filter: unexpected "AND" at position 0)"},
        BadFilter{"a = 1 AND AND b = 2", R"(filter: unexpected "AND" at position 10)"},
        BadFilter{"a = 1 AND", R"(filter: expected a comparison after "AND" at position 6)"},
        BadFilter{"a = 1 OR ", R"(filter: expected a comparison after "OR" at position 6)"},
        BadFilter{"NOT", R"(filter: expected a comparison after "NOT" at position 0)"},
        BadFilter{"(a = 1", R"msg(filter: expected ")" to close "(" at position 0)msg"},
        BadFilter{"a = 1)", R"msg(filter: unexpected ")" at position 5)msg"},
        BadFilter{"()", R"msg(filter: unexpected ")" at position 1)msg"},
        BadFilter{"title = ", R"(filter: expected a value after "=" at position 6)"},
        BadFilter{"a == 1", R"(filter: unexpected "=" at position 3; expected a value after "=")"},
        BadFilter{"title", R"(filter: expected an operator (=, !=, <, <=, >, >=) after "title" )"
                           R"(at position 0)"},
        BadFilter{R"(title ~ "x")", R"(filter: unexpected "~" at position 6; )"
                                    R"(expected an operator (=, !=, <, <=, >, >=) after "title")"},
        BadFilter{"a = 1 b = 2",
                  R"(filter: unexpected "b" at position 6; join comparisons with AND or OR)"},
        BadFilter{"a = 1 and b = 2",
                  R"(filter: unexpected "and" at position 6; join comparisons with AND or OR)"},
        BadFilter{R"(Title = "x")", R"(filter: unexpected "Title" at position 0)"},
        BadFilter{std::string(60, 'A'), absl::StrCat("filter: unexpected \"", std::string(40, 'A'),
                                                     "...\" at position 0")}));

struct GoodOrder {
  const char* order_by;
  ArticleOrder::Field field;
  bool descending;
};

class ParseArticleOrderByTest : public ::testing::TestWithParam<GoodOrder> {};

TEST_P(ParseArticleOrderByTest, ReadsFieldAndDirection) {
  auto order = ParseArticleOrderBy(GetParam().order_by);
  ASSERT_TRUE(order.ok()) << order.status();
  EXPECT_EQ(order->field, GetParam().field);
  EXPECT_EQ(order->descending, GetParam().descending);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseArticleOrderByTest,
    ::testing::Values(GoodOrder{"", ArticleOrder::Field::kName, false},
                      GoodOrder{"  ", ArticleOrder::Field::kName, false},
                      GoodOrder{"name desc", ArticleOrder::Field::kName, true},
                      GoodOrder{"title", ArticleOrder::Field::kTitle, false},
                      GoodOrder{"title desc", ArticleOrder::Field::kTitle, true},
                      GoodOrder{"  review_date   asc ", ArticleOrder::Field::kReviewDate, false},
                      GoodOrder{"next_review_date desc", ArticleOrder::Field::kNextReviewDate,
                                true}));

struct BadOrder {
  const char* order_by;
  std::string message;
};

class BadArticleOrderByTest : public ::testing::TestWithParam<BadOrder> {};

TEST_P(BadArticleOrderByTest, IsInvalidArgumentNamingTheToken) {
  auto order = ParseArticleOrderBy(GetParam().order_by);
  ASSERT_FALSE(order.ok());
  EXPECT_EQ(order.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(order.status().message(), GetParam().message);
  google::rpc::BadRequest bad;
  ASSERT_TRUE(GetBadRequest(order.status(), &bad));
  ASSERT_EQ(bad.field_violations_size(), 1);
  EXPECT_EQ(bad.field_violations(0).field(), "order_by");
}

constexpr char kAllowedOrders[] = R"(; order by name, title, review_date or next_review_date, )"
                                  R"(optionally followed by " asc" or " desc")";

INSTANTIATE_TEST_SUITE_P(
    Table, BadArticleOrderByTest,
    ::testing::Values(
        BadOrder{"author", absl::StrCat(R"(order_by: unknown field "author")", kAllowedOrders)},
        BadOrder{"title, name",
                 absl::StrCat(R"(order_by: unknown field "title,")", kAllowedOrders)},
        BadOrder{"title DESC",
                 absl::StrCat(R"(order_by: unexpected "DESC" after "title")", kAllowedOrders)},
        BadOrder{"title desc name",
                 absl::StrCat(R"(order_by: unexpected "name" after "desc")", kAllowedOrders)}));

}  // namespace
}  // namespace healthcontent::domain
