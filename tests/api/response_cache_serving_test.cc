// The response cache in the real server (in-process channel, temp database):
// a cached answer is never served once the database would answer otherwise,
// whether a publish, a withdrawal, a scheduled revision's day or another
// caller's rights make the difference, also while publishes race the reads.
// (Every other API and end-to-end test also runs with the cache on, as it is
// by default; ReplicaE2eTest covers bundle swaps.)
#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "api/response_cache.h"
#include "common/date.h"
#include "gtest/gtest.h"
#include "testing/seed.h"
#include "testing/test_env.h"
#include "testing/test_server.h"

namespace healthcontent {
namespace {

using ::healthcontent::testing::Context;
using ::healthcontent::testing::kAdminToken;
using ::healthcontent::testing::kPublisherToken;
using ::healthcontent::testing::TestServer;

constexpr char kSeed[] = "articles/biological-therapy-for-cancer";

v1::PublishArticleRevisionRequest SeedRequest(absl::CivilDay day) {
  v1::PublishArticleRevisionRequest request = testing::SeedPublishRequest();
  *request.mutable_article()->mutable_review_date() = ToProtoDate(day);
  request.mutable_article()->clear_next_review_date();
  request.set_change_summary(absl::StrFormat("Review of %s", FormatIsoDate(day)));
  return request;
}

class ResponseCacheServingTest : public ::testing::Test {
 protected:
  grpc::Status Get(v1::Article* out, const std::string& name = kSeed) {
    v1::GetArticleRequest request;
    request.set_name(name);
    return server_.articles().GetArticle(Context().get(), request, out);
  }
  std::string RevisionNow() {
    v1::Article article;
    grpc::Status status = Get(&article);
    return status.ok() ? article.revision_id() : "error " + status.error_message();
  }
  void Publish(absl::CivilDay day) {
    v1::Article out;
    grpc::Status status = server_.articles().PublishArticleRevision(Context(kPublisherToken).get(),
                                                                    SeedRequest(day), &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  uint64_t Hits() { return server_.server().response_cache()->hits(); }

  TestServer server_;  // today is 2026-06-01
};

TEST_F(ResponseCacheServingTest, RepeatedReadsAreHitsAndAPublishIsSeenTheMomentItReturns) {
  ASSERT_NE(server_.server().response_cache(), nullptr);
  EXPECT_EQ(RevisionNow(), "2023-05-19");
  const uint64_t hits = Hits();
  EXPECT_EQ(RevisionNow(), "2023-05-19");
  EXPECT_EQ(RevisionNow(), "2023-05-19");
  EXPECT_EQ(Hits(), hits + 2);
  Publish(absl::CivilDay(2025, 2, 1));
  EXPECT_EQ(RevisionNow(), "2025-02-01");
}

TEST_F(ResponseCacheServingTest, AWithdrawalIsSeenTheMomentItReturns) {
  EXPECT_EQ(RevisionNow(), "2023-05-19");
  EXPECT_EQ(RevisionNow(), "2023-05-19");
  v1::WithdrawArticleRequest withdraw;
  withdraw.set_name(kSeed);
  withdraw.set_reason("superseded");
  google::protobuf::Empty empty;
  ASSERT_TRUE(
      server_.articles().WithdrawArticle(Context(kAdminToken).get(), withdraw, &empty).ok());
  EXPECT_EQ(RevisionNow(), "error articles/biological-therapy-for-cancer was withdrawn");
}

TEST_F(ResponseCacheServingTest, AScheduledRevisionIsServedFromItsDayWithoutACommit) {
  Publish(absl::CivilDay(2026, 6, 2));  // tomorrow: scheduled
  EXPECT_EQ(RevisionNow(), "2023-05-19");
  EXPECT_EQ(RevisionNow(), "2023-05-19");  // cached for 2026-06-01
  server_.SetToday(2026, 6, 2);            // midnight passed; the scheduler has not run
  EXPECT_EQ(RevisionNow(), "2026-06-02");
  server_.SetToday(2026, 6, 1);  // and a clock set back reads the day's own answer
  EXPECT_EQ(RevisionNow(), "2023-05-19");
}

TEST_F(ResponseCacheServingTest, AnAdminsAnswerIsNeverServedToAnotherCaller) {
  v1::WithdrawArticleRequest withdraw;
  withdraw.set_name(kSeed);
  withdraw.set_reason("superseded");
  google::protobuf::Empty empty;
  ASSERT_TRUE(
      server_.articles().WithdrawArticle(Context(kAdminToken).get(), withdraw, &empty).ok());
  v1::GetArticleRevisionRequest request;
  request.set_name(std::string(kSeed) + "/revisions/2023-05-19");
  v1::Article out;
  for (int i = 0; i < 2; ++i) {  // the second from the cache
    EXPECT_TRUE(
        server_.articles().GetArticleRevision(Context(kAdminToken).get(), request, &out).ok());
  }
  EXPECT_EQ(server_.articles().GetArticleRevision(Context().get(), request, &out).error_code(),
            grpc::NOT_FOUND);
}

TEST_F(ResponseCacheServingTest, ListingsFollowPublishes) {
  v1::ListArticlesRequest request;
  v1::ListArticlesResponse listed;
  ASSERT_TRUE(server_.articles().ListArticles(Context().get(), request, &listed).ok());
  ASSERT_TRUE(server_.articles().ListArticles(Context().get(), request, &listed).ok());
  ASSERT_EQ(listed.articles_size(), 1);
  EXPECT_EQ(listed.articles(0).revision_id(), "2023-05-19");
  Publish(absl::CivilDay(2025, 2, 1));
  ASSERT_TRUE(server_.articles().ListArticles(Context().get(), request, &listed).ok());
  ASSERT_EQ(listed.articles_size(), 1);
  EXPECT_EQ(listed.articles(0).revision_id(), "2025-02-01");
}

// Readers hammer GetArticle while revisions are published one after another.
// Each reader only ever moves forward, and a read that starts after a publish
// returned sees that publish (or a later one).
TEST_F(ResponseCacheServingTest, ReadsRacingPublishesNeverGoBackOrMissAnAcknowledgedRevision) {
  std::atomic<bool> stop{false};
  std::atomic<int> went_back{0};
  std::atomic<int64_t> reads{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      std::string last;
      while (!stop.load()) {
        const std::string seen = RevisionNow();
        if (seen < last) ++went_back;
        last = seen;
        ++reads;
      }
    });
  }
  for (int i = 0; i < 40; ++i) {
    const absl::CivilDay day = absl::CivilDay(2024, 1, 1) + i;
    Publish(day);
    EXPECT_EQ(RevisionNow(), FormatIsoDate(day)) << "right after publishing " << day;
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(went_back.load(), 0);
  EXPECT_GT(reads.load(), 40);
  EXPECT_GT(Hits(), 0u);
}

}  // namespace
}  // namespace healthcontent
