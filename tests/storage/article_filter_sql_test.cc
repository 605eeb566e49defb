#include "storage/article_filter_sql.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/field_errors.h"
#include "common/status_macros.h"
#include "domain/filter.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/database.h"
#include "testing/test_env.h"

namespace healthcontent::storage {
namespace {

using ::healthcontent::testing::TempDir;
using ::testing::ElementsAreArray;

const absl::CivilDay kToday(2026, 6, 1);
constexpr int kDueSoonDays = 90;  // today + 90 = 2026-08-30

absl::StatusOr<SqlFilter> Compile(absl::string_view filter, int first_index = 1) {
  ASSIGN_OR_RETURN(std::unique_ptr<domain::FilterNode> root, domain::ParseFilter(filter));
  return CompileArticleFilter(root.get(), kToday, kDueSoonDays, first_index);
}

constexpr char kHasTherapyType[] =
    "EXISTS (SELECT 1 FROM revision_therapy_types t WHERE t.article_id = live.article_id"
    " AND t.review_date = live.review_date AND t.therapy_type_slug = ";

struct CompileCase {
  std::string filter;
  int first_index;
  std::string sql;
  std::vector<SqlParam> params;
};

class CompileArticleFilterTest : public ::testing::TestWithParam<CompileCase> {};

TEST_P(CompileArticleFilterTest, GivesSqlWithEveryValueBound) {
  auto compiled = Compile(GetParam().filter, GetParam().first_index);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  EXPECT_EQ(compiled->sql, GetParam().sql);
  EXPECT_EQ(compiled->params, GetParam().params);
}

INSTANTIATE_TEST_SUITE_P(
    Table, CompileArticleFilterTest,
    ::testing::Values(
        CompileCase{"", 1, "1", {}},
        CompileCase{R"(review_date >= 2023-01-01 AND therapy_type = "therapyTypes/inhalers")",
                    3,
                    absl::StrCat("(live.review_date >= ?3 AND ", kHasTherapyType, "?4))"),
                    {"2023-01-01", "inhalers"}},
        CompileCase{"therapy_type != therapyTypes/inhalers",
                    1,
                    absl::StrCat("NOT ", kHasTherapyType, "?1)"),
                    {"inhalers"}},
        CompileCase{R"(NOT (title = "A" OR publisher != NHS))",
                    1,
                    "NOT (live.title = ?1 OR live.publisher != ?2)",
                    {"A", "NHS"}},
        CompileCase{"-language_code = en", 2, "NOT (live.language_code = ?2)", {"en"}},
        CompileCase{"next_review_date < 2026-01-01 OR review_date = 2020-02-29",
                    1,
                    "(live.next_review_date < ?1 OR live.review_date = ?2)",
                    {"2026-01-01", "2020-02-29"}},
        CompileCase{"review_status = OVERDUE", 1, "live.next_review_date < ?1", {"2026-06-01"}},
        CompileCase{"review_status != REVIEW_STATUS_OVERDUE",
                    1,
                    "live.next_review_date >= ?1",
                    {"2026-06-01"}},
        CompileCase{"review_status = DUE_SOON",
                    1,
                    "live.next_review_date BETWEEN ?1 AND ?2",
                    {"2026-06-01", "2026-08-30"}},
        CompileCase{"review_status != DUE_SOON",
                    1,
                    "live.next_review_date NOT BETWEEN ?1 AND ?2",
                    {"2026-06-01", "2026-08-30"}},
        CompileCase{"review_status = CURRENT", 1, "live.next_review_date > ?1", {"2026-08-30"}},
        CompileCase{"review_status != CURRENT", 1, "live.next_review_date <= ?1", {"2026-08-30"}},
        CompileCase{R"(title = "x' OR '1'='1")", 1, "live.title = ?1", {"x' OR '1'='1"}}));

struct BadCompile {
  const char* filter;
  std::string message;
};

class BadArticleFilterTest : public ::testing::TestWithParam<BadCompile> {};

TEST_P(BadArticleFilterTest, IsInvalidArgumentNamingFieldValueAndPosition) {
  auto compiled = Compile(GetParam().filter);
  ASSERT_FALSE(compiled.ok());
  EXPECT_EQ(compiled.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(compiled.status().message(), GetParam().message);
  google::rpc::BadRequest bad;
  ASSERT_TRUE(GetBadRequest(compiled.status(), &bad));
  ASSERT_EQ(bad.field_violations_size(), 1);
  EXPECT_EQ(bad.field_violations(0).field(), "filter");
}

INSTANTIATE_TEST_SUITE_P(
    Table, BadArticleFilterTest,
    ::testing::Values(
        BadCompile{"title = x AND foo = 1",
                   R"(filter: unknown field "foo" at position 14; filterable fields are )"
                   "therapy_type, review_date, next_review_date, review_status, title, "
                   "publisher, language_code, audience, translation_status, translation_of, "
                   "reading_grade, reading_ease"},
        BadCompile{"review_date >= 2023-02-30",
                   R"(filter: review_date at position 0: "2023-02-30" is not a real date)"},
        BadCompile{"title = x OR next_review_date = soon",
                   R"(filter: next_review_date at position 13: "soon" is not a date in the )"
                   "form YYYY-MM-DD"},
        BadCompile{R"(title < "x")",
                   R"(filter: title < "x" at position 0: title supports only = and !=)"},
        BadCompile{"therapy_type > therapyTypes/x",
                   R"(filter: therapy_type > "therapyTypes/x" at position 0: )"
                   "therapy_type supports only = and !="},
        BadCompile{"review_status >= OVERDUE",
                   R"(filter: review_status >= "OVERDUE" at position 0: )"
                   "review_status supports only = and !="},
        BadCompile{"therapy_type = inhalers",
                   R"(filter: therapy_type at position 0: must look like "therapyTypes/{id}", )"
                   R"(got "inhalers")"},
        BadCompile{"review_status = LATE",
                   R"(filter: review_status at position 0: "LATE" is not CURRENT, DUE_SOON )"
                   "or OVERDUE"},
        BadCompile{"review_status = REVIEW_STATUS_UNSPECIFIED",
                   R"(filter: review_status at position 0: "REVIEW_STATUS_UNSPECIFIED" is not )"
                   "CURRENT, DUE_SOON or OVERDUE"}));

TEST(ArticleOrderSqlTest, OrdersAndPagesBySortValueThenSlug) {
  using Field = domain::ArticleOrder::Field;
  const domain::ArticleOrder by_name;
  const domain::ArticleOrder by_name_desc{Field::kName, true};
  const domain::ArticleOrder by_title_desc{Field::kTitle, true};
  const domain::ArticleOrder by_next_review{Field::kNextReviewDate, false};

  EXPECT_EQ(SortValueColumn(by_name), "live.slug");
  EXPECT_EQ(SortValueColumn(by_title_desc), "live.title");
  EXPECT_EQ(SortValueColumn({Field::kReviewDate, false}), "live.review_date");
  EXPECT_EQ(SortValueColumn(by_next_review), "live.next_review_date");

  EXPECT_EQ(OrderByClause(by_name), "live.slug ASC");
  EXPECT_EQ(OrderByClause(by_name_desc), "live.slug DESC");
  EXPECT_EQ(OrderByClause(by_title_desc), "live.title DESC, live.slug DESC");
  EXPECT_EQ(OrderByClause(by_next_review), "live.next_review_date ASC, live.slug ASC");

  EXPECT_EQ(KeysetCondition(by_name, 4), "live.slug > ?4");
  EXPECT_EQ(KeysetCondition(by_name_desc, 4), "live.slug < ?4");
  EXPECT_EQ(KeysetCondition(by_title_desc, 4), "(live.title, live.slug) < (?4, ?5)");
  EXPECT_EQ(KeysetCondition(by_next_review, 1), "(live.next_review_date, live.slug) > (?1, ?2)");
}

// Five live articles on 2026-06-01 with a 90-day due-soon window:
//   slug       review_date next_review  title            publisher  language  status
//   asthma     2023-01-10  2026-01-10   Asthma           NHS        en        OVERDUE
//   back-pain  2024-03-01  2026-07-15   Lower back pain  NHS        en        DUE_SOON
//   cancer     2025-06-01  2026-08-31   Cancer           Macmillan  en        CURRENT
//   diabetes   2022-05-05  2026-08-30   Type 2 diabetes  NHS        cy        DUE_SOON
//   eczema     2023-01-10  2026-06-01   Atopic eczema    BAD        en        DUE_SOON
// Therapy types: asthma inhalers; cancer chemotherapy and monoclonal-antibodies
// (an older cancer revision had inhalers); diabetes monoclonal-antibodies.
constexpr char kLiveArticles[] = R"sql(
CREATE TABLE live (article_id INTEGER, slug TEXT, review_date TEXT, next_review_date TEXT,
                   title TEXT, publisher TEXT, language_code TEXT);
CREATE TABLE revision_therapy_types (article_id INTEGER, review_date TEXT, position INTEGER,
                                     therapy_type_slug TEXT);
INSERT INTO live VALUES
  (1, 'asthma', '2023-01-10', '2026-01-10', 'Asthma', 'NHS', 'en'),
  (2, 'back-pain', '2024-03-01', '2026-07-15', 'Lower back pain', 'NHS', 'en'),
  (3, 'cancer', '2025-06-01', '2026-08-31', 'Cancer', 'Macmillan', 'en'),
  (4, 'diabetes', '2022-05-05', '2026-08-30', 'Type 2 diabetes', 'NHS', 'cy'),
  (5, 'eczema', '2023-01-10', '2026-06-01', 'Atopic eczema', 'BAD', 'en');
INSERT INTO revision_therapy_types VALUES
  (1, '2023-01-10', 0, 'inhalers'),
  (3, '2025-06-01', 0, 'chemotherapy'),
  (3, '2025-06-01', 1, 'monoclonal-antibodies'),
  (3, '2024-01-01', 0, 'inhalers'),
  (4, '2022-05-05', 0, 'monoclonal-antibodies');
)sql";

// The slugs of `SELECT slug FROM live WHERE <filter> [AND <keyset>] ORDER BY
// <order_by>`, binding every parameter as the query layer would. `after` holds
// the keyset parameters (sort value then slug; the slug alone by name); empty
// for the first page.
absl::StatusOr<std::vector<std::string>> Query(Database* db, absl::string_view filter,
                                               absl::string_view order_by,
                                               const std::vector<std::string>& after = {}) {
  ASSIGN_OR_RETURN(std::unique_ptr<domain::FilterNode> root, domain::ParseFilter(filter));
  ASSIGN_OR_RETURN(domain::ArticleOrder order, domain::ParseArticleOrderBy(order_by));
  ASSIGN_OR_RETURN(SqlFilter compiled, CompileArticleFilter(root.get(), kToday, kDueSoonDays, 1));
  std::string sql = absl::StrCat("SELECT slug FROM live WHERE ", compiled.sql);
  if (!after.empty()) {
    const int first_index = 1 + static_cast<int>(compiled.params.size());
    absl::StrAppend(&sql, " AND ", KeysetCondition(order, first_index));
    compiled.params.insert(compiled.params.end(), after.begin(), after.end());
  }
  absl::StrAppend(&sql, " ORDER BY ", OrderByClause(order));

  ASSIGN_OR_RETURN(Statement stmt, db->PrepareUncached(sql));
  for (size_t i = 0; i < compiled.params.size(); ++i) {
    const int index = 1 + static_cast<int>(i);
    if (const auto* text = std::get_if<std::string>(&compiled.params[i])) {
      stmt.BindText(index, *text);
    } else {
      stmt.BindInt64(index, std::get<int64_t>(compiled.params[i]));
    }
  }
  std::vector<std::string> slugs;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    slugs.emplace_back(stmt.ColumnText(0));
  }
  return slugs;
}

struct QueryCase {
  const char* filter;
  const char* order_by;
  std::vector<std::string> after;
  std::vector<std::string> slugs;
};

class FilteredQueryTest : public ::testing::TestWithParam<QueryCase> {
 protected:
  void SetUp() override {
    auto db = Database::Open(dir_.File("live.db"), {});
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    ASSERT_TRUE(db_->Execute(kLiveArticles).ok());
  }

  TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_P(FilteredQueryTest, ReturnsExactlyTheMatchingSlugsInOrder) {
  auto slugs = Query(db_.get(), GetParam().filter, GetParam().order_by, GetParam().after);
  ASSERT_TRUE(slugs.ok()) << slugs.status();
  EXPECT_THAT(*slugs, ElementsAreArray(GetParam().slugs));
}

INSTANTIATE_TEST_SUITE_P(
    Filters, FilteredQueryTest,
    ::testing::Values(
        QueryCase{"", "", {}, {"asthma", "back-pain", "cancer", "diabetes", "eczema"}},
        // Only the revision in force counts: cancer's older revision had inhalers.
        QueryCase{"therapy_type = therapyTypes/inhalers", "", {}, {"asthma"}},
        QueryCase{R"(therapy_type != "therapyTypes/inhalers")",
                  "",
                  {},
                  {"back-pain", "cancer", "diabetes", "eczema"}},
        QueryCase{"therapy_type = therapyTypes/monoclonal-antibodies OR "
                  "therapy_type = therapyTypes/chemotherapy",
                  "",
                  {},
                  {"cancer", "diabetes"}},
        QueryCase{"review_status = OVERDUE", "", {}, {"asthma"}},
        QueryCase{"review_status = DUE_SOON",
                  "next_review_date",
                  {},
                  {"eczema", "back-pain", "diabetes"}},
        QueryCase{"review_status = REVIEW_STATUS_CURRENT", "", {}, {"cancer"}},
        QueryCase{"review_status != DUE_SOON", "", {}, {"asthma", "cancer"}},
        QueryCase{"review_date >= 2023-01-10 AND publisher = NHS", "", {}, {"asthma", "back-pain"}},
        QueryCase{R"(NOT language_code = "en")", "", {}, {"diabetes"}},
        QueryCase{
            R"(-(publisher = NHS) OR title = "Asthma")", "", {}, {"asthma", "cancer", "eczema"}},
        QueryCase{"next_review_date <= 2026-07-15 AND next_review_date > 2026-01-10",
                  "next_review_date desc",
                  {},
                  {"back-pain", "eczema"}},
        QueryCase{"review_status != OVERDUE AND "
                  "NOT therapy_type = therapyTypes/monoclonal-antibodies",
                  "name desc",
                  {},
                  {"eczema", "back-pain"}},
        QueryCase{"publisher = NHS", "title desc", {}, {"diabetes", "back-pain", "asthma"}},
        // Equal review dates (asthma, eczema) fall back to the slug, in the same direction.
        QueryCase{"", "review_date", {}, {"diabetes", "asthma", "eczema", "back-pain", "cancer"}},
        QueryCase{
            "", "review_date desc", {}, {"cancer", "back-pain", "eczema", "asthma", "diabetes"}},
        // Hostile values are data, never SQL.
        QueryCase{R"(title = "x' OR '1'='1")", "", {}, {}},
        QueryCase{R"(title = "Asthma\" OR \"1\"=\"1")", "", {}, {}},
        QueryCase{R"(publisher = "NHS'; DROP TABLE live; --")", "", {}, {}}));

INSTANTIATE_TEST_SUITE_P(
    Keyset, FilteredQueryTest,
    ::testing::Values(
        QueryCase{"", "review_date", {"2023-01-10", "asthma"}, {"eczema", "back-pain", "cancer"}},
        QueryCase{"", "review_date desc", {"2023-01-10", "eczema"}, {"asthma", "diabetes"}},
        QueryCase{"", "name", {"cancer"}, {"diabetes", "eczema"}},
        QueryCase{"", "name desc", {"cancer"}, {"back-pain", "asthma"}},
        QueryCase{"publisher = NHS", "title", {"Asthma", "asthma"}, {"back-pain", "diabetes"}},
        QueryCase{"publisher = NHS", "title", {"Type 2 diabetes", "diabetes"}, {}}));

}  // namespace
}  // namespace healthcontent::storage
