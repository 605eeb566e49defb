#include "api/article_service.h"

#include <grpcpp/support/slice.h>

#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/response_cache.h"
#include "api/unary_call.h"
#include "common/status_macros.h"

namespace healthcontent::api {
namespace {

#define HC_ARTICLE_METHOD(name) "/healthcontent.v1.ArticleService/" name
constexpr UnaryMethod kGetArticle{HC_ARTICLE_METHOD("GetArticle"), Role::kNone};
// Admins also see withdrawn articles' revisions.
constexpr UnaryMethod kGetArticleRevision{HC_ARTICLE_METHOD("GetArticleRevision"), Role::kNone,
                                          /*needs_admin=*/true};
constexpr UnaryMethod kListArticles{HC_ARTICLE_METHOD("ListArticles"), Role::kNone};
constexpr UnaryMethod kSearchArticles{HC_ARTICLE_METHOD("SearchArticles"), Role::kNone};
constexpr UnaryMethod kListArticleRevisions{HC_ARTICLE_METHOD("ListArticleRevisions"), Role::kNone,
                                            /*needs_admin=*/true};
constexpr UnaryMethod kDiffArticleRevisions{HC_ARTICLE_METHOD("DiffArticleRevisions"), Role::kNone,
                                            /*needs_admin=*/true};
constexpr UnaryMethod kPublishArticleRevision{HC_ARTICLE_METHOD("PublishArticleRevision"),
                                              Role::kPublisher};
constexpr UnaryMethod kWithdrawArticle{HC_ARTICLE_METHOD("WithdrawArticle"), Role::kAdmin};
#undef HC_ARTICLE_METHOD

// Parses the request of a raw method. InvalidArgument when the bytes are not
// a `request`, as for the generated (non-raw) methods.
absl::Status ParseRawRequest(const grpc::ByteBuffer& bytes, google::protobuf::Message* request) {
  grpc::ByteBuffer copy(bytes);  // takes references to the slices; Deserialize consumes it
  grpc::Status status =
      grpc::SerializationTraits<google::protobuf::Message>::Deserialize(&copy, request);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the request is not a valid ", request->GetDescriptor()->full_name(), " message"));
  }
  return absl::OkStatus();
}

// Hands `bytes` to gRPC without copying them: the slice owns the string and
// frees it when the response has been sent.
grpc::Slice OwningSlice(std::string bytes) {
  auto* owned = new std::string(std::move(bytes));
  return grpc::Slice(
      owned->data(), owned->size(), [](void* string) { delete static_cast<std::string*>(string); },
      owned);
}

}  // namespace

std::set<std::string> ArticleService::RawMethodNames() {
  return {kGetArticle.path, kGetArticleRevision.path, kListArticles.path};
}

grpc::ServerUnaryReactor* ArticleService::GetArticle(grpc::CallbackServerContext* context,
                                                     const grpc::ByteBuffer* request,
                                                     grpc::ByteBuffer* response) {
  return Unary(*services_, context, kGetArticle, *request, [&](const CallScope& call) {
    return RawRead<v1::GetArticleRequest>(call, 'g', *request, response, &ArticleQuery::Get);
  });
}

grpc::ServerUnaryReactor* ArticleService::GetArticleRevision(grpc::CallbackServerContext* context,
                                                             const grpc::ByteBuffer* request,
                                                             grpc::ByteBuffer* response) {
  return Unary(*services_, context, kGetArticleRevision, *request, [&](const CallScope& call) {
    return RawRead<v1::GetArticleRevisionRequest>(call, 'r', *request, response,
                                                  &ArticleQuery::GetRevision);
  });
}

grpc::ServerUnaryReactor* ArticleService::ListArticles(grpc::CallbackServerContext* context,
                                                       const grpc::ByteBuffer* request,
                                                       grpc::ByteBuffer* response) {
  return Unary(*services_, context, kListArticles, *request, [&](const CallScope& call) {
    return RawRead<v1::ListArticlesRequest>(call, 'l', *request, response, &ArticleQuery::List);
  });
}

grpc::ServerUnaryReactor* ArticleService::SearchArticles(grpc::CallbackServerContext* context,
                                                         const v1::SearchArticlesRequest* request,
                                                         v1::SearchArticlesResponse* response) {
  return Unary(*services_, context, kSearchArticles, *request,
               [&](const CallScope& call) { return query_.Search(call, *request, response); });
}

