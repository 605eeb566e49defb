// The change feed over a real server (in-process channel).
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/date.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "healthcontent/v1/change_service.grpc.pb.h"
#include "importers/interchange.h"
#include "testing/test_env.h"

namespace healthcontent {
namespace {

using ::healthcontent::testing::Context;
using ::healthcontent::testing::kAdminToken;
using ::healthcontent::testing::kPublisherToken;
using ::healthcontent::testing::TestServer;

v1::PublishArticleRevisionRequest Request(const std::string& slug, absl::CivilDay day) {
  std::string path =
      testing::SourceDir() + "/data/articles/biological-therapy-for-cancer/2023-05-19.json";
  v1::PublishArticleRevisionRequest request;
  EXPECT_TRUE(importers::ParseInterchangeJson(testing::ReadFileOrDie(path), path, &request).ok());
  request.mutable_article()->set_name("articles/" + slug);
  *request.mutable_article()->mutable_review_date() = ToProtoDate(day);
  return request;
}

class ChangeServiceTest : public ::testing::Test {
 protected:
  ChangeServiceTest()
      : changes_(v1::ChangeService::NewStub(server_.server().InProcessChannel())) {}

  void Publish(const std::string& slug, absl::CivilDay day) {
    v1::Article out;
    grpc::Status status = server_.articles().PublishArticleRevision(
        Context(kPublisherToken).get(), Request(slug, day), &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  v1::ListChangesResponse List(int64_t since, int page_size = 0) {
    v1::ListChangesRequest request;
    request.set_since(since);
    request.set_page_size(page_size);
    v1::ListChangesResponse response;
    grpc::Status status = changes_->ListChanges(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  TestServer server_;  // today is 2026-06-01; data/ loaded
  std::unique_ptr<v1::ChangeService::Stub> changes_;
};

TEST_F(ChangeServiceTest, BootstrapIsInTheFeedInCommitOrder) {
  v1::ListChangesResponse all = List(0);
  ASSERT_EQ(all.changes_size(), 14);  // 13 therapy types, then the seed revision
  for (int i = 0; i < all.changes_size(); ++i) EXPECT_EQ(all.changes(i).sequence(), i + 1);
  EXPECT_EQ(all.changes(0).kind(), v1::Change::THERAPY_TYPE_CHANGED);
  EXPECT_EQ(all.changes(0).resource(), "therapyTypes/adoptive-cell-transfer");
  const v1::Change& seed = all.changes(13);
  EXPECT_EQ(seed.kind(), v1::Change::REVISION_PUBLISHED);
  EXPECT_EQ(seed.resource(), "articles/biological-therapy-for-cancer");
  EXPECT_EQ(seed.revision_id(), "2023-05-19");
  EXPECT_EQ(seed.etag().size(), 20u);
  EXPECT_EQ(all.next_since(), 14);
  EXPECT_EQ(all.latest_sequence(), 14);

  v1::ListChangesResponse page = List(10, 2);
  ASSERT_EQ(page.changes_size(), 2);
  EXPECT_EQ(page.changes(0).sequence(), 11);
  EXPECT_EQ(page.next_since(), 12);
  EXPECT_EQ(List(14).changes_size(), 0);
  EXPECT_EQ(List(14).next_since(), 14);

  v1::ListChangesRequest bad;
  bad.set_since(-1);
  v1::ListChangesResponse response;
  grpc::Status status = changes_->ListChanges(Context().get(), bad, &response);
  EXPECT_EQ(status.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "since: must not be negative");
}

TEST_F(ChangeServiceTest, IdempotentRepublishAddsNoChange) {
  Publish("biological-therapy-for-cancer", absl::CivilDay(2023, 5, 19));
  EXPECT_EQ(List(0).latest_sequence(), 14);
}

TEST_F(ChangeServiceTest, WatcherStartedBeforeABurstReceivesExactlyTheBurstInOrder) {
  grpc::ClientContext context;
  v1::WatchChangesRequest request;
  request.set_since(14);
  auto reader = changes_->WatchChanges(&context, request);
  constexpr int kBurst = 40;
  std::thread publisher([&] {
    for (int i = 0; i < kBurst; ++i) {
      Publish(absl::StrCat("burst-", i), absl::CivilDay(2024, 1, 1) + i);
    }
  });
  v1::Change change;
  for (int i = 0; i < kBurst; ++i) {
    ASSERT_TRUE(reader->Read(&change)) << "stream ended after " << i;
    EXPECT_EQ(change.sequence(), 15 + i);
    EXPECT_EQ(change.kind(), v1::Change::REVISION_PUBLISHED);
    EXPECT_EQ(change.resource(), absl::StrCat("articles/burst-", i));
  }
  publisher.join();
  context.TryCancel();
  reader->Finish().IgnoreError();
}

TEST_F(ChangeServiceTest, ReconnectingMidBurstResumesWithoutLossOrRepeat) {
  constexpr int kBurst = 30;
  for (int i = 0; i < kBurst; ++i) Publish(absl::StrCat("r-", i), absl::CivilDay(2024, 2, 1));
  std::vector<int64_t> seen;
  {
    grpc::ClientContext context;
    v1::WatchChangesRequest request;
    request.set_since(14);
    auto reader = changes_->WatchChanges(&context, request);
    v1::Change change;
    for (int i = 0; i < 11; ++i) {
      ASSERT_TRUE(reader->Read(&change));
      seen.push_back(change.sequence());
    }
    context.TryCancel();  // the consumer drops mid-burst
    reader->Finish().IgnoreError();
  }
  grpc::ClientContext context;
  v1::WatchChangesRequest request;
  request.set_since(seen.back());
  auto reader = changes_->WatchChanges(&context, request);
  v1::Change change;
  while (static_cast<int>(seen.size()) < kBurst) {
    ASSERT_TRUE(reader->Read(&change));
    seen.push_back(change.sequence());
  }
  for (int i = 0; i < kBurst; ++i) EXPECT_EQ(seen[i], 15 + i);
  context.TryCancel();
  reader->Finish().IgnoreError();
}

TEST_F(ChangeServiceTest, ScheduledRevisionAnnouncesItselfOnItsDay) {
  Publish("biological-therapy-for-cancer", absl::CivilDay(2026, 9, 1));
  v1::ListChangesResponse after = List(14);
  ASSERT_EQ(after.changes_size(), 1);
  EXPECT_EQ(after.changes(0).kind(), v1::Change::REVISION_SCHEDULED);
  EXPECT_EQ(after.changes(0).effective_date().month(), 9);

  auto data = server_.server().services()->data();
  auto* articles = data->articles.get();
  EXPECT_EQ(*articles->ApplyDueSchedules(server_.server().services()->now()), 0);
  server_.SetToday(2026, 9, 1);
  EXPECT_EQ(*articles->ApplyDueSchedules(server_.server().services()->now()), 1);
  EXPECT_EQ(*articles->ApplyDueSchedules(server_.server().services()->now()), 0);
  after = List(15);
  ASSERT_EQ(after.changes_size(), 1);
  EXPECT_EQ(after.changes(0).kind(), v1::Change::REVISION_TOOK_EFFECT);
  EXPECT_EQ(after.changes(0).revision_id(), "2026-09-01");
  EXPECT_EQ(after.changes(0).resource(), "articles/biological-therapy-for-cancer");
}

TEST_F(ChangeServiceTest, WithdrawAndTherapyTypeChangesAreInTheFeed) {
  v1::UpsertTherapyTypeRequest upsert;
  upsert.mutable_therapy_type()->set_name("therapyTypes/gene-therapy");
  upsert.mutable_therapy_type()->set_display_name("Gene therapy");
  v1::TherapyType tt;
  ASSERT_TRUE(
      server_.therapy_types().UpsertTherapyType(Context(kPublisherToken).get(), upsert, &tt).ok());
  v1::WithdrawArticleRequest withdraw;
  withdraw.set_name("articles/biological-therapy-for-cancer");
  google::protobuf::Empty empty;
  ASSERT_TRUE(
      server_.articles().WithdrawArticle(Context(kAdminToken).get(), withdraw, &empty).ok());
  v1::ListChangesResponse after = List(14);
  ASSERT_EQ(after.changes_size(), 2);
  EXPECT_EQ(after.changes(0).kind(), v1::Change::THERAPY_TYPE_CHANGED);
  EXPECT_EQ(after.changes(0).resource(), "therapyTypes/gene-therapy");
  EXPECT_EQ(after.changes(1).kind(), v1::Change::ARTICLE_WITHDRAWN);
  EXPECT_EQ(after.changes(1).sequence(), 16);
}

TEST_F(ChangeServiceTest, ASlowConsumerDoesNotStallOthersAndLosesNothing) {
  // The slow consumer opens a stream and reads nothing for now.
  grpc::ClientContext slow_context;
  v1::WatchChangesRequest request;
  request.set_since(0);
  auto slow = changes_->WatchChanges(&slow_context, request);

  grpc::ClientContext fast_context;
  auto fast = changes_->WatchChanges(&fast_context, request);
  constexpr int kPublishes = 300;
  for (int i = 0; i < kPublishes; ++i) Publish(absl::StrCat("s-", i), absl::CivilDay(2024, 3, 1));
  v1::Change change;
  for (int i = 1; i <= 14 + kPublishes; ++i) {
    ASSERT_TRUE(fast->Read(&change));
    ASSERT_EQ(change.sequence(), i);
  }
  // Now the slow one catches up, in order, from the start.
  for (int i = 1; i <= 14 + kPublishes; ++i) {
    ASSERT_TRUE(slow->Read(&change));
    ASSERT_EQ(change.sequence(), i);
  }
  slow_context.TryCancel();
  fast_context.TryCancel();
  slow->Finish().IgnoreError();
  fast->Finish().IgnoreError();
}

TEST(ChangeShutdownTest, StreamsEndWithUnavailableWhenTheServerShutsDown) {
  TestServer server;
  auto changes = v1::ChangeService::NewStub(server.server().InProcessChannel());
  grpc::ClientContext context;
  v1::WatchChangesRequest request;
  request.set_since(0);
  auto reader = changes->WatchChanges(&context, request);
  v1::Change change;
  for (int i = 0; i < 14; ++i) ASSERT_TRUE(reader->Read(&change));
  absl::Time start = absl::Now();
  std::thread stopper([&] { server.server().Shutdown(absl::Seconds(20)); });
  EXPECT_FALSE(reader->Read(&change));
  grpc::Status status = reader->Finish();
  stopper.join();
  EXPECT_EQ(status.error_code(), grpc::UNAVAILABLE);
  // Usually the server's own message arrives; on a slow run the in-process
  // transport may close first, which clients see as UNAVAILABLE too.
  EXPECT_THAT(status.error_message(),
              ::testing::AnyOf("the server is shutting down; reconnect with since=14",
                               "Transport closed"));
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));  // not the whole grace period
}

}  // namespace
}  // namespace healthcontent
