// What a portal builds on, over a real server (in-process channel) on a temp
// database built from data/: filtered and ordered listings, therapy type
// counts, full-text search, revision diffs, and a cache kept in step by the
// change feed.
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "common/date.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "healthcontent/v1/change_service.grpc.pb.h"
#include "testing/seed.h"
#include "testing/test_env.h"
#include "testing/test_server.h"

namespace healthcontent {
namespace {

using ::healthcontent::testing::Context;
using ::healthcontent::testing::kAdminToken;
using ::healthcontent::testing::kPublisherToken;
using ::healthcontent::testing::TestServer;
using ::healthcontent::testing::ViolatedFields;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::UnorderedElementsAre;

constexpr char kSeed[] = "articles/biological-therapy-for-cancer";
constexpr char kAlpha[] = "articles/alpha-article";
constexpr char kBeta[] = "articles/beta-article";
constexpr char kGamma[] = "articles/gamma-article";

// The seed article's publish request from data/, re-dated.
v1::PublishArticleRevisionRequest SeedRequest(absl::CivilDay day) {
  v1::PublishArticleRevisionRequest request = testing::SeedPublishRequest();
  *request.mutable_article()->mutable_review_date() = ToProtoDate(day);
  request.set_change_summary(absl::StrCat("Review of ", FormatIsoDate(day)));
  return request;
}

// The seed's text under another name, title, dates and therapy types.
v1::PublishArticleRevisionRequest ArticleRequest(const std::string& slug, const std::string& title,
                                                 absl::CivilDay review_date,
                                                 absl::CivilDay next_review_date,
                                                 const std::vector<std::string>& therapy_types) {
  v1::PublishArticleRevisionRequest request = SeedRequest(review_date);
  v1::Article* article = request.mutable_article();
  article->set_name(absl::StrCat("articles/", slug));
  article->set_title(title);
  *article->mutable_next_review_date() = ToProtoDate(next_review_date);
  article->clear_therapy_types();
  for (const std::string& type : therapy_types) {
    article->add_therapy_types()->set_name(absl::StrCat("therapyTypes/", type));
  }
  return request;
}

// Replaces `from` by `to` in every span of the lead and sections; returns how
// many spans changed.
int ReplaceInBody(v1::Article* article, const std::string& from, const std::string& to) {
  int changed = 0;
  auto replace = [&](v1::Span* span) {
    std::string text = absl::StrReplaceAll(span->text(), {{from, to}});
    if (text == span->text()) return;
    span->set_text(text);
    ++changed;
  };
  auto replace_in_blocks = [&](google::protobuf::RepeatedPtrField<v1::Block>* blocks) {
    for (v1::Block& block : *blocks) {
      if (block.has_paragraph()) {
        for (v1::Span& span : *block.mutable_paragraph()->mutable_spans()) replace(&span);
      }
      if (block.has_bullet_list()) {
        for (v1::ListItem& item : *block.mutable_bullet_list()->mutable_items()) {
          for (v1::Span& span : *item.mutable_spans()) replace(&span);
        }
      }
    }
  };
  replace_in_blocks(article->mutable_lead());
  for (v1::Section& section : *article->mutable_sections()) {
    replace_in_blocks(section.mutable_blocks());
  }
  return changed;
}

class PortalServiceTest : public ::testing::Test {
 protected:
  grpc::Status Publish(const v1::PublishArticleRevisionRequest& request,
                       v1::Article* out = nullptr) {
    v1::Article ignored;
    return server_.articles().PublishArticleRevision(Context(kPublisherToken).get(), request,
                                                     out != nullptr ? out : &ignored);
  }

  grpc::Status Withdraw(const std::string& name) {
    v1::WithdrawArticleRequest request;
    request.set_name(name);
    google::protobuf::Empty empty;
    return server_.articles().WithdrawArticle(Context(kAdminToken).get(), request, &empty);
  }

  // Three articles besides the seed, chosen so that name, title, review date
  // and next review date orders all differ. On 2026-06-01 (due soon until
  // 2026-08-30):
  //   name             title                            review      next review  status
  //   alpha-article    Monoclonal antibodies explained  2024-03-10  2026-07-15   DUE_SOON
  //   beta-article     Cancer vaccines                  2022-11-01  2026-04-01   OVERDUE
  //   biological-...   Biological therapy for cancer    2023-05-19  2026-05-19   OVERDUE
  //   gamma-article    Advances in gene therapy         2025-09-30  2028-09-30   CURRENT
  void PublishPortalArticles() {
    const v1::PublishArticleRevisionRequest requests[] = {
        ArticleRequest("alpha-article", "Monoclonal antibodies explained",
                       absl::CivilDay(2024, 3, 10), absl::CivilDay(2026, 7, 15),
                       {"monoclonal-antibodies", "immunoconjugates"}),
        ArticleRequest("beta-article", "Cancer vaccines", absl::CivilDay(2022, 11, 1),
                       absl::CivilDay(2026, 4, 1), {"cancer-vaccines"}),
        ArticleRequest("gamma-article", "Advances in gene therapy", absl::CivilDay(2025, 9, 30),
                       absl::CivilDay(2028, 9, 30),
                       {"gene-therapy", "monoclonal-antibodies", "car-t-cell-therapy"}),
    };
    for (const auto& request : requests) {
      grpc::Status status = Publish(request);
      ASSERT_TRUE(status.ok()) << request.article().name() << ": " << status.error_message();
    }
  }

  grpc::Status List(const v1::ListArticlesRequest& request, v1::ListArticlesResponse* response) {
    return server_.articles().ListArticles(Context().get(), request, response);
  }

  // The names of a one-page listing.
  std::vector<std::string> ListNames(const std::string& filter, const std::string& order_by = "") {
    v1::ListArticlesRequest request;
    request.set_filter(filter);
    request.set_order_by(order_by);
    v1::ListArticlesResponse response;
    grpc::Status status = List(request, &response);
    EXPECT_TRUE(status.ok()) << "filter " << filter << ", order_by " << order_by << ": "
                             << status.error_message();
    EXPECT_TRUE(response.next_page_token().empty()) << filter;
    std::vector<std::string> names;
    for (const v1::Article& article : response.articles()) names.push_back(article.name());
    return names;
  }

