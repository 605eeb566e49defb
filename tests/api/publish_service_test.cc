// The versioning rules and the publishing path, over a real server
// (in-process channel) on a temp database built from data/.
#include <map>
#include <random>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/date.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/database.h"
#include "testing/seed.h"
#include "testing/test_env.h"
#include "testing/test_server.h"

namespace healthcontent {
namespace {

using ::healthcontent::testing::Context;
using ::healthcontent::testing::kAdminToken;
using ::healthcontent::testing::kPublisherToken;
using ::healthcontent::testing::kReaderToken;
using ::healthcontent::testing::TestServer;
using ::healthcontent::testing::ViolatedFields;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

constexpr char kSeed[] = "articles/biological-therapy-for-cancer";

// The seed article's publish request from data/, re-dated.
v1::PublishArticleRevisionRequest SeedRequest(int year, int month, int day) {
  v1::PublishArticleRevisionRequest request = testing::SeedPublishRequest();
  *request.mutable_article()->mutable_review_date() = ToProtoDate(absl::CivilDay(year, month, day));
  request.set_change_summary(absl::StrFormat("Review of %04d-%02d-%02d", year, month, day));
  return request;
}

google::type::Date Date(int y, int m, int d) { return ToProtoDate(absl::CivilDay(y, m, d)); }

// Row counts of every table: equal before and after means nothing changed.
std::map<std::string, int64_t> TableCounts(const std::string& db_path) {
  std::map<std::string, int64_t> counts;
  auto db = *storage::Database::Open(db_path, {.read_only = true});
  for (const char* table : {"articles", "revisions", "therapy_types", "refs",
                            "revision_therapy_types", "revision_references", "requests"}) {
    auto stmt = *db->PrepareUncached(absl::StrCat("SELECT count(*) FROM ", table));
    EXPECT_TRUE(*stmt.Step());
    counts[table] = stmt.ColumnInt64(0);
  }
  return counts;
}

class PublishServiceTest : public ::testing::Test {
 protected:
  grpc::Status Publish(const v1::PublishArticleRevisionRequest& request, v1::Article* out,
                       const std::string& token = kPublisherToken) {
    return server_.articles().PublishArticleRevision(Context(token).get(), request, out);
  }
  grpc::Status Get(const std::string& name, v1::Article* out,
                   const google::type::Date* as_of = nullptr) {
    v1::GetArticleRequest request;
    request.set_name(name);
    if (as_of != nullptr) *request.mutable_as_of() = *as_of;
    return server_.articles().GetArticle(Context().get(), request, out);
  }

