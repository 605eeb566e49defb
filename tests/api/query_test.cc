// The services' queries (api/article_query.h, api/catalog_query.h) and the
// serving state (api/serving_state.h) without gRPC: a Dataset on a temp
// SQLite file built from data/, a fixed clock, no server.
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "api/article_query.h"
#include "api/catalog_query.h"
#include "api/knowledge_query.h"
#include "api/service_context.h"
#include "api/serving_state.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "importers/data_dir.h"
#include "search/index_follower.h"
#include "testing/seed.h"
#include "testing/test_env.h"

namespace healthcontent::api {
namespace {

using ::testing::HasSubstr;

constexpr char kSeed[] = "articles/biological-therapy-for-cancer";

absl::Time Noon(int year, int month, int day) {
  return absl::FromCivil(absl::CivilSecond(year, month, day, 12, 0, 0), absl::UTCTimeZone());
}

class QueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::shared_ptr<storage::Dataset>> data =
        storage::Dataset::Open(dir_.File("test.db"), {}, {});
    ASSERT_TRUE(data.ok()) << data.status();
    data_ = *data;
    absl::StatusOr<importers::DataDirSummary> loaded =
        importers::LoadDataDir(testing::SourceDir() + "/data", data_->therapy_types.get(),
                               data_->articles.get(), Noon(2026, 6, 1));
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    serving_.ServePrimary(data_);
    services_.serving = &serving_;
  }

  // A call beginning now; an admin's when `admin`.
  CallScope Call(bool admin = false) {
    absl::StatusOr<CallScope> scope = BeginScope(services_, admin);
    EXPECT_TRUE(scope.ok()) << scope.status();
    return *scope;
  }

  v1::Article Get(const v1::GetArticleRequest& request, absl::Status* status) {
    std::string bytes;
    *status = query_.Get(Call(), request, &bytes);
    v1::Article article;
    EXPECT_TRUE(article.ParseFromString(bytes));
    return article;
  }

  v1::Article Publish(const std::string& review_date, absl::Status* status) {
    v1::PublishArticleRevisionRequest request = testing::SeedPublishRequest();
    absl::CivilDay day;
    EXPECT_TRUE(absl::ParseCivilTime(review_date, &day));
    request.mutable_article()->mutable_review_date()->set_year(static_cast<int>(day.year()));
    request.mutable_article()->mutable_review_date()->set_month(day.month());
    request.mutable_article()->mutable_review_date()->set_day(day.day());
    request.mutable_article()->clear_next_review_date();
    v1::Article published;
    *status = query_.Publish(Call(), request, &published);
    return published;
  }

  testing::TempDir dir_;
  absl::Time now_ = Noon(2026, 6, 1);
  ServingState serving_{[this] { return now_; }};
  ServiceContext services_;
  std::shared_ptr<storage::Dataset> data_;
  ArticleQuery query_{&services_};
};

TEST_F(QueryTest, BeginScopeFixesOneDatasetAndTheClocksDay) {
  now_ = Noon(2026, 6, 1) + absl::Hours(11) + absl::Minutes(59);  // 23:59 UTC
  CallScope call = Call();
  EXPECT_EQ(call.data, data_);
  EXPECT_EQ(call.today, absl::CivilDay(2026, 6, 1));
  EXPECT_EQ(call.now, now_);
  EXPECT_FALSE(call.admin);
  EXPECT_TRUE(Call(/*admin=*/true).admin);
}

TEST_F(QueryTest, BeginScopeWithoutDataIsUnavailable) {
  ServingState empty;
  ServiceContext services;
  services.serving = &empty;
  absl::StatusOr<CallScope> scope = BeginScope(services);
  EXPECT_EQ(scope.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(scope.status().message(), HasSubstr("no content bundle yet"));
}

TEST_F(QueryTest, GetAnswersTheSerializedSeedArticleWithItsComputedFields) {
  v1::GetArticleRequest request;
  request.set_name(kSeed);
  absl::Status status;
  v1::Article article = Get(request, &status);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(article.name(), kSeed);
  EXPECT_EQ(article.title(), "Biological therapy for cancer");
  EXPECT_EQ(article.revision_id(), "2023-05-19");
  // Next review 2026-05-19, today 2026-06-01.
  EXPECT_EQ(article.review_status(), v1::Article::OVERDUE);
  EXPECT_FALSE(article.sections().empty());

  request.set_view(v1::ARTICLE_VIEW_BASIC);
  article = Get(request, &status);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_TRUE(article.sections().empty()) << "the BASIC view has no body";
  EXPECT_EQ(article.title(), "Biological therapy for cancer");
}

TEST_F(QueryTest, GetRefusesABadRequestNamingTheField) {
  std::string bytes;
  v1::GetArticleRequest request;
  request.set_name("nonsense");
  absl::Status status = query_.Get(Call(), request, &bytes);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("name"));

  request.set_name(kSeed);
  request.set_view(static_cast<v1::ArticleView>(99));
  status = query_.Get(Call(), request, &bytes);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("view"));

  request.set_view(v1::ARTICLE_VIEW_FULL);
  request.mutable_as_of()->set_year(2023);
  request.mutable_as_of()->set_month(13);
  request.mutable_as_of()->set_day(1);
  status = query_.Get(Call(), request, &bytes);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("as_of"));
}

