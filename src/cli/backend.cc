#include "cli/backend.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cli/cli_common.h"
#include "common/date.h"
#include "common/field_errors.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "domain/article_rules.h"
#include "domain/coding.h"
#include "healthcontent/v1/article_service.grpc.pb.h"
#include "healthcontent/v1/therapy_type_service.grpc.pb.h"
#include "storage/storage.h"
#include "storage/therapy_type_store.h"

namespace healthcontent::cli {

// The server's default --review_interval, in years.
constexpr int kDefaultReviewIntervalYears = 3;

v1::UpsertTherapyTypeRequest ToUpsertRequest(v1::TherapyType therapy_type) {
  therapy_type.clear_update_time();
  therapy_type.clear_article_count();
  v1::UpsertTherapyTypeRequest request;
  *request.mutable_therapy_type() = std::move(therapy_type);
  return request;
}

bool SameTherapyType(const v1::TherapyType& stored, const v1::UpsertTherapyTypeRequest& request) {
  // The store keeps codes in normal form; compare the request's the same way.
  v1::TherapyType wanted = request.therapy_type();
  FieldViolations ignored;  // a request that fails here fails the upsert too
  domain::NormalizeCodings(wanted.mutable_codes(), "therapy_type.codes", &ignored);
  return ToUpsertRequest(stored).SerializeAsString() ==
         ToUpsertRequest(std::move(wanted)).SerializeAsString();
}

namespace {

// Most items per list call: the services' maximum page size.
constexpr int kPageSize = 1000;

class LocalBackend : public Backend {
 public:
  explicit LocalBackend(std::unique_ptr<storage::Storage> storage)
      : storage_(std::move(storage)),
        articles_(storage_.get(), {}),
        therapy_types_(storage_.get()) {}

  absl::StatusOr<v1::Article> PublishRevision(
      const v1::PublishArticleRevisionRequest& request) override {
    return articles_.Publish(request, absl::Now());
  }

  absl::StatusOr<bool> UpsertTherapyType(const v1::UpsertTherapyTypeRequest& request) override {
    ASSIGN_OR_RETURN(std::string slug,
                     ParseTherapyTypeName(request.therapy_type().name(), "therapy_type.name"));
    absl::StatusOr<v1::TherapyType> stored = therapy_types_.Get(slug);
    if (stored.ok() && SameTherapyType(*stored, request)) return false;
    if (!stored.ok() && !absl::IsNotFound(stored.status())) return stored.status();
    RETURN_IF_ERROR(therapy_types_.Upsert(request.therapy_type(), absl::Now()).status());
    return true;
  }

  absl::StatusOr<std::vector<RevisionKey>> AllRevisionKeys() override {
    return articles_.AllRevisionKeys();
  }

  absl::StatusOr<absl::CivilDay> InForceReviewDate(const std::string& slug) override {
    const absl::CivilDay today = UtcDay(absl::Now());
    ASSIGN_OR_RETURN(v1::Article article, articles_.GetInForce(slug, today, today));
    return FromProtoDate(article.review_date());
  }

  absl::StatusOr<v1::PublishArticleRevisionRequest> ExportRevision(
      const std::string& slug, absl::CivilDay review_date) override {
    return articles_.Export(slug, review_date, /*include_withdrawn=*/false);
  }

  absl::StatusOr<std::vector<v1::UpsertTherapyTypeRequest>> ExportTherapyTypes() override {
    std::vector<v1::UpsertTherapyTypeRequest> all;
    std::string after;
    while (true) {
      ASSIGN_OR_RETURN(storage::TherapyTypeStore::Page page, therapy_types_.List(after, kPageSize));
      for (v1::TherapyType& therapy_type : page.therapy_types) {
        all.push_back(ToUpsertRequest(std::move(therapy_type)));
      }
      if (!page.has_more || all.empty()) break;
      ASSIGN_OR_RETURN(after, ParseTherapyTypeName(all.back().therapy_type().name(), "name"));
    }
    return all;
  }

