#include "storage/dataset.h"

#include <atomic>
#include <filesystem>

#include "common/status_macros.h"

namespace healthcontent::storage {

uint64_t Dataset::NextSerial() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

absl::StatusOr<std::shared_ptr<Dataset>> Dataset::Open(const std::string& path,
                                                       const Storage::Options& storage_options,
                                                       const ArticleStore::Options& options) {
  auto data = std::make_shared<Dataset>();
  ASSIGN_OR_RETURN(data->storage, Storage::Open(path, storage_options));
  data->articles = std::make_unique<ArticleStore>(data->storage.get(), options);
  data->therapy_types = std::make_unique<TherapyTypeStore>(data->storage.get());
  data->references = std::make_unique<ReferenceStore>(data->storage.get());
  data->change_log = std::make_unique<ChangeLog>(data->storage.get());
  data->knowledge = std::make_unique<KnowledgeStore>(data->storage.get());
  data->search_source = std::make_unique<SearchSource>(data->storage.get());
  return data;
}

absl::StatusOr<std::shared_ptr<Dataset>> Dataset::OpenBundle(const BundleManifest& manifest,
                                                             const ArticleStore::Options& options) {
  const std::string path = (std::filesystem::path(manifest.path) / manifest.database_file).string();
  ASSIGN_OR_RETURN(std::shared_ptr<Dataset> data,
                   Open(path, Storage::Options{.read_only = true, .immutable = true}, options));
  data->bundle = manifest;
  return data;
}

}  // namespace healthcontent::storage