TEST_F(QueryTest, GetOnADayBeforeTheFirstReviewIsNotFound) {
  v1::GetArticleRequest request;
  request.set_name(kSeed);
  request.mutable_as_of()->set_year(2023);
  request.mutable_as_of()->set_month(5);
  request.mutable_as_of()->set_day(18);
  std::string bytes;
  EXPECT_EQ(query_.Get(Call(), request, &bytes).code(), absl::StatusCode::kNotFound);
  request.mutable_as_of()->set_day(19);
  EXPECT_TRUE(query_.Get(Call(), request, &bytes).ok());
}

TEST_F(QueryTest, AScheduledRevisionIsServedFromItsDayByTheInjectedClock) {
  absl::Status status;
  v1::Article published = Publish("2026-07-01", &status);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_TRUE(published.scheduled());
  v1::GetArticleRequest request;
  request.set_name(kSeed);
  EXPECT_EQ(Get(request, &status).revision_id(), "2023-05-19");
  now_ = Noon(2026, 7, 1);
  EXPECT_EQ(Get(request, &status).revision_id(), "2026-07-01");
  ASSERT_TRUE(status.ok()) << status;
}

TEST_F(QueryTest, AWithdrawnArticlesRevisionsAreAnAdminsOnly) {
  v1::WithdrawArticleRequest withdraw;
  withdraw.set_name(kSeed);
  withdraw.set_reason("superseded");
  ASSERT_TRUE(query_.Withdraw(Call(/*admin=*/true), withdraw).ok());

  v1::GetArticleRevisionRequest request;
  request.set_name(std::string(kSeed) + "/revisions/2023-05-19");
  std::string bytes;
  EXPECT_EQ(query_.GetRevision(Call(), request, &bytes).code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(query_.GetRevision(Call(/*admin=*/true), request, &bytes).ok());
  v1::Article article;
  ASSERT_TRUE(article.ParseFromString(bytes));
  EXPECT_EQ(article.revision_id(), "2023-05-19");

  v1::GetArticleRequest get;
  get.set_name(kSeed);
  EXPECT_EQ(query_.Get(Call(), get, &bytes).code(), absl::StatusCode::kNotFound);
}

TEST_F(QueryTest, ListPagesWithATokenBoundToItsQuery) {
  absl::Status status;
  v1::PublishArticleRevisionRequest copy = testing::SeedPublishRequest();
  copy.mutable_article()->set_name("articles/a-copy");
  v1::Article out;
  ASSERT_TRUE(query_.Publish(Call(), copy, &out).ok());

  v1::ListArticlesRequest request;
  request.set_page_size(1);
  std::string bytes;
  ASSERT_TRUE(query_.List(Call(), request, &bytes).ok());
  v1::ListArticlesResponse page;
  ASSERT_TRUE(page.ParseFromString(bytes));
  ASSERT_EQ(page.articles_size(), 1);
  EXPECT_EQ(page.articles(0).name(), "articles/a-copy");
  EXPECT_TRUE(page.articles(0).sections().empty()) << "listings default to the basic view";
  ASSERT_FALSE(page.next_page_token().empty());

  request.set_page_token(page.next_page_token());
  ASSERT_TRUE(query_.List(Call(), request, &bytes).ok());
  ASSERT_TRUE(page.ParseFromString(bytes));
  ASSERT_EQ(page.articles_size(), 1);
  EXPECT_EQ(page.articles(0).name(), kSeed);
  EXPECT_TRUE(page.next_page_token().empty());

  request.set_filter("title = \"x\"");  // another query: the token does not fit it
  absl::Status refused = query_.List(Call(), request, &bytes);
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.message(), HasSubstr("page_token"));
}

