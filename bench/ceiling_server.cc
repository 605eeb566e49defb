#include "ceiling_server.h"

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/slice.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/date.h"
#include "common/log.h"
#include "common/page_token.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "domain/article_rules.h"
#include "healthcontent/v1/article_service.grpc.pb.h"
#include "server/server.h"
#include "storage/article_store.h"
#include "storage/storage.h"

namespace healthcontent::bench {
namespace {

// What the four methods answer, built once.
struct Responses {
  v1::Article article;
  v1::ListArticlesResponse list;
  v1::SearchArticlesResponse search;
};

// The server's Shape() for a read: review status against today, and the
// BASIC view for listings and search hits.
void ShapeLikeServer(bool basic, absl::CivilDay today, int due_soon_days, v1::Article* article) {
  if (basic) domain::ApplyBasicView(article);
  absl::StatusOr<absl::CivilDay> next_review = FromProtoDate(article->next_review_date());
  if (next_review.ok()) {
    article->set_review_status(domain::ComputeReviewStatus(*next_review, today, due_soon_days));
  }
}

absl::StatusOr<Responses> BuildResponses(const CeilingOptions& options) {
  if (options.db_path.empty()) return absl::InvalidArgumentError("--db is required");
  std::error_code ec;
  if (!std::filesystem::exists(options.db_path, ec)) {
    // Storage::Open would create an empty database; say what is wrong instead.
    return absl::NotFoundError(absl::StrCat(options.db_path, " does not exist"));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Storage> storage,
                   storage::Storage::Open(options.db_path, storage::Storage::Options{}));
  storage::ArticleStore articles(storage.get(), storage::ArticleStore::Options{});
  const absl::CivilDay today = UtcDay(absl::Now());
  Responses responses;

  storage::ArticleStore::ListQuery list_query;
  list_query.limit = kDefaultPageSize;
  list_query.today = today;
  list_query.due_soon_days = options.due_soon_days;
  ASSIGN_OR_RETURN(storage::ArticleStore::ArticlePage page, articles.List(list_query));
  if (page.articles.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(options.db_path, " has no live article to serve"));
  }

  std::string slug;
  if (!options.article.empty()) {
    ASSIGN_OR_RETURN(slug, ParseArticleName(options.article, "--article"));
  } else {
    // The article of median size among the first page's, in FULL view.
    std::vector<std::pair<size_t, std::string>> sizes;
    for (const v1::Article& listed : page.articles) {
      std::string listed_slug = listed.name().substr(sizeof("articles/") - 1);
      ASSIGN_OR_RETURN(v1::Article full, articles.GetInForce(listed_slug, today, today));
      sizes.emplace_back(full.ByteSizeLong(), listed_slug);
    }
    std::sort(sizes.begin(), sizes.end());
    slug = sizes[sizes.size() / 2].second;
  }
  ASSIGN_OR_RETURN(responses.article, articles.GetInForce(slug, today, today));
  ShapeLikeServer(/*basic=*/false, today, options.due_soon_days, &responses.article);

  for (v1::Article& listed : page.articles) {
    ShapeLikeServer(/*basic=*/true, today, options.due_soon_days, &listed);
    // A search page of the same articles, each with a snippet of the size
    // the server returns (about 160 bytes of text around the matches).
    if (responses.search.results_size() < 20) {
      v1::SearchResult* result = responses.search.add_results();
      *result->mutable_article() = listed;
      result->set_snippet(std::string(160, 'x'));
      result->set_score(1.0);
    }
    *responses.list.add_articles() = std::move(listed);
  }
  // No next_page_token: a client walking the listing would otherwise loop
  // forever on this fixed page. (The real server's token adds ~40 bytes.)
  return responses;
}

grpc::ByteBuffer Serialized(const google::protobuf::Message& message) {
  grpc::Slice slice(message.SerializeAsString());
  return grpc::ByteBuffer(&slice, 1);
}

grpc::ServerUnaryReactor* FinishOk(grpc::CallbackServerContext* context) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

// --response=message: typed methods copying a pre-built message.
class MessageCeiling final : public v1::ArticleService::CallbackService {
 public:
  explicit MessageCeiling(const Responses* responses) : responses_(responses) {}