  absl::StatusOr<v1::UpsertTherapyTypeRequest> ExportTherapyType(const std::string& slug) override {
    ASSIGN_OR_RETURN(v1::TherapyType therapy_type, therapy_types_.Get(slug));
    return ToUpsertRequest(std::move(therapy_type));
  }

 private:
  std::unique_ptr<storage::Storage> storage_;
  storage::ArticleStore articles_;
  storage::TherapyTypeStore therapy_types_;
};

class RemoteBackend : public Backend {
 public:
  explicit RemoteBackend(RemoteOptions options)
      : options_(std::move(options)),
        channel_(OpenChannel(options_)),
        articles_(v1::ArticleService::NewStub(channel_)),
        therapy_types_(v1::TherapyTypeService::NewStub(channel_)) {}

  absl::StatusOr<v1::Article> PublishRevision(
      const v1::PublishArticleRevisionRequest& request) override {
    v1::Article article;
    auto context = NewContext(options_);
    RETURN_IF_ERROR(Check(articles_->PublishArticleRevision(context.get(), request, &article)));
    return article;
  }

  absl::StatusOr<bool> UpsertTherapyType(const v1::UpsertTherapyTypeRequest& request) override {
    v1::GetTherapyTypeRequest get;
    get.set_name(request.therapy_type().name());
    v1::TherapyType stored;
    auto get_context = NewContext(options_);
    absl::Status found = Check(therapy_types_->GetTherapyType(get_context.get(), get, &stored));
    if (found.ok() && SameTherapyType(stored, request)) return false;
    if (!found.ok() && !absl::IsNotFound(found)) return found;
    auto context = NewContext(options_);
    RETURN_IF_ERROR(Check(therapy_types_->UpsertTherapyType(context.get(), request, &stored)));
    return true;
  }

  absl::StatusOr<std::vector<RevisionKey>> AllRevisionKeys() override {
    std::vector<RevisionKey> keys;
    v1::ListArticlesRequest request;
    request.set_page_size(kPageSize);
    request.set_view(v1::ARTICLE_VIEW_BASIC);
    std::vector<std::string> names;
    RETURN_IF_ERROR(FetchPages<v1::ListArticlesResponse>(
                        request, /*all_pages=*/true,
                        PageCall(options_, *articles_, &v1::ArticleService::Stub::ListArticles),
                        [&](v1::ListArticlesResponse& response) {
                          for (const v1::Article& article : response.articles()) {
                            names.push_back(article.name());
                          }
                        })
                        .status());
    for (const std::string& name : names) {
      ASSIGN_OR_RETURN(std::string slug, ParseArticleName(name, "name"));
      ASSIGN_OR_RETURN(const Revisions* revisions, RevisionsOf(slug));
      for (const v1::ArticleRevision& revision : *revisions) {
        ASSIGN_OR_RETURN(absl::CivilDay day, FromProtoDate(revision.review_date()));
        keys.push_back({slug, day});
      }
    }
    // The service lists revisions newest first; exports go oldest first, as
    // the database file gives them.
    std::sort(keys.begin(), keys.end(), [](const RevisionKey& a, const RevisionKey& b) {
      return std::tie(a.slug, a.review_date) < std::tie(b.slug, b.review_date);
    });
    return keys;
  }

  absl::StatusOr<absl::CivilDay> InForceReviewDate(const std::string& slug) override {
    v1::GetArticleRequest request;
    request.set_name(ArticleName(slug));
    request.set_view(v1::ARTICLE_VIEW_BASIC);
    v1::Article article;
    auto context = NewContext(options_);
    RETURN_IF_ERROR(Check(articles_->GetArticle(context.get(), request, &article)));
    return FromProtoDate(article.review_date());
  }

