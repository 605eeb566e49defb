#include "api/serving_state.h"

#include <cassert>
#include <utility>

#include "common/date.h"

namespace healthcontent::api {

ServingState::ServingState(Clock clock)
    : clock_(clock ? std::move(clock) : Clock([] { return absl::Now(); })) {}

absl::CivilDay ServingState::Today() const { return UtcDay(Now()); }

std::shared_ptr<const storage::Dataset> ServingState::data() const {
  absl::ReaderMutexLock lock(&data_mu_);
  return data_;
}

void ServingState::ServePrimary(const std::shared_ptr<storage::Dataset>& data) {
  {
    absl::MutexLock lock(&data_mu_);
    assert(data_ == nullptr && "ServePrimary is called once, before serving");
    data_ = data;
  }
  data->storage->AddCommitListener([this] { Announce(); });
}

void ServingState::Swap(std::shared_ptr<const storage::Dataset> data) {
  {
    absl::MutexLock lock(&data_mu_);
    data_ = std::move(data);
  }
  Announce();
}

int ServingState::AddListener(std::function<void()> listener) {
  absl::MutexLock lock(&listeners_mu_);
  const int id = next_listener_++;
  listeners_.emplace(id, std::move(listener));
  return id;
}

void ServingState::RemoveListener(int id) {
  absl::MutexLock lock(&listeners_mu_);
  listeners_.erase(id);
}

void ServingState::Announce() const {
  // Listeners run under the (shared) lock: RemoveListener waits for them.
  absl::ReaderMutexLock lock(&listeners_mu_);
  for (const auto& [id, listener] : listeners_) listener();
}

}  // namespace healthcontent::api
