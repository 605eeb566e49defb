#include "e2e/cluster_helpers.h"

#include <chrono>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/date.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "healthcontent/v1/article_service.grpc.pb.h"
#include "testing/http_client.h"
#include "testing/seed.h"
#include "testing/test_env.h"

namespace healthcontent::testing {

namespace {

std::unique_ptr<v1::ArticleService::Stub> Stub(const std::string& target, int max_attempts = 1) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // a connection of its own
  if (max_attempts > 1) {
    args.SetServiceConfigJSON(
        absl::StrCat(R"({"methodConfig":[{"name":[{"service":"healthcontent.v1.ArticleService"}],)",
                     R"("retryPolicy":{"maxAttempts":)", max_attempts,
                     R"(,"initialBackoff":"0.01s","maxBackoff":"0.1s","backoffMultiplier":2,)",
                     R"("retryableStatusCodes":["UNAVAILABLE"]}}]})"));
  }
  return v1::ArticleService::NewStub(
      grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args));
}

void SetDeadline(grpc::ClientContext* context, int seconds) {
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
}

}  // namespace

ReadLoad::ReadLoad(const std::string& target, int threads, int max_attempts) {
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this, target, max_attempts] {
      auto stub = Stub(target, max_attempts);
      v1::GetArticleRequest request;
      request.set_name(kSeedArticle);
      std::string request_bytes = request.SerializeAsString();
      while (!stop_.load()) {
        grpc::ClientContext context;
        SetDeadline(&context, 5);
        v1::Article article;
        grpc::Status status = stub->GetArticle(&context, request, &article);
        if (status.ok()) {
          ok_.fetch_add(1);
          absl::MutexLock lock(&mu_);
          ++revisions_[article.revision_id()];
        } else {
          absl::MutexLock lock(&mu_);
          failures_.push_back(absl::StrCat(status.error_code(), ": ", status.error_message()));
        }
      }
    });
  }
}

ReadLoad::~ReadLoad() { Stop(); }

void ReadLoad::Stop() {
  stop_.store(true);
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

std::vector<std::string> ReadLoad::Failures() const {
  absl::MutexLock lock(&mu_);
  return failures_;
}

std::map<std::string, int64_t> ReadLoad::Revisions() const {
  absl::MutexLock lock(&mu_);
  return revisions_;
}

grpc::Status GetSeed(const std::string& target, v1::Article* article,
                     const std::multimap<std::string, std::string>& metadata) {
  auto stub = Stub(target);
  grpc::ClientContext context;
  SetDeadline(&context, 10);
  for (const auto& [key, value] : metadata) context.AddMetadata(key, value);
  v1::GetArticleRequest request;
  request.set_name(kSeedArticle);
  return stub->GetArticle(&context, request, article);
}

grpc::Status PublishSeedRevision(const std::string& target, const std::string& token,
                                 absl::CivilDay review_date, const std::string& title_suffix) {
  v1::PublishArticleRevisionRequest request = SeedPublishRequest();
  *request.mutable_article()->mutable_review_date() = ToProtoDate(review_date);
  request.mutable_article()->clear_next_review_date();
  request.mutable_article()->set_title(request.article().title() + title_suffix);
  request.set_change_summary("Re-reviewed (end-to-end test).");
  auto stub = Stub(target);
  grpc::ClientContext context;
  SetDeadline(&context, 10);
  context.AddMetadata("authorization", "Bearer " + token);
  v1::Article published;
  return stub->PublishArticleRevision(&context, request, &published);
}

std::string ScrapeMetrics(int port) {
  const std::string response = HttpGet(port, "/metrics");
  const size_t body = response.find("\r\n\r\n");
  if (!absl::StartsWith(response, "HTTP/1.") || body == std::string::npos) return "";
  return response.substr(body + 4);
}

double MetricValue(const std::string& scrape, const std::string& name,
                   const std::vector<std::string>& labels) {
  for (absl::string_view line : absl::StrSplit(scrape, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    // name{labels} value   or   name value
    absl::string_view rest = line;
    if (!absl::ConsumePrefix(&rest, name)) continue;
    if (rest.empty() || (rest[0] != '{' && rest[0] != ' ')) continue;  // a longer name
    absl::string_view label_text;
    if (rest[0] == '{') {
      size_t close = rest.find('}');
      if (close == absl::string_view::npos) continue;
      label_text = rest.substr(1, close - 1);
      rest.remove_prefix(close + 1);
    }
    bool all = true;
    for (const std::string& label : labels) {
      if (!absl::StrContains(label_text, label)) all = false;
    }
    if (!all) continue;
    double value;
    if (absl::SimpleAtod(absl::StripAsciiWhitespace(rest), &value)) return value;
  }
  return -1;
}

nlohmann::json CutBundle(const std::string& db, const std::string& out_dir) {
  std::string output;
  const std::string command =
      absl::StrCat(BinaryDir(), "/src/healthcontent bundle --db='", db, "' --out='", out_dir, "'");
  int exit_code = RunCommand(command, &output);
  EXPECT_EQ(exit_code, 0) << command << "\n" << output;
  nlohmann::json manifest = nlohmann::json::parse(output, nullptr, /*allow_exceptions=*/false);
  EXPECT_TRUE(manifest.is_object()) << output;
  return manifest;
}

bool WaitFor(double seconds, const std::function<bool()>& condition) {
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return condition();
}

}  // namespace healthcontent::testing
