#include "api/change_service.h"

#include <algorithm>
#include <atomic>
#include <deque>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/status.h"
#include "common/field_errors.h"
#include "common/status_macros.h"

namespace healthcontent::api {

// One WatchChanges stream.
//
// gRPC may run a reaction (OnWriteDone, OnDone) inline inside StartWrite or
// Finish when called from a thread outside gRPC, so neither is ever called
// with mu_ held, and the hub never holds its lock while calling a reactor.
// Lifetime: one reference belongs to gRPC (dropped in OnDone), the hub takes
// a temporary one while it calls Wake or EndForShutdown.
class WatchReactor : public grpc::ServerWriteReactor<v1::Change> {
 public:
  WatchReactor(const ServiceContext* services, ChangeHub* hub, int64_t since)
      : services_(services), hub_(hub), since_(since) {}

  // Registers with the hub and starts replaying.
  void Start() {
    if (!hub_->Add(this)) {
      absl::MutexLock lock(&mu_);
      pending_finish_ = ShutdownStatus();
    }
    Drive();
  }

  // Ends the stream at once with `status` (before it was registered).
  void Refuse(const grpc::Status& status) {
    {
      absl::MutexLock lock(&mu_);
      finished_ = true;
    }
    Finish(status);
  }

  // New changes may have committed.
  void Wake() { Drive(); }

  // Server shutdown: end the stream after the write in flight, if any.
  void EndForShutdown() {
    {
      absl::MutexLock lock(&mu_);
      if (!pending_finish_.has_value()) pending_finish_ = ShutdownStatus();
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
  enum class Action { kNone, kWrite, kFinish };

  grpc::Status ShutdownStatus() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                        absl::StrCat("the server is shutting down; reconnect with since=",
                                     since_));
  }

  // Performs the next step: write the next change, finish, or nothing (a
  // write is in flight, or there is nothing new until the next Wake).
  void Drive() {
    grpc::Status finish_status;
    Action action = Decide(&finish_status);
    if (action == Action::kWrite) StartWrite(&current_);
    if (action == Action::kFinish) Finish(finish_status);
  }

  Action Decide(grpc::Status* finish_status) {
    absl::MutexLock lock(&mu_);
    if (finished_ || writing_) return Action::kNone;
    if (pending_finish_.has_value()) {
      finished_ = true;
      *finish_status = *pending_finish_;
      return Action::kFinish;
    }
    if (buffer_.empty()) {
      // The current data each time: on a replica, a newer bundle continues
      // the same sequence. No bundle yet: wait for the hub's wake-up.
      const std::shared_ptr<const storage::Dataset> data = services_->data();
      if (data == nullptr) return Action::kNone;
      absl::StatusOr<std::vector<v1::Change>> batch = data->change_log->After(since_, kWatchBatch);
      if (!batch.ok()) {
        finished_ = true;
        *finish_status = ToGrpcStatus(batch.status());
        return Action::kFinish;
      }
      for (auto& change : *batch) buffer_.push_back(std::move(change));
    }
    if (buffer_.empty()) return Action::kNone;
    current_ = std::move(buffer_.front());
    buffer_.pop_front();
    since_ = current_.sequence();
    writing_ = true;
    return Action::kWrite;
  }

  const ServiceContext* services_;
  ChangeHub* hub_;
  std::atomic<int> refs_{1};
  absl::Mutex mu_;
  int64_t since_ ABSL_GUARDED_BY(mu_);
  std::deque<v1::Change> buffer_ ABSL_GUARDED_BY(mu_);
  // Written only while no write is in flight; gRPC reads it during one.
  v1::Change current_;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<grpc::Status> pending_finish_ ABSL_GUARDED_BY(mu_);
};

bool ChangeHub::Add(WatchReactor* reactor) {
  absl::MutexLock lock(&mu_);
  if (shut_down_) return false;
  reactors_.insert(reactor);
  return true;
}

void ChangeHub::Remove(WatchReactor* reactor) {
  absl::MutexLock lock(&mu_);
  reactors_.erase(reactor);
}

std::vector<WatchReactor*> ChangeHub::Snapshot() {
  absl::MutexLock lock(&mu_);
  std::vector<WatchReactor*> out(reactors_.begin(), reactors_.end());
  for (WatchReactor* reactor : out) reactor->Ref();
  return out;
}

void ChangeHub::NotifyAll() {
  for (WatchReactor* reactor : Snapshot()) {
    reactor->Wake();
    reactor->Unref();
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
}

grpc::ServerUnaryReactor* ChangeService::ListChanges(grpc::CallbackServerContext* context,
                                                     const v1::ListChangesRequest* request,
                                                     v1::ListChangesResponse* response) {
  auto* reactor = context->DefaultReactor();
  absl::Status status = BeginCall(*services_, *context, Role::kNone);
  if (status.ok()) status = List(*request, response);
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

grpc::ServerWriteReactor<v1::Change>* ChangeService::WatchChanges(
    grpc::CallbackServerContext* context, const v1::WatchChangesRequest* request) {
  absl::Status status = BeginCall(*services_, *context, Role::kNone);
  if (status.ok() && request->since() < 0) {
    status = InvalidFieldError("since", "must not be negative");
  }
  auto* reactor = new WatchReactor(services_, hub_, request->since());
  if (!status.ok()) {
    reactor->Refuse(ToGrpcStatus(status));
    return reactor;
  }
  reactor->Start();
  return reactor;
}

absl::Status ChangeService::List(const v1::ListChangesRequest& request,
                                 v1::ListChangesResponse* response) const {
  if (request.since() < 0) return InvalidFieldError("since", "must not be negative");
  if (request.page_size() < 0) {
    return InvalidFieldError("page_size", absl::StrCat("must not be negative, got ",
                                                       request.page_size()));
  }
  int limit = request.page_size() == 0 ? 100 : std::min(request.page_size(), 1000);
  ASSIGN_OR_RETURN(const std::shared_ptr<const storage::Dataset> data, CallData(*services_));
  // Read the latest sequence first: every change listed is then <= it.
  ASSIGN_OR_RETURN(int64_t latest, data->change_log->LatestSequence());
  ASSIGN_OR_RETURN(auto changes, data->change_log->After(request.since(), limit));
  for (auto& change : changes) *response->add_changes() = std::move(change);
  response->set_next_since(response->changes().empty()
                               ? request.since()
                               : response->changes().rbegin()->sequence());
  response->set_latest_sequence(std::max(latest, response->next_since()));
  return absl::OkStatus();
}

}  // namespace healthcontent::api
