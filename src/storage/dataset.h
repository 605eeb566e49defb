// One database and the stores over it: everything a call reads or writes.
//
// A primary opens one Dataset and keeps it. A read replica opens one per
// content bundle and swaps the server over to a newer one when it arrives;
// each call holds a reference to the Dataset it started with, so it reads
// one bundle from start to end and the old bundle closes when its last call
// ends.
#ifndef HEALTHCONTENT_STORAGE_DATASET_H_
#define HEALTHCONTENT_STORAGE_DATASET_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "storage/article_store.h"
#include "storage/bundle.h"
#include "storage/change_log.h"
#include "storage/knowledge_store.h"
#include "storage/reference_store.h"
#include "storage/search_source.h"
#include "storage/storage.h"
#include "storage/therapy_type_store.h"

namespace healthcontent::storage {

struct Dataset {
  // Opens (and, when writable, creates and migrates) the database at `path`.
  static absl::StatusOr<std::shared_ptr<Dataset>> Open(const std::string& path,
                                                       const Storage::Options& storage_options,
                                                       const ArticleStore::Options& options);

  // Opens a verified bundle read-only and immutable; `manifest` is what
  // VerifyBundle returned for it.
  static absl::StatusOr<std::shared_ptr<Dataset>> OpenBundle(const BundleManifest& manifest,
                                                             const ArticleStore::Options& options);

  // Different for every Dataset this process opens (never reused, unlike an
  // address): what identifies the data a derived answer was computed from.
  const uint64_t serial = NextSerial();

  std::unique_ptr<Storage> storage;
  std::unique_ptr<ArticleStore> articles;
  std::unique_ptr<TherapyTypeStore> therapy_types;
  std::unique_ptr<ReferenceStore> references;
  std::unique_ptr<ChangeLog> change_log;
  std::unique_ptr<KnowledgeStore> knowledge;
  std::unique_ptr<SearchSource> search_source;
  // Set when serving a bundle.
  std::optional<BundleManifest> bundle;

 private:
  static uint64_t NextSerial();
};

}  // namespace healthcontent::storage

#endif  // HEALTHCONTENT_STORAGE_DATASET_H_
