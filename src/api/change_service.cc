#include "api/change_service.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/catalog_query.h"
#include "api/status.h"
#include "api/unary_call.h"
#include "common/field_errors.h"
#include "common/log.h"
#include "common/status_macros.h"

namespace healthcontent::api {

// One WatchChanges stream.
//
// gRPC may run a reaction (OnWriteDone, OnDone) inline inside StartWrite or
// Finish when called from a thread outside gRPC, so neither is ever called
// with mu_ held, and the hub never holds its lock while calling a reactor.
// Lock order: a reactor's mu_, then the hub's.
// Lifetime: one reference belongs to gRPC (dropped in OnDone), the hub takes
// a temporary one while it calls Wake or EndForShutdown.
class WatchReactor : public grpc::ServerWriteReactor<v1::Change> {
 public:
  WatchReactor(const ServiceContext* services, ChangeHub* hub, int64_t since)
      : services_(services), hub_(hub), since_(since) {}

  // Starts replaying (after the hub admitted the stream).
  void Start() { Drive(); }

  // Ends the stream at once with `status` (it was not admitted).
  void Refuse(const grpc::Status& status) {
    {
      absl::MutexLock lock(&mu_);
      finished_ = true;
    }
    Finish(status);
  }

  // New changes may have committed, or the replay budget has refilled.
  void Wake() { Drive(); }

  // Server shutdown: end the stream after the write in flight, if any.
  void EndForShutdown() {
    {
      absl::MutexLock lock(&mu_);
      if (!pending_finish_.has_value()) {
        pending_finish_ = grpc::Status(
            grpc::StatusCode::UNAVAILABLE,
            absl::StrCat("the server is shutting down; reconnect with since=", since_));
      }
    }
    Drive();
  }

  void Ref() { refs_.fetch_add(1); }
  void Unref() {
    if (refs_.fetch_sub(1) == 1) delete this;
  }

  void OnWriteDone(bool ok) override {
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (!ok && !pending_finish_.has_value()) {
        pending_finish_ = grpc::Status(grpc::StatusCode::CANCELLED, "the client went away");
      }
    }
    Drive();
  }

  void OnCancel() override {
    {
      absl::MutexLock lock(&mu_);
      if (!pending_finish_.has_value()) pending_finish_ = grpc::Status::CANCELLED;
    }
    Drive();
  }

  void OnDone() override {
    hub_->Remove(this);
    Unref();
  }

 private:
  enum class Action { kNone, kWrite, kFinish, kWaitForBudget };

  // Performs the next step: write the next change, finish, or nothing (a
  // write is in flight, or there is nothing new until the next Wake).
  void Drive() {
    ChangeHub* const hub = hub_;  // `this` may be gone once Decide lets go of mu_
    grpc::Status finish_status;
    const Action action = Decide(&finish_status);
    if (action == Action::kWrite) StartWrite(current_.get());
    if (action == Action::kFinish) Finish(finish_status);
    if (action == Action::kWaitForBudget) hub->WaitForReplay(this);  // a key only
  }

  Action Decide(grpc::Status* finish_status) {
    absl::MutexLock lock(&mu_);
    if (finished_ || writing_) return Action::kNone;
    if (pending_finish_.has_value()) {
      finished_ = true;
      *finish_status = *pending_finish_;
      return Action::kFinish;
    }
    if (buffer_.empty() && !hub_->TakeFromTail(since_, kWatchBatch, &buffer_)) {
      // Older than the tail: replay from the database, within the budget.
      // The current data each time: on a replica, a newer bundle continues
      // the same sequence. No bundle yet: wait for the hub's wake-up.
      const std::shared_ptr<const storage::Dataset> data = services_->data();
      if (data == nullptr) return Action::kNone;
      const int granted = hub_->TakeReplayBudget(kWatchBatch);
      if (granted == 0) return Action::kWaitForBudget;
      absl::StatusOr<std::vector<v1::Change>> batch = data->change_log->After(since_, granted);
      if (!batch.ok()) {
        finished_ = true;
        *finish_status = ToGrpcStatus(batch.status());
        return Action::kFinish;
      }
      hub_->CountReplayed(static_cast<int>(batch->size()));
      for (auto& change : *batch) {
        buffer_.push_back(std::make_shared<const v1::Change>(std::move(change)));
      }
    }
    if (buffer_.empty()) return Action::kNone;
    current_ = std::move(buffer_.front());
    buffer_.pop_front();
    since_ = current_->sequence();
    writing_ = true;
    return Action::kWrite;
  }