  // Every name of a listing, fetched page by page; `pages` counts the calls.
  std::vector<std::string> ListAllNames(v1::ListArticlesRequest request, int* pages) {
    std::vector<std::string> names;
    for (*pages = 1; *pages <= 20; ++*pages) {
      v1::ListArticlesResponse response;
      grpc::Status status = List(request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      for (const v1::Article& article : response.articles()) names.push_back(article.name());
      if (!status.ok() || response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return names;
  }

  grpc::Status Search(const v1::SearchArticlesRequest& request,
                      v1::SearchArticlesResponse* response) {
    // The index follows commits within moments; these tests are about what
    // it answers once it has.
    absl::Status indexed = server_.server().CatchUpSearchIndex();
    EXPECT_TRUE(indexed.ok()) << indexed;
    return server_.articles().SearchArticles(Context().get(), request, response);
  }

  // The article names of a one-page search.
  std::vector<std::string> SearchNames(const std::string& query, const std::string& filter = "") {
    v1::SearchArticlesRequest request;
    request.set_query(query);
    request.set_filter(filter);
    v1::SearchArticlesResponse response;
    grpc::Status status = Search(request, &response);
    EXPECT_TRUE(status.ok()) << "query " << query << ": " << status.error_message();
    std::vector<std::string> names;
    for (const v1::SearchResult& result : response.results()) {
      names.push_back(result.article().name());
    }
    return names;
  }

  // article_count of every therapy type, by name.
  std::map<std::string, int> ArticleCounts() {
    v1::ListTherapyTypesRequest request;
    v1::ListTherapyTypesResponse response;
    grpc::Status status =
        server_.therapy_types().ListTherapyTypes(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_TRUE(response.next_page_token().empty());
    std::map<std::string, int> counts;
    for (const v1::TherapyType& type : response.therapy_types()) {
      counts[type.name()] = type.article_count();
    }
    return counts;
  }

  // Runs the scheduler's check for the current fake day.
  int ApplyDueSchedules() {
    api::ServiceContext* services = server_.server().services();
    absl::StatusOr<int> applied = services->data()->articles->ApplyDueSchedules(services->Now());
    EXPECT_TRUE(applied.ok()) << applied.status();
    return applied.value_or(-1);
  }

  TestServer server_;  // today is 2026-06-01; data/ loaded
};

// ---------------------------------------------------------------------------
// ListArticles filters and ordering

struct FilterCase {
  std::string filter;
  std::vector<std::string> names;  // by name, the default order
};

TEST_F(PortalServiceTest, ListArticlesFiltersSelectExactlyTheMatchingArticles) {
  ASSERT_NO_FATAL_FAILURE(PublishPortalArticles());
  const std::vector<FilterCase> cases = {
      {"", {kAlpha, kBeta, kSeed, kGamma}},
      {R"(therapy_type = "therapyTypes/monoclonal-antibodies")", {kAlpha, kSeed, kGamma}},
      {R"(therapy_type = "therapyTypes/monoclonal-antibodies" AND review_date >= 2024-01-01)",
       {kAlpha, kGamma}},
      {R"(therapy_type != "therapyTypes/monoclonal-antibodies")", {kBeta}},
      {R"(therapy_type = "therapyTypes/oncolytic-virus-therapy")", {kSeed}},
      {"review_status = OVERDUE", {kBeta, kSeed}},
      {"review_status = REVIEW_STATUS_OVERDUE", {kBeta, kSeed}},
      {"review_status = DUE_SOON", {kAlpha}},
      {"review_status = CURRENT", {kGamma}},
      {"NOT review_status = OVERDUE", {kAlpha, kGamma}},
      {"review_status != OVERDUE", {kAlpha, kGamma}},
      {"-review_status = OVERDUE", {kAlpha, kGamma}},
      // AND binds tighter than OR; parentheses change the answer.
      {R"((therapy_type = "therapyTypes/cancer-vaccines" OR )"
       R"(therapy_type = "therapyTypes/gene-therapy") AND review_date >= 2023-01-01)",
       {kSeed, kGamma}},
      {R"(therapy_type = "therapyTypes/cancer-vaccines" OR )"
       R"(therapy_type = "therapyTypes/gene-therapy" AND review_date >= 2023-01-01)",
       {kBeta, kSeed, kGamma}},
      {R"(title = "Cancer vaccines")", {kBeta}},
      {R"(title = "cancer vaccines")", {}},
      {R"(title != "Cancer vaccines" AND next_review_date < 2027-01-01)", {kAlpha, kSeed}},
      {"review_date = 2023-05-19", {kSeed}},
      {"next_review_date > 2026-05-19 AND next_review_date <= 2028-09-30", {kAlpha, kGamma}},
      {R"(publisher = "Mayo Clinic" AND language_code = "en" AND review_date < 2023-01-01)",
       {kBeta}},
  };
  for (const FilterCase& c : cases) {
    EXPECT_EQ(ListNames(c.filter), c.names) << c.filter;
  }

  // Each article is BASIC by default and carries its review status for today.
  v1::ListArticlesRequest request;
  v1::ListArticlesResponse response;
  ASSERT_TRUE(List(request, &response).ok());
  ASSERT_EQ(response.articles_size(), 4);
  const std::map<std::string, v1::Article::ReviewStatus> expected_status = {
      {kAlpha, v1::Article::DUE_SOON},
      {kBeta, v1::Article::OVERDUE},
      {kSeed, v1::Article::OVERDUE},  // next review 2026-05-19, before today
      {kGamma, v1::Article::CURRENT},
  };
  for (const v1::Article& article : response.articles()) {
    EXPECT_EQ(article.review_status(), expected_status.at(article.name())) << article.name();
    EXPECT_EQ(article.lead_size(), 0) << article.name();
    EXPECT_EQ(article.sections_size(), 0) << article.name();
    EXPECT_EQ(article.references_size(), 0) << article.name();
    EXPECT_FALSE(article.title().empty()) << article.name();
    EXPECT_GT(article.therapy_types_size(), 0) << article.name();
    EXPECT_FALSE(article.etag().empty()) << article.name();
  }
  EXPECT_EQ(response.articles(0).therapy_types(0).display_name(), "Monoclonal antibodies");

  // FULL when asked.
  request.set_view(v1::ARTICLE_VIEW_FULL);
  request.set_filter(R"(title = "Cancer vaccines")");
  response.Clear();
  ASSERT_TRUE(List(request, &response).ok());
  ASSERT_EQ(response.articles_size(), 1);
  EXPECT_EQ(response.articles(0).sections_size(), 2);
  EXPECT_EQ(response.articles(0).review_status(), v1::Article::OVERDUE);
}

// ListArticles is served from the stored bytes (a raw method); each entry
// must be exactly the Article GetArticle serves in the same view, computed
// fields (review_status) included.
TEST_F(PortalServiceTest, ListArticlesEntriesAreExactlyWhatGetArticleServes) {
  ASSERT_NO_FATAL_FAILURE(PublishPortalArticles());
  for (v1::ArticleView view :
       {v1::ARTICLE_VIEW_UNSPECIFIED, v1::ARTICLE_VIEW_BASIC, v1::ARTICLE_VIEW_FULL}) {
    v1::ListArticlesRequest request;
    request.set_view(view);
    request.set_page_size(3);
    int pages = 0;
    std::vector<v1::Article> listed;
    for (pages = 1; pages <= 5; ++pages) {
      v1::ListArticlesResponse response;
      grpc::Status status = List(request, &response);
      ASSERT_TRUE(status.ok()) << status.error_message();
      listed.insert(listed.end(), response.articles().begin(), response.articles().end());
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    EXPECT_EQ(pages, 2) << view;
    ASSERT_EQ(listed.size(), 4u) << view;
    std::set<int> statuses;
    for (const v1::Article& entry : listed) {
      v1::GetArticleRequest get;
      get.set_name(entry.name());
      get.set_view(view == v1::ARTICLE_VIEW_FULL ? v1::ARTICLE_VIEW_FULL : v1::ARTICLE_VIEW_BASIC);
      v1::Article served;
      ASSERT_TRUE(server_.articles().GetArticle(Context().get(), get, &served).ok());
      EXPECT_EQ(entry.SerializeAsString(), served.SerializeAsString())
          << entry.name() << " view " << view;
      EXPECT_EQ(entry.sections_size() > 0, view == v1::ARTICLE_VIEW_FULL) << entry.name();
      EXPECT_NE(entry.review_status(), v1::Article::REVIEW_STATUS_UNSPECIFIED) << entry.name();
      statuses.insert(entry.review_status());
    }
    EXPECT_GE(statuses.size(), 2u) << "the portal articles should span review statuses";
  }
  // An unknown view is refused even when the page would be empty.
  v1::ListArticlesRequest request;
  request.set_view(static_cast<v1::ArticleView>(42));
  request.set_filter(R"(title = "no such title")");
  v1::ListArticlesResponse response;
  grpc::Status status = List(request, &response);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "view: has unknown value 42");
  EXPECT_THAT(ViolatedFields(status), ElementsAre("view"));
}

TEST_F(PortalServiceTest, ListArticlesOrderByGivesTheExactOrder) {
  ASSERT_NO_FATAL_FAILURE(PublishPortalArticles());
  EXPECT_THAT(ListNames("", ""), ElementsAre(kAlpha, kBeta, kSeed, kGamma));
  EXPECT_THAT(ListNames("", "name desc"), ElementsAre(kGamma, kSeed, kBeta, kAlpha));
  EXPECT_THAT(ListNames("", "title"), ElementsAre(kGamma, kSeed, kBeta, kAlpha));
  EXPECT_THAT(ListNames("", "title asc"), ElementsAre(kGamma, kSeed, kBeta, kAlpha));
  EXPECT_THAT(ListNames("", "title desc"), ElementsAre(kAlpha, kBeta, kSeed, kGamma));
  EXPECT_THAT(ListNames("", "review_date"), ElementsAre(kBeta, kSeed, kAlpha, kGamma));
  EXPECT_THAT(ListNames("", "  review_date   desc "), ElementsAre(kGamma, kAlpha, kSeed, kBeta));
  EXPECT_THAT(ListNames("", "next_review_date"), ElementsAre(kBeta, kSeed, kAlpha, kGamma));
  EXPECT_THAT(ListNames("", "next_review_date desc"), ElementsAre(kGamma, kAlpha, kSeed, kBeta));
  EXPECT_THAT(ListNames("review_status = OVERDUE", "review_date desc"), ElementsAre(kSeed, kBeta));
}

TEST_F(PortalServiceTest, ListArticlesPagesAFilteredOrderedListingOnceEachInOrder) {
  ASSERT_NO_FATAL_FAILURE(PublishPortalArticles());
  const std::string filter = "NOT review_status = DUE_SOON";
  const std::string order_by = "review_date desc";

  v1::ListArticlesRequest request;
  request.set_filter(filter);
  request.set_order_by(order_by);
  request.set_page_size(1);
  int pages = 0;
  EXPECT_THAT(ListAllNames(request, &pages), ElementsAre(kGamma, kSeed, kBeta));
  EXPECT_EQ(pages, 3);

  // Every order pages the same way.
  for (const char* order : {"title", "title desc", "review_date", "next_review_date desc"}) {
    v1::ListArticlesRequest all;
    all.set_order_by(order);
    all.set_page_size(1);
    EXPECT_EQ(ListAllNames(all, &pages), ListNames("", order)) << order;
    EXPECT_EQ(pages, 4) << order;
  }

  v1::ListArticlesResponse first;
  ASSERT_TRUE(List(request, &first).ok());
  ASSERT_EQ(first.articles_size(), 1);
  EXPECT_EQ(first.articles(0).name(), kGamma);
  ASSERT_FALSE(first.next_page_token().empty());

  // The token may be replayed with another page size...
  v1::ListArticlesRequest bigger = request;
  bigger.set_page_size(10);
  bigger.set_page_token(first.next_page_token());
  v1::ListArticlesResponse rest;
  ASSERT_TRUE(List(bigger, &rest).ok());
  ASSERT_EQ(rest.articles_size(), 2);
  EXPECT_EQ(rest.articles(0).name(), kSeed);
  EXPECT_EQ(rest.articles(1).name(), kBeta);
  EXPECT_TRUE(rest.next_page_token().empty());

  // ...but not with another filter or order.
  const std::string kDifferentQuery =
      "page_token: was issued for a different query (parent, filter or order_by changed); "
      "start again without a page token";
  v1::ListArticlesRequest other_filter = request;
  other_filter.set_filter("review_status = OVERDUE");
  other_filter.set_page_token(first.next_page_token());
  v1::ListArticlesResponse response;
  grpc::Status status = List(other_filter, &response);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), kDifferentQuery);
  EXPECT_THAT(status.error_message(), HasSubstr("different query"));
  EXPECT_THAT(ViolatedFields(status), ElementsAre("page_token"));

  v1::ListArticlesRequest other_order = request;
  other_order.set_order_by("review_date");
  other_order.set_page_token(first.next_page_token());
  status = List(other_order, &response);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), kDifferentQuery);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("page_token"));

