// End to end: the built server's Prometheus endpoint (--metrics_listen) and
// its JSON log line per RPC, scraped and read the way an operator's tools
// would, while real gRPC clients make calls.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "e2e/cluster_helpers.h"
#include "e2e/server_process.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "healthcontent/v1/article_service.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "testing/test_env.h"

namespace healthcontent::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kGetArticle[] = "method=\"healthcontent.v1.ArticleService/GetArticle\"";

// The JSON log lines of `log` whose msg is "rpc".
std::vector<nlohmann::json> RpcLines(const std::string& log) {
  std::vector<nlohmann::json> lines;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    nlohmann::json json = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (json.is_object() && json.value("msg", "") == "rpc") lines.push_back(json);
  }
  return lines;
}

TEST(ObservabilityE2eTest, MetricsMoveWithCallsAndEveryCallHasOneLogLine) {
  TempDir dir;
  const int metrics_port = FreePort();
  ServerProcess server(
      FreePort(),
      {"--db=" + dir.File("hc.db"), "--bootstrap_dir=" + SourceDir() + "/data",
       absl::StrCat("--metrics_listen=127.0.0.1:", metrics_port), "--rpc_log_sample=1"});
  const std::string target = absl::StrCat("127.0.0.1:", server.port());

  const std::string before = ScrapeMetrics(metrics_port);
  ASSERT_THAT(before, HasSubstr("# TYPE healthcontent_rpc_requests_total counter"));
  EXPECT_EQ(MetricValue(before, "healthcontent_articles"), 1);
  EXPECT_EQ(MetricValue(before, "healthcontent_revisions"), 1);
  EXPECT_EQ(MetricValue(before, "healthcontent_change_sequence"), 14);
  EXPECT_GT(MetricValue(before, "healthcontent_database_bytes"), 4096);
  EXPECT_EQ(MetricValue(before, "healthcontent_rpc_in_flight"), 0);
  // Group commit: never more transactions than writes.
  EXPECT_GE(MetricValue(before, "healthcontent_write_transactions"), 0);
  EXPECT_GE(MetricValue(before, "healthcontent_writes"),
            MetricValue(before, "healthcontent_write_transactions"));
  const double ok_before = std::max(
      0.0, MetricValue(before, "healthcontent_rpc_requests_total", {kGetArticle, "code=\"OK\""}));

  v1::Article article;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(GetSeed(target, &article).ok());
  // A failing call, carrying a request id and a token that must never be logged.
  {
    auto stub = v1::ArticleService::NewStub(
        grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    context.AddMetadata("x-request-id", "e2e-request-42");
    context.AddMetadata("authorization", "Bearer hct_never-log-this-token");
    v1::GetArticleRequest request;
    request.set_name("articles/no-such-article");
    grpc::Status status = stub->GetArticle(&context, request, &article);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
    // The request id comes back so a caller can quote it to an operator.
    auto echoed = context.GetServerInitialMetadata().find("x-request-id");
    ASSERT_NE(echoed, context.GetServerInitialMetadata().end());
    EXPECT_EQ(std::string(echoed->second.data(), echoed->second.size()), "e2e-request-42");
  }

  const std::string after = ScrapeMetrics(metrics_port);
  EXPECT_EQ(MetricValue(after, "healthcontent_rpc_requests_total", {kGetArticle, "code=\"OK\""}),
            ok_before + 3);
  EXPECT_EQ(
      MetricValue(after, "healthcontent_rpc_requests_total", {kGetArticle, "code=\"NOT_FOUND\""}),
      1);
  EXPECT_EQ(MetricValue(after, "healthcontent_rpc_duration_seconds_count", {kGetArticle}),
            ok_before + 4);
  EXPECT_EQ(MetricValue(after, "healthcontent_rpc_in_flight"), 0);

  // The log: one JSON line per call, with what an operator searches by.
  const std::string log = server.Log();
  std::vector<nlohmann::json> get_lines;
  for (const nlohmann::json& line : RpcLines(log)) {
    if (line.value("method", "") == "healthcontent.v1.ArticleService/GetArticle") {
      get_lines.push_back(line);
    }
  }
  ASSERT_EQ(get_lines.size(), 4u) << log;
  int ok_lines = 0;
  for (const nlohmann::json& line : get_lines) {
    EXPECT_TRUE(line.contains("time") && line.contains("latency_ms") && line.contains("peer"))
        << line.dump();
    if (line.value("code", "") == "OK") {
      ++ok_lines;
      EXPECT_EQ(line.value("resource", ""), kSeedArticle);
      EXPECT_EQ(line.value("level", ""), "info");
      EXPECT_EQ(line.value("request_id", "").size(), 16u) << line.dump();  // generated
    } else {
      EXPECT_EQ(line.value("code", ""), "NOT_FOUND");
      EXPECT_EQ(line.value("level", ""), "warn");
      EXPECT_EQ(line.value("resource", ""), "articles/no-such-article");
      EXPECT_EQ(line.value("request_id", ""), "e2e-request-42");
    }
  }
  EXPECT_EQ(ok_lines, 3);
  EXPECT_THAT(log, Not(HasSubstr("never-log-this-token")));
}

TEST(ObservabilityE2eTest, SamplingZeroLogsOnlyFailuresAndLevelErrorSilencesThem) {
  TempDir dir;
  ServerProcess sampled(FreePort(),
                        {"--db=" + dir.File("a.db"), "--bootstrap_dir=" + SourceDir() + "/data",
                         "--rpc_log_sample=0"});
  v1::Article article;
  const std::string target = absl::StrCat("127.0.0.1:", sampled.port());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(GetSeed(target, &article).ok());
  auto stub =
      v1::ArticleService::NewStub(grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  v1::GetArticleRequest request;
  request.set_name("articles/Not A Slug");
  EXPECT_EQ(stub->GetArticle(&context, request, &article).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  std::vector<nlohmann::json> lines = RpcLines(sampled.Log());
  int get_lines = 0;
  for (const nlohmann::json& line : lines) {
    if (line.value("method", "") != "healthcontent.v1.ArticleService/GetArticle") continue;
    ++get_lines;
    EXPECT_EQ(line.value("code", ""), "INVALID_ARGUMENT");
  }
  EXPECT_EQ(get_lines, 1) << sampled.Log();

  ServerProcess quiet(FreePort(),
                      {"--db=" + dir.File("b.db"), "--bootstrap_dir=" + SourceDir() + "/data",
                       "--log_level=error"});
  grpc::ClientContext context2;
  auto stub2 = v1::ArticleService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", quiet.port()), grpc::InsecureChannelCredentials()));
  EXPECT_EQ(stub2->GetArticle(&context2, request, &article).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(RpcLines(quiet.Log()).empty()) << quiet.Log();
  EXPECT_THAT(quiet.Log(), Not(HasSubstr("\"msg\":\"serving\"")));
}

TEST(ObservabilityE2eTest, AnUnusableMetricsAddressIsAClearStartupError) {
  TempDir dir;
  std::string output;
  const int exit_code = RunCommand(
      absl::StrCat(BinaryDir(), "/src/healthcontent-server --listen=127.0.0.1:", FreePort(),
                   " --db=", dir.File("c.db"), " --metrics_listen=256.0.0.1:99999 2>&1"),
      &output);
  EXPECT_EQ(exit_code, 1) << output;
  EXPECT_THAT(output, HasSubstr("256.0.0.1:99999"));
  EXPECT_THAT(output, HasSubstr("cannot start"));
}

}  // namespace
}  // namespace healthcontent::testing
