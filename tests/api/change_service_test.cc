// The change feed over a real server (in-process channel).
#include <thread>

#include "absl/strings/str_cat.h"
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

v1::PublishArticleRevisionRequest Request(const std::string& slug, absl::CivilDay day) {
  v1::PublishArticleRevisionRequest request = testing::SeedPublishRequest();
  request.mutable_article()->set_name("articles/" + slug);
  *request.mutable_article()->mutable_review_date() = ToProtoDate(day);
  return request;
}

class ChangeServiceTest : public ::testing::Test {
 protected:
  ChangeServiceTest() : changes_(v1::ChangeService::NewStub(server_.server().InProcessChannel())) {}

  void Publish(const std::string& slug, absl::CivilDay day) {
    v1::Article out;
    grpc::Status status = server_.articles().PublishArticleRevision(Context(kPublisherToken).get(),
                                                                    Request(slug, day), &out);
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
  EXPECT_EQ(*articles->ApplyDueSchedules(server_.server().services()->Now()), 0);
  server_.SetToday(2026, 9, 1);
  EXPECT_EQ(*articles->ApplyDueSchedules(server_.server().services()->Now()), 1);
  EXPECT_EQ(*articles->ApplyDueSchedules(server_.server().services()->Now()), 0);
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
  EXPECT_THAT(
      status.error_message(),
      ::testing::AnyOf("the server is shutting down; reconnect with since=14", "Transport closed"));
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));  // not the whole grace period
}

// Opens a WatchChanges stream from `since`.
struct Watch {
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<v1::Change>> reader;
};
std::unique_ptr<Watch> OpenWatch(v1::ChangeService::Stub& changes, int64_t since) {
  auto watch = std::make_unique<Watch>();
  v1::WatchChangesRequest request;
  request.set_since(since);
  watch->reader = changes.WatchChanges(&watch->context, request);
  return watch;
}

TEST(WatchLimitsTest, AStreamOverThePerClientLimitIsRefusedAtOnceNamingIt) {
  TestServer::Options options;
  options.watch_limits.max_streams_per_client = 3;
  TestServer server(options);
  auto changes = v1::ChangeService::NewStub(server.server().InProcessChannel());
  std::vector<std::unique_ptr<Watch>> open;
  v1::Change change;
  for (int i = 0; i < 3; ++i) {
    open.push_back(OpenWatch(*changes, 0));
    ASSERT_TRUE(open.back()->reader->Read(&change));  // admitted: it replays
  }
  EXPECT_EQ(server.server().change_service().open_streams(), 3);

  std::unique_ptr<Watch> extra = OpenWatch(*changes, 0);
  EXPECT_FALSE(extra->reader->Read(&change));
  grpc::Status status = extra->reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(),
              ::testing::HasSubstr("already has 3 WatchChanges streams open, the limit per "
                                   "client (--max_watch_streams_per_client); close one first"));
  auto pushback = extra->context.GetServerTrailingMetadata().find("grpc-retry-pushback-ms");
  ASSERT_NE(pushback, extra->context.GetServerTrailingMetadata().end());
  EXPECT_EQ(std::string(pushback->second.data(), pushback->second.size()), "5000");

  // Closing one frees its place.
  open[0]->context.TryCancel();
  open[0]->reader->Finish().IgnoreError();
  for (int tries = 0; server.server().change_service().open_streams() != 2 && tries < 500;
       ++tries) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  std::unique_ptr<Watch> replacement = OpenWatch(*changes, 0);
  EXPECT_TRUE(replacement->reader->Read(&change));
  for (auto* watch : {open[1].get(), open[2].get(), replacement.get()}) watch->context.TryCancel();
}

TEST(WatchLimitsTest, AStreamOverTheServerLimitIsRefusedNamingIt) {
  TestServer::Options options;
  options.watch_limits.max_streams = 2;
  TestServer server(options);
  auto changes = v1::ChangeService::NewStub(server.server().InProcessChannel());
  v1::Change change;
  std::unique_ptr<Watch> first = OpenWatch(*changes, 0);
  std::unique_ptr<Watch> second = OpenWatch(*changes, 0);
  ASSERT_TRUE(first->reader->Read(&change));
  ASSERT_TRUE(second->reader->Read(&change));
  std::unique_ptr<Watch> third = OpenWatch(*changes, 0);
  EXPECT_FALSE(third->reader->Read(&change));
  grpc::Status status = third->reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(),
              ::testing::HasSubstr("this server already has 2 WatchChanges streams open, its "
                                   "limit (--max_watch_streams)"));
  // Unary reads are not streams: they still work.
  v1::ListChangesRequest request;
  v1::ListChangesResponse response;
  EXPECT_TRUE(changes->ListChanges(Context().get(), request, &response).ok());
  first->context.TryCancel();
  second->context.TryCancel();
}

