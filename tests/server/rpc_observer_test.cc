#include "server/rpc_observer.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/support/byte_buffer.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/log.h"
#include "common/status_names.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "healthcontent/v1/article_service.grpc.pb.h"
#include "healthcontent/v1/change_service.grpc.pb.h"
#include "healthcontent/v1/therapy_type_service.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "server/metrics.h"

namespace healthcontent::server {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

constexpr char kGetArticle[] = "healthcontent.v1.ArticleService/GetArticle";
constexpr char kGetArticleRevision[] = "healthcontent.v1.ArticleService/GetArticleRevision";
constexpr char kListArticleRevisions[] = "healthcontent.v1.ArticleService/ListArticleRevisions";
constexpr char kListArticles[] = "healthcontent.v1.ArticleService/ListArticles";
constexpr char kWatchChanges[] = "healthcontent.v1.ChangeService/WatchChanges";
constexpr char kKnownArticle[] = "articles/known";

// What api::Unary does around every unary handler of our services: for a
// raw method, the observer's Begin as the call starts and End just before
// its status (typed methods are observed by the interceptor).
grpc::ServerUnaryReactor* FinishObserved(api::UnaryObserver* observer,
                                         grpc::CallbackServerContext* context, const char* path,
                                         api::RequestRef request, grpc::Status status) {
  if (request.bytes != nullptr) {
    api::CallFacts facts;
    observer->Begin(*context, path, facts);
    observer->End(*context, request, facts, status.error_code());
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(std::move(status));
  return reactor;
}

// GetArticle is raw, as in the real server; the other methods take their
// generated messages. Only articles/known (and its revision) exist. Each
// handler is observed as api::Unary observes them (FinishObserved).
class FakeArticleService final : public v1::ArticleService::WithRawCallbackMethod_GetArticle<
                                     v1::ArticleService::CallbackService> {
 public:
  void set_observer(api::UnaryObserver* observer) { observer_ = observer; }

  grpc::ServerUnaryReactor* GetArticle(grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer* request,
                                       grpc::ByteBuffer* response) override {
    return FinishObserved(observer_, context, "/healthcontent.v1.ArticleService/GetArticle",
                          *request, Get(*request, response));
  }

  grpc::ServerUnaryReactor* GetArticleRevision(grpc::CallbackServerContext* context,
                                               const v1::GetArticleRevisionRequest* request,
                                               v1::Article* response) override {
    grpc::Status status = grpc::Status::OK;
    if (request->name() != absl::StrCat(kKnownArticle, "/revisions/2020-01-01")) {
      status = grpc::Status(grpc::StatusCode::NOT_FOUND, request->name() + " not found");
    } else {
      response->set_name(kKnownArticle);
    }
    return FinishObserved(observer_, context, "/healthcontent.v1.ArticleService/GetArticleRevision",
                          *request, status);
  }

  grpc::ServerUnaryReactor* ListArticleRevisions(
      grpc::CallbackServerContext* context, const v1::ListArticleRevisionsRequest* request,
      v1::ListArticleRevisionsResponse* /*response*/) override {
    return FinishObserved(observer_, context,
                          "/healthcontent.v1.ArticleService/ListArticleRevisions", *request,
                          grpc::Status::OK);
  }

  grpc::ServerUnaryReactor* ListArticles(grpc::CallbackServerContext* context,
                                         const v1::ListArticlesRequest* request,
                                         v1::ListArticlesResponse* /*response*/) override {
    return FinishObserved(observer_, context, "/healthcontent.v1.ArticleService/ListArticles",
                          *request, grpc::Status::OK);
  }

 private:
  static grpc::Status Get(const grpc::ByteBuffer& request, grpc::ByteBuffer* response) {
    v1::GetArticleRequest parsed;
    grpc::ByteBuffer copy(request);
    if (!grpc::SerializationTraits<google::protobuf::Message>::Deserialize(&copy, &parsed).ok()) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "not a GetArticleRequest");
    }
    if (parsed.name() != kKnownArticle) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, parsed.name() + " not found");
    }
    v1::Article article;
    article.set_name(parsed.name());
    bool own_buffer = false;
    return grpc::SerializationTraits<v1::Article>::Serialize(article, response, &own_buffer);
  }

  api::UnaryObserver* observer_ = nullptr;
};

