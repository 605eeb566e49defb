// The small services' work without gRPC: therapy types
// (TherapyTypeService), references (ReferenceService) and the polled change
// feed (ChangeService.ListChanges). Each function takes the call's scope,
// validates the whole request first (INVALID_ARGUMENT naming the field) and
// changes nothing on error. Thread-safe.
#ifndef HEALTHCONTENT_API_CATALOG_QUERY_H_
#define HEALTHCONTENT_API_CATALOG_QUERY_H_

#include "absl/status/status.h"
#include "api/service_context.h"
#include "healthcontent/v1/change_service.pb.h"
#include "healthcontent/v1/reference_service.pb.h"
#include "healthcontent/v1/therapy_type_service.pb.h"

namespace healthcontent::api {

// One therapy type by name (NOT_FOUND when there is none).
absl::Status GetTherapyType(const ServiceContext& services, const CallScope& call,
                            const v1::GetTherapyTypeRequest& request, v1::TherapyType* response);
// Therapy types by slug, a page at a time; article counts are today's.
absl::Status ListTherapyTypes(const ServiceContext& services, const CallScope& call,
                              const v1::ListTherapyTypesRequest& request,
                              v1::ListTherapyTypesResponse* response);
// Creates or replaces a therapy type at the call's clock reading.
absl::Status UpsertTherapyType(const CallScope& call, const v1::UpsertTherapyTypeRequest& request,
                               v1::TherapyType* response);

// One reference by name (NOT_FOUND when there is none).
absl::Status GetReference(const CallScope& call, const v1::GetReferenceRequest& request,
                          v1::Reference* response);
// References by id, a page at a time.
absl::Status ListReferences(const CallScope& call, const v1::ListReferencesRequest& request,
                            v1::ListReferencesResponse* response);

// Changes after request.since, oldest first: at most page_size (default
// 100, at most 1000), with the sequence to continue from and the latest
// sequence committed when the call began (never below next_since).
absl::Status ListChanges(const CallScope& call, const v1::ListChangesRequest& request,
                         v1::ListChangesResponse* response);

}  // namespace healthcontent::api

#endif  // HEALTHCONTENT_API_CATALOG_QUERY_H_
