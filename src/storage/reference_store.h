// References: works cited by articles, shared between articles that cite the
// same work. Written only as part of publishing an article (ArticleStore).
#ifndef HEALTHCONTENT_STORAGE_REFERENCE_STORE_H_
#define HEALTHCONTENT_STORAGE_REFERENCE_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "healthcontent/v1/reference.pb.h"
#include "storage/storage.h"

namespace healthcontent::storage {

// Thread-safe.
class ReferenceStore {
 public:
  explicit ReferenceStore(Storage* storage) : storage_(storage) {}

  // references/{id} as most recently published. NotFound names it when absent.
  absl::StatusOr<v1::Reference> Get(const std::string& id) const;

  struct Page {
    std::vector<v1::Reference> references;
    bool has_more = false;  // resume after references.back()'s id
  };
  // References with id > after_id, by id.
  absl::StatusOr<Page> List(const std::string& after_id, int limit) const;

 private:
  Storage* storage_;
};

}  // namespace healthcontent::storage

#endif  // HEALTHCONTENT_STORAGE_REFERENCE_STORE_H_