  v1::ListArticlesRequest no_filter = request;
  no_filter.clear_filter();
  no_filter.set_page_token(first.next_page_token());
  status = List(no_filter, &response);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("different query"));
}

TEST_F(PortalServiceTest, ListArticlesRefusesAnUnknownOrderBy) {
  const std::string kAllowed =
      "; order by name, title, review_date or next_review_date, optionally followed by "
      "\" asc\" or \" desc\"";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"rating", "order_by: unknown field \"rating\"" + kAllowed},
      {"Title", "order_by: unknown field \"Title\"" + kAllowed},
      {"title descending", "order_by: unexpected \"descending\" after \"title\"" + kAllowed},
      {"title desc name", "order_by: unexpected \"name\" after \"desc\"" + kAllowed},
  };
  for (const auto& [order_by, message] : cases) {
    v1::ListArticlesRequest request;
    request.set_order_by(order_by);
    v1::ListArticlesResponse response;
    grpc::Status status = List(request, &response);
    EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT) << order_by;
    EXPECT_EQ(status.error_message(), message) << order_by;
    EXPECT_THAT(ViolatedFields(status), ElementsAre("order_by")) << order_by;
  }
}

// ---------------------------------------------------------------------------
// Filter errors

struct BadFilterCase {
  std::string filter;
  std::string message;
  std::string token;  // the offending token, named in the message
};