  absl::StatusOr<v1::PublishArticleRevisionRequest> ExportRevision(
      const std::string& slug, absl::CivilDay review_date) override {
    v1::GetArticleRevisionRequest request;
    request.set_name(RevisionResourceName(slug, review_date));
    request.set_view(v1::ARTICLE_VIEW_FULL);
    v1::Article article;
    auto context = NewContext(options_);
    RETURN_IF_ERROR(Check(articles_->GetArticleRevision(context.get(), request, &article)));
    // The change type and summary are history, not content: only the
    // revision list has them.
    ASSIGN_OR_RETURN(const Revisions* revisions, RevisionsOf(slug));
    const std::string revision_id = FormatIsoDate(review_date);
    for (const v1::ArticleRevision& revision : *revisions) {
      if (revision.revision_id() == revision_id) {
        // The server's review interval is not on the wire; its default
        // (3 years) is what `--db` exports assume too.
        domain::DropDefaultNextReviewDate(kDefaultReviewIntervalYears, &article);
        return domain::ToPublishRequest(std::move(article), revision.change_type(),
                                        revision.change_summary());
      }
    }
    return absl::NotFoundError(
        absl::StrCat(request.name(), " is missing from the article's revision list"));
  }

  absl::StatusOr<std::vector<v1::UpsertTherapyTypeRequest>> ExportTherapyTypes() override {
    std::vector<v1::UpsertTherapyTypeRequest> all;
    v1::ListTherapyTypesRequest request;
    request.set_page_size(kPageSize);
    RETURN_IF_ERROR(
        FetchPages<v1::ListTherapyTypesResponse>(
            request, /*all_pages=*/true,
            PageCall(options_, *therapy_types_, &v1::TherapyTypeService::Stub::ListTherapyTypes),
            [&](v1::ListTherapyTypesResponse& response) {
              for (v1::TherapyType& therapy_type : *response.mutable_therapy_types()) {
                all.push_back(ToUpsertRequest(std::move(therapy_type)));
              }
            })
            .status());
    return all;
  }

  absl::StatusOr<v1::UpsertTherapyTypeRequest> ExportTherapyType(const std::string& slug) override {
    v1::GetTherapyTypeRequest request;
    request.set_name(TherapyTypeName(slug));
    v1::TherapyType therapy_type;
    auto context = NewContext(options_);
    RETURN_IF_ERROR(Check(therapy_types_->GetTherapyType(context.get(), request, &therapy_type)));
    return ToUpsertRequest(std::move(therapy_type));
  }

 private:
  using Revisions = google::protobuf::RepeatedPtrField<v1::ArticleRevision>;

  absl::Status Check(const grpc::Status& status) const { return FromGrpcStatus(status, options_); }

  // Every revision of articles/{slug}, newest first, fetched once per run.
  absl::StatusOr<const Revisions*> RevisionsOf(const std::string& slug) {
    auto cached = revisions_.find(slug);
    if (cached != revisions_.end()) return &cached->second;
    v1::ListArticleRevisionsRequest request;
    request.set_parent(ArticleName(slug));
    request.set_page_size(kPageSize);
    ASSIGN_OR_RETURN(
        v1::ListArticleRevisionsResponse all,
        GatherPages(request, /*all_pages=*/true,
                    PageCall(options_, *articles_, &v1::ArticleService::Stub::ListArticleRevisions),
                    &v1::ListArticleRevisionsResponse::mutable_revisions));
    return &revisions_.emplace(slug, std::move(*all.mutable_revisions())).first->second;
  }

  RemoteOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::ArticleService::Stub> articles_;
  std::unique_ptr<v1::TherapyTypeService::Stub> therapy_types_;
  std::map<std::string, Revisions> revisions_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Backend>> OpenLocalBackend(const std::string& path, bool writable) {
  storage::Storage::Options options;
  options.read_only = !writable;
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Storage> storage,
                   storage::Storage::Open(path, options));
  return std::unique_ptr<Backend>(new LocalBackend(std::move(storage)));
}

std::unique_ptr<Backend> OpenRemoteBackend(const RemoteOptions& options) {
  return std::make_unique<RemoteBackend>(options);
}

}  // namespace healthcontent::cli