TEST_F(QueryTest, RevisionsAreListedNewestFirstAndDiffed) {
  absl::Status status;
  Publish("2026-05-01", &status);
  ASSERT_TRUE(status.ok()) << status;
  v1::ListArticleRevisionsRequest list;
  list.set_parent(kSeed);
  v1::ListArticleRevisionsResponse revisions;
  ASSERT_TRUE(query_.ListRevisions(Call(), list, &revisions).ok());
  ASSERT_EQ(revisions.revisions_size(), 2);
  EXPECT_EQ(revisions.revisions(0).revision_id(), "2026-05-01");
  EXPECT_EQ(revisions.revisions(1).revision_id(), "2023-05-19");

  v1::DiffArticleRevisionsRequest diff;
  diff.set_name(kSeed);
  diff.set_from_revision("2023-05-19");
  diff.set_to_revision("2026-05-01");
  v1::ArticleDiff answer;
  ASSERT_TRUE(query_.Diff(Call(), diff, &answer).ok());
  EXPECT_EQ(answer.from_revision(), "2023-05-19");
  EXPECT_EQ(answer.to_revision(), "2026-05-01");

  diff.set_to_revision("2026-13-01");
  absl::Status bad = query_.Diff(Call(), diff, &answer);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.message(), HasSubstr("to_revision"));
}

TEST_F(QueryTest, SearchWithoutAnIndexIsUnavailable) {
  v1::SearchArticlesRequest request;
  request.set_query("cancer");
  v1::SearchArticlesResponse response;
  absl::Status status = query_.Search(Call(), request, &response);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(status.message(), HasSubstr("--search=false"));
}

TEST_F(QueryTest, SearchAnswersFromTheIndexWithPagingAndFacets) {
  search::IndexFollower::Options options;
  options.directory = dir_.File("search");
  search::IndexFollower follower(options, [this] { return serving_.data(); });
  ASSERT_TRUE(follower.Start().ok());
  ASSERT_TRUE(follower.CatchUpNow().ok());
  services_.search = &follower;

  v1::SearchArticlesRequest request;
  request.set_query("biological therapy");
  request.set_include_facets(true);
  v1::SearchArticlesResponse response;
  absl::Status status = query_.Search(Call(), request, &response);
  ASSERT_TRUE(status.ok()) << status;
  ASSERT_EQ(response.results_size(), 1);
  EXPECT_EQ(response.results(0).article().name(), kSeed);
  EXPECT_TRUE(response.results(0).article().sections().empty()) << "results hold the basic view";
  EXPECT_EQ(response.results(0).article().review_status(), v1::Article::OVERDUE);
  EXPECT_EQ(response.total_size(), 1);
  EXPECT_FALSE(response.therapy_type_facets().empty());

  request.set_page_token("not a token");
  status = query_.Search(Call(), request, &response);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("page_token"));
  services_.search = nullptr;
}

TEST_F(QueryTest, TherapyTypesAreListedByPageAndGotByName) {
  v1::ListTherapyTypesRequest list;
  list.set_page_size(5);
  v1::ListTherapyTypesResponse page;
  ASSERT_TRUE(ListTherapyTypes(services_, Call(), list, &page).ok());
  ASSERT_EQ(page.therapy_types_size(), 5);
  ASSERT_FALSE(page.next_page_token().empty());
  int total = page.therapy_types_size();
  while (!page.next_page_token().empty()) {
    list.set_page_token(page.next_page_token());
    page.Clear();
    ASSERT_TRUE(ListTherapyTypes(services_, Call(), list, &page).ok());
    total += page.therapy_types_size();
  }
  EXPECT_EQ(total, 13);

  v1::GetTherapyTypeRequest get;
  get.set_name("therapyTypes/no-such-type");
  v1::TherapyType type;
  EXPECT_EQ(GetTherapyType(services_, Call(), get, &type).code(), absl::StatusCode::kNotFound);
  get.set_name("bad name");
  absl::Status bad = GetTherapyType(services_, Call(), get, &type);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.message(), HasSubstr("name"));
}

TEST_F(QueryTest, ReferencesRefuseABadNameAndAnUnknownOneIsNotFound) {
  v1::GetReferenceRequest get;
  get.set_name("references/does-not-exist");
  v1::Reference reference;
  EXPECT_EQ(GetReference(Call(), get, &reference).code(), absl::StatusCode::kNotFound);
  get.set_name("articles/x");
  absl::Status bad = GetReference(Call(), get, &reference);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.message(), HasSubstr("name"));
  v1::ListReferencesRequest list;
  list.set_page_size(-1);
  v1::ListReferencesResponse page;
  bad = ListReferences(Call(), list, &page);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.message(), HasSubstr("page_size"));
}