grpc::ServerUnaryReactor* ArticleService::ListArticleRevisions(
    grpc::CallbackServerContext* context, const v1::ListArticleRevisionsRequest* request,
    v1::ListArticleRevisionsResponse* response) {
  return Unary(*services_, context, kListArticleRevisions, *request, [&](const CallScope& call) {
    return query_.ListRevisions(call, *request, response);
  });
}

grpc::ServerUnaryReactor* ArticleService::DiffArticleRevisions(
    grpc::CallbackServerContext* context, const v1::DiffArticleRevisionsRequest* request,
    v1::ArticleDiff* response) {
  return Unary(*services_, context, kDiffArticleRevisions, *request,
               [&](const CallScope& call) { return query_.Diff(call, *request, response); });
}

grpc::ServerUnaryReactor* ArticleService::PublishArticleRevision(
    grpc::CallbackServerContext* context, const v1::PublishArticleRevisionRequest* request,
    v1::Article* response) {
  return Unary(*services_, context, kPublishArticleRevision, *request,
               [&](const CallScope& call) { return query_.Publish(call, *request, response); });
}

grpc::ServerUnaryReactor* ArticleService::WithdrawArticle(grpc::CallbackServerContext* context,
                                                          const v1::WithdrawArticleRequest* request,
                                                          google::protobuf::Empty* /*response*/) {
  return Unary(*services_, context, kWithdrawArticle, *request,
               [&](const CallScope& call) { return query_.Withdraw(call, *request); });
}

template <typename Request>
absl::Status ArticleService::RawRead(const CallScope& call, char method,
                                     const grpc::ByteBuffer& request, grpc::ByteBuffer* response,
                                     absl::Status (ArticleQuery::*read)(const CallScope&,
                                                                        const Request&,
                                                                        std::string*) const) const {
  auto compute = [&]() -> absl::StatusOr<grpc::Slice> {
    Request parsed;
    RETURN_IF_ERROR(ParseRawRequest(request, &parsed));
    std::string bytes;
    RETURN_IF_ERROR((query_.*read)(call, parsed, &bytes));
    return OwningSlice(std::move(bytes));
  };
  ResponseCache* cache = services_->response_cache;
  // The key: method, admin or not, day, then the request's bytes. Built on
  // the stack for the lookup (in a string only when it does not fit); a
  // std::string is made only to insert.
  char stack_key[256];
  std::string long_key;
  absl::string_view key;
  std::optional<ResponseCache::Version> version;
  if (cache != nullptr) {
    // Before anything is read (see ResponseCache).
    version = ResponseCache::VersionOf(*call.data);
    const int64_t day = call.today - absl::CivilDay(1970, 1, 1);
    // Usually one slice (no vector to allocate); else all of them.
    grpc::Slice single;
    std::vector<grpc::Slice> slices;
    if (!request.TrySingleSlice(&single).ok() && !request.Dump(&slices).ok()) version.reset();
    const size_t size = 2 + sizeof(day) + request.Length();
    char* out = stack_key;
    if (size > sizeof(stack_key)) {
      long_key.resize(size);
      out = long_key.data();
    }
    key = absl::string_view(out, size);
    *out++ = method;
    *out++ = call.admin ? 'a' : '-';
    std::memcpy(out, &day, sizeof(day));
    out += sizeof(day);
    std::memcpy(out, single.begin(), single.size());
    out += single.size();
    for (const grpc::Slice& slice : slices) {
      std::memcpy(out, slice.begin(), slice.size());
      out += slice.size();
    }
    if (version.has_value()) {
      if (std::optional<grpc::Slice> hit = cache->Find(key, *version)) {
        *response = grpc::ByteBuffer(&*hit, 1);
        return absl::OkStatus();
      }
    }
  }
  ASSIGN_OR_RETURN(grpc::Slice answer, compute());
  *response = grpc::ByteBuffer(&answer, 1);
  if (version.has_value()) {
    cache->Insert(std::string(key), *version, std::move(answer));
  }
  return absl::OkStatus();
}

}  // namespace healthcontent::api
