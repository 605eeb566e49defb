#include "server/bundle_watcher.h"

#include <filesystem>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "storage/bundle.h"
#include "storage/dataset.h"

namespace healthcontent::server {

BundleWatcher::BundleWatcher(std::string bundle_dir, storage::ArticleStore::Options store,
                             api::ServingState* serving, Metrics* metrics,
                             std::function<void()> on_first)
    : bundle_dir_(std::move(bundle_dir)),
      store_(store),
      serving_(serving),
      on_first_(std::move(on_first)),
      swaps_(&metrics->Counter("healthcontent_bundle_swaps_total",
                               "Bundles this replica switched to (the first included).")),
      refused_(&metrics->Counter(
          "healthcontent_bundles_refused_total",
          "Bundles this replica refused as corrupt, half-copied or of another schema.")) {}

bool BundleWatcher::CheckNow() {
  const std::vector<std::string> bundles = storage::ListBundles(bundle_dir_);
  bool first = false;
  {
    absl::MutexLock lock(&mu_);
    std::string chosen;
    for (const std::string& path : bundles) {  // newest first
      const std::string name = std::filesystem::path(path).filename().string();
      if (!bundle_name_.empty() && name <= bundle_name_) return false;  // nothing newer
      if (refused_bundles_.contains(name)) continue;
      absl::StatusOr<storage::BundleManifest> manifest = storage::VerifyBundle(path);
      absl::StatusOr<std::shared_ptr<storage::Dataset>> data =
          manifest.ok() ? storage::Dataset::OpenBundle(*manifest, store_)
                        : absl::StatusOr<std::shared_ptr<storage::Dataset>>(manifest.status());
      if (!data.ok()) {
        // A half-copied or corrupt bundle: refuse it, keep serving what we have.
        refused_bundles_.insert(name);
        refused_->Increment();
        LogError("refused bundle", {{"bundle", path},
                                    {"error", data.status().ToString()},
                                    {"serving", bundle_name_.empty() ? "none" : bundle_name_}});
        continue;
      }
      first = bundle_name_.empty();
      serving_->Swap(std::move(*data));
      bundle_name_ = name;
      swaps_->Increment();
      LogInfo("serving bundle", {{"bundle", path},
                                 {"change_sequence", absl::StrCat(manifest->change_sequence)},
                                 {"articles", absl::StrCat(manifest->article_count)},
                                 {"created", manifest->created}});
      chosen = name;
      break;
    }
    if (chosen.empty()) return false;
  }
  if (first && on_first_) on_first_();
  return true;
}

void BundleWatcher::Start(absl::Duration interval) {
  thread_ = std::make_unique<PeriodicThread>(interval, [this] { CheckNow(); });
}

void BundleWatcher::RequestCheck() {
  if (thread_ != nullptr) thread_->Wake();
}

void BundleWatcher::Stop() {
  if (thread_ != nullptr) thread_->Stop();
}

std::string BundleWatcher::BundleName() const {
  absl::MutexLock lock(&mu_);
  return bundle_name_;
}

}  // namespace healthcontent::server