TEST_F(ChangeServiceTest, CaughtUpStreamsGetNewCommitsWithoutReadingTheDatabase) {
  const int64_t latest = List(0).latest_sequence();
  ASSERT_EQ(latest, 14);
  std::unique_ptr<Watch> caught_up = OpenWatch(*changes_, latest);
  for (int i = 0; i < 5; ++i) Publish(absl::StrCat("tail-", i), absl::CivilDay(2024, 3, 1));
  v1::Change change;
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(caught_up->reader->Read(&change));
    EXPECT_EQ(change.sequence(), latest + i);
  }
  EXPECT_EQ(server_.server().change_service().replayed(), 0);
  // A stream from the start reads the history older than the tail (which
  // began at 14 when the server started) from the database: one batch.
  std::unique_ptr<Watch> from_start = OpenWatch(*changes_, 0);
  for (int i = 1; i <= 19; ++i) {
    ASSERT_TRUE(from_start->reader->Read(&change));
    ASSERT_EQ(change.sequence(), i);
  }
  EXPECT_EQ(server_.server().change_service().replayed(), 19);
  caught_up->context.TryCancel();
  from_start->context.TryCancel();
}

TEST(WatchReplayTest, ReplayFromTheDatabaseKeepsToTheBudgetAndLosesNothing) {
  TestServer::Options options;
  options.watch_limits.replay_rate = 200;  // changes a second; 100 may be saved up
  options.watch_limits.tail_size = 10;     // so nearly all of it is replayed
  TestServer server(options);
  auto changes = v1::ChangeService::NewStub(server.server().InProcessChannel());
  for (int i = 0; i < 400; ++i) {
    v1::Article out;
    ASSERT_TRUE(server.articles()
                    .PublishArticleRevision(
                        Context(kPublisherToken).get(),
                        Request(absl::StrCat("r-", i), absl::CivilDay(2024, 3, 1)), &out)
                    .ok());
  }
  // Let the bucket fill up to its burst, then replay 414 changes: at least
  // (414 - 10 in the tail - 100 saved up) / 200 per second = 1.5 s.
  absl::SleepFor(absl::Seconds(1));
  const absl::Time start = absl::Now();
  std::unique_ptr<Watch> watch = OpenWatch(*changes, 0);
  v1::Change change;
  for (int i = 1; i <= 414; ++i) {
    ASSERT_TRUE(watch->reader->Read(&change));
    ASSERT_EQ(change.sequence(), i);
  }
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(1400));
  EXPECT_GE(server.server().change_service().replayed(), 404);
  watch->context.TryCancel();
}

// Streams that run out of budget while the hub sleeps are woken when it
// refills (a regression: they waited for the next commit instead).
TEST(WatchReplayTest, ManyStreamsOutOfBudgetAllFinishTheReplayPromptly) {
  TestServer::Options options;
  options.watch_limits.replay_rate = 400;
  options.watch_limits.tail_size = 1;
  TestServer server(options);
  auto changes = v1::ChangeService::NewStub(server.server().InProcessChannel());
  for (int i = 0; i < 40; ++i) {
    v1::Article out;
    ASSERT_TRUE(server.articles()
                    .PublishArticleRevision(
                        Context(kPublisherToken).get(),
                        Request(absl::StrCat("m-", i), absl::CivilDay(2024, 3, 1)), &out)
                    .ok());
  }
  // 16 streams x 54 changes = 864 at 400 a second: about 2 s, never the
  // seconds-long stall of a stream nobody wakes.
  const absl::Time start = absl::Now();
  std::vector<std::unique_ptr<Watch>> watches;
  for (int i = 0; i < 16; ++i) watches.push_back(OpenWatch(*changes, 0));
  for (auto& watch : watches) {
    v1::Change change;
    for (int i = 1; i <= 54; ++i) {
      ASSERT_TRUE(watch->reader->Read(&change));
      ASSERT_EQ(change.sequence(), i);
    }
    watch->context.TryCancel();
  }
  EXPECT_LT(absl::Now() - start, absl::Seconds(6));
}

}  // namespace
}  // namespace healthcontent