TEST_F(QueryTest, ChangesAreListedAfterASequence) {
  v1::ListChangesRequest request;
  request.set_page_size(2);
  v1::ListChangesResponse page;
  ASSERT_TRUE(ListChanges(Call(), request, &page).ok());
  ASSERT_EQ(page.changes_size(), 2);
  EXPECT_EQ(page.changes(0).sequence(), 1);
  EXPECT_EQ(page.next_since(), 2);
  EXPECT_GE(page.latest_sequence(), 14);  // 13 therapy types and the seed

  request.set_since(page.latest_sequence());
  page.Clear();
  ASSERT_TRUE(ListChanges(Call(), request, &page).ok());
  EXPECT_EQ(page.changes_size(), 0);
  EXPECT_EQ(page.next_since(), request.since());

  request.set_since(-1);
  absl::Status bad = ListChanges(Call(), request, &page);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.message(), HasSubstr("since"));
}

TEST_F(QueryTest, KnowledgeIsRetrievedByClinicalCodeAndABadOneNamesItsField) {
  v1::RetrieveKnowledgeRequest request;
  v1::Coding* coding = request.add_criteria()->mutable_coding();
  coding->set_system("SNOMEDCT");
  coding->set_code("76334006");
  v1::RetrieveKnowledgeResponse response;
  CallScope call = Call();
  ASSERT_TRUE(
      RetrieveKnowledge(*call.data, call.today, services_.due_soon_days, request, &response).ok());
  ASSERT_EQ(response.results_size(), 1);
  ASSERT_EQ(response.results(0).matches_size(), 1);
  EXPECT_EQ(response.results(0).matches(0).article(), kSeed);
  EXPECT_EQ(response.results(0).matches(0).match_type(), v1::MATCH_TYPE_EXACT);

  coding->set_system("ICD11");
  response.Clear();
  absl::Status bad =
      RetrieveKnowledge(*call.data, call.today, services_.due_soon_days, request, &response);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.message(), HasSubstr("criteria[0].coding.system"));
}

TEST_F(QueryTest, ACodingIsSetFromItsDayAndListedNewestFirst) {
  v1::SetArticleCodesRequest set;
  set.set_name(kSeed);
  v1::Coding* code = set.add_codes();
  code->set_system("SNOMEDCT");
  code->set_code("76334006");
  set.mutable_effective_date()->set_year(2026);
  set.mutable_effective_date()->set_month(7);
  set.mutable_effective_date()->set_day(1);
  CallScope call = Call();
  v1::ArticleCoding coding;
  absl::Status status = SetArticleCodes(*call.data, call.now, set, &coding);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(coding.article(), kSeed);
  ASSERT_EQ(coding.codes_size(), 1);
  EXPECT_EQ(coding.codes(0).system(), "http://snomed.info/sct");

  v1::ListArticleCodingsRequest list;
  list.set_parent(kSeed);
  v1::ListArticleCodingsResponse history;
  ASSERT_TRUE(ListArticleCodings(*call.data, list, &history).ok());
  ASSERT_EQ(history.codings_size(), 2);
  EXPECT_EQ(history.codings(0).effective_date().month(), 7);
  EXPECT_EQ(history.codings(1).source(), std::string(kSeed) + "/revisions/2023-05-19");

  // The clock says 2026-06-01: the day before is the past.
  set.mutable_effective_date()->set_month(5);
  set.mutable_effective_date()->set_day(31);
  status = SetArticleCodes(*call.data, call.now, set, &coding);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("2026-05-31 is in the past"));
}

TEST_F(QueryTest, ServingStateAnnouncesCommitsAndSwapsToItsListeners) {
  int heard = 0;
  const int id = serving_.AddListener([&heard] { ++heard; });
  absl::Status status;
  Publish("2026-05-01", &status);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(heard, 1) << "one publish, one commit";

  ServingState replica;
  int swaps = 0;
  replica.AddListener([&swaps] { ++swaps; });
  EXPECT_EQ(replica.data(), nullptr);
  replica.Swap(data_);
  EXPECT_EQ(replica.data(), data_);
  EXPECT_EQ(swaps, 1);

  serving_.RemoveListener(id);
  Publish("2026-05-02", &status);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(heard, 1) << "a removed listener is not called";
}

}  // namespace
}  // namespace healthcontent::api