TEST_F(PortalServiceTest, MalformedFiltersAreInvalidArgumentNamingTheTokenAndPosition) {
  const std::vector<BadFilterCase> cases = {
      {"review_date >=", R"(filter: expected a value after ">=" at position 12)", ">="},
      {R"(color = "red")",
       R"(filter: unknown field "color" at position 0; filterable fields are therapy_type, )"
       "review_date, next_review_date, review_status, title, publisher, language_code, audience, "
       "translation_status, translation_of, reading_grade, reading_ease",
       "color"},
      {"review_date > 2023-02-30",
       R"(filter: review_date at position 0: "2023-02-30" is not a real date)", "2023-02-30"},
      {R"(title = "x" AND review_date > 2023-13-01)",
       R"(filter: review_date at position 16: "2023-13-01" is not a real date)", "2023-13-01"},
      {"review_date > 19-05-2023",
       R"(filter: review_date at position 0: "19-05-2023" is not a date in the form YYYY-MM-DD)",
       "19-05-2023"},
      {"review_status = LATE",
       R"(filter: review_status at position 0: "LATE" is not CURRENT, DUE_SOON or OVERDUE)",
       "LATE"},
      {R"(title < "M")", R"(filter: title < "M" at position 0: title supports only = and !=)", "<"},
      {R"(therapy_type = "gene-therapy")",
       R"(filter: therapy_type at position 0: must look like "therapyTypes/{id}", )"
       R"(got "gene-therapy")",
       "gene-therapy"},
      {R"((title = "x")", R"msg(filter: expected ")" to close "(" at position 0)msg", "("},
      {R"(title = "x" review_date > 2020-01-01)",
       R"(filter: unexpected "review_date" at position 12; join comparisons with AND or OR)",
       "review_date"},
  };
  for (const BadFilterCase& c : cases) {
    v1::ListArticlesRequest request;
    request.set_filter(c.filter);
    v1::ListArticlesResponse response;
    grpc::Status status = List(request, &response);
    EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT) << c.filter;
    EXPECT_EQ(status.error_message(), c.message) << c.filter;
    EXPECT_THAT(status.error_message(), HasSubstr(c.token)) << c.filter;
    EXPECT_THAT(status.error_message(), HasSubstr("position")) << c.filter;
    EXPECT_THAT(ViolatedFields(status), ElementsAre("filter")) << c.filter;
  }

  // SearchArticles takes the same filter, with the same errors.
  v1::SearchArticlesRequest search;
  search.set_query("cancer");
  search.set_filter(R"(color = "red")");
  v1::SearchArticlesResponse found;
  grpc::Status status = Search(search, &found);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr(R"(unknown field "color" at position 0)"));
  EXPECT_THAT(ViolatedFields(status), ElementsAre("filter"));
}

// ---------------------------------------------------------------------------
// Therapy type counts

