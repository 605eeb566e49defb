// Reads over a real server (in-process channel) on a database built from data/.
#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/seed.h"
#include "testing/test_env.h"
#include "testing/test_server.h"

namespace healthcontent {
namespace {

using ::healthcontent::testing::Context;
using ::healthcontent::testing::TestServer;
using ::healthcontent::testing::ViolatedFields;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kSeed[] = "articles/biological-therapy-for-cancer";

class ReadServiceTest : public ::testing::Test {
 protected:
  TestServer server_;
};

// 600 full articles (about 9 KB each) are more than one 4 MiB message: the
// page stops short with a token, and paging returns every article once.
TEST_F(ReadServiceTest, AListingPageThatWouldNotFitInOneMessageStopsShortWithAToken) {
  v1::PublishArticleRevisionRequest request = testing::SeedPublishRequest();
  for (int i = 0; i < 600; ++i) {
    request.mutable_article()->set_name("articles/copy-" + std::to_string(i));
    v1::Article out;
    ASSERT_TRUE(server_.articles()
                    .PublishArticleRevision(Context(testing::kPublisherToken).get(), request, &out)
                    .ok());
  }
  std::set<std::string> seen;
  v1::ListArticlesRequest list;
  list.set_page_size(1000);
  list.set_view(v1::ARTICLE_VIEW_FULL);
  int pages = 0;
  do {
    v1::ListArticlesResponse page;
    grpc::Status status = server_.articles().ListArticles(Context().get(), list, &page);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_GT(page.articles_size(), 0);
    if (pages == 0) {
      EXPECT_LT(page.articles_size(), 601);
      EXPECT_FALSE(page.next_page_token().empty());
    }
    for (const v1::Article& article : page.articles()) {
      EXPECT_TRUE(seen.insert(article.name()).second) << article.name() << " twice";
      EXPECT_FALSE(article.sections().empty()) << "the FULL view";
    }
    list.set_page_token(page.next_page_token());
    ++pages;
  } while (!list.page_token().empty() && pages < 10);
  EXPECT_EQ(seen.size(), 601u);
  EXPECT_GE(pages, 2);
}

TEST_F(ReadServiceTest, GetArticleReturnsTheWholeSeedArticle) {
  v1::GetArticleRequest request;
  request.set_name(kSeed);
  v1::Article article;
  grpc::Status status = server_.articles().GetArticle(Context().get(), request, &article);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(article.name(), kSeed);
  EXPECT_EQ(article.title(), "Biological therapy for cancer");
  EXPECT_EQ(article.revision_id(), "2023-05-19");
  EXPECT_EQ(article.review_date().year(), 2023);
  EXPECT_EQ(article.review_date().month(), 5);
  EXPECT_EQ(article.review_date().day(), 19);
  // Default next review: three years on.
  EXPECT_EQ(article.next_review_date().year(), 2026);
  EXPECT_EQ(article.publisher(), "Mayo Clinic");
  EXPECT_EQ(article.language_code(), "en");
  EXPECT_EQ(article.etag().size(), 20u);
  EXPECT_FALSE(article.scheduled());
  ASSERT_EQ(article.lead_size(), 2);
  ASSERT_EQ(article.sections_size(), 2);
  EXPECT_EQ(article.sections(0).heading(), "How biological therapy works");
  EXPECT_EQ(article.sections(1).heading(), "Types of biological therapy");

  // The "work by" list keeps its bold lead phrases as their own spans.
  const v1::BulletList* work_by = nullptr;
  for (const auto& block : article.sections(0).blocks()) {
    if (block.has_bullet_list()) work_by = &block.bullet_list();
  }
  ASSERT_NE(work_by, nullptr);
  ASSERT_EQ(work_by->items_size(), 2);
  EXPECT_TRUE(work_by->items(0).spans(0).bold());
  EXPECT_EQ(work_by->items(0).spans(0).text(), "Getting the immune system to attack cancer cells.");
  EXPECT_FALSE(work_by->items(0).spans(1).bold());
  EXPECT_EQ(work_by->items(1).spans(0).text(),
            "Making cancer cells easier for the immune system to see.");

  ASSERT_EQ(article.therapy_types_size(), 13);
  EXPECT_EQ(article.therapy_types(0).name(), "therapyTypes/adoptive-cell-transfer");
  EXPECT_EQ(article.therapy_types(0).display_name(), "Adoptive cell transfer");
  EXPECT_EQ(article.therapy_types(10).name(), "therapyTypes/monoclonal-antibodies");
  EXPECT_EQ(article.therapy_types(12).display_name(), "Targeted drug therapy");

  ASSERT_EQ(article.references_size(), 4);
  EXPECT_EQ(article.references(0).kind(), v1::Reference::WEB_PAGE);
  EXPECT_EQ(article.references(0).url(),
            "https://www.cancer.gov/about-cancer/treatment/types/immunotherapy");
  EXPECT_EQ(article.references(0).accessed_date().month(), 3);
  EXPECT_EQ(article.references(1).doi(), "10.3390/ijms222111694");
  EXPECT_THAT(article.references(1).authors(), ElementsAre("Papiez MA"));
  EXPECT_TRUE(article.references(1).et_al());
  EXPECT_EQ(article.references(1).container_title(), "International Journal of Molecular Sciences");
  EXPECT_EQ(article.references(1).year(), 2021);
  EXPECT_EQ(article.references(2).kind(), v1::Reference::BOOK_CHAPTER);
  EXPECT_THAT(article.references(2).editors(), ElementsAre("Niederhuber JE"));
  EXPECT_EQ(article.references(2).container_title(), "Abeloff's Clinical Oncology");
  EXPECT_EQ(article.references(2).edition(), "6th");
  EXPECT_EQ(article.references(2).publisher(), "Elsevier");
  EXPECT_EQ(article.references(3).doi(), "10.3390/ijms23063238");
  for (const auto& ref : article.references()) {
    EXPECT_THAT(ref.name(), ::testing::StartsWith("references/"));
  }
}

TEST_F(ReadServiceTest, BasicViewAndConditionalRead) {
  v1::GetArticleRequest request;
  request.set_name(kSeed);
  request.set_view(v1::ARTICLE_VIEW_BASIC);
  v1::Article basic;
  ASSERT_TRUE(server_.articles().GetArticle(Context().get(), request, &basic).ok());
  EXPECT_EQ(basic.sections_size(), 0);
  EXPECT_EQ(basic.references_size(), 0);
  EXPECT_EQ(basic.therapy_types_size(), 13);
  EXPECT_FALSE(basic.not_modified());

  request.set_view(v1::ARTICLE_VIEW_FULL);
  request.set_if_none_match(basic.etag());
  v1::Article same;
  ASSERT_TRUE(server_.articles().GetArticle(Context().get(), request, &same).ok());
  EXPECT_TRUE(same.not_modified());
  EXPECT_EQ(same.etag(), basic.etag());
  EXPECT_EQ(same.revision_id(), "2023-05-19");
  EXPECT_EQ(same.title(), "");
  EXPECT_EQ(same.sections_size(), 0);

  request.set_if_none_match("stale-etag");
  v1::Article full;
  ASSERT_TRUE(server_.articles().GetArticle(Context().get(), request, &full).ok());
  EXPECT_FALSE(full.not_modified());
  EXPECT_EQ(full.sections_size(), 2);
}

struct BadRead {
  std::string name;
  grpc::StatusCode code;
  std::string message_part;
};

TEST_F(ReadServiceTest, BadNamesAndUnknownResources) {
  std::vector<BadRead> cases = {
      {"", grpc::INVALID_ARGUMENT, "name: is required"},
      {"articles/Not_A_Slug", grpc::INVALID_ARGUMENT, "name: \"articles/Not_A_Slug\""},
      {"biological-therapy-for-cancer", grpc::INVALID_ARGUMENT, "must look like"},
      {"articles/no-such-article", grpc::NOT_FOUND, "articles/no-such-article does not exist"},
  };
  for (const auto& c : cases) {
    v1::GetArticleRequest request;
    request.set_name(c.name);
    v1::Article article;
    grpc::Status status = server_.articles().GetArticle(Context().get(), request, &article);
    EXPECT_EQ(status.error_code(), c.code) << c.name;
    EXPECT_THAT(status.error_message(), HasSubstr(c.message_part)) << c.name;
    if (c.code == grpc::INVALID_ARGUMENT) {
      EXPECT_THAT(ViolatedFields(status), ElementsAre("name"));
    }
  }
  v1::GetTherapyTypeRequest tt;
  tt.set_name("therapyTypes/no-such-type");
  v1::TherapyType therapy_type;
  grpc::Status status = server_.therapy_types().GetTherapyType(Context().get(), tt, &therapy_type);
  EXPECT_EQ(status.error_code(), grpc::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "therapyTypes/no-such-type does not exist");
  v1::GetReferenceRequest ref;
  ref.set_name("references/0000000000000000");
  v1::Reference reference;
  status = server_.references().GetReference(Context().get(), ref, &reference);
  EXPECT_EQ(status.error_code(), grpc::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "references/0000000000000000 does not exist");
}

TEST_F(ReadServiceTest, ListTherapyTypesPagesThroughAllThirteenWithCounts) {
  std::set<std::string> names;
  std::string token;
  int pages = 0;
  do {
    v1::ListTherapyTypesRequest request;
    request.set_page_size(5);
    request.set_page_token(token);
    v1::ListTherapyTypesResponse response;
    grpc::Status status =
        server_.therapy_types().ListTherapyTypes(Context().get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const auto& tt : response.therapy_types()) {
      EXPECT_TRUE(names.insert(tt.name()).second) << "repeated " << tt.name();
      EXPECT_EQ(tt.article_count(), 1) << tt.name();
      EXPECT_FALSE(tt.display_name().empty());
      EXPECT_FALSE(tt.description().empty());
    }
    token = response.next_page_token();
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(names.size(), 13u);
  EXPECT_EQ(pages, 3);
  v1::GetTherapyTypeRequest get;
  get.set_name("therapyTypes/monoclonal-antibodies");
  v1::TherapyType tt;
  ASSERT_TRUE(server_.therapy_types().GetTherapyType(Context().get(), get, &tt).ok());
  EXPECT_EQ(tt.display_name(), "Monoclonal antibodies");
  EXPECT_EQ(tt.article_count(), 1);
}

TEST_F(ReadServiceTest, ListReferencesAndGetEachOne) {
  v1::ListReferencesRequest request;
  v1::ListReferencesResponse response;
  ASSERT_TRUE(server_.references().ListReferences(Context().get(), request, &response).ok());
  ASSERT_EQ(response.references_size(), 4);
  EXPECT_TRUE(response.next_page_token().empty());
  std::set<std::string> dois;
  for (const auto& ref : response.references()) {
    v1::GetReferenceRequest get;
    get.set_name(ref.name());
    v1::Reference got;
    ASSERT_TRUE(server_.references().GetReference(Context().get(), get, &got).ok());
    EXPECT_EQ(got.citation(), ref.citation());
    if (!got.doi().empty()) dois.insert(got.doi());
  }
  EXPECT_THAT(dois, ElementsAre("10.3390/ijms222111694", "10.3390/ijms23063238"));
}

TEST_F(ReadServiceTest, ListArticlesAndPagingErrors) {
  v1::ListArticlesRequest request;
  v1::ListArticlesResponse response;
  ASSERT_TRUE(server_.articles().ListArticles(Context().get(), request, &response).ok());
  ASSERT_EQ(response.articles_size(), 1);
  EXPECT_EQ(response.articles(0).name(), kSeed);
  EXPECT_EQ(response.articles(0).sections_size(), 0);  // BASIC by default
  EXPECT_TRUE(response.next_page_token().empty());

  request.set_page_size(-1);
  grpc::Status status = server_.articles().ListArticles(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "page_size: must not be negative, got -1");
  EXPECT_THAT(ViolatedFields(status), ElementsAre("page_size"));

  request.set_page_size(1);
  request.set_page_token("garbage");
  status = server_.articles().ListArticles(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("page_token"));
  EXPECT_THAT(ViolatedFields(status), ElementsAre("page_token"));

  // A token from another collection is refused too.
  v1::ListTherapyTypesRequest tt_request;
  tt_request.set_page_size(1);
  v1::ListTherapyTypesResponse tt_response;
  ASSERT_TRUE(
      server_.therapy_types().ListTherapyTypes(Context().get(), tt_request, &tt_response).ok());
  request.set_page_token(tt_response.next_page_token());
  status = server_.articles().ListArticles(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("different query"));
}

TEST_F(ReadServiceTest, ExpiredDeadlineIsRefusedWithoutWork) {
  v1::GetArticleRequest request;
  request.set_name(kSeed);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() - std::chrono::seconds(1));
  v1::Article article;
  grpc::Status status = server_.articles().GetArticle(&context, request, &article);
  EXPECT_EQ(status.error_code(), grpc::DEADLINE_EXCEEDED);
}

TEST(ReadAuthTest, ReadsCanRequireAReaderToken) {
  TestServer::Options options;
  options.require_auth_for_reads = true;
  TestServer server(options);
  v1::GetArticleRequest request;
  request.set_name(kSeed);
  v1::Article article;
  EXPECT_EQ(server.articles().GetArticle(Context().get(), request, &article).error_code(),
            grpc::UNAUTHENTICATED);
  EXPECT_EQ(server.articles().GetArticle(Context("wrong").get(), request, &article).error_code(),
            grpc::UNAUTHENTICATED);
  EXPECT_TRUE(
      server.articles().GetArticle(Context(testing::kReaderToken).get(), request, &article).ok());
}

}  // namespace
}  // namespace healthcontent