  TestServer server_;  // today is 2026-06-01
};

TEST_F(PublishServiceTest, NewReviewBecomesLatestAndOlderStaysReadable) {
  v1::Article published;
  auto request = SeedRequest(2024, 7, 1);
  request.mutable_article()->mutable_sections(0)->set_heading("How it works");
  ASSERT_TRUE(Publish(request, &published).ok());
  EXPECT_EQ(published.revision_id(), "2024-07-01");
  EXPECT_EQ(published.next_review_date().year(), 2027);
  EXPECT_FALSE(published.scheduled());

  v1::Article latest;
  ASSERT_TRUE(Get(kSeed, &latest).ok());
  EXPECT_EQ(latest.revision_id(), "2024-07-01");
  EXPECT_EQ(latest.sections(0).heading(), "How it works");
  EXPECT_EQ(latest.etag(), published.etag());

  google::type::Date mid_2023 = Date(2023, 12, 31);
  v1::Article then;
  ASSERT_TRUE(Get(kSeed, &then, &mid_2023).ok());
  EXPECT_EQ(then.revision_id(), "2023-05-19");
  EXPECT_EQ(then.sections(0).heading(), "How biological therapy works");
  EXPECT_NE(then.etag(), latest.etag());

  google::type::Date exact = Date(2024, 7, 1);
  ASSERT_TRUE(Get(kSeed, &then, &exact).ok());
  EXPECT_EQ(then.revision_id(), "2024-07-01");

  google::type::Date before_all = Date(2023, 5, 18);
  grpc::Status status = Get(kSeed, &then, &before_all);
  EXPECT_EQ(status.error_code(), grpc::NOT_FOUND);
  EXPECT_EQ(status.error_message(),
            "articles/biological-therapy-for-cancer has no revision in force on 2023-05-18");

  v1::GetArticleRevisionRequest by_name;
  by_name.set_name(std::string(kSeed) + "/revisions/2023-05-19");
  v1::Article old;
  ASSERT_TRUE(server_.articles().GetArticleRevision(Context().get(), by_name, &old).ok());
  EXPECT_EQ(old.revision_id(), "2023-05-19");
  by_name.set_name(std::string(kSeed) + "/revisions/2023-05-20");
  status = server_.articles().GetArticleRevision(Context().get(), by_name, &old);
  EXPECT_EQ(status.error_code(), grpc::NOT_FOUND);
  EXPECT_EQ(status.error_message(),
            "articles/biological-therapy-for-cancer/revisions/2023-05-20 does not exist");
}

TEST_F(PublishServiceTest, ListRevisionsNewestFirstWithTheirMetadata) {
  v1::Article out;
  auto future = SeedRequest(2027, 1, 15);
  future.set_change_type(v1::CHANGE_TYPE_EDITORIAL);
  *future.mutable_article()->mutable_next_review_date() = Date(2028, 1, 15);
  ASSERT_TRUE(Publish(future, &out).ok());
  EXPECT_TRUE(out.scheduled());
  ASSERT_TRUE(Publish(SeedRequest(2025, 2, 3), &out).ok());

  v1::ListArticleRevisionsRequest request;
  request.set_parent(kSeed);
  request.set_page_size(2);
  v1::ListArticleRevisionsResponse page1;
  ASSERT_TRUE(server_.articles().ListArticleRevisions(Context().get(), request, &page1).ok());
  ASSERT_EQ(page1.revisions_size(), 2);
  EXPECT_EQ(page1.revisions(0).revision_id(), "2027-01-15");
  EXPECT_TRUE(page1.revisions(0).scheduled());
  EXPECT_FALSE(page1.revisions(0).in_force());
  EXPECT_EQ(page1.revisions(0).change_type(), v1::CHANGE_TYPE_EDITORIAL);
  EXPECT_EQ(page1.revisions(0).next_review_date().year(), 2028);
  EXPECT_EQ(page1.revisions(0).change_summary(), "Review of 2027-01-15");
  EXPECT_EQ(page1.revisions(0).name(), std::string(kSeed) + "/revisions/2027-01-15");
  EXPECT_EQ(page1.revisions(1).revision_id(), "2025-02-03");
  EXPECT_TRUE(page1.revisions(1).in_force());
  EXPECT_FALSE(page1.revisions(1).scheduled());
  EXPECT_EQ(page1.revisions(1).change_type(), v1::CHANGE_TYPE_CLINICAL_REVIEW);
  EXPECT_FALSE(page1.revisions(1).etag().empty());
  EXPECT_GT(page1.revisions(1).publish_time().seconds(), 0);
  ASSERT_FALSE(page1.next_page_token().empty());

  request.set_page_token(page1.next_page_token());
  v1::ListArticleRevisionsResponse page2;
  ASSERT_TRUE(server_.articles().ListArticleRevisions(Context().get(), request, &page2).ok());
  ASSERT_EQ(page2.revisions_size(), 1);
  EXPECT_EQ(page2.revisions(0).revision_id(), "2023-05-19");
  EXPECT_TRUE(page2.next_page_token().empty());

  // The scheduled revision takes over by itself on its day.
  v1::Article latest;
  ASSERT_TRUE(Get(kSeed, &latest).ok());
  EXPECT_EQ(latest.revision_id(), "2025-02-03");
  server_.SetToday(2027, 1, 15);
  ASSERT_TRUE(Get(kSeed, &latest).ok());
  EXPECT_EQ(latest.revision_id(), "2027-01-15");
  EXPECT_FALSE(latest.scheduled());

  // A token for another article's revisions is refused.
  request.set_parent("articles/other");
  grpc::Status status = server_.articles().ListArticleRevisions(Context().get(), request, &page2);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
}

TEST_F(PublishServiceTest, RepublishingTheSameDateIsIdempotentAndDifferentContentClashes) {
  auto before = TableCounts(server_.db_path());
  v1::Article again;
  ASSERT_TRUE(Publish(SeedRequest(2023, 5, 19), &again).ok()) << "identical republish";
  // SeedRequest changes the change summary; the content hash covers the
  // article and change type only, so this is still the same revision.
  EXPECT_EQ(again.revision_id(), "2023-05-19");
  EXPECT_EQ(TableCounts(server_.db_path()), before);

  auto changed = SeedRequest(2023, 5, 19);
  changed.mutable_article()->set_title("Biological therapy for cancer (edited)");
  v1::Article out;
  grpc::Status status = Publish(changed, &out);
  EXPECT_EQ(status.error_code(), grpc::ALREADY_EXISTS);
  EXPECT_THAT(status.error_message(),
              HasSubstr("articles/biological-therapy-for-cancer/revisions/2023-05-19 already "
                        "exists with different content"));
  EXPECT_EQ(TableCounts(server_.db_path()), before);
}

TEST_F(PublishServiceTest, RetriedRequestIdReturnsTheFirstAnswer) {
  auto request = SeedRequest(2024, 3, 3);
  request.set_request_id("retry-1");
  v1::Article first, second;
  ASSERT_TRUE(Publish(request, &first).ok());
  ASSERT_TRUE(Publish(request, &second).ok());
  EXPECT_EQ(first.SerializeAsString(), second.SerializeAsString());
  auto other = SeedRequest(2024, 4, 4);
  other.set_request_id("retry-1");
  grpc::Status status = Publish(other, &second);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("request_id"));
}

TEST_F(PublishServiceTest, BackfillShowsInHistoryAndAsOfReads) {
  v1::Article out;
  ASSERT_TRUE(Publish(SeedRequest(2020, 2, 29), &out).ok());
  EXPECT_EQ(out.next_review_date().year(), 2023);
  EXPECT_EQ(out.next_review_date().month(), 2);
  EXPECT_EQ(out.next_review_date().day(), 28);
  google::type::Date in_2021 = Date(2021, 1, 1);
  ASSERT_TRUE(Get(kSeed, &out, &in_2021).ok());
  EXPECT_EQ(out.revision_id(), "2020-02-29");
  ASSERT_TRUE(Get(kSeed, &out).ok());
  EXPECT_EQ(out.revision_id(), "2023-05-19");
}

TEST_F(PublishServiceTest, CreatesNewArticlesAndSharesReferencesByDoi) {
  auto request = SeedRequest(2024, 1, 1);
  request.mutable_article()->set_name("articles/immunotherapy-overview");
  request.mutable_article()->mutable_references()->DeleteSubrange(2, 2);
  // The same paper, cited with a different citation text and DOI case.
  request.mutable_article()->mutable_references(1)->set_citation("Papiez MA et al. 2021.");
  request.mutable_article()->mutable_references(1)->set_doi("10.3390/IJMS222111694");
  v1::Article created;
  ASSERT_TRUE(Publish(request, &created).ok());
  v1::Article seed;
  ASSERT_TRUE(Get(kSeed, &seed).ok());
  EXPECT_EQ(created.references(1).name(), seed.references(1).name());
  EXPECT_EQ(created.references(0).name(), seed.references(0).name());  // same URL
  v1::ListReferencesRequest list;
  v1::ListReferencesResponse refs;
  ASSERT_TRUE(server_.references().ListReferences(Context().get(), list, &refs).ok());
  EXPECT_EQ(refs.references_size(), 4);
  v1::ListArticlesRequest articles;
  v1::ListArticlesResponse listed;
  ASSERT_TRUE(server_.articles().ListArticles(Context().get(), articles, &listed).ok());
  ASSERT_EQ(listed.articles_size(), 2);
  EXPECT_EQ(listed.articles(0).name(), kSeed);
  EXPECT_EQ(listed.articles(1).name(), "articles/immunotherapy-overview");
  v1::GetTherapyTypeRequest tt;
  tt.set_name("therapyTypes/monoclonal-antibodies");
  v1::TherapyType therapy_type;
  ASSERT_TRUE(server_.therapy_types().GetTherapyType(Context().get(), tt, &therapy_type).ok());
  EXPECT_EQ(therapy_type.article_count(), 2);
}

TEST_F(PublishServiceTest, WithdrawHidesTheArticleButAdminsKeepTheHistory) {
  v1::WithdrawArticleRequest withdraw;
  withdraw.set_name(kSeed);
  withdraw.set_reason("superseded");
  google::protobuf::Empty empty;
  EXPECT_EQ(server_.articles()
                .WithdrawArticle(Context(kPublisherToken).get(), withdraw, &empty)
                .error_code(),
            grpc::PERMISSION_DENIED);
  ASSERT_TRUE(
      server_.articles().WithdrawArticle(Context(kAdminToken).get(), withdraw, &empty).ok());
  v1::Article out;
  grpc::Status status = Get(kSeed, &out);
  EXPECT_EQ(status.error_code(), grpc::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "articles/biological-therapy-for-cancer was withdrawn");
  v1::ListArticlesRequest list;
  v1::ListArticlesResponse listed;
  ASSERT_TRUE(server_.articles().ListArticles(Context().get(), list, &listed).ok());
  EXPECT_EQ(listed.articles_size(), 0);

  v1::ListArticleRevisionsRequest history;
  history.set_parent(kSeed);
  v1::ListArticleRevisionsResponse revisions;
  EXPECT_EQ(server_.articles()
                .ListArticleRevisions(Context(kReaderToken).get(), history, &revisions)
                .error_code(),
            grpc::NOT_FOUND);
  ASSERT_TRUE(server_.articles()
                  .ListArticleRevisions(Context(kAdminToken).get(), history, &revisions)
                  .ok());
  EXPECT_EQ(revisions.revisions_size(), 1);
  v1::GetArticleRevisionRequest rev;
  rev.set_name(std::string(kSeed) + "/revisions/2023-05-19");
  EXPECT_TRUE(server_.articles().GetArticleRevision(Context(kAdminToken).get(), rev, &out).ok());
  status = Publish(SeedRequest(2025, 1, 1), &out);
  EXPECT_EQ(status.error_code(), grpc::FAILED_PRECONDITION);
  withdraw.set_name("articles/nothing-here");
  EXPECT_EQ(
      server_.articles().WithdrawArticle(Context(kAdminToken).get(), withdraw, &empty).error_code(),
      grpc::NOT_FOUND);
}

TEST_F(PublishServiceTest, WritesNeedTheRightToken) {
  auto before = TableCounts(server_.db_path());
  auto request = SeedRequest(2025, 1, 1);
  v1::Article out;
  grpc::Status status = Publish(request, &out, "");
  EXPECT_EQ(status.error_code(), grpc::UNAUTHENTICATED);
  EXPECT_THAT(status.error_message(), HasSubstr("authorization: Bearer"));
  status = Publish(request, &out, "not-a-known-token");
  EXPECT_EQ(status.error_code(), grpc::UNAUTHENTICATED);
  EXPECT_EQ(status.error_message(), "the bearer token is not known");
  status = Publish(request, &out, kReaderToken);
  EXPECT_EQ(status.error_code(), grpc::PERMISSION_DENIED);
  EXPECT_EQ(status.error_message(), "this method needs the publisher role; the token has reader");
  grpc::ClientContext malformed;
  malformed.AddMetadata("authorization", "Basic abc");
  status = server_.articles().PublishArticleRevision(&malformed, request, &out);
  EXPECT_EQ(status.error_code(), grpc::UNAUTHENTICATED);
  EXPECT_EQ(TableCounts(server_.db_path()), before);
  EXPECT_TRUE(Publish(request, &out, kAdminToken).ok());  // admin includes publisher
}

struct BadPublish {
  std::string label;
  std::function<void(v1::PublishArticleRevisionRequest*)> mutate;
  std::vector<std::string> fields;
};

TEST_F(PublishServiceTest, MalformedPublishesAreRefusedWithFieldViolationsAndChangeNothing) {
  std::vector<BadPublish> cases = {
      {"impossible date",
       [](auto* r) {
         *r->mutable_article()->mutable_review_date() = [] {
           google::type::Date d;
           d.set_year(2023);
           d.set_month(2);
           d.set_day(30);
           return d;
         }();
       },
       {"article.review_date"}},
      {"missing date",
       [](auto* r) { r->mutable_article()->clear_review_date(); },
       {"article.review_date"}},
      {"empty title", [](auto* r) { r->mutable_article()->set_title(""); }, {"article.title"}},
      {"blank title", [](auto* r) { r->mutable_article()->set_title("   "); }, {"article.title"}},
      {"oversize title",
       [](auto* r) { r->mutable_article()->set_title(std::string(301, 'x')); },
       {"article.title"}},
      {"bad name",
       [](auto* r) { r->mutable_article()->set_name("articles/Bad Name"); },
       {"article.name"}},
      {"name of other collection",
       [](auto* r) { r->mutable_article()->set_name("therapyTypes/x"); },
       {"article.name"}},
      {"malformed doi",
       [](auto* r) { r->mutable_article()->mutable_references(2)->set_doi("doi:10.1/x"); },
       {"article.references[2].doi"}},
      {"malformed url",
       [](auto* r) { r->mutable_article()->mutable_references(0)->set_url("javascript:alert(1)"); },
       {"article.references[0].url"}},
      {"malformed pmid",
       [](auto* r) { r->mutable_article()->mutable_references(1)->set_pmid("12a"); },
       {"article.references[1].pmid"}},
      {"unknown therapy type",
       [](auto* r) {
         r->mutable_article()->mutable_therapy_types(3)->set_name("therapyTypes/homeopathy");
       },
       {"article.therapy_types[3].name"}},
      {"duplicate therapy type",
       [](auto* r) {
         r->mutable_article()->add_therapy_types()->set_name("therapyTypes/gene-therapy");
       },
       {"article.therapy_types[13].name"}},
      {"empty span",
       [](auto* r) {
         r->mutable_article()
             ->mutable_sections(0)
             ->mutable_blocks(0)
             ->mutable_paragraph()
             ->mutable_spans(0)
             ->set_text("");
       },
       {"article.sections[0].blocks[0].paragraph.spans[0].text"}},
      {"empty block",
       [](auto* r) { r->mutable_article()->mutable_sections(1)->add_blocks(); },
       {"article.sections[1].blocks[3]"}},
      {"oversize span",
       [](auto* r) {
         r->mutable_article()->mutable_lead(0)->mutable_paragraph()->mutable_spans(0)->set_text(
             std::string(10001, 'a'));
       },
       {"article.lead[0].paragraph.spans[0].text"}},
      {"no change type",
       [](auto* r) { r->set_change_type(v1::CHANGE_TYPE_UNSPECIFIED); },
       {"change_type"}},
      {"next review before review",
       [](auto* r) {
         *r->mutable_article()->mutable_next_review_date() = [] {
           google::type::Date d;
           d.set_year(2020);
           d.set_month(1);
           d.set_day(1);
           return d;
         }();
       },
       {"article.next_review_date"}},
      {"bad language",
       [](auto* r) { r->mutable_article()->set_language_code("English"); },
       {"article.language_code"}},
      {"control characters",
       [](auto* r) {
         r->mutable_article()->set_summary(
             "a\x01"
             "b");
       },
       {"article.summary"}},
      {"several at once",
       [](auto* r) {
         r->mutable_article()->set_title("");
         r->mutable_article()->mutable_references(1)->set_doi("nope");
         r->mutable_article()->mutable_references(3)->set_year(99);
       },
       {"article.title", "article.references[1].doi", "article.references[3].year"}},
      {"no article", [](auto* r) { r->clear_article(); }, {"article"}},
      {"over 1 MiB",
       [](auto* r) {
         for (int i = 0; i < 120; ++i) {
           r->mutable_article()->mutable_lead()->Add()->mutable_paragraph()->add_spans()->set_text(
               std::string(9999, 'z'));
         }
       },
       {"article"}},
  };
  auto before = TableCounts(server_.db_path());
  for (const auto& c : cases) {
    auto request = SeedRequest(2025, 5, 5);
    c.mutate(&request);
    v1::Article out;
    grpc::Status status = Publish(request, &out);
    EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT)
        << c.label << ": " << status.error_message();
    EXPECT_EQ(ViolatedFields(status), c.fields) << c.label << ": " << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr(c.fields[0])) << c.label;
  }
  EXPECT_EQ(TableCounts(server_.db_path()), before);
}

