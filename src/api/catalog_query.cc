#include "api/catalog_query.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/field_errors.h"
#include "common/page_token.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "domain/article_rules.h"

namespace healthcontent::api {

absl::Status GetTherapyType(const ServiceContext& services, const CallScope& call,
                            const v1::GetTherapyTypeRequest& request, v1::TherapyType* response) {
  ASSIGN_OR_RETURN(std::string slug, ParseTherapyTypeName(request.name(), "name"));
  RETURN_IF_ERROR(CatchUpSchedules(services, call));
  ASSIGN_OR_RETURN(*response, call.data->therapy_types->Get(slug));
  return absl::OkStatus();
}

absl::Status ListTherapyTypes(const ServiceContext& services, const CallScope& call,
                              const v1::ListTherapyTypesRequest& request,
                              v1::ListTherapyTypesResponse* response) {
  ASSIGN_OR_RETURN(int page_size, ResolvePageSize(request.page_size(), "page_size"));
  const uint64_t fingerprint = QueryFingerprint("ListTherapyTypes");
  ASSIGN_OR_RETURN(std::string after,
                   DecodePageToken(request.page_token(), fingerprint, "page_token"));
  RETURN_IF_ERROR(CatchUpSchedules(services, call));
  ASSIGN_OR_RETURN(auto page, call.data->therapy_types->List(after, page_size));
  for (v1::TherapyType& tt : page.therapy_types) *response->add_therapy_types() = std::move(tt);
  if (page.has_more) {
    ASSIGN_OR_RETURN(std::string last,
                     ParseTherapyTypeName(response->therapy_types().rbegin()->name(), "name"));
    response->set_next_page_token(EncodePageToken(fingerprint, last));
  }
  return absl::OkStatus();
}

absl::Status UpsertTherapyType(const CallScope& call, const v1::UpsertTherapyTypeRequest& request,
                               v1::TherapyType* response) {
  RETURN_IF_ERROR(domain::ValidateUpsertTherapyType(request));
  ASSIGN_OR_RETURN(*response, call.data->therapy_types->Upsert(request.therapy_type(), call.now));
  return absl::OkStatus();
}

absl::Status GetReference(const CallScope& call, const v1::GetReferenceRequest& request,
                          v1::Reference* response) {
  ASSIGN_OR_RETURN(std::string id, ParseReferenceName(request.name(), "name"));
  ASSIGN_OR_RETURN(*response, call.data->references->Get(id));
  return absl::OkStatus();
}

absl::Status ListReferences(const CallScope& call, const v1::ListReferencesRequest& request,
                            v1::ListReferencesResponse* response) {
  ASSIGN_OR_RETURN(int page_size, ResolvePageSize(request.page_size(), "page_size"));
  const uint64_t fingerprint = QueryFingerprint("ListReferences");
  ASSIGN_OR_RETURN(std::string after,
                   DecodePageToken(request.page_token(), fingerprint, "page_token"));
  ASSIGN_OR_RETURN(auto page, call.data->references->List(after, page_size));
  for (v1::Reference& ref : page.references) *response->add_references() = std::move(ref);
  if (page.has_more) {
    ASSIGN_OR_RETURN(std::string last,
                     ParseReferenceName(response->references().rbegin()->name(), "name"));
    response->set_next_page_token(EncodePageToken(fingerprint, last));
  }
  return absl::OkStatus();
}

absl::Status ListChanges(const CallScope& call, const v1::ListChangesRequest& request,
                         v1::ListChangesResponse* response) {
  if (request.since() < 0) return InvalidFieldError("since", "must not be negative");
  if (request.page_size() < 0) {
    return InvalidFieldError("page_size",
                             absl::StrCat("must not be negative, got ", request.page_size()));
  }
  const int limit = request.page_size() == 0 ? 100 : std::min(request.page_size(), 1000);
  // Read the latest sequence first: every change listed is then <= it.
  ASSIGN_OR_RETURN(int64_t latest, call.data->change_log->LatestSequence());
  ASSIGN_OR_RETURN(auto changes, call.data->change_log->After(request.since(), limit));
  for (auto& change : changes) *response->add_changes() = std::move(change);
  response->set_next_since(response->changes().empty() ? request.since()
                                                       : response->changes().rbegin()->sequence());
  response->set_latest_sequence(std::max(latest, response->next_since()));
  return absl::OkStatus();
}

}  // namespace healthcontent::api
