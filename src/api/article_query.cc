#include "api/article_query.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/date.h"
#include "common/field_errors.h"
#include "common/page_token.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "domain/article_diff.h"
#include "domain/article_rules.h"
#include "domain/article_wire.h"
#include "domain/filter.h"
#include "domain/language.h"
#include "search/article_search.h"
#include "search/index_follower.h"
#include "storage/database.h"

namespace healthcontent::api {
namespace {

// Separates the sort value from the slug in a ListArticles cursor; control
// characters cannot occur in titles (validation refuses them).
constexpr absl::string_view kCursorSeparator = "\x1f";

}  // namespace

absl::Status ArticleQuery::Shape(const CallScope& call, v1::ArticleView view,
                                 const std::string& if_none_match, v1::Article* article) const {
  if (!v1::ArticleView_IsValid(view)) {
    return InvalidFieldError("view", absl::StrCat("has unknown value ", view));
  }
  if (!if_none_match.empty() && if_none_match == article->etag()) {
    domain::ReduceToNotModified(article);
    return absl::OkStatus();
  }
  if (view == v1::ARTICLE_VIEW_BASIC) domain::ApplyBasicView(article);
  absl::StatusOr<absl::CivilDay> next_review = FromProtoDate(article->next_review_date());
  if (next_review.ok()) {
    article->set_review_status(
        domain::ComputeReviewStatus(*next_review, call.today, services_->due_soon_days));
  }
  return absl::OkStatus();
}

absl::Status ArticleQuery::Get(const CallScope& call, const v1::GetArticleRequest& request,
                               std::string* response) const {
  const storage::Dataset* data = call.data.get();
  ASSIGN_OR_RETURN(std::string slug, ParseArticleName(request.name(), "name"));
  absl::CivilDay day = call.today;
  if (request.has_as_of()) {
    absl::StatusOr<absl::CivilDay> as_of = FromProtoDate(request.as_of());
    if (!as_of.ok()) return InvalidFieldError("as_of", as_of.status().message());
    day = *as_of;
  }
  bool language_fallback = false;
  if (!request.language_codes().empty()) {
    RETURN_IF_ERROR(domain::ValidateLanguageCodes(request.language_codes(), "language_codes"));
    ASSIGN_OR_RETURN(
        storage::ArticleStore::LanguageChoice choice,
        data->articles->ChooseLanguage(slug, day,
                                       std::vector<std::string>(request.language_codes().begin(),
                                                                request.language_codes().end()),
                                       !request.no_language_fallback()));
    slug = std::move(choice.slug);
    language_fallback = choice.fallback;
  }
  ASSIGN_OR_RETURN(storage::ArticleStore::StoredRevision stored,
                   data->articles->GetInForceStored(slug, day));
  return Serve(call, stored, request.view(), request.if_none_match(), response, language_fallback);
}

absl::Status ArticleQuery::GetRevision(const CallScope& call,
                                       const v1::GetArticleRevisionRequest& request,
                                       std::string* response) const {
  ASSIGN_OR_RETURN(RevisionName name, ParseRevisionName(request.name(), "name"));
  ASSIGN_OR_RETURN(storage::ArticleStore::StoredRevision stored,
                   call.data->articles->GetRevisionStored(name.article_slug, name.review_date,
                                                          call.today, call.admin));
  return Serve(call, stored, request.view(), request.if_none_match(), response);
}

absl::Status ArticleQuery::Serve(const CallScope& call,
                                 const storage::ArticleStore::StoredRevision& stored,
                                 v1::ArticleView view, const std::string& if_none_match,
                                 std::string* response, bool language_fallback) const {
  if (!v1::ArticleView_IsValid(view)) {
    return InvalidFieldError("view", absl::StrCat("has unknown value ", view));
  }
  const std::string etag = domain::ServedEtag(stored.etag, stored.translation_status);
  if (!if_none_match.empty() && if_none_match == etag) {
    // Rare: the reduced answer is built from the parsed revision.
    v1::Article article;
    RETURN_IF_ERROR(storage::DecodeStored(stored.body, "a stored revision", &article));
    article.set_etag(etag);
    domain::ReduceToNotModified(&article);
    *response = article.SerializeAsString();
    return absl::OkStatus();
  }
  const absl::CivilDay today = call.today;
  domain::ServedFields fields;
  fields.basic_view = view == v1::ARTICLE_VIEW_BASIC;
  fields.scheduled = stored.review_date > today;
  fields.review_status =
      domain::ComputeReviewStatus(stored.next_review_date, today, services_->due_soon_days);
  fields.translation_status = stored.translation_status;
  fields.language_fallback = language_fallback;
  if (etag != stored.etag) fields.etag = etag;
  response->clear();
  return domain::AppendServedArticle(stored.body, fields, response);
}

absl::Status ArticleQuery::List(const CallScope& call, const v1::ListArticlesRequest& request,
                                std::string* response) const {
  ASSIGN_OR_RETURN(int page_size, ResolvePageSize(request.page_size(), "page_size"));
  if (!v1::ArticleView_IsValid(request.view())) {
    return InvalidFieldError("view", absl::StrCat("has unknown value ", request.view()));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<domain::FilterNode> filter,
                   domain::ParseFilter(request.filter()));
  storage::ArticleStore::ListQuery query;
  ASSIGN_OR_RETURN(query.order, domain::ParseArticleOrderBy(request.order_by()));
  // The token is bound to the filter and ordering it was issued for.
  const uint64_t fingerprint =
      QueryFingerprint(absl::StrCat("ListArticles\n", request.filter(), "\n", request.order_by()));
  ASSIGN_OR_RETURN(std::string cursor,
                   DecodePageToken(request.page_token(), fingerprint, "page_token"));
  if (!cursor.empty()) {
    size_t separator = cursor.rfind(kCursorSeparator[0]);
    if (separator == std::string::npos) {
      return InvalidFieldError("page_token", "is not a page token issued by this service");
    }
    query.has_cursor = true;
    query.after_value = cursor.substr(0, separator);
    query.after_slug = cursor.substr(separator + 1);
  }
  RETURN_IF_ERROR(CatchUpSchedules(*services_, call));
  query.filter = filter.get();
  query.limit = page_size;
  // A page never outgrows one message: 64 KiB for the token and framing,
  // and per entry the computed fields and its length prefix.
  query.max_bytes = services_->max_response_bytes -
                    std::min<int64_t>(64 << 10, services_->max_response_bytes / 4);
  query.entry_overhead_bytes = 256;
  query.today = call.today;
  query.due_soon_days = services_->due_soon_days;
  const absl::CivilDay today = query.today;  // one day for the whole page
  domain::ServedFields fields;
  // A listing shows the basic view unless the caller asks for more.
  fields.basic_view = request.view() != v1::ARTICLE_VIEW_FULL;
  query.basic_view = fields.basic_view;
  ASSIGN_OR_RETURN(storage::ArticleStore::StoredArticlePage page,
                   call.data->articles->ListStored(query));
  // ListArticlesResponse: articles = 1 (each a length-delimited Article),
  // next_page_token = 2.
  std::string& bytes = *response;
  bytes.clear();
  std::string article;
  for (const storage::ArticleStore::StoredRevision& stored : page.revisions) {
    fields.scheduled = stored.review_date > today;
    fields.review_status =
        domain::ComputeReviewStatus(stored.next_review_date, today, services_->due_soon_days);
    fields.translation_status = stored.translation_status;
    fields.etag.clear();
    if (stored.translation_status == v1::Article::TRANSLATION_STALE) {
      // Listing entries hold no etag (ListStored); the parsed entry does.
      v1::Article entry;
      RETURN_IF_ERROR(storage::DecodeStored(stored.body, "a listing entry", &entry));
      fields.etag = domain::ServedEtag(entry.etag(), stored.translation_status);
    }
    article.clear();
    RETURN_IF_ERROR(domain::AppendServedArticle(stored.body, fields, &article));
    domain::AppendLengthDelimitedField(v1::ListArticlesResponse::kArticlesFieldNumber, article,
                                       &bytes);
  }
  if (page.has_more) {
    domain::AppendLengthDelimitedField(
        v1::ListArticlesResponse::kNextPageTokenFieldNumber,
        EncodePageToken(fingerprint,
                        absl::StrCat(page.last_value, kCursorSeparator, page.last_slug)),
        &bytes);
  }
  return absl::OkStatus();
}

absl::Status ArticleQuery::Search(const CallScope& call, const v1::SearchArticlesRequest& request,
                                  v1::SearchArticlesResponse* response) const {
  RETURN_IF_ERROR(search::ValidateQuery(request.query()));
  if (request.page_size() < 0) {
    return InvalidFieldError("page_size",
                             absl::StrCat("must not be negative, got ", request.page_size()));
  }
  if (!request.language_code().empty() && !domain::IsValidLanguageCode(request.language_code())) {
    return InvalidFieldError("language_code",
                             "is not a BCP-47 language code like \"en\" or \"es-MX\"");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<domain::FilterNode> filter,
                   domain::ParseFilter(request.filter()));
  const uint64_t fingerprint = QueryFingerprint(absl::StrCat(
      "SearchArticles\n", request.query(), "\n", request.filter(), "\n", request.language_code()));
  ASSIGN_OR_RETURN(std::string cursor,
                   DecodePageToken(request.page_token(), fingerprint, "page_token"));
  // A search cursor is "offset:index sequence".
  search::SearchParams params;
  if (!cursor.empty()) {
    const std::pair<std::string, std::string> parts = absl::StrSplit(cursor, ':');
    int64_t sequence = 0;
    if (!absl::SimpleAtoi(parts.first, &params.offset) || params.offset < 0 ||
        !absl::SimpleAtoi(parts.second, &sequence) || sequence < 0) {
      return InvalidFieldError("page_token", "is not a page token issued by this service");
    }
    params.index_sequence = sequence;
  }
  if (services_->search == nullptr) {
    return absl::UnavailableError("search is off on this server (--search=false)");
  }
  std::shared_ptr<const search::SearchIndex> index = services_->search->index();
  if (index == nullptr) {
    return absl::UnavailableError(
        "the search index is being built; every other read works meanwhile, and search "
        "will once health service healthcontent.search is SERVING");
  }
  RETURN_IF_ERROR(CatchUpSchedules(*services_, call));
  params.text = request.query();
  params.language_code = request.language_code();
  params.filter = filter.get();
  params.limit = request.page_size() == 0 ? 20 : std::min(request.page_size(), 100);
  params.facets = request.include_facets();
  params.today = call.today;
  params.due_soon_days = services_->due_soon_days;
  ASSIGN_OR_RETURN(search::SearchOutcome outcome,
                   search::SearchArticles(*index, *call.data, params));
  for (search::SearchHit& hit : outcome.hits) {
    v1::SearchResult* result = response->add_results();
    RETURN_IF_ERROR(Shape(call, v1::ARTICLE_VIEW_BASIC, "", &hit.article));
    *result->mutable_article() = std::move(hit.article);
    result->set_snippet(std::move(hit.snippet));
    result->set_score(hit.score);
  }
  if (outcome.next_offset.has_value()) {
    response->set_next_page_token(EncodePageToken(
        fingerprint, absl::StrCat(*outcome.next_offset, ":", outcome.index_sequence)));
  }
  response->set_total_size(static_cast<int64_t>(outcome.estimated_matches));
  response->set_total_size_exact(outcome.matches_exact);
  response->set_suggested_query(std::move(outcome.suggested_query));
  for (const auto& facet : outcome.therapy_type_counts) {
    v1::FacetCount* count = response->add_therapy_type_facets();
    count->set_value(absl::StrCat("therapyTypes/", facet.value));
    count->set_count(facet.count);
  }
  for (const auto& facet : outcome.review_status_counts) {
    v1::FacetCount* count = response->add_review_status_facets();
    count->set_value(facet.value);
    count->set_count(facet.count);
  }
  response->set_facets_exact(outcome.facets_exact);
  return absl::OkStatus();
}

absl::Status ArticleQuery::ListRevisions(const CallScope& call,
                                         const v1::ListArticleRevisionsRequest& request,
                                         v1::ListArticleRevisionsResponse* response) const {
  ASSIGN_OR_RETURN(std::string slug, ParseArticleName(request.parent(), "parent"));
  ASSIGN_OR_RETURN(int page_size, ResolvePageSize(request.page_size(), "page_size"));
  const uint64_t fingerprint = QueryFingerprint(absl::StrCat("ListArticleRevisions|", slug));
  ASSIGN_OR_RETURN(std::string before,
                   DecodePageToken(request.page_token(), fingerprint, "page_token"));
  if (!before.empty() && !ParseIsoDate(before).ok()) {
    return InvalidFieldError("page_token", "is not a page token issued by this service");
  }
  ASSIGN_OR_RETURN(auto page, call.data->articles->ListRevisions(slug, before, page_size,
                                                                 call.today, call.admin));
  for (v1::ArticleRevision& revision : page.revisions) {
    *response->add_revisions() = std::move(revision);
  }
  if (page.has_more) {
    response->set_next_page_token(
        EncodePageToken(fingerprint, response->revisions().rbegin()->revision_id()));
  }
  return absl::OkStatus();
}

absl::Status ArticleQuery::Diff(const CallScope& call,
                                const v1::DiffArticleRevisionsRequest& request,
                                v1::ArticleDiff* response) const {
  ASSIGN_OR_RETURN(std::string slug, ParseArticleName(request.name(), "name"));
  FieldViolations violations;
  absl::StatusOr<absl::CivilDay> from = ParseIsoDate(request.from_revision());
  if (!from.ok()) violations.Add("from_revision", from.status().message());
  absl::StatusOr<absl::CivilDay> to = ParseIsoDate(request.to_revision());
  if (!to.ok()) violations.Add("to_revision", to.status().message());
  RETURN_IF_ERROR(violations.ToStatus());
  const storage::ArticleStore& articles = *call.data->articles;
  ASSIGN_OR_RETURN(v1::Article older, articles.GetRevision(slug, *from, call.today, call.admin));
  ASSIGN_OR_RETURN(v1::Article newer, articles.GetRevision(slug, *to, call.today, call.admin));
  *response = domain::DiffArticles(older, newer);
  return absl::OkStatus();
}

absl::Status ArticleQuery::Publish(const CallScope& call,
                                   const v1::PublishArticleRevisionRequest& request,
                                   v1::Article* response) const {
  RETURN_IF_ERROR(domain::ValidatePublishRequest(request));
  ASSIGN_OR_RETURN(*response, call.data->articles->Publish(request, call.now));
  response->set_scheduled(FromProtoDate(response->review_date()).value() > call.today);
  return Shape(call, v1::ARTICLE_VIEW_FULL, "", response);
}

absl::Status ArticleQuery::Withdraw(const CallScope& call,
                                    const v1::WithdrawArticleRequest& request) const {
  ASSIGN_OR_RETURN(std::string slug, ParseArticleName(request.name(), "name"));
  if (request.reason().size() > 2000) {
    return InvalidFieldError("reason", "is longer than 2000 bytes");
  }
  return call.data->articles->Withdraw(slug, request.reason(), call.now);
}

}  // namespace healthcontent::api