TEST_F(PublishServiceTest, UpsertTherapyType) {
  v1::UpsertTherapyTypeRequest request;
  request.mutable_therapy_type()->set_name("therapyTypes/radioligand-therapy");
  request.mutable_therapy_type()->set_display_name("Radioligand therapy");
  request.mutable_therapy_type()->add_aliases("targeted radionuclide therapy");
  v1::TherapyType out;
  EXPECT_EQ(server_.therapy_types().UpsertTherapyType(Context().get(), request, &out).error_code(),
            grpc::UNAUTHENTICATED);
  ASSERT_TRUE(server_.therapy_types()
                  .UpsertTherapyType(Context(kPublisherToken).get(), request, &out)
                  .ok());
  EXPECT_EQ(out.display_name(), "Radioligand therapy");
  EXPECT_GT(out.update_time().seconds(), 0);
  request.mutable_therapy_type()->set_display_name("");
  grpc::Status status =
      server_.therapy_types().UpsertTherapyType(Context(kPublisherToken).get(), request, &out);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("therapy_type.display_name"));
  // Now usable in a publish.
  auto publish = SeedRequest(2025, 6, 1);
  publish.mutable_article()->add_therapy_types()->set_name("therapyTypes/radioligand-therapy");
  v1::Article article;
  ASSERT_TRUE(Publish(publish, &article).ok());
  EXPECT_EQ(article.therapy_types(13).display_name(), "Radioligand therapy");
}