  grpc::ServerUnaryReactor* GetArticle(grpc::CallbackServerContext* context,
                                       const v1::GetArticleRequest*,
                                       v1::Article* response) override {
    *response = responses_->article;
    return FinishOk(context);
  }
  grpc::ServerUnaryReactor* GetArticleRevision(grpc::CallbackServerContext* context,
                                               const v1::GetArticleRevisionRequest*,
                                               v1::Article* response) override {
    *response = responses_->article;
    return FinishOk(context);
  }
  grpc::ServerUnaryReactor* ListArticles(grpc::CallbackServerContext* context,
                                         const v1::ListArticlesRequest*,
                                         v1::ListArticlesResponse* response) override {
    *response = responses_->list;
    return FinishOk(context);
  }
  grpc::ServerUnaryReactor* SearchArticles(grpc::CallbackServerContext* context,
                                           const v1::SearchArticlesRequest*,
                                           v1::SearchArticlesResponse* response) override {
    *response = responses_->search;
    return FinishOk(context);
  }

 private:
  const Responses* responses_;
};

// --response=bytes: raw methods; the request is not even parsed, and the
// answer is a reference to bytes serialized at start-up.
using RawArticleService = v1::ArticleService::WithRawCallbackMethod_GetArticle<
    v1::ArticleService::WithRawCallbackMethod_GetArticleRevision<
        v1::ArticleService::WithRawCallbackMethod_ListArticles<
            v1::ArticleService::WithRawCallbackMethod_SearchArticles<
                v1::ArticleService::CallbackService>>>>;

class BytesCeiling final : public RawArticleService {
 public:
  explicit BytesCeiling(const Responses& responses)
      : article_(Serialized(responses.article)),
        list_(Serialized(responses.list)),
        search_(Serialized(responses.search)) {}

  grpc::ServerUnaryReactor* GetArticle(grpc::CallbackServerContext* context,
                                       const grpc::ByteBuffer*,
                                       grpc::ByteBuffer* response) override {
    *response = article_;
    return FinishOk(context);
  }
  grpc::ServerUnaryReactor* GetArticleRevision(grpc::CallbackServerContext* context,
                                               const grpc::ByteBuffer*,
                                               grpc::ByteBuffer* response) override {
    *response = article_;
    return FinishOk(context);
  }
  grpc::ServerUnaryReactor* ListArticles(grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer*,
                                         grpc::ByteBuffer* response) override {
    *response = list_;
    return FinishOk(context);
  }
  grpc::ServerUnaryReactor* SearchArticles(grpc::CallbackServerContext* context,
                                           const grpc::ByteBuffer*,
                                           grpc::ByteBuffer* response) override {
    *response = search_;
    return FinishOk(context);
  }

 private:
  // Copying a ByteBuffer takes a reference to its slices; the bytes are
  // never copied or changed, so sharing them between calls is safe.
  const grpc::ByteBuffer article_;
  const grpc::ByteBuffer list_;
  const grpc::ByteBuffer search_;
};

}  // namespace

int RunCeiling(const CeilingOptions& options) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  if (options.response != "bytes" && options.response != "message") {
    LogError("cannot start", {{"error", "--response must be bytes or message"}});
    return 1;
  }
  absl::StatusOr<Responses> responses = BuildResponses(options);
  if (!responses.ok()) {
    LogError("cannot start", {{"error", responses.status().ToString()}});
    return 1;
  }
  std::unique_ptr<grpc::Service> service;
  if (options.response == "bytes") {
    service = std::make_unique<BytesCeiling>(*responses);
  } else {
    service = std::make_unique<MessageCeiling>(&*responses);
  }

  // The real server's transport settings, minus health and reflection,
  // which no benchmark call touches.
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.listen, grpc::InsecureServerCredentials(), &port);
  server::ServerOptions limits;
  limits.max_message_bytes = options.max_message_bytes;
  limits.max_concurrent_streams = options.max_concurrent_streams;
  limits.resource_quota_bytes = options.resource_quota_bytes;
  limits.max_threads = options.max_threads;
  server::ApplyTransportSettings(limits, &builder);
  builder.RegisterService(service.get());
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    LogError("cannot start", {{"error", absl::StrCat("could not listen on ", options.listen)}});
    return 1;
  }
  LogInfo(
      "serving",
      {{"listen", options.listen},
       {"port", absl::StrCat(port)},
       {"response", options.response},
       {"article", responses->article.name()},
       {"review_date",
        FormatIsoDate(FromProtoDate(responses->article.review_date()).value_or(absl::CivilDay()))},
       {"article_bytes", absl::StrCat(responses->article.ByteSizeLong())},
       {"list_bytes", absl::StrCat(responses->list.ByteSizeLong())},
       {"search_bytes", absl::StrCat(responses->search.ByteSizeLong())}});
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  server->Shutdown(std::chrono::system_clock::now());
  server->Wait();
  LogInfo("stopped");
  return 0;
}

}  // namespace healthcontent::bench
