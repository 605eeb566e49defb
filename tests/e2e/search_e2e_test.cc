// The search index of the built server against SIGKILL and a deleted index
// directory: after each, once it reports the index built, search serves
// exactly what the database holds (every acknowledged publish found by its
// own word, nothing else), and health tells when search is ready.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/date.h"
#include "common/hash.h"
#include "e2e/server_process.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "healthcontent/v1/article_service.grpc.pb.h"
#include "testing/seed.h"
#include "testing/test_env.h"

namespace healthcontent::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A word no article holds but article k: "qx", k in letters, "z" (so that
// no stemmer folds two of them together, as "qxi" and "qxis" would be).
std::string MarkerWord(int k) {
  std::string word = "qx";
  do {
    word.push_back(static_cast<char>('a' + k % 26));
    k /= 26;
  } while (k > 0);
  word.push_back('z');
  return word;
}

struct Acked {
  std::string name;
  std::string word;
};

class SearchClient {
 public:
  explicit SearchClient(int port)
      : channel_(grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                                     grpc::InsecureChannelCredentials())),
        articles_(v1::ArticleService::NewStub(channel_)),
        health_(grpc::health::v1::Health::NewStub(channel_)) {}

  grpc::Status Search(const std::string& query, v1::SearchArticlesResponse* response) {
    v1::SearchArticlesRequest request;
    request.set_query(query);
    request.set_page_size(100);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return articles_->SearchArticles(&context, request, response);
  }

  // Waits until health says search is SERVING and `query` finds `expected`
  // articles (the index has caught up); false after 60 s.
  bool WaitForSearch(const std::string& query, int expected) {
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    while (absl::Now() < deadline) {
      grpc::health::v1::HealthCheckRequest request;
      request.set_service("healthcontent.search");
      grpc::health::v1::HealthCheckResponse health;
      grpc::ClientContext context;
      grpc::Status status = health_->Check(&context, request, &health);
      v1::SearchArticlesResponse response;
      if (status.ok() && health.status() == grpc::health::v1::HealthCheckResponse::SERVING &&
          Search(query, &response).ok() && response.total_size() == expected) {
        return true;
      }
      absl::SleepFor(absl::Milliseconds(50));
    }
    return false;
  }

  v1::ArticleService::Stub& articles() { return *articles_; }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ArticleService::Stub> articles_;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
};

TEST(SearchE2eTest, AfterSigkillAndADeletedIndexSearchServesExactlyTheDatabase) {
  TempDir dir;
  const std::string db = dir.File("search.db");
  WriteFileOrDie(dir.File("tokens"), absl::StrCat("publisher ", Sha256Hex("hct_search"), "\n"));
  const std::vector<std::string> args = {"--db=" + db, "--bootstrap_dir=" + SourceDir() + "/data",
                                         "--auth_tokens_file=" + dir.File("tokens")};
  const v1::PublishArticleRevisionRequest base = SeedPublishRequest();

  std::mt19937 rng(4242);
  std::vector<Acked> acked;
  absl::Mutex mu;
  std::atomic<int> next{0};
  constexpr int kRounds = 6;
  for (int round = 0; round < kRounds; ++round) {
    int port = FreePort();
    ServerProcess server(port, args);
    SearchClient client(port);
    std::atomic<bool> stop{false};
    // Publishes go on while the index follows them; the kill lands
    // anywhere, indexing included.
    std::thread publisher([&] {
      while (!stop.load()) {
        int k = next++;
        v1::PublishArticleRevisionRequest request = base;
        request.mutable_article()->set_name(absl::StrCat("articles/indexed-", k));
        request.mutable_article()->set_summary(absl::StrCat("Marker ", MarkerWord(k), "."));
        v1::Article out;
        grpc::ClientContext context;
        context.AddMetadata("authorization", "Bearer hct_search");
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
        if (!client.articles().PublishArticleRevision(&context, request, &out).ok()) break;
        absl::MutexLock lock(&mu);
        acked.push_back({out.name(), MarkerWord(k)});
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng() % 400));
    EXPECT_EQ(server.Stop(SIGKILL), -SIGKILL);
    stop = true;
    publisher.join();
  }
  ASSERT_GT(acked.size(), static_cast<size_t>(kRounds));

  auto verify = [&](SearchClient& client) {
    // Every article holds the seed's body: "checkpoint" finds them all, once.
    v1::SearchArticlesResponse all;
    ASSERT_TRUE(client.Search("checkpoint", &all).ok());
    EXPECT_TRUE(all.total_size_exact());
    EXPECT_GE(all.total_size(), static_cast<int64_t>(acked.size()) + 1);
    for (const Acked& a : acked) {
      v1::SearchArticlesResponse response;
      grpc::Status status = client.Search(a.word, &response);
      ASSERT_TRUE(status.ok()) << status.error_message();
      ASSERT_EQ(response.results_size(), 1) << a.word;
      EXPECT_EQ(response.results(0).article().name(), a.name);
      EXPECT_THAT(response.results(0).snippet(), HasSubstr(absl::StrCat("[", a.word, "]")));
    }
  };

  // Restarted after the last kill: the index catches up from the feed.
  int live = 0;
  {
    int port = FreePort();
    ServerProcess server(port, args);
    SearchClient client(port);
    // Acknowledged or not, every publish that committed is an article; the
    // listing (page after page) says how many the database holds.
    v1::ListArticlesRequest list;
    list.set_page_size(1000);
    do {
      v1::ListArticlesResponse listed;
      grpc::ClientContext context;
      grpc::Status status = client.articles().ListArticles(&context, list, &listed);
      ASSERT_TRUE(status.ok()) << status.error_code() << ": " << status.error_message();
      live += listed.articles_size();
      list.set_page_token(listed.next_page_token());
    } while (!list.page_token().empty());
    ASSERT_TRUE(client.WaitForSearch("checkpoint", live)) << server.Log();
    verify(client);
    EXPECT_EQ(server.Stop(SIGTERM), 0);
  }

  // The index directory deleted while stopped: rebuilt at start (health
  // reports search SERVING once it is).
  std::filesystem::remove_all(db + ".search");
  {
    int port = FreePort();
    ServerProcess server(port, args);
    SearchClient client(port);
    ASSERT_TRUE(client.WaitForSearch("checkpoint", live)) << server.Log();
    verify(client);
    EXPECT_THAT(server.Log(), HasSubstr("\"reason\":\"there is no index yet\""));
    EXPECT_EQ(server.Stop(SIGTERM), 0);
  }
}

}  // namespace
}  // namespace healthcontent::testing