// A random sequence of publishes, backfills and withdrawals; every as_of
// answer is checked against a simple model of the rule.
TEST(RevisionModelTest, RandomHistoryMatchesTheModel) {
  TestServer server;
  std::mt19937 rng(20231);
  const std::vector<std::string> slugs = {"model-a", "model-b", "model-c"};
  std::map<std::string, std::set<absl::CivilDay>> dates;
  std::set<std::string> withdrawn;
  const absl::CivilDay first(2018, 1, 1);
  auto random_day = [&] { return first + static_cast<int>(rng() % (365 * 10)); };

  for (int step = 0; step < 150; ++step) {
    const std::string& slug = slugs[rng() % slugs.size()];
    const std::string name = "articles/" + slug;
    if (rng() % 25 == 0) {
      v1::WithdrawArticleRequest w;
      w.set_name(name);
      google::protobuf::Empty empty;
      grpc::Status s = server.articles().WithdrawArticle(Context(kAdminToken).get(), w, &empty);
      if (dates[slug].empty()) {
        EXPECT_EQ(s.error_code(), grpc::NOT_FOUND);
      } else {
        EXPECT_TRUE(s.ok()) << s.error_message();
        withdrawn.insert(slug);
      }
    } else {
      absl::CivilDay day = random_day();
      auto request = SeedRequest(day.year(), day.month(), day.day());
      request.mutable_article()->set_name(name);
      v1::Article out;
      grpc::Status s =
          server.articles().PublishArticleRevision(Context(kPublisherToken).get(), request, &out);
      if (withdrawn.count(slug)) {
        EXPECT_EQ(s.error_code(), grpc::FAILED_PRECONDITION);
      } else {
        ASSERT_TRUE(s.ok()) << s.error_message();
        dates[slug].insert(day);
      }
    }
    // Check a few as_of reads against the model.
    for (int probe = 0; probe < 4; ++probe) {
      const std::string& probe_slug = slugs[rng() % slugs.size()];
      absl::CivilDay d = random_day();
      v1::GetArticleRequest get;
      get.set_name("articles/" + probe_slug);
      *get.mutable_as_of() = ToProtoDate(d);
      v1::Article got;
      grpc::Status s = server.articles().GetArticle(Context().get(), get, &got);
      const auto& known = dates[probe_slug];
      auto it = known.upper_bound(d);
      if (known.empty() || withdrawn.count(probe_slug) || it == known.begin()) {
        EXPECT_EQ(s.error_code(), grpc::NOT_FOUND) << probe_slug << " " << FormatIsoDate(d);
      } else {
        ASSERT_TRUE(s.ok()) << s.error_message();
        EXPECT_EQ(got.revision_id(), FormatIsoDate(*std::prev(it)))
            << probe_slug << " as of " << FormatIsoDate(d);
      }
    }
  }
}

}  // namespace
}  // namespace healthcontent