TEST_F(PortalServiceTest, TherapyTypeArticleCountsFollowPublishesAndWithdrawals) {
  std::map<std::string, int> counts = ArticleCounts();
  ASSERT_EQ(counts.size(), 13u);
  for (const auto& [name, count] : counts) EXPECT_EQ(count, 1) << name;

  ASSERT_TRUE(
      Publish(ArticleRequest("two-types", "Gene and cytokine therapy", absl::CivilDay(2025, 1, 1),
                             absl::CivilDay(2028, 1, 1), {"gene-therapy", "cytokine-therapy"}))
          .ok());
  counts = ArticleCounts();
  for (const auto& [name, count] : counts) {
    const bool covered =
        name == "therapyTypes/gene-therapy" || name == "therapyTypes/cytokine-therapy";
    EXPECT_EQ(count, covered ? 2 : 1) << name;
  }
  v1::GetTherapyTypeRequest get;
  get.set_name("therapyTypes/gene-therapy");
  v1::TherapyType gene;
  ASSERT_TRUE(server_.therapy_types().GetTherapyType(Context().get(), get, &gene).ok());
  EXPECT_EQ(gene.article_count(), 2);

  grpc::Status status = Withdraw(kSeed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  counts = ArticleCounts();
  for (const auto& [name, count] : counts) {
    const bool covered =
        name == "therapyTypes/gene-therapy" || name == "therapyTypes/cytokine-therapy";
    EXPECT_EQ(count, covered ? 1 : 0) << name;
  }

  // A scheduled revision counts from its day, not before.
  ASSERT_TRUE(
      Publish(ArticleRequest("two-types", "Monoclonal antibodies now", absl::CivilDay(2026, 9, 1),
                             absl::CivilDay(2029, 9, 1), {"monoclonal-antibodies"}))
          .ok());
  counts = ArticleCounts();
  EXPECT_EQ(counts["therapyTypes/gene-therapy"], 1);
  EXPECT_EQ(counts["therapyTypes/monoclonal-antibodies"], 0);
  server_.SetToday(2026, 9, 1);
  EXPECT_EQ(ApplyDueSchedules(), 1);
  counts = ArticleCounts();
  EXPECT_EQ(counts["therapyTypes/gene-therapy"], 0);
  EXPECT_EQ(counts["therapyTypes/cytokine-therapy"], 0);
  EXPECT_EQ(counts["therapyTypes/monoclonal-antibodies"], 1);
}

// ---------------------------------------------------------------------------
// SearchArticles

TEST_F(PortalServiceTest, SearchArticlesFindsWordsWithMarkedSnippets) {
  v1::SearchArticlesRequest request;
  request.set_query("checkpoint");
  v1::SearchArticlesResponse response;
  grpc::Status status = Search(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.results_size(), 1);
  EXPECT_TRUE(response.next_page_token().empty());
  const v1::SearchResult& hit = response.results(0);
  EXPECT_EQ(hit.article().name(), kSeed);
  EXPECT_EQ(hit.article().revision_id(), "2023-05-19");
  EXPECT_EQ(hit.article().title(), "Biological therapy for cancer");
  EXPECT_EQ(hit.article().review_status(), v1::Article::OVERDUE);
  EXPECT_EQ(hit.article().lead_size(), 0);  // BASIC
  EXPECT_EQ(hit.article().sections_size(), 0);
  EXPECT_EQ(hit.article().references_size(), 0);
  EXPECT_EQ(hit.article().therapy_types_size(), 13);
  EXPECT_THAT(hit.snippet(), HasSubstr("[checkpoint]"));
  EXPECT_NE(hit.snippet().find('['), std::string::npos);
  EXPECT_NE(hit.snippet().find(']'), std::string::npos);
  EXPECT_GT(hit.score(), 0);

  // The Snowball English stemmer: another form of the word matches too.
  EXPECT_THAT(SearchNames("checkpoints"), ElementsAre(kSeed));
  // Plain words all match, or when no article has them all, most of them;
  // +word must match; phrases, OR, NOT and prefixes.
  EXPECT_THAT(SearchNames("immune checkpoint inhibitors"), ElementsAre(kSeed));
  EXPECT_THAT(SearchNames(R"("checkpoint inhibitors")"), ElementsAre(kSeed));
  EXPECT_THAT(SearchNames("checkp*"), ElementsAre(kSeed));
  EXPECT_THAT(SearchNames("checkpoint xylophone"), ElementsAre(kSeed));
  EXPECT_THAT(SearchNames("+checkpoint +xylophone"), IsEmpty());
  EXPECT_THAT(SearchNames("xylophone marimba"), IsEmpty());
  EXPECT_THAT(SearchNames("checkpoint OR xylophone"), ElementsAre(kSeed));
  EXPECT_THAT(SearchNames("checkpoint NOT xylophone"), ElementsAre(kSeed));
  EXPECT_THAT(SearchNames("checkpoint -immune"), IsEmpty());
  // What the parser cannot read as syntax it reads as plain words.
  EXPECT_THAT(SearchNames("checkpoint AND"), ElementsAre(kSeed));
  EXPECT_THAT(SearchNames(R"("checkpoint inhibitors)"), ElementsAre(kSeed));
  EXPECT_THAT(SearchNames("(checkpoint"), ElementsAre(kSeed));

  request.set_query("xylophone");
  response.Clear();
  ASSERT_TRUE(Search(request, &response).ok());
  EXPECT_EQ(response.results_size(), 0);
  EXPECT_TRUE(response.next_page_token().empty());
}

TEST_F(PortalServiceTest, SearchArticlesRefusesBadQueriesAsInvalidArgument) {
  struct BadQuery {
    std::string query;
    std::string message;  // exact when not empty
  };
  const std::vector<BadQuery> cases = {
      {"", "query: is required: the words to search for"},
      {"   ", "query: is required: the words to search for"},
      {std::string(501, 'a'), "query: is 501 bytes; the limit is 500"},
      {"AND", "query: has only operators (AND, OR, NOT...); add words to find"},
      {"AND OR NOT ( ) \"\" * + -",
       "query: has only operators (AND, OR, NOT...); add words to find"},
      {"*", "query: is required: the words to search for"},
      {std::string("cancer\0drop", 11), "query: must not contain control characters (such as NUL)"},
      {"cancer\x1b[2J", "query: must not contain control characters (such as NUL)"},
      {absl::StrJoin(std::vector<std::string>(33, "cancer"), " "),
       "query: has 33 words; the limit is 32"},
      {absl::StrJoin(std::vector<std::string>(10000, "a"), " "),
       "query: is 19999 bytes; the limit is 500"},
  };
  for (const BadQuery& c : cases) {
    v1::SearchArticlesRequest request;
    request.set_query(c.query);
    v1::SearchArticlesResponse response;
    grpc::Status status = Search(request, &response);
    EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT)
        << c.query << ": " << status.error_message();
    EXPECT_THAT(ViolatedFields(status), ElementsAre("query")) << c.query;
    if (!c.message.empty()) {
      EXPECT_EQ(status.error_message(), c.message) << c.query;
    } else {
      EXPECT_THAT(status.error_message(), HasSubstr("query: ")) << c.query;
    }
    // The engine behind the search stays out of the answer.
    EXPECT_THAT(status.error_message(), ::testing::Not(HasSubstr("Xapian"))) << c.query;
  }

  v1::SearchArticlesRequest negative;
  negative.set_query("cancer");
  negative.set_page_size(-1);
  v1::SearchArticlesResponse response;
  grpc::Status status = Search(negative, &response);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "page_size: must not be negative, got -1");
  EXPECT_THAT(ViolatedFields(status), ElementsAre("page_size"));
}

