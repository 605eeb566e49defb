// A replica's bundles: serves the newest valid bundle of a directory and
// switches to each newer one as it arrives (storage/bundle.h). A corrupt or
// half-copied bundle is refused, logged once and never retried; the bundle
// served stays. Calls in flight finish on the bundle they started with (the
// switch is ServingState::Swap, which also wakes the change feed and the
// search index).
//
// Counts on /metrics: healthcontent_bundle_swaps_total,
// healthcontent_bundles_refused_total. Thread-safe.
#ifndef HEALTHCONTENT_SERVER_BUNDLE_WATCHER_H_
#define HEALTHCONTENT_SERVER_BUNDLE_WATCHER_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "api/serving_state.h"
#include "prometheus/counter.h"
#include "server/metrics.h"
#include "server/periodic_thread.h"
#include "storage/article_store.h"

namespace healthcontent::server {

class BundleWatcher {
 public:
  // `serving` and `metrics` outlive this object. `on_first` runs once, after
  // the first bundle is served (the server then says SERVING).
  BundleWatcher(std::string bundle_dir, storage::ArticleStore::Options store,
                api::ServingState* serving, Metrics* metrics, std::function<void()> on_first);

  // Switches to the newest valid bundle newer than the one served, if there
  // is one; true when it switched.
  bool CheckNow();
  // Checks every `interval` from now on, in a thread of its own, until
  // Stop() (or destruction).
  void Start(absl::Duration interval);
  // Wakes that thread to check now (SIGHUP).
  void RequestCheck();
  void Stop();

  // The directory name of the bundle served; empty before the first.
  std::string BundleName() const;

 private:
  const std::string bundle_dir_;
  const storage::ArticleStore::Options store_;
  api::ServingState* const serving_;
  const std::function<void()> on_first_;
  prometheus::Counter* const swaps_;
  prometheus::Counter* const refused_;

  mutable absl::Mutex mu_;
  std::string bundle_name_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<std::string> refused_bundles_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<PeriodicThread> thread_;
};

}  // namespace healthcontent::server

#endif  // HEALTHCONTENT_SERVER_BUNDLE_WATCHER_H_
