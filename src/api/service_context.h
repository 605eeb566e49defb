// What every gRPC service of ours is built from: the stores, the authorizer
// and the clock. Owned by the Server; services only borrow it.
#ifndef HEALTHCONTENT_API_SERVICE_CONTEXT_H_
#define HEALTHCONTENT_API_SERVICE_CONTEXT_H_

#include <grpcpp/server_context.h>

#include <functional>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "api/auth.h"
#include "storage/article_store.h"
#include "storage/reference_store.h"
#include "storage/therapy_type_store.h"

namespace healthcontent::api {

struct ServiceContext {
  storage::ArticleStore* articles = nullptr;
  storage::TherapyTypeStore* therapy_types = nullptr;
  storage::ReferenceStore* references = nullptr;
  const Authorizer* authorizer = nullptr;
  // Review status is DUE_SOON this many days before the next review date.
  int due_soon_days = 90;
  // Serving a read-only copy: writes are refused by storage.
  bool read_only = false;
  // The current time; tests replace it to move "today".
  std::function<absl::Time()> now = [] { return absl::Now(); };

  absl::CivilDay Today() const;
};

// Listings, search and counts read the in-force index, which moves when a
// scheduled revision's day arrives. This brings it up to today first (a
// no-op costing one indexed lookup unless something is due). Read-only
// servers skip it: their bundles are cut by the primary.
absl::Status CatchUpSchedules(const ServiceContext& services);

// The checks every call starts with: DeadlineExceeded when the client's
// deadline has already passed (so no database work is done for it), then
// `needed` (Role::kNone means a read, open unless reads require auth).
absl::Status BeginCall(const ServiceContext& services, const grpc::ServerContextBase& context,
                       Role needed);

}  // namespace healthcontent::api

#endif  // HEALTHCONTENT_API_SERVICE_CONTEXT_H_