TEST_F(PortalServiceTest, SearchIndexFollowsPublishesSchedulesAndWithdrawals) {
  EXPECT_THAT(SearchNames("germs"), ElementsAre(kSeed));
  EXPECT_THAT(SearchNames("pathogens"), IsEmpty());

  // A new review in force today replaces the indexed text.
  v1::PublishArticleRevisionRequest reworded = SeedRequest(absl::CivilDay(2025, 1, 10));
  ASSERT_EQ(ReplaceInBody(reworded.mutable_article(), "germs", "pathogens"), 1);
  grpc::Status status = Publish(reworded);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(SearchNames("germs"), IsEmpty());
  EXPECT_THAT(SearchNames("pathogens"), ElementsAre(kSeed));
  v1::SearchArticlesRequest request;
  request.set_query("pathogens");
  v1::SearchArticlesResponse response;
  ASSERT_TRUE(Search(request, &response).ok());
  ASSERT_EQ(response.results_size(), 1);
  EXPECT_EQ(response.results(0).article().revision_id(), "2025-01-10");
  EXPECT_EQ(response.results(0).article().review_status(), v1::Article::CURRENT);
  EXPECT_THAT(response.results(0).snippet(), HasSubstr("[pathogens]"));

  // A backfill is history, not the text in force.
  v1::PublishArticleRevisionRequest backfill = SeedRequest(absl::CivilDay(2020, 2, 2));
  ASSERT_EQ(ReplaceInBody(backfill.mutable_article(), "germs", "microorganisms"), 1);
  ASSERT_TRUE(Publish(backfill).ok());
  EXPECT_THAT(SearchNames("microorganisms"), IsEmpty());
  EXPECT_THAT(SearchNames("pathogens"), ElementsAre(kSeed));

  // A scheduled review is not searchable before its day.
  v1::PublishArticleRevisionRequest scheduled = SeedRequest(absl::CivilDay(2026, 9, 1));
  ASSERT_EQ(ReplaceInBody(scheduled.mutable_article(), "germs", "pathogens"), 1);
  ASSERT_GT(ReplaceInBody(scheduled.mutable_article(), "invaders", "intruders"), 0);
  v1::Article published;
  ASSERT_TRUE(Publish(scheduled, &published).ok());
  EXPECT_TRUE(published.scheduled());
  EXPECT_THAT(SearchNames("intruders"), IsEmpty());
  EXPECT_THAT(SearchNames("invaders"), ElementsAre(kSeed));
  EXPECT_EQ(ApplyDueSchedules(), 0);
  EXPECT_THAT(SearchNames("intruders"), IsEmpty());

  server_.SetToday(2026, 9, 1);
  EXPECT_EQ(ApplyDueSchedules(), 1);
  EXPECT_THAT(SearchNames("intruders"), ElementsAre(kSeed));
  EXPECT_THAT(SearchNames("invaders"), IsEmpty());
  request.set_query("intruders");
  response.Clear();
  ASSERT_TRUE(Search(request, &response).ok());
  ASSERT_EQ(response.results_size(), 1);
  EXPECT_EQ(response.results(0).article().revision_id(), "2026-09-01");
  EXPECT_FALSE(response.results(0).article().scheduled());

  // A withdrawn article is found by nothing.
  status = Withdraw(kSeed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(SearchNames("intruders"), IsEmpty());
  EXPECT_THAT(SearchNames("cancer"), IsEmpty());
}

TEST_F(PortalServiceTest, SearchArticlesFiltersAndPagesWithoutRepeats) {
  // A second article with the seed's text but fewer therapy types.
  ASSERT_TRUE(Publish(ArticleRequest("alpha-article", "Monoclonal antibodies explained",
                                     absl::CivilDay(2025, 2, 1), absl::CivilDay(2028, 2, 1),
                                     {"gene-therapy", "immunoconjugates"}))
                  .ok());
  EXPECT_THAT(SearchNames("checkpoint"), UnorderedElementsAre(kAlpha, kSeed));
  EXPECT_THAT(SearchNames("checkpoint", R"(therapy_type = "therapyTypes/monoclonal-antibodies")"),
              ElementsAre(kSeed));
  EXPECT_THAT(SearchNames("checkpoint", R"(therapy_type = "therapyTypes/gene-therapy")"),
              UnorderedElementsAre(kAlpha, kSeed));
  EXPECT_THAT(SearchNames("checkpoint", "review_status = CURRENT"), ElementsAre(kAlpha));
  EXPECT_THAT(SearchNames("checkpoint", "review_status = OVERDUE"), ElementsAre(kSeed));
  EXPECT_THAT(SearchNames("checkpoint", R"(title = "no such title")"), IsEmpty());
  // The title weighs most: a title word ranks its article first.
  EXPECT_THAT(SearchNames("monoclonal"), ElementsAre(kAlpha, kSeed));

  v1::SearchArticlesRequest request;
  request.set_query("checkpoint");
  request.set_page_size(1);
  std::vector<std::string> seen;
  std::string first_token;
  int pages = 0;
  while (pages < 10) {
    v1::SearchArticlesResponse response;
    grpc::Status status = Search(request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ++pages;
    ASSERT_EQ(response.results_size(), 1);
    seen.push_back(response.results(0).article().name());
    EXPECT_EQ(response.results(0).article().sections_size(), 0);
    EXPECT_NE(response.results(0).article().review_status(),
              v1::Article::REVIEW_STATUS_UNSPECIFIED);
    if (pages == 1) first_token = response.next_page_token();
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  EXPECT_THAT(seen, UnorderedElementsAre(kAlpha, kSeed));
  EXPECT_EQ(pages, 2);
  ASSERT_FALSE(first_token.empty());

  // The token belongs to its query and filter.
  v1::SearchArticlesRequest other = request;
  other.set_query("cancer");
  other.set_page_token(first_token);
  v1::SearchArticlesResponse response;
  grpc::Status status = Search(other, &response);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("different query"));
  EXPECT_THAT(ViolatedFields(status), ElementsAre("page_token"));
  other.set_query("checkpoint");
  other.set_filter("review_status = CURRENT");
  status = Search(other, &response);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("page_token"));

  // And to the index revision that ranked it: once a publish is indexed, a
  // later page of a new ranking could repeat or skip hits.
  ASSERT_TRUE(
      Publish(ArticleRequest("beta-article", "Checkpoint questions", absl::CivilDay(2025, 3, 1),
                             absl::CivilDay(2028, 3, 1), {"gene-therapy"}))
          .ok());
  v1::SearchArticlesRequest stale;
  stale.set_query("checkpoint");
  stale.set_page_size(1);
  stale.set_page_token(first_token);
  status = Search(stale, &response);
  EXPECT_EQ(status.error_code(), grpc::ABORTED);
  EXPECT_THAT(status.error_message(),
              MatchesRegex("page_token: the search index has changed since the first page "
                           "\\(change sequence [0-9]+, now [0-9]+\\); run the search again "
                           "from the first page"));
  stale.clear_page_token();
  status = Search(stale, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.results_size(), 1);
  EXPECT_FALSE(response.next_page_token().empty());
}

// ---------------------------------------------------------------------------
// DiffArticleRevisions

TEST_F(PortalServiceTest, DiffArticleRevisionsReportsARenamedSectionAndARemovedReference) {
  v1::GetArticleRequest get;
  get.set_name(kSeed);
  v1::Article old;
  ASSERT_TRUE(server_.articles().GetArticle(Context().get(), get, &old).ok());
  ASSERT_EQ(old.references_size(), 4);
  const v1::Reference dropped = old.references(2);  // citation [3]

  v1::PublishArticleRevisionRequest request = SeedRequest(absl::CivilDay(2024, 6, 1));
  request.mutable_article()->mutable_sections(0)->set_heading("How it works");
  request.mutable_article()->mutable_references()->DeleteSubrange(2, 1);
  grpc::Status status = Publish(request);
  ASSERT_TRUE(status.ok()) << status.error_message();

  v1::DiffArticleRevisionsRequest diff_request;
  diff_request.set_name(kSeed);
  diff_request.set_from_revision("2023-05-19");
  diff_request.set_to_revision("2024-06-01");
  v1::ArticleDiff diff;
  status = server_.articles().DiffArticleRevisions(Context().get(), diff_request, &diff);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(diff.name(), kSeed);
  EXPECT_EQ(diff.from_revision(), "2023-05-19");
  EXPECT_EQ(diff.to_revision(), "2024-06-01");
  // Only the (defaulted) next review date moved at the top level.
  EXPECT_THAT(diff.changed_fields(), ElementsAre("next_review_date"));
  EXPECT_FALSE(diff.has_lead());
  ASSERT_EQ(diff.sections_size(), 2);
  EXPECT_EQ(diff.sections(0).kind(), v1::DIFF_KIND_REMOVED);
  EXPECT_EQ(diff.sections(0).heading(), "How biological therapy works");
  EXPECT_EQ(diff.sections(0).blocks_size(), 0);
  EXPECT_EQ(diff.sections(1).kind(), v1::DIFF_KIND_ADDED);
  EXPECT_EQ(diff.sections(1).heading(), "How it works");
  EXPECT_EQ(diff.sections(1).blocks_size(), 0);
  EXPECT_THAT(diff.therapy_types_added(), IsEmpty());
  EXPECT_THAT(diff.therapy_types_removed(), IsEmpty());
  ASSERT_EQ(diff.references_size(), 1);
  EXPECT_EQ(diff.references(0).kind(), v1::DIFF_KIND_REMOVED);
  EXPECT_EQ(diff.references(0).name(), dropped.name());
  EXPECT_EQ(diff.references(0).before().citation(), dropped.citation());
  EXPECT_FALSE(diff.references(0).has_after());
  EXPECT_THAT(diff.references(0).changed_fields(), IsEmpty());

  // A revision against itself: nothing but the names.
  diff_request.set_from_revision("2024-06-01");
  diff.Clear();
  ASSERT_TRUE(server_.articles().DiffArticleRevisions(Context().get(), diff_request, &diff).ok());
  EXPECT_EQ(diff.from_revision(), "2024-06-01");
  EXPECT_THAT(diff.changed_fields(), IsEmpty());
  EXPECT_EQ(diff.sections_size(), 0);
  EXPECT_EQ(diff.references_size(), 0);
}

TEST_F(PortalServiceTest, DiffArticleRevisionsRefusesBadAndUnknownRevisions) {
  struct BadDiff {
    std::string name;
    std::string from;
    std::string to;
    grpc::StatusCode code;
    std::string message;
    std::vector<std::string> fields;
  };
  const std::vector<BadDiff> cases = {
      {kSeed,
       "2023-13-01",
       "2023-05-19",
       grpc::INVALID_ARGUMENT,
       R"(from_revision: "2023-13-01" is not a real date)",
       {"from_revision"}},
      {kSeed,
       "2023-05-19",
       "",
       grpc::INVALID_ARGUMENT,
       R"(to_revision: "" is not a date in the form YYYY-MM-DD)",
       {"to_revision"}},
      {kSeed,
       "2023-13-01",
       "",
       grpc::INVALID_ARGUMENT,
       R"(from_revision: "2023-13-01" is not a real date; )"
       R"(to_revision: "" is not a date in the form YYYY-MM-DD)",
       {"from_revision", "to_revision"}},
      {kSeed,
       "2023-05-19",
       "2024-6-1",
       grpc::INVALID_ARGUMENT,
       R"(to_revision: "2024-6-1" is not a date in the form YYYY-MM-DD)",
       {"to_revision"}},
      {kSeed,
       "2023-05-19",
       "2024-06-02",
       grpc::NOT_FOUND,
       "articles/biological-therapy-for-cancer/revisions/2024-06-02 does not exist",
       {}},
      {kSeed,
       "2020-01-01",
       "2023-05-19",
       grpc::NOT_FOUND,
       "articles/biological-therapy-for-cancer/revisions/2020-01-01 does not exist",
       {}},
      {"articles/no-such-article",
       "2023-05-19",
       "2023-05-19",
       grpc::NOT_FOUND,
       "articles/no-such-article does not exist",
       {}},
  };
  for (const BadDiff& c : cases) {
    v1::DiffArticleRevisionsRequest request;
    request.set_name(c.name);
    request.set_from_revision(c.from);
    request.set_to_revision(c.to);
    v1::ArticleDiff diff;
    grpc::Status status = server_.articles().DiffArticleRevisions(Context().get(), request, &diff);
    const std::string label = absl::StrCat(c.name, " ", c.from, "..", c.to);
    EXPECT_EQ(status.error_code(), c.code) << label << ": " << status.error_message();
    EXPECT_EQ(status.error_message(), c.message) << label;
    EXPECT_EQ(ViolatedFields(status), c.fields) << label;
  }
}

// ---------------------------------------------------------------------------
// A downstream cache kept by the change feed

// A portal's cache fed by WatchChanges: article name -> etag of the revision
// in force, refreshed with GetArticle on every change that can move it
// (NOT_FOUND drops the entry). Thread-safe.
class CacheMirror {
 public:
  explicit CacheMirror(v1::ArticleService::Stub* articles) : articles_(articles) {}

  // Applies changes until the stream ends (the test cancels it).
  void Consume(grpc::ClientReader<v1::Change>* reader) {
    v1::Change change;
    while (reader->Read(&change)) Apply(change);
  }

  // Waits until the change with `sequence` has been applied.
  bool WaitForSequence(int64_t sequence, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto reached = [this, sequence] {
      mu_.AssertReaderHeld();
      return last_sequence_ >= sequence;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }

  std::map<std::string, std::string> etags() const {
    absl::MutexLock lock(&mu_);
    return etags_;
  }
  std::vector<std::string> sequence_errors() const {
    absl::MutexLock lock(&mu_);
    return sequence_errors_;
  }
  std::map<v1::Change::Kind, int> kinds_seen() const {
    absl::MutexLock lock(&mu_);
    return kinds_seen_;
  }
  int64_t last_sequence() const {
    absl::MutexLock lock(&mu_);
    return last_sequence_;
  }

 private:
  void Apply(const v1::Change& change) {
    const bool moves_article = change.kind() == v1::Change::REVISION_PUBLISHED ||
                               change.kind() == v1::Change::REVISION_TOOK_EFFECT ||
                               change.kind() == v1::Change::ARTICLE_WITHDRAWN;
    std::optional<std::string> etag;  // none: the article is gone
    if (moves_article) {
      v1::GetArticleRequest get;
      get.set_name(change.resource());
      get.set_view(v1::ARTICLE_VIEW_BASIC);
      v1::Article article;
      grpc::Status status = articles_->GetArticle(Context().get(), get, &article);
      if (status.ok()) {
        etag = article.etag();
      } else if (status.error_code() != grpc::NOT_FOUND) {
        ADD_FAILURE() << "GetArticle " << change.resource() << ": " << status.error_message();
      }
    }
    absl::MutexLock lock(&mu_);
    if (change.sequence() != last_sequence_ + 1) {
      sequence_errors_.push_back(
          absl::StrCat("sequence ", change.sequence(), " after ", last_sequence_));
    }
    last_sequence_ = change.sequence();
    ++kinds_seen_[change.kind()];
    if (!moves_article) return;
    if (etag.has_value()) {
      etags_[change.resource()] = *etag;
    } else {
      etags_.erase(change.resource());
    }
  }

  v1::ArticleService::Stub* const articles_;
  mutable absl::Mutex mu_;
  int64_t last_sequence_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::string, std::string> etags_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> sequence_errors_ ABSL_GUARDED_BY(mu_);
  std::map<v1::Change::Kind, int> kinds_seen_ ABSL_GUARDED_BY(mu_);
};

// Cancels a watch, joins its consumer and finishes the call, also when an
// assertion leaves the test early.
class WatchStopper {
 public:
  WatchStopper(grpc::ClientContext* context, std::thread* consumer,
               grpc::ClientReader<v1::Change>* reader)
      : context_(context), consumer_(consumer), reader_(reader) {}
  ~WatchStopper() { Stop(); }

  void Stop() {
    if (!consumer_->joinable()) return;
    context_->TryCancel();
    consumer_->join();
    reader_->Finish().IgnoreError();
  }

 private:
  grpc::ClientContext* context_;
  std::thread* consumer_;
  grpc::ClientReader<v1::Change>* reader_;
};

TEST_F(PortalServiceTest, WatchChangesKeepsACacheMirrorExactThroughRandomWrites) {
  auto changes = v1::ChangeService::NewStub(server_.server().InProcessChannel());
  grpc::ClientContext watch_context;
  v1::WatchChangesRequest watch;
  watch.set_since(0);
  std::unique_ptr<grpc::ClientReader<v1::Change>> reader =
      changes->WatchChanges(&watch_context, watch);
  CacheMirror mirror(&server_.articles());
  std::thread consumer([&] { mirror.Consume(reader.get()); });
  WatchStopper stopper(&watch_context, &consumer, reader.get());

  // The writer: publishes (new reviews and backfills), scheduled reviews and
  // withdrawals over four articles, one of them the seed.
  const std::vector<std::string> slugs = {"biological-therapy-for-cancer", "cache-a", "cache-b",
                                          "cache-c"};
  const absl::CivilDay today(2026, 6, 1);
  const absl::CivilDay earliest(2015, 1, 1);
  std::map<std::string, std::set<absl::CivilDay>> review_days;
  review_days[slugs[0]].insert(absl::CivilDay(2023, 5, 19));
  std::map<std::string, absl::CivilDay> newest_past;  // newest review date up to today
  newest_past[slugs[0]] = absl::CivilDay(2023, 5, 19);
  std::set<std::string> withdrawn;
  std::mt19937 rng(20260601);
  int backfills = 0;
  constexpr int kSteps = 60;
  for (int step = 0; step < kSteps; ++step) {
    const std::string& slug = slugs[rng() % slugs.size()];
    const std::string name = absl::StrCat("articles/", slug);
    if (step % 20 == 19) {
      grpc::Status status = Withdraw(name);
      if (review_days[slug].empty()) {
        EXPECT_EQ(status.error_code(), grpc::NOT_FOUND) << name;
      } else {
        EXPECT_TRUE(status.ok()) << name << ": " << status.error_message();
        withdrawn.insert(slug);
      }
      continue;
    }
    const bool future = step % 10 == 4;
    absl::CivilDay day;
    do {
      day = future ? today + 1 + static_cast<int>(rng() % 365)
                   : earliest + static_cast<int>(rng() % (today - earliest + 1));
    } while (review_days[slug].count(day) > 0);
    v1::PublishArticleRevisionRequest request = SeedRequest(day);
    request.mutable_article()->set_name(name);
    request.mutable_article()->set_title(absl::StrCat("Cache article, step ", step));
    grpc::Status status = Publish(request);
    if (withdrawn.count(slug) > 0) {
      EXPECT_EQ(status.error_code(), grpc::FAILED_PRECONDITION) << name;
      continue;
    }
    EXPECT_TRUE(status.ok()) << name << " " << FormatIsoDate(day) << ": " << status.error_message();
    review_days[slug].insert(day);
    if (future) continue;
    auto newest = newest_past.find(slug);
    if (newest == newest_past.end()) {
      newest_past[slug] = day;
    } else if (day < newest->second) {
      ++backfills;
    } else {
      newest->second = day;
    }
  }

  v1::ListChangesRequest list;
  list.set_since(0);
  list.set_page_size(1);
  v1::ListChangesResponse latest;
  grpc::Status status = changes->ListChanges(Context().get(), list, &latest);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_GT(latest.latest_sequence(), 14);
  const bool caught_up = mirror.WaitForSequence(latest.latest_sequence(), absl::Seconds(30));
  stopper.Stop();
  ASSERT_TRUE(caught_up) << "the watcher stopped at " << mirror.last_sequence() << " of "
                         << latest.latest_sequence();
  EXPECT_EQ(mirror.last_sequence(), latest.latest_sequence());
  EXPECT_THAT(mirror.sequence_errors(), IsEmpty());

  // The server's truth, read directly.
  std::map<std::string, std::string> truth;
  for (const std::string& slug : slugs) {
    v1::GetArticleRequest get;
    get.set_name(absl::StrCat("articles/", slug));
    get.set_view(v1::ARTICLE_VIEW_BASIC);
    v1::Article article;
    status = server_.articles().GetArticle(Context().get(), get, &article);
    if (status.ok()) {
      truth[get.name()] = article.etag();
    } else {
      EXPECT_EQ(status.error_code(), grpc::NOT_FOUND)
          << get.name() << ": " << status.error_message();
    }
  }
  EXPECT_EQ(mirror.etags(), truth);

  // The mix really had every kind of write in it.
  std::map<v1::Change::Kind, int> kinds = mirror.kinds_seen();
  EXPECT_EQ(kinds[v1::Change::THERAPY_TYPE_CHANGED], 13);
  EXPECT_GT(kinds[v1::Change::REVISION_PUBLISHED], 10);
  EXPECT_GT(kinds[v1::Change::REVISION_SCHEDULED], 0);
  EXPECT_GT(kinds[v1::Change::ARTICLE_WITHDRAWN], 0);
  EXPECT_GT(backfills, 0);
  EXPECT_FALSE(withdrawn.empty());
}

}  // namespace
}  // namespace healthcontent