  const ServiceContext* services_;
  ChangeHub* hub_;
  std::atomic<int> refs_{1};
  absl::Mutex mu_;
  int64_t since_ ABSL_GUARDED_BY(mu_);
  std::deque<std::shared_ptr<const v1::Change>> buffer_ ABSL_GUARDED_BY(mu_);
  // Written only while no write is in flight; gRPC reads it during one.
  std::shared_ptr<const v1::Change> current_;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<grpc::Status> pending_finish_ ABSL_GUARDED_BY(mu_);
};

ChangeHub::ChangeHub(const ServiceContext* services, WatchLimits limits,
                     std::function<void(const char*)> on_refused)
    : services_(services),
      limits_(limits),
      on_refused_(std::move(on_refused)),
      // A tenth of a second's worth saved up, and at least one batch.
      replay_budget_(limits.replay_rate, std::max<double>(kWatchBatch, limits.replay_rate / 10),
                     absl::Now()) {
  // The tail starts at the newest change (a replica's: once a bundle arrives).
  RefreshTail();
  thread_ = std::thread([this] { Run(); });
}

ChangeHub::~ChangeHub() { Shutdown(); }

int ChangeHub::open_streams() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(reactors_.size());
}

absl::Status ChangeHub::Add(WatchReactor* reactor, const std::string& client) {
  absl::MutexLock lock(&mu_);
  if (shut_down_) {
    return absl::UnavailableError("the server is shutting down; reconnect to another server");
  }
  if (static_cast<int>(reactors_.size()) >= limits_.max_streams) {
    if (on_refused_) on_refused_("server");
    return absl::ResourceExhaustedError(absl::StrCat(
        "this server already has ", reactors_.size(),
        " WatchChanges streams open, its limit (--max_watch_streams); retry later or poll "
        "ListChanges"));
  }
  auto [it, inserted] = per_client_.try_emplace(client, 0);
  if (it->second >= limits_.max_streams_per_client) {
    if (on_refused_) on_refused_("client");
    return absl::ResourceExhaustedError(absl::StrCat(
        "client ", client.substr(0, 64), " already has ", it->second,
        " WatchChanges streams open, the limit per client (--max_watch_streams_per_client); "
        "close one first"));
  }
  ++it->second;
  reactors_.emplace(reactor, client);
  return absl::OkStatus();
}

void ChangeHub::Remove(WatchReactor* reactor) {
  absl::MutexLock lock(&mu_);
  auto it = reactors_.find(reactor);
  if (it == reactors_.end()) return;
  auto client = per_client_.find(it->second);
  if (--client->second == 0) per_client_.erase(client);
  reactors_.erase(it);
  waiting_set_.erase(reactor);
}

bool ChangeHub::TakeFromTail(int64_t since, int limit,
                             std::deque<std::shared_ptr<const v1::Change>>* out) const {
  absl::MutexLock lock(&mu_);
  if (tail_last_ < 0 || since < tail_floor_) return false;
  auto first = std::upper_bound(tail_.begin(), tail_.end(), since,
                                [](int64_t value, const std::shared_ptr<const v1::Change>& change) {
                                  return value < change->sequence();
                                });
  for (auto it = first; it != tail_.end() && limit > 0; ++it, --limit) out->push_back(*it);
  return true;
}

int ChangeHub::TakeReplayBudget(int want) { return replay_budget_.Take(want, absl::Now()); }

void ChangeHub::WaitForReplay(WatchReactor* reactor) {
  absl::MutexLock lock(&mu_);
  if (!reactors_.contains(reactor) || !waiting_set_.insert(reactor).second) return;
  waiting_.push_back(reactor);
  waiting_grew_ = true;
}

std::vector<WatchReactor*> ChangeHub::Snapshot() {
  absl::MutexLock lock(&mu_);
  std::vector<WatchReactor*> out;
  out.reserve(reactors_.size());
  for (const auto& [reactor, client] : reactors_) {
    reactor->Ref();
    out.push_back(reactor);
  }
  return out;
}

void ChangeHub::NotifyAll() {
  absl::MutexLock lock(&mu_);
  notified_ = true;
}

