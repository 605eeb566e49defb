// What the services serve and when: the current dataset, the announcement
// that it changed, and the clock.
//
//  - data: a primary serves one Dataset for its whole life (ServePrimary); a
//    replica switches to each newer bundle (Swap). Calls take data() once and
//    use only that, so a swap never changes the data under a call.
//  - change: listeners (AddListener) run after every commit of the primary's
//    data and after every swap. They wake whoever follows the data (the
//    change feed's hub, the search index) and must return at once.
//  - clock: fixed at construction; tests inject one to move "today".
//
// Thread-safe. Outlives every service that borrows it (the Server owns it).
#ifndef HEALTHCONTENT_API_SERVING_STATE_H_
#define HEALTHCONTENT_API_SERVING_STATE_H_

#include <functional>
#include <map>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "storage/dataset.h"

namespace healthcontent::api {

class ServingState {
 public:
  using Clock = std::function<absl::Time()>;

  // `clock` must be callable from any thread; empty means absl::Now.
  explicit ServingState(Clock clock = {});
  ServingState(const ServingState&) = delete;
  ServingState& operator=(const ServingState&) = delete;

  // The clock's reading, and its UTC day (the day articles are served for).
  absl::Time Now() const { return clock_(); }
  absl::CivilDay Today() const;

  // The data a call reads: take it once per call and use only that. Null on
  // a replica that has no bundle yet.
  std::shared_ptr<const storage::Dataset> data() const;

  // Primary: serves `data` from now on and announces each of its commits.
  // Call once, before serving, with no data served yet; `data` outlives
  // this object's announcements (the Server keeps both until it stops).
  void ServePrimary(const std::shared_ptr<storage::Dataset>& data);
  // Replica: switches to `data` atomically and announces the switch. Calls
  // already holding the old data finish on it.
  void Swap(std::shared_ptr<const storage::Dataset> data);

  // Registers `listener` to run after every commit and every swap, on the
  // committing or swapping thread; it must be quick. Returns an id for
  // RemoveListener. Listeners may be added and removed while serving.
  int AddListener(std::function<void()> listener);
  // Unregisters; once it returns, the listener is not running and never
  // runs again.
  void RemoveListener(int id);

 private:
  void Announce() const;

  const Clock clock_;
  mutable absl::Mutex data_mu_;
  std::shared_ptr<const storage::Dataset> data_ ABSL_GUARDED_BY(data_mu_);
  mutable absl::Mutex listeners_mu_;
  std::map<int, std::function<void()>> listeners_ ABSL_GUARDED_BY(listeners_mu_);
  int next_listener_ ABSL_GUARDED_BY(listeners_mu_) = 0;
};

}  // namespace healthcontent::api

#endif  // HEALTHCONTENT_API_SERVING_STATE_H_
