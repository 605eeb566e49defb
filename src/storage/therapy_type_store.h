// Therapy types: the kinds of therapy articles cover.
#ifndef HEALTHCONTENT_STORAGE_THERAPY_TYPE_STORE_H_
#define HEALTHCONTENT_STORAGE_THERAPY_TYPE_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "healthcontent/v1/therapy_type.pb.h"
#include "storage/storage.h"

namespace healthcontent::storage {

// Thread-safe.
class TherapyTypeStore {
 public:
  explicit TherapyTypeStore(Storage* storage) : storage_(storage) {}

  // therapyTypes/{slug} with article_count (live articles whose revision in
  // force covers it). NotFound names it when absent.
  absl::StatusOr<v1::TherapyType> Get(const std::string& slug) const;

  struct Page {
    std::vector<v1::TherapyType> therapy_types;
    bool has_more = false;  // resume after therapy_types.back()'s slug
  };
  // Therapy types with slug > after_slug, by slug, with article counts.
  absl::StatusOr<Page> List(const std::string& after_slug, int limit) const;

  // Creates or replaces a validated therapy type (durably) and returns it as stored.
  absl::StatusOr<v1::TherapyType> Upsert(const v1::TherapyType& therapy_type, absl::Time now);

 private:
  Storage* storage_;
};

}  // namespace healthcontent::storage

#endif  // HEALTHCONTENT_STORAGE_THERAPY_TYPE_STORE_H_
