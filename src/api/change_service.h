// healthcontent.v1.ChangeService: the change feed, polled (ListChanges) or
// streamed (WatchChanges).
//
// A watch stream pulls: it takes at most kWatchBatch changes at a time and
// writes them one by one, taking the next batch only when the client has
// taken the last. Memory per stream is therefore bounded however far behind
// a consumer is, a slow consumer delays nobody but itself, and order, gaps
// and duplicates are those of the `changes` table: none.
//
// What a flood of streams can cost is bounded by the ChangeHub:
//  - admission: at most WatchLimits::max_streams streams in all and
//    max_streams_per_client from one client address (common/client_address.h);
//    a stream over either is refused at once with RESOURCE_EXHAUSTED naming
//    the limit;
//  - replay: a stream catching up on history older than the hub's in-memory
//    tail reads it from the database under one token bucket shared by all
//    streams (replay_rate changes a second), so catching up cannot take the
//    CPU from unary reads however many streams do it;
//  - commits: a commit only signals the hub's thread, which reads the new
//    changes from the database once into the tail and hands them to the
//    streams that are caught up. A publish waits for none of this, and an
//    idle stream costs no database read per commit.
#ifndef HEALTHCONTENT_API_CHANGE_SERVICE_H_
#define HEALTHCONTENT_API_CHANGE_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "api/service_context.h"
#include "common/token_bucket.h"
#include "healthcontent/v1/change_service.grpc.pb.h"

namespace healthcontent::api {

inline constexpr int kWatchBatch = 100;

struct WatchLimits {
  // Streams open at once, across all clients.
  int max_streams = 1000;
  // Streams open at once from one client address.
  int max_streams_per_client = 20;
  // Changes a second that all streams together may replay from the
  // database (history older than the in-memory tail). Zero or less: no limit.
  double replay_rate = 10000;
  // The most recent changes kept in memory for streams that are caught up.
  int tail_size = 1024;
};

class WatchReactor;

// The open watch streams, their limits and the feed's in-memory tail.
// Thread-safe. Owns one thread, stopped by Shutdown() (or the destructor).
class ChangeHub {
 public:
  // Refused streams are reported through `on_refused` with the reason
  // "server" (max_streams) or "client" (max_streams_per_client); it may be
  // empty.
  ChangeHub(const ServiceContext* services, WatchLimits limits,
            std::function<void(const char* reason)> on_refused = {});
  ~ChangeHub();
  ChangeHub(const ChangeHub&) = delete;
  ChangeHub& operator=(const ChangeHub&) = delete;

  // New changes may have committed (or a replica switched bundles). Returns
  // at once: the hub's thread reads them and wakes the streams.
  void NotifyAll();
  // Ends every stream with UNAVAILABLE, refuses new ones and stops the
  // thread. Idempotent.
  void Shutdown();

  // Streams open now.
  int open_streams() const;
  // Changes replayed from the database (not from the tail) so far.
  int64_t replayed() const { return replayed_.load(std::memory_order_relaxed); }

  // For WatchReactor.
  // Registers `reactor` for `client`: OK, RESOURCE_EXHAUSTED over a limit,
  // UNAVAILABLE after Shutdown. A refused reactor is not registered.
  absl::Status Add(WatchReactor* reactor, const std::string& client);
  // Unregisters (a no-op for a reactor that was refused).
  void Remove(WatchReactor* reactor);
  // Moves up to `limit` changes with sequence > `since` from the tail into
  // `out` (none when there are none yet); false when `since` is older than
  // the tail, so the caller must replay from the database.
  bool TakeFromTail(int64_t since, int limit,
                    std::deque<std::shared_ptr<const v1::Change>>* out) const;
  // Up to `want` changes' worth of the replay budget; 0 when it is spent
  // (then call WaitForReplay).
  int TakeReplayBudget(int want);
  void CountReplayed(int changes) { replayed_.fetch_add(changes, std::memory_order_relaxed); }
  // Wakes `reactor` once the budget has refilled, in the order they asked.
  void WaitForReplay(WatchReactor* reactor);

 private:
  void Run();
  // Reads the changes committed since the tail's end into the tail.
  void RefreshTail();
  // The registered reactors, each with a reference the caller must drop.
  std::vector<WatchReactor*> Snapshot();

  const ServiceContext* const services_;
  const WatchLimits limits_;
  const std::function<void(const char*)> on_refused_;
  TokenBucket replay_budget_;
  std::atomic<int64_t> replayed_{0};

  mutable absl::Mutex mu_;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
  bool notified_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_map<WatchReactor*, std::string> reactors_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, int> per_client_ ABSL_GUARDED_BY(mu_);
  std::deque<WatchReactor*> waiting_ ABSL_GUARDED_BY(mu_);
  // A stream joined waiting_ since Run last looked: Run recomputes its sleep.
  bool waiting_grew_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_set<WatchReactor*> waiting_set_ ABSL_GUARDED_BY(mu_);
  // The tail: every change with tail_floor_ < sequence <= tail_last_, in
  // order. Invalid (no data yet) while tail_last_ < 0.
  std::deque<std::shared_ptr<const v1::Change>> tail_ ABSL_GUARDED_BY(mu_);
  int64_t tail_floor_ ABSL_GUARDED_BY(mu_) = -1;
  int64_t tail_last_ ABSL_GUARDED_BY(mu_) = -1;

  std::thread thread_;
};

// The service. It owns its ChangeHub, which it wakes on every change the
// serving state announces (a commit, a replica's bundle swap).
class ChangeService final : public v1::ChangeService::CallbackService {
 public:
  // `services` (and its ServingState) outlive this object. Refused streams
  // are reported through `on_refused` as for ChangeHub.
  ChangeService(const ServiceContext* services, WatchLimits limits,
                std::function<void(const char* reason)> on_refused = {});
  // Shuts down (below).
  ~ChangeService() override;

  grpc::ServerUnaryReactor* ListChanges(grpc::CallbackServerContext* context,
                                        const v1::ListChangesRequest* request,
                                        v1::ListChangesResponse* response) override;
  grpc::ServerWriteReactor<v1::Change>* WatchChanges(
      grpc::CallbackServerContext* context, const v1::WatchChangesRequest* request) override;

  // Ends every watch stream with UNAVAILABLE and refuses new ones, so that a
  // server's drain waits only for ordinary calls. Idempotent.
  void Shutdown();

  // Watch streams open now.
  int open_streams() const { return hub_.open_streams(); }
  // Changes replayed from the database (not from the in-memory tail) so far.
  int64_t replayed() const { return hub_.replayed(); }

 private:
  const ServiceContext* const services_;
  ChangeHub hub_;
  // The hub's registration with the serving state.
  const int listener_;
};

}  // namespace healthcontent::api

#endif  // HEALTHCONTENT_API_CHANGE_SERVICE_H_
