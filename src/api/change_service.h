// healthcontent.v1.ChangeService: the change feed, polled (ListChanges) or
// streamed (WatchChanges).
//
// A watch stream pulls from the database: it reads at most kWatchBatch
// changes at a time and writes them one by one, reading the next batch only
// when the client has taken the last. Memory per stream is therefore bounded
// no matter how far behind a consumer is, a slow consumer delays nobody but
// itself, and order, gaps and duplicates are those of the `changes` table:
// none. New commits wake idle streams through ChangeHub.
#ifndef HEALTHCONTENT_API_CHANGE_SERVICE_H_
#define HEALTHCONTENT_API_CHANGE_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "api/service_context.h"
#include "healthcontent/v1/change_service.grpc.pb.h"
#include "storage/change_log.h"

namespace healthcontent::api {

inline constexpr int kWatchBatch = 100;

class WatchReactor;

// The open watch streams. Thread-safe.
class ChangeHub {
 public:
  // Wakes every idle stream to look for new changes (after a commit).
  void NotifyAll();
  // Ends every stream with UNAVAILABLE and refuses new ones (server shutdown).
  void Shutdown();

  // For WatchReactor: false when shut down (the stream must end at once).
  bool Add(WatchReactor* reactor);
  void Remove(WatchReactor* reactor);

 private:
  // The registered reactors, each with a reference the caller must drop.
  std::vector<WatchReactor*> Snapshot();

  absl::Mutex mu_;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_set<WatchReactor*> reactors_ ABSL_GUARDED_BY(mu_);
};

class ChangeService final : public v1::ChangeService::CallbackService {
 public:
  ChangeService(const ServiceContext* services, ChangeHub* hub)
      : services_(services), hub_(hub) {}

  grpc::ServerUnaryReactor* ListChanges(grpc::CallbackServerContext* context,
                                        const v1::ListChangesRequest* request,
                                        v1::ListChangesResponse* response) override;
  grpc::ServerWriteReactor<v1::Change>* WatchChanges(
      grpc::CallbackServerContext* context, const v1::WatchChangesRequest* request) override;

 private:
  absl::Status List(const v1::ListChangesRequest& request,
                    v1::ListChangesResponse* response) const;

  const ServiceContext* services_;
  ChangeHub* hub_;
};

}  // namespace healthcontent::api

#endif  // HEALTHCONTENT_API_CHANGE_SERVICE_H_
