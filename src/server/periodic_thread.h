// A thread that runs a task now and then every `interval`, sooner when woken,
// until stopped: the primary's scheduler (scheduled revisions) and the
// replica's bundle watcher.
#ifndef HEALTHCONTENT_SERVER_PERIODIC_THREAD_H_
#define HEALTHCONTENT_SERVER_PERIODIC_THREAD_H_

#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace healthcontent::server {

class PeriodicThread {
 public:
  // Starts the thread: `task` runs at once, then `interval` after each run
  // ends, or as soon as Wake() is called. `interval` must be positive.
  PeriodicThread(absl::Duration interval, std::function<void()> task);
  // Stops.
  ~PeriodicThread();
  PeriodicThread(const PeriodicThread&) = delete;
  PeriodicThread& operator=(const PeriodicThread&) = delete;

  // Runs the task again as soon as the current run (if any) ends.
  void Wake();
  // Waits for a run in progress to end and ends the thread; the task never
  // runs again. Idempotent.
  void Stop();

 private:
  void Run();

  const absl::Duration interval_;
  const std::function<void()> task_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool woken_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace healthcontent::server

#endif  // HEALTHCONTENT_SERVER_PERIODIC_THREAD_H_
