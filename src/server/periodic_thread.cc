#include "server/periodic_thread.h"

#include <cassert>
#include <utility>

namespace healthcontent::server {

PeriodicThread::PeriodicThread(absl::Duration interval, std::function<void()> task)
    : interval_(interval), task_(std::move(task)) {
  assert(interval > absl::ZeroDuration());
  thread_ = std::thread([this] { Run(); });
}

PeriodicThread::~PeriodicThread() { Stop(); }

void PeriodicThread::Wake() {
  absl::MutexLock lock(&mu_);
  woken_ = true;
}

void PeriodicThread::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void PeriodicThread::Run() {
  absl::MutexLock lock(&mu_);
  while (!stopping_) {
    woken_ = false;
    mu_.Unlock();
    task_();
    mu_.Lock();
    auto woken = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || woken_; };
    mu_.AwaitWithTimeout(absl::Condition(&woken), interval_);
  }
}

}  // namespace healthcontent::server