// WatchChanges with since=0 sends changes 1 and 2 and finishes OK; with any
// other value it sends change 1 and then waits until the call is cancelled.
class FakeChangeService final : public v1::ChangeService::CallbackService {
 public:
  grpc::ServerWriteReactor<v1::Change>* WatchChanges(
      grpc::CallbackServerContext* /*context*/, const v1::WatchChangesRequest* request) override {
    return new Watch(/*then_wait=*/request->since() != 0);
  }

 private:
  class Watch final : public grpc::ServerWriteReactor<v1::Change> {
   public:
    explicit Watch(bool then_wait) : then_wait_(then_wait) {
      change_.set_sequence(1);
      StartWrite(&change_);
    }
    void OnWriteDone(bool ok) override {
      if (!ok) {
        FinishOnce(grpc::Status(grpc::StatusCode::CANCELLED, "write failed"));
      } else if (!then_wait_ && change_.sequence() == 1) {
        change_.set_sequence(2);
        StartWrite(&change_);
      } else if (!then_wait_) {
        FinishOnce(grpc::Status::OK);
      }
    }
    void OnCancel() override { FinishOnce(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled")); }
    void OnDone() override { delete this; }

   private:
    // OnCancel and a failed write may both want to finish.
    void FinishOnce(grpc::Status status) {
      if (!finished_.exchange(true)) Finish(std::move(status));
    }

    const bool then_wait_;
    v1::Change change_;
    std::atomic<bool> finished_{false};
  };
};

// The value of the metric `name` whose labels are exactly `labels`: a
// counter's or gauge's value, a histogram's sample count; nullopt if absent.
std::optional<double> Value(const std::vector<prometheus::MetricFamily>& families,
                            const std::string& name, const prometheus::Labels& labels) {
  for (const prometheus::MetricFamily& family : families) {
    if (family.name != name) continue;
    for (const prometheus::ClientMetric& metric : family.metric) {
      prometheus::Labels metric_labels;
      for (const auto& label : metric.label) metric_labels[label.name] = label.value;
      if (metric_labels != labels) continue;
      switch (family.type) {
        case prometheus::MetricType::Counter:
          return metric.counter.value;
        case prometheus::MetricType::Gauge:
          return metric.gauge.value;
        case prometheus::MetricType::Histogram:
          return static_cast<double>(metric.histogram.sample_count);
        default:
          return std::nullopt;
      }
    }
  }
  return std::nullopt;
}

// The codes counted for `method` in healthcontent_rpc_requests_total.
std::vector<std::string> CountedCodes(const std::vector<prometheus::MetricFamily>& families,
                                      const std::string& method) {
  std::vector<std::string> codes;
  for (const prometheus::MetricFamily& family : families) {
    if (family.name != "healthcontent_rpc_requests_total") continue;
    for (const prometheus::ClientMetric& metric : family.metric) {
      prometheus::Labels labels;
      for (const auto& label : metric.label) labels[label.name] = label.value;
      if (labels["method"] == method) codes.push_back(labels["code"]);
    }
  }
  return codes;
}

// The "rpc" lines of a captured log, parsed; other lines (gRPC's own) are
// skipped.
std::vector<nlohmann::ordered_json> RpcLines(const std::string& log) {
  std::vector<nlohmann::ordered_json> lines;
  for (absl::string_view text : absl::StrSplit(log, '\n', absl::SkipEmpty())) {
    auto line = nlohmann::ordered_json::parse(text.begin(), text.end(), nullptr,
                                              /*allow_exceptions=*/false);
    if (line.is_object() && line.value("msg", "") == "rpc") lines.push_back(std::move(line));
  }
  return lines;
}

std::vector<std::string> Keys(const nlohmann::ordered_json& object) {
  std::vector<std::string> keys;
  for (const auto& item : object.items()) keys.push_back(item.key());
  return keys;
}

// gtest's stderr capture: file descriptor 2 goes to a temp file meanwhile.
void StartCapture() {
  healthcontent::FlushLogs();
  ::testing::internal::CaptureStderr();
}
std::string StopCapture() {
  healthcontent::FlushLogs();
  return ::testing::internal::GetCapturedStderr();
}

// Waits up to 10 s for `condition`.
bool WaitFor(const std::function<bool()>& condition) {
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (!condition()) {
    if (absl::Now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// A real server on a loopback port with the fake services, the observer and
// a registry-only Metrics, and stubs on a real channel to it.
class RpcObserverTest : public ::testing::Test {
 protected:
  void Start(double log_sample = 1.0) {
    absl::StatusOr<std::unique_ptr<Metrics>> metrics = Metrics::Create("");
    ASSERT_TRUE(metrics.ok()) << metrics.status();
    metrics_ = std::move(*metrics);
    RpcObserverOptions options;
    options.log_sample = log_sample;
    options.raw_methods = {absl::StrCat("/", kGetArticle)};
    options.sampled_methods = {absl::StrCat("/", kGetArticle)};
    options.metrics = metrics_.get();
    absl::StatusOr<std::unique_ptr<RpcObserver>> observer = RpcObserver::Create(options);
    ASSERT_TRUE(observer.ok()) << observer.status();
    articles_.set_observer(observer->get());
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
    creators.push_back(std::move(*observer));

    // gRPC's own health service takes its requests as grpc::ByteBuffer.
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&articles_);
    builder.RegisterService(&changes_);
    builder.experimental().SetInterceptorCreators(std::move(creators));
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port, 0);
    channel_ =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
    articles_stub_ = v1::ArticleService::NewStub(channel_);
    changes_stub_ = v1::ChangeService::NewStub(channel_);
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown(std::chrono::system_clock::now());
  }

  grpc::Status GetArticle(const std::string& name, grpc::ClientContext* context = nullptr) {
    grpc::ClientContext own_context;
    v1::GetArticleRequest request;
    request.set_name(name);
    v1::Article article;
    return articles_stub_->GetArticle(context != nullptr ? context : &own_context, request,
                                      &article);
  }

  std::vector<prometheus::MetricFamily> Collect() { return metrics_->Collect(); }

  std::optional<double> InFlight() { return Value(Collect(), "healthcontent_rpc_in_flight", {}); }

  std::unique_ptr<Metrics> metrics_;  // outlives the server
  FakeArticleService articles_;
  FakeChangeService changes_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ArticleService::Stub> articles_stub_;
  std::unique_ptr<v1::ChangeService::Stub> changes_stub_;
};

TEST_F(RpcObserverTest, CountsEachCallByMethodAndCode) {
  ASSERT_NO_FATAL_FAILURE(Start());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(GetArticle(kKnownArticle).ok());
  ASSERT_EQ(GetArticle("articles/missing").error_code(), grpc::StatusCode::NOT_FOUND);

  const auto families = Collect();
  EXPECT_EQ(Value(families, "healthcontent_rpc_requests_total",
                  {{"method", kGetArticle}, {"code", "OK"}}),
            3);
  EXPECT_EQ(Value(families, "healthcontent_rpc_requests_total",
                  {{"method", kGetArticle}, {"code", "NOT_FOUND"}}),
            1);
  EXPECT_THAT(CountedCodes(families, kGetArticle),
              ::testing::UnorderedElementsAre("OK", "NOT_FOUND"));
  EXPECT_EQ(Value(families, "healthcontent_rpc_duration_seconds", {{"method", kGetArticle}}), 4);
  EXPECT_EQ(Value(families, "healthcontent_rpc_in_flight", {}), 0);
}

// A typed method's request that does not parse never reaches a handler:
// gRPC ends the call itself, and the interceptor still counts and logs it.
TEST_F(RpcObserverTest, ATypedCallGrpcEndsBeforeItsHandlerIsCountedAndLogged) {
  ASSERT_NO_FATAL_FAILURE(Start());
  StartCapture();
  grpc::GenericStub stub(channel_);
  grpc::CompletionQueue queue;
  grpc::ClientContext context;
  const std::string garbage = "\xff\xff\xff\xff";  // a field tag whose varint never ends
  grpc::Slice slice(garbage);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
      stub.PrepareUnaryCall(&context, absl::StrCat("/", kGetArticleRevision), request, &queue);
  call->StartCall();
  grpc::Status status;
  call->Finish(&response, &status, reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  ASSERT_TRUE(queue.Next(&tag, &ok));
  const std::string log = StopCapture();
  ASSERT_FALSE(status.ok());

  const std::string code(StatusCodeName(static_cast<absl::StatusCode>(status.error_code())));
  EXPECT_EQ(Value(Collect(), "healthcontent_rpc_requests_total",
                  {{"method", kGetArticleRevision}, {"code", code}}),
            1);
  const auto lines = RpcLines(log);
  ASSERT_EQ(lines.size(), 1u) << log;
  EXPECT_EQ(lines[0]["method"], kGetArticleRevision);
  EXPECT_EQ(lines[0]["code"], code);
  EXPECT_EQ(InFlight(), 0);
  queue.Shutdown();
}

TEST_F(RpcObserverTest, LogsAFailedCallWithItsResourceAndEchoesTheRequestId) {
  ASSERT_NO_FATAL_FAILURE(Start());
  StartCapture();
  grpc::ClientContext context;
  context.AddMetadata("x-request-id", "req-42.A_b");
  context.AddMetadata("authorization", "Bearer sekret-token-value");
  grpc::Status status = GetArticle("articles/missing", &context);
  const std::string log = StopCapture();

  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  const auto& metadata = context.GetServerInitialMetadata();
  ASSERT_EQ(metadata.count("x-request-id"), 1u);
  EXPECT_EQ(metadata.find("x-request-id")->second, "req-42.A_b");

  EXPECT_THAT(log, Not(HasSubstr("sekret-token-value")));
  const auto lines = RpcLines(log);
  ASSERT_EQ(lines.size(), 1u) << log;
  const auto& line = lines[0];
  EXPECT_THAT(Keys(line), ElementsAre("time", "level", "msg", "method", "resource", "code",
                                      "latency_ms", "peer", "request_id"));
  EXPECT_EQ(line["level"], "warn");
  EXPECT_EQ(line["method"], kGetArticle);
  EXPECT_EQ(line["resource"], "articles/missing");
  EXPECT_EQ(line["code"], "NOT_FOUND");
  EXPECT_THAT(line["latency_ms"].get<std::string>(), MatchesRegex("[0-9]+\\.[0-9]{3}"));
  EXPECT_THAT(line["peer"].get<std::string>(), MatchesRegex("ipv4:127\\.0\\.0\\.1:[0-9]+"));
  EXPECT_EQ(line["request_id"], "req-42.A_b");
}

TEST_F(RpcObserverTest, GeneratesARequestIdUnlessTheClientSentAValidOne) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const struct {
    std::optional<std::string> sent;
    bool kept;
  } cases[] = {
      {std::nullopt, false},         {std::string(""), false},    {std::string("has space"), false},
      {std::string(65, 'a'), false}, {std::string("a/b"), false}, {std::string(64, 'a'), true},
      {std::string("Z.9_-x"), true},
  };
  std::vector<std::string> generated;
  for (const auto& c : cases) {
    StartCapture();
    grpc::ClientContext context;
    if (c.sent.has_value()) context.AddMetadata("x-request-id", *c.sent);
    ASSERT_TRUE(GetArticle(kKnownArticle, &context).ok());
    const std::string log = StopCapture();
    const std::string label = c.sent.value_or("(none)");

    const auto& metadata = context.GetServerInitialMetadata();
    ASSERT_EQ(metadata.count("x-request-id"), 1u) << label;
    const auto& echoed = metadata.find("x-request-id")->second;
    const std::string id(echoed.data(), echoed.size());
    if (c.kept) {
      EXPECT_EQ(id, *c.sent);
    } else {
      EXPECT_THAT(id, MatchesRegex("[0-9a-f]{16}")) << label;
      generated.push_back(id);
    }
    const auto lines = RpcLines(log);
    ASSERT_EQ(lines.size(), 1u) << log;
    EXPECT_EQ(lines[0]["request_id"], id) << label;
  }
  std::sort(generated.begin(), generated.end());
  EXPECT_EQ(std::unique(generated.begin(), generated.end()), generated.end());
}

// A sampled-away OK call of a raw method has no log line, so a generated id
// would lead nowhere: none is sent. The client's own is still echoed, and a
// failed call (always logged) gets one that its log line carries.
TEST_F(RpcObserverTest, AnUnloggedRawCallSendsBackOnlyTheClientsRequestId) {
  ASSERT_NO_FATAL_FAILURE(Start(/*log_sample=*/0.0));
  auto id_of = [](const grpc::ClientContext& context) -> std::optional<std::string> {
    const auto& metadata = context.GetServerInitialMetadata();
    auto it = metadata.find("x-request-id");
    if (it == metadata.end()) return std::nullopt;
    return std::string(it->second.data(), it->second.size());
  };
  StartCapture();
  grpc::ClientContext plain;
  ASSERT_TRUE(GetArticle(kKnownArticle, &plain).ok());
  grpc::ClientContext with_id;
  with_id.AddMetadata("x-request-id", "portal-7");
  ASSERT_TRUE(GetArticle(kKnownArticle, &with_id).ok());
  grpc::ClientContext failing;
  ASSERT_EQ(GetArticle("articles/missing", &failing).error_code(), grpc::StatusCode::NOT_FOUND);
  const auto lines = RpcLines(StopCapture());

  EXPECT_EQ(id_of(plain), std::nullopt);
  EXPECT_EQ(id_of(with_id), "portal-7");
  const std::optional<std::string> failed_id = id_of(failing);
  ASSERT_TRUE(failed_id.has_value());
  EXPECT_THAT(*failed_id, MatchesRegex("[0-9a-f]{16}"));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["code"], "NOT_FOUND");
  EXPECT_EQ(lines[0]["request_id"], *failed_id);
}

TEST_F(RpcObserverTest, SampleOneLogsEveryCall) {
  ASSERT_NO_FATAL_FAILURE(Start(/*log_sample=*/1.0));
  StartCapture();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(GetArticle(kKnownArticle).ok());
  ASSERT_EQ(GetArticle("articles/missing").error_code(), grpc::StatusCode::NOT_FOUND);
  const auto lines = RpcLines(StopCapture());

  ASSERT_EQ(lines.size(), 4u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(lines[i]["level"], "info");
    EXPECT_EQ(lines[i]["code"], "OK");
    EXPECT_EQ(lines[i]["resource"], kKnownArticle);
  }
  EXPECT_EQ(lines[3]["level"], "warn");
  EXPECT_EQ(lines[3]["code"], "NOT_FOUND");
}

TEST_F(RpcObserverTest, SampleZeroLogsFailuresAndTheMethodsItDoesNotSample) {
  ASSERT_NO_FATAL_FAILURE(Start(/*log_sample=*/0.0));
  auto health = grpc::health::v1::Health::NewStub(channel_);
  StartCapture();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(GetArticle(kKnownArticle).ok());
  ASSERT_EQ(GetArticle("articles/missing").error_code(), grpc::StatusCode::NOT_FOUND);
  grpc::ClientContext context;
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(health->Check(&context, request, &response).ok());
  const auto lines = RpcLines(StopCapture());

  // GetArticle is sampled: its OK calls go unlogged, its failure does not.
  // The health check is not sampled: logged although it is OK.
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["code"], "NOT_FOUND");
  EXPECT_EQ(lines[0]["resource"], "articles/missing");
  EXPECT_EQ(lines[1]["method"], "grpc.health.v1.Health/Check");
  EXPECT_EQ(lines[1]["code"], "OK");
  EXPECT_EQ(lines[1]["level"], "info");
  // Sampling leaves the metrics alone.
  EXPECT_EQ(Value(Collect(), "healthcontent_rpc_requests_total",
                  {{"method", kGetArticle}, {"code", "OK"}}),
            3);
}

TEST_F(RpcObserverTest, ReadsTheResourceOfTypedAndRawRequests) {
  ASSERT_NO_FATAL_FAILURE(Start());
  // 9 + 100 x 2 bytes: the cut at 200 bytes falls inside the 96th "é",
  // which is dropped whole.
  std::string long_name = "articles/";
  for (int i = 0; i < 100; ++i) long_name += "\xc3\xa9";
  std::string cut_name = "articles/";
  for (int i = 0; i < 95; ++i) cut_name += "\xc3\xa9";

  StartCapture();
  {
    grpc::ClientContext context;
    v1::GetArticleRevisionRequest request;
    request.set_name(absl::StrCat(kKnownArticle, "/revisions/2020-01-01"));
    request.set_if_none_match("etag-1");
    v1::Article article;
    ASSERT_TRUE(articles_stub_->GetArticleRevision(&context, request, &article).ok());
  }
  {
    grpc::ClientContext context;
    v1::GetArticleRevisionRequest request;
    request.set_name(long_name);
    v1::Article article;
    ASSERT_EQ(articles_stub_->GetArticleRevision(&context, request, &article).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  {
    grpc::ClientContext context;
    v1::ListArticleRevisionsRequest request;
    request.set_parent(kKnownArticle);
    request.set_page_size(5);
    v1::ListArticleRevisionsResponse response;
    ASSERT_TRUE(articles_stub_->ListArticleRevisions(&context, request, &response).ok());
  }
  {
    grpc::ClientContext context;
    v1::ListArticlesRequest request;
    v1::ListArticlesResponse response;
    ASSERT_TRUE(articles_stub_->ListArticles(&context, request, &response).ok());
  }
  {
    // Raw: the fields after the name (a message, a string, an enum) are
    // skipped over.
    grpc::ClientContext context;
    v1::GetArticleRequest request;
    request.set_name(long_name);
    request.mutable_as_of()->set_year(2020);
    request.set_if_none_match("etag-2");
    request.set_view(v1::ARTICLE_VIEW_BASIC);
    v1::Article article;
    ASSERT_EQ(articles_stub_->GetArticle(&context, request, &article).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  const std::string log = StopCapture();

  const auto lines = RpcLines(log);
  ASSERT_EQ(lines.size(), 5u) << log;
  EXPECT_EQ(lines[0]["method"], kGetArticleRevision);
  EXPECT_EQ(lines[0]["resource"], absl::StrCat(kKnownArticle, "/revisions/2020-01-01"));
  EXPECT_EQ(lines[1]["method"], kGetArticleRevision);
  EXPECT_EQ(lines[1]["resource"], cut_name);
  EXPECT_EQ(lines[2]["method"], kListArticleRevisions);
  EXPECT_EQ(lines[2]["resource"], kKnownArticle);
  EXPECT_EQ(lines[3]["method"], kListArticles);
  EXPECT_EQ(lines[3]["resource"], "");
  EXPECT_EQ(lines[4]["method"], kGetArticle);
  EXPECT_EQ(lines[4]["resource"], cut_name);
  EXPECT_EQ(cut_name.size(), 199u);
}

TEST_F(RpcObserverTest, MethodsTheServerDoesNotHaveShareOneLabel) {
  ASSERT_NO_FATAL_FAILURE(Start());
  auto stub = v1::TherapyTypeService::NewStub(channel_);
  StartCapture();
  grpc::ClientContext context;
  v1::GetTherapyTypeRequest request;
  request.set_name("therapyTypes/x");
  v1::TherapyType response;
  EXPECT_EQ(stub->GetTherapyType(&context, request, &response).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  const auto lines = RpcLines(StopCapture());

  const auto families = Collect();
  EXPECT_EQ(Value(families, "healthcontent_rpc_requests_total",
                  {{"method", "unknown"}, {"code", "UNIMPLEMENTED"}}),
            1);
  EXPECT_THAT(CountedCodes(families, "healthcontent.v1.TherapyTypeService/GetTherapyType"),
              ::testing::IsEmpty());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["method"], "unknown");
  EXPECT_EQ(lines[0]["resource"], "");
  EXPECT_EQ(lines[0]["code"], "UNIMPLEMENTED");
}

TEST_F(RpcObserverTest, CountsHealthChecksWithoutAResource) {
  ASSERT_NO_FATAL_FAILURE(Start());
  auto stub = grpc::health::v1::Health::NewStub(channel_);
  StartCapture();
  grpc::ClientContext context;
  grpc::health::v1::HealthCheckRequest request;
  request.set_service("");
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(stub->Check(&context, request, &response).ok());
  const auto lines = RpcLines(StopCapture());

  EXPECT_EQ(Value(Collect(), "healthcontent_rpc_requests_total",
                  {{"method", "grpc.health.v1.Health/Check"}, {"code", "OK"}}),
            1);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["method"], "grpc.health.v1.Health/Check");
  EXPECT_EQ(lines[0]["resource"], "");
}

TEST_F(RpcObserverTest, CountsAStreamOnceWhenItFinishes) {
  ASSERT_NO_FATAL_FAILURE(Start());
  grpc::ClientContext context;
  v1::WatchChangesRequest request;
  request.set_since(0);
  auto reader = changes_stub_->WatchChanges(&context, request);
  v1::Change change;
  int received = 0;
  while (reader->Read(&change)) ++received;
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_EQ(received, 2);

  const auto families = Collect();
  EXPECT_THAT(CountedCodes(families, kWatchChanges), ElementsAre("OK"));
  EXPECT_EQ(Value(families, "healthcontent_rpc_requests_total",
                  {{"method", kWatchChanges}, {"code", "OK"}}),
            1);
  EXPECT_EQ(Value(families, "healthcontent_rpc_duration_seconds", {{"method", kWatchChanges}}), 1);
  EXPECT_EQ(Value(families, "healthcontent_rpc_in_flight", {}), 0);
}

TEST_F(RpcObserverTest, CountsACancelledStreamOnceAsCancelled) {
  ASSERT_NO_FATAL_FAILURE(Start());
  StartCapture();
  grpc::ClientContext context;
  v1::WatchChangesRequest request;
  request.set_since(1);  // the fake then waits for the cancellation
  auto reader = changes_stub_->WatchChanges(&context, request);
  v1::Change change;
  ASSERT_TRUE(reader->Read(&change));
  EXPECT_EQ(InFlight(), 1);
  context.TryCancel();
  while (reader->Read(&change)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);

  // The server hears of the cancellation after the client: wait for it, then
  // give a late second record (the handler's own Finish) time to show up.
  EXPECT_TRUE(WaitFor([&] { return InFlight() == 0; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const std::string log = StopCapture();

  const auto families = Collect();
  EXPECT_THAT(CountedCodes(families, kWatchChanges), ElementsAre("CANCELLED"));
  EXPECT_EQ(Value(families, "healthcontent_rpc_requests_total",
                  {{"method", kWatchChanges}, {"code", "CANCELLED"}}),
            1);
  EXPECT_EQ(Value(families, "healthcontent_rpc_duration_seconds", {{"method", kWatchChanges}}), 1);
  EXPECT_EQ(Value(families, "healthcontent_rpc_in_flight", {}), 0);
  const auto lines = RpcLines(log);
  ASSERT_EQ(lines.size(), 1u) << log;
  EXPECT_EQ(lines[0]["method"], kWatchChanges);
  EXPECT_EQ(lines[0]["code"], "CANCELLED");
  EXPECT_EQ(lines[0]["level"], "warn");
}

TEST_F(RpcObserverTest, CountsAStreamPastItsDeadlineAsDeadlineExceeded) {
  ASSERT_NO_FATAL_FAILURE(Start());
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(300));
  v1::WatchChangesRequest request;
  request.set_since(1);
  auto reader = changes_stub_->WatchChanges(&context, request);
  v1::Change change;
  while (reader->Read(&change)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);

  EXPECT_TRUE(WaitFor([&] { return InFlight() == 0; }));
  EXPECT_THAT(CountedCodes(Collect(), kWatchChanges), ElementsAre("DEADLINE_EXCEEDED"));
}

TEST(RpcObserverCreateTest, RefusesASampleOutsideZeroToOne) {
  for (double sample : {-0.1, 1.5, std::nan("")}) {
    RpcObserverOptions options;
    options.log_sample = sample;
    absl::StatusOr<std::unique_ptr<RpcObserver>> observer = RpcObserver::Create(options);
    ASSERT_FALSE(observer.ok()) << sample;
    EXPECT_EQ(observer.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(observer.status().message(), HasSubstr("must be between 0 and 1"));
  }
}

TEST(RpcObserverCreateTest, RefusesRawMethodsOutsideTheDescriptorPool) {
  for (const char* method : {"/healthcontent.v1.ArticleService/GetArticel",
                             "healthcontent.v1.ArticleService/GetArticle", "/nope.Nope/Nope"}) {
    RpcObserverOptions options;
    options.raw_methods = {method};
    absl::StatusOr<std::unique_ptr<RpcObserver>> observer = RpcObserver::Create(options);
    ASSERT_FALSE(observer.ok()) << method;
    EXPECT_EQ(observer.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(observer.status().message(), HasSubstr(absl::StrCat("\"", method, "\"")));
  }
}

}  // namespace
}  // namespace healthcontent::server
