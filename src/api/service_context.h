// What every service of ours is built from: the serving state (data, change
// announcements, clock), the authorizer and the server's settings. Owned by
// the Server; services and queries only borrow it. No gRPC in it: queries
// (article_query.h and friends) take it and stay testable without a server.
#ifndef HEALTHCONTENT_API_SERVICE_CONTEXT_H_
#define HEALTHCONTENT_API_SERVICE_CONTEXT_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "api/serving_state.h"
#include "common/client_address.h"
#include "storage/dataset.h"

namespace healthcontent::search {
class IndexFollower;
}  // namespace healthcontent::search

namespace healthcontent::api {

class Authorizer;
class ResponseCache;
class UnaryObserver;

struct ServiceContext {
  // The data served, its change announcements and the clock. Required.
  ServingState* serving = nullptr;
  // Required by the gRPC services (api/unary_call.h); queries do not use it.
  const Authorizer* authorizer = nullptr;
  // Review status is DUE_SOON this many days before the next review date.
  int due_soon_days = 90;
  // Serving bundles read-only (a replica): writes are FAILED_PRECONDITION.
  bool read_only = false;
  // On a replica, the primary's address, named in that error (may be empty).
  std::string primary;
  // Peers whose X-Forwarded-For names the real client (see CallClient).
  TrustedProxies trusted_proxies;
  // When set and true, new calls are refused with RESOURCE_EXHAUSTED (the
  // server's memory guard; server/memory_guard.h).
  const std::atomic<bool>* overloaded = nullptr;
  // The search index (null: SearchArticles is UNAVAILABLE).
  search::IndexFollower* search = nullptr;
  // The largest message the server sends (--max_message_bytes): a listing
  // page stops short of it.
  int64_t max_response_bytes = 4 << 20;
  // Ready answers of the hot raw reads (api/response_cache.h); null: none.
  ResponseCache* response_cache = nullptr;
  // Counts and logs the unary calls of the raw methods (api/unary_call.h);
  // null: none.
  UnaryObserver* observer = nullptr;

  absl::Time Now() const { return serving->Now(); }
  // See ServingState::data().
  std::shared_ptr<const storage::Dataset> data() const { return serving->data(); }
};

// One call's fixed view of the service, taken as it begins. Queries read
// only this (and the ServiceContext's settings), so one call sees one
// dataset and one day throughout.
struct CallScope {
  std::shared_ptr<const storage::Dataset> data;  // never null
  absl::Time now;
  absl::CivilDay today;  // the UTC day of `now`
  // The caller holds an admin token (it may see withdrawn articles'
  // revisions). Set only for methods that ask for it (UnaryMethod).
  bool admin = false;
};

// The data for one call: UNAVAILABLE while a replica has no bundle yet.
absl::StatusOr<std::shared_ptr<const storage::Dataset>> CallData(const ServiceContext& services);

// The scope of a call beginning now (UNAVAILABLE as CallData).
absl::StatusOr<CallScope> BeginScope(const ServiceContext& services, bool admin = false);

// Listings, search and counts read the in-force index, which moves when a
// scheduled revision's day arrives. This brings it up to today first (a
// no-op costing one indexed lookup unless something is due), and the search
// index with it. Read-only servers skip it: their bundles are cut by the
// primary.
absl::Status CatchUpSchedules(const ServiceContext& services, const CallScope& call);

}  // namespace healthcontent::api

#endif  // HEALTHCONTENT_API_SERVICE_CONTEXT_H_
