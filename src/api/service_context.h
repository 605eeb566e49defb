// What every gRPC service of ours is built from: the data (a Dataset), the
// authorizer and the clock. Owned by the Server; services only borrow it.
#ifndef HEALTHCONTENT_API_SERVICE_CONTEXT_H_
#define HEALTHCONTENT_API_SERVICE_CONTEXT_H_

#include <grpcpp/server_context.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "api/auth.h"
#include "common/client_address.h"
#include "storage/dataset.h"

namespace healthcontent::search {
class IndexFollower;
}  // namespace healthcontent::search

namespace healthcontent::api {

class ResponseCache;

struct ServiceContext {
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
  // The current time; tests replace it to move "today".
  std::function<absl::Time()> now = [] { return absl::Now(); };

  absl::CivilDay Today() const;

  // The data a call reads: take it once per call and use only that. Null
  // on a replica that has no bundle yet.
  std::shared_ptr<const storage::Dataset> data() const {
    absl::ReaderMutexLock lock(&data_mu_);
    return data_;
  }
  // Switches to `data` atomically; calls already holding the old one finish on it.
  void set_data(std::shared_ptr<const storage::Dataset> data) {
    absl::MutexLock lock(&data_mu_);
    data_ = std::move(data);
  }

 private:
  mutable absl::Mutex data_mu_;
  std::shared_ptr<const storage::Dataset> data_ ABSL_GUARDED_BY(data_mu_);
};

// The data for one call: UNAVAILABLE while a replica has no bundle yet.
absl::StatusOr<std::shared_ptr<const storage::Dataset>> CallData(const ServiceContext& services);

// Listings, search and counts read the in-force index, which moves when a
// scheduled revision's day arrives. This brings it up to today first (a
// no-op costing one indexed lookup unless something is due), and the search
// index with it. Read-only servers skip it: their bundles are cut by the
// primary.
absl::Status CatchUpSchedules(const ServiceContext& services, const storage::Dataset& data);

// The client a call is charged to: its IP address, or the address a
// trusted proxy forwarded it for (common/client_address.h).
std::string CallClient(const ServiceContext& services, const grpc::ServerContextBase& context);

// The checks every call starts with: ResourceExhausted while the server
// sheds load (ServiceContext::overloaded); DeadlineExceeded when the client's
// deadline has already passed (so no database work is done for it);
// FailedPrecondition for a write (`needed` above kReader) on a read-only
// replica, naming the primary; then `needed` (Role::kNone means a read, open
// unless reads require auth).
absl::Status BeginCall(const ServiceContext& services, const grpc::ServerContextBase& context,
                       Role needed);

}  // namespace healthcontent::api

#endif  // HEALTHCONTENT_API_SERVICE_CONTEXT_H_