void ChangeHub::RefreshTail() {
  const std::shared_ptr<const storage::Dataset> data = services_->data();
  if (data == nullptr) return;
  absl::StatusOr<int64_t> latest = data->change_log->LatestSequence();
  if (!latest.ok()) {
    LogWarn("change feed: reading the newest sequence failed",
            {{"error", latest.status().ToString()}});
    return;
  }
  int64_t from;
  {
    absl::MutexLock lock(&mu_);
    from = tail_last_;
    if (from < 0 || *latest < from || *latest - from > limits_.tail_size) {
      // First use, or too far behind (a replica's new bundle): start an
      // empty tail at the newest change; older history is replayed.
      tail_.clear();
      tail_floor_ = tail_last_ = *latest;
      return;
    }
  }
  while (from < *latest) {
    absl::StatusOr<std::vector<v1::Change>> batch = data->change_log->After(from, kWatchBatch);
    if (!batch.ok() || batch->empty()) return;
    absl::MutexLock lock(&mu_);
    for (auto& change : *batch) {
      tail_.push_back(std::make_shared<const v1::Change>(std::move(change)));
    }
    tail_last_ = from = tail_.back()->sequence();
    while (static_cast<int>(tail_.size()) > limits_.tail_size) {
      tail_floor_ = tail_.front()->sequence();
      tail_.pop_front();
    }
  }
}

void ChangeHub::Run() {
  absl::MutexLock lock(&mu_);
  while (!shut_down_) {
    absl::Duration wait = absl::InfiniteDuration();
    if (!waiting_.empty()) {
      wait = std::max(replay_budget_.TimeUntil(kWatchBatch, absl::Now()), absl::Milliseconds(1));
    }
    auto notified_or_stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return shut_down_ || notified_ || waiting_grew_;
    };
    mu_.AwaitWithTimeout(absl::Condition(&notified_or_stopping), wait);
    if (shut_down_) break;
    waiting_grew_ = false;
    const bool refresh = notified_;
    notified_ = false;
    mu_.Unlock();
    if (refresh) {
      RefreshTail();
      for (WatchReactor* reactor : Snapshot()) {
        reactor->Wake();
        reactor->Unref();
      }
    }
    // Streams waiting to replay, oldest first, a batch each while the budget
    // lasts (so a replay reads whole batches, not one change per query).
    while (replay_budget_.TimeUntil(kWatchBatch, absl::Now()) == absl::ZeroDuration()) {
      WatchReactor* next = nullptr;
      {
        absl::MutexLock waiting_lock(&mu_);
        while (next == nullptr && !waiting_.empty()) {
          WatchReactor* candidate = waiting_.front();
          waiting_.pop_front();
          if (waiting_set_.erase(candidate) > 0) next = candidate;
        }
        if (next != nullptr) next->Ref();
      }
      if (next == nullptr) break;
      next->Wake();
      next->Unref();
    }
    mu_.Lock();
  }
}

void ChangeHub::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    shut_down_ = true;
  }
  for (WatchReactor* reactor : Snapshot()) {
    reactor->EndForShutdown();
    reactor->Unref();
  }
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

ChangeService::ChangeService(const ServiceContext* services, WatchLimits limits,
                             std::function<void(const char*)> on_refused)
    : services_(services),
      hub_(services, limits, std::move(on_refused)),
      listener_(services->serving->AddListener([this] { hub_.NotifyAll(); })) {}

ChangeService::~ChangeService() {
  services_->serving->RemoveListener(listener_);
  Shutdown();
}

void ChangeService::Shutdown() { hub_.Shutdown(); }

grpc::ServerUnaryReactor* ChangeService::ListChanges(grpc::CallbackServerContext* context,
                                                     const v1::ListChangesRequest* request,
                                                     v1::ListChangesResponse* response) {
  static constexpr UnaryMethod kListChanges{"/healthcontent.v1.ChangeService/ListChanges",
                                            Role::kNone};
  return Unary(*services_, context, kListChanges, *request,
               [&](const CallScope& call) { return api::ListChanges(call, *request, response); });
}

grpc::ServerWriteReactor<v1::Change>* ChangeService::WatchChanges(
    grpc::CallbackServerContext* context, const v1::WatchChangesRequest* request) {
  absl::Status status = BeginCall(*services_, *context, Role::kNone);
  if (status.ok() && request->since() < 0) {
    status = InvalidFieldError("since", "must not be negative");
  }
  auto* reactor = new WatchReactor(services_, &hub_, request->since());
  if (status.ok()) status = hub_.Add(reactor, CallClient(*services_, *context));
  if (!status.ok()) {
    // Over a stream limit: clients with a retry policy wait this long.
    if (absl::IsResourceExhausted(status)) {
      context->AddTrailingMetadata("grpc-retry-pushback-ms", "5000");
    }
    reactor->Refuse(ToGrpcStatus(status));
    return reactor;
  }
  reactor->Start();
  return reactor;
}

}  // namespace healthcontent::api
